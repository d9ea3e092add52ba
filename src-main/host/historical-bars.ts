import type Database from 'better-sqlite3';
import { ApiError, badRequest } from '../../src-shared/api';
import type { HistoricalMarket, SessionConfig } from '../../src-shared/config';
import { timeframeMs, type Bar, type BarSeriesKey } from '../../src-shared/market-data';
import type { HistoricalBars } from '../../src-shared/worker-protocol';
import { ensureBundled } from '../market-data/bundled';
import { getSeries, readBars } from '../store/bars';

/**
 * The bars of a historical session, read from the library's bar cache (docs/DATA.md, "Historical
 * mode"): every series over [since, until] (inclusive), on one bar clock — the bar times all series
 * have in common. Anything that makes the session impossible (a series not in the cache, series of
 * different timeframes, an empty range, no common bar) is a `bad_request` naming the series, thrown
 * before anything starts. The bundled data set is put into the cache first if it is asked for.
 */

/** What the session host calls to get a historical session's bars (its option `loadBars`). */
export type BarLoader = (market: HistoricalMarket) => HistoricalBars;

function label(k: BarSeriesKey): string {
  return `${k.exchange} ${k.symbol} ${k.timeframe}`;
}

function day(ms: number): string {
  return new Date(ms).toISOString().replace('T00:00:00.000Z', '').replace('.000Z', 'Z');
}

export function loadHistoricalBars(db: Database.Database, market: HistoricalMarket): HistoricalBars {
  const keys = market.series;
  if (keys.length === 0) throw badRequest('config.market.series: a historical session needs at least one series.');
  const tfs = [...new Set(keys.map((k) => k.timeframe))];
  if (tfs.length > 1) {
    throw badRequest(`config.market.series: the series have different timeframes (${keys.map((k) => `${label(k)}`).join(', ')}); a historical session replays one timeframe.`);
  }
  if (market.since !== undefined && market.until !== undefined && market.until < market.since) {
    throw badRequest(`config.market.until (${day(market.until)}) is before config.market.since (${day(market.since)}).`);
  }
  if (keys.some((k) => k.exchange === 'bundled')) ensureBundled(db);
  const range = { ...(market.since !== undefined ? { since: market.since } : {}), ...(market.until !== undefined ? { until: market.until + 1 } : {}) };
  const perSeries: Bar[][] = [];
  for (const [i, k] of keys.entries()) {
    const meta = getSeries(db, k);
    if (!meta || meta.count === 0) {
      throw badRequest(`config.market.series.${i}: no cached series ${label(k)}; fetch it (bullpen data fetch) or import it (bullpen data import) first.`);
    }
    const bars = readBars(db, k, range);
    if (bars.length === 0) {
      const has = meta.firstTs !== null && meta.lastTs !== null ? ` (it has bars from ${day(meta.firstTs)} to ${day(meta.lastTs)})` : '';
      throw badRequest(`config.market.series.${i}: ${label(k)} has no bars in the range asked for${has}.`);
    }
    perSeries.push(bars);
  }
  // one bar clock: the times every series has a bar at
  let common = new Set(perSeries[0]!.map((b) => b.ts));
  for (const bars of perSeries.slice(1)) {
    const mine = new Set(bars.map((b) => b.ts));
    common = new Set([...common].filter((t) => mine.has(t)));
  }
  if (common.size === 0) throw badRequest(`config.market.series: ${keys.map(label).join(', ')} have no bar time in common in the range asked for.`);
  const ts = Float64Array.from([...common].sort((a, b) => a - b));
  const names = uniqueNames(keys);
  const series = perSeries.map((bars, i) => {
    const at = new Map(bars.map((b) => [b.ts, b]));
    const col = (f: (b: Bar) => number): Float64Array => Float64Array.from(ts, (t) => f(at.get(t) as Bar));
    return { name: names[i] as string, open: col((b) => b.open), high: col((b) => b.high), low: col((b) => b.low), close: col((b) => b.close), volume: col((b) => b.volume) };
  });
  return { barMs: timeframeMs(tfs[0] as string), ts, series };
}

/** Floor symbol names: the series' symbols, with the exchange added where two share one. */
function uniqueNames(keys: readonly BarSeriesKey[]): string[] {
  const count = new Map<string, number>();
  for (const k of keys) count.set(k.symbol, (count.get(k.symbol) ?? 0) + 1);
  const names = keys.map((k) => ((count.get(k.symbol) ?? 0) > 1 ? `${k.symbol}@${k.exchange}` : k.symbol));
  const seen = new Map<string, number>();
  return names.map((n) => {
    const c = (seen.get(n) ?? 0) + 1;
    seen.set(n, c);
    return c > 1 ? `${n} (${c})` : n;
  });
}

/** A loader over a library database (what serve.ts and the Electron main process give the host). */
export function libraryBarLoader(db: () => Database.Database): BarLoader {
  return (market) => loadHistoricalBars(db(), market);
}

/**
 * The engine options a recorded or forked session needs to be rebuilt (replay, verify): its bars,
 * reloaded from the cache; a series deleted since says so.
 */
export function engineBarsFor(db: Database.Database, config: SessionConfig): { historical?: HistoricalBars } {
  if (config.market.kind !== 'historical') return {};
  try {
    return { historical: loadHistoricalBars(db, config.market) };
  } catch (err) {
    if (err instanceof ApiError) {
      throw new ApiError({ code: 'bad_request', message: `This session replays cached market data that is no longer there: ${err.message}` });
    }
    throw err;
  }
}
