import type Database from 'better-sqlite3';
import { type BarSeries, type BarSeriesKey, timeframeMs } from '../../src-shared/market-data';
import { getSeries, readBars, upsertSeries, writeBars } from '../store/bars';
import { type CsvImportResult, findGaps } from './csv';

/**
 * Writes an accepted CSV import into the bar cache as series `key` (exchange "csv"), all or nothing in
 * one transaction. Bars already stored for the same series stay (a bar at the same time is replaced)
 * and the series' gaps are recomputed over the whole of it. A series of another source under the same
 * key is never overwritten.
 */
export function storeCsvImport(db: Database.Database, key: BarSeriesKey, result: CsvImportResult, fileName: string): { series: BarSeries; written: number; added: number } {
  if (!result.accepted) throw new Error(`${fileName} was refused: nothing to store.`);
  const existing = getSeries(db, key);
  if (existing && existing.source !== 'csv') throw new Error(`a ${existing.source} series ${key.symbol} ${key.timeframe} exists already; pick another symbol.`);
  const meta = { source: 'csv' as const, name: key.symbol, calendar: result.calendar, gaps: result.report.gaps, origin: `imported from ${fileName}` };
  let added = 0;
  db.transaction(() => {
    upsertSeries(db, key, meta);
    added = writeBars(db, key, result.bars).added;
    if (existing) {
      const ts = readBars(db, key).map((b) => b.ts);
      upsertSeries(db, key, { ...meta, gaps: findGaps(ts, timeframeMs(key.timeframe), result.calendar) });
    }
  })();
  return { series: getSeries(db, key) as BarSeries, written: result.bars.length, added };
}
