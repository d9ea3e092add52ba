import type Database from 'better-sqlite3';
import { ApiError, badRequest, type Bar, type BarsResult, type DataMethod } from '../../../src-shared';
import { ensureBundled } from '../../market-data/bundled';
import { ImportUploads } from '../../market-data/upload';
import { deleteSeries, getSeries, listSeries, readBars } from '../../store/bars';
import { need } from '../services';
import type { HandlersFor, RouteContext } from './types';

/** Consecutive bars merged into one (first open, highest high, lowest low, last close, summed volume). */
export function mergeBars(bars: readonly Bar[], limit: number): BarsResult {
  const merged = Math.max(1, Math.ceil(bars.length / limit));
  if (merged === 1) return { bars: [...bars], count: bars.length, merged };
  const out: Bar[] = [];
  for (let i = 0; i < bars.length; i += merged) {
    const group = bars.slice(i, i + merged);
    const first = group[0] as Bar;
    const last = group[group.length - 1] as Bar;
    let high = first.high;
    let low = first.low;
    let volume = 0;
    for (const b of group) {
      if (b.high > high) high = b.high;
      if (b.low < low) low = b.low;
      volume += b.volume;
    }
    out.push({ ts: first.ts, open: first.open, high, low, close: last.close, volume });
  }
  return { bars: out, count: bars.length, merged };
}

export function dataRoutes(ctx: RouteContext): HandlersFor<DataMethod> {
  const uploads = new ImportUploads();
  let bundledChecked = false;
  const db = (): Database.Database => need(ctx.services.library, 'Market data').db;
  return {
    'data.series': () => {
      const d = db();
      // the bundled data set goes into the cache on first use (a few hundred ms, once per library)
      if (!bundledChecked) {
        ensureBundled(d);
        bundledChecked = true;
      }
      return listSeries(d);
    },
    'data.bars': (p) => {
      const d = db();
      if (!getSeries(d, p.series)) throw badRequest(`No cached series ${p.series.exchange} ${p.series.symbol} ${p.series.timeframe}.`);
      const bars = readBars(d, p.series, { ...(p.since !== undefined ? { since: p.since } : {}), ...(p.until !== undefined ? { until: p.until } : {}) });
      return mergeBars(bars, p.limit);
    },
    'data.delete': (p) => {
      const d = db();
      const s = getSeries(d, p.series);
      if (!s) throw badRequest(`No cached series ${p.series.exchange} ${p.series.symbol} ${p.series.timeframe}.`);
      if (s.source === 'bundled') throw badRequest(`${s.name} ships with Bullpen and cannot be deleted.`);
      deleteSeries(d, p.series);
      return { ok: true as const };
    },
    'data.importBegin': (p) => uploads.begin(p),
    'data.importChunk': (p) => uploads.chunk(p.uploadId, p.index, p.text),
    'data.importCheck': (p) => uploads.check(p.uploadId, { timeframe: p.timeframe, timeZone: p.timeZone }),
    'data.importCommit': (p) => {
      if (!ctx.services.library) throw new ApiError({ code: 'internal', message: 'Market data is not available: the library is not open. Nothing was imported.' });
      return uploads.commit(ctx.services.library.db, p.uploadId, p.mode, p.symbol);
    },
    'data.importCancel': (p) => ({ ok: true as const, cancelled: uploads.cancel(p.uploadId) }),
  };
}
