import type Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bar, BarSeriesKey, ImportReport } from '../../src-shared/market-data';
import { getSeries, upsertSeries, writeBars } from '../store/bars';
import { resourcesDir } from '../resources';
import { importCsvText } from './csv';

/**
 * The data set that ships with Bullpen (resources/data, see SOURCE.md there), so historical mode works
 * offline out of the box: read with the same importer as user files, and put into the library's bar
 * cache on first use under the exchange name "bundled".
 */

export interface BundledDataSet {
  id: string;
  file: string;
  key: BarSeriesKey;
  name: string;
  origin: string;
}

export const BUNDLED_DATA_SETS: readonly BundledDataSet[] = [
  {
    id: 'sp500',
    file: 'sp500-2000.csv',
    key: { exchange: 'bundled', symbol: 'SP500', timeframe: '1d' },
    name: 'S&P 500 index, daily, 2000-01-03 … 2020-04-17',
    origin: 'vega-datasets 3.2.1 (BSD-3-Clause), values from Yahoo Finance; resources/data/SOURCE.md',
  },
];


export function bundledDataSet(id = 'sp500'): BundledDataSet {
  const ds = BUNDLED_DATA_SETS.find((d) => d.id === id);
  if (!ds) throw new Error(`No bundled data set "${id}"; there are ${BUNDLED_DATA_SETS.map((d) => d.id).join(', ')}.`);
  return ds;
}

/** Reads and validates a bundled data set from resources/data; throws if the shipped file is broken. */
export function loadBundled(id = 'sp500', dir = resourcesDir()): { dataSet: BundledDataSet; bars: Bar[]; report: ImportReport } {
  const ds = bundledDataSet(id);
  const path = join(dir, 'data', ds.file);
  const text = readFileSync(path, 'utf8');
  const r = importCsvText(text, { file: ds.file, mode: 'check', timeframe: ds.key.timeframe });
  if (!r.accepted) throw new Error(`The bundled data set ${path} did not validate: ${r.report.issues.slice(0, 3).map((i) => i.message).join('; ')}`);
  return { dataSet: ds, bars: r.bars, report: r.report };
}

/** Puts the bundled data sets into the bar cache unless they are there already; returns those added. */
export function ensureBundled(db: Database.Database, dir = resourcesDir()): string[] {
  const added: string[] = [];
  for (const ds of BUNDLED_DATA_SETS) {
    const have = getSeries(db, ds.key);
    if (have && have.count > 0) continue;
    const { bars, report } = loadBundled(ds.id, dir);
    db.transaction(() => {
      upsertSeries(db, ds.key, { source: 'bundled', name: ds.name, calendar: report.detected.calendar, gaps: report.gaps, origin: ds.origin });
      writeBars(db, ds.key, bars);
    })();
    added.push(ds.id);
  }
  return added;
}
