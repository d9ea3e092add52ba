import type Database from 'better-sqlite3';
import { type Bar, type BarSeries, type BarSeriesKey, timeframeMs } from '../../src-shared/market-data';
import { deleteSeries, getSeries, readBars, upsertSeries, writeBars } from '../store/bars';
import { type ExchangeClient, MarketDataError } from './ccxt-client';
import { findGaps } from './csv';

/**
 * Keeps the bar cache up to date from an exchange: fetches only what the cache lacks (from one bar
 * after the newest cached bar), writes each page as it arrives (an interrupted fetch keeps what it
 * got), stores closed bars only, and re-marks the series' gaps. When the exchange cannot be reached
 * the cached bars are still there: `barsFor` answers from them and says so.
 */

export interface UpdateOptions {
  /** first bar wanted (ms UTC); default: one bar after the newest cached bar */
  since?: number;
  until?: number;
  /** fetch the whole range again even where the cache has it */
  refresh?: boolean;
  limit?: number;
  onPage?: (info: { page: number; bars: number; lastTs: number }) => void;
}

export interface UpdateResult {
  series: BarSeries;
  fetched: number;
  added: number;
  pages: number;
  rejected: number;
  /** where fetching started (ms UTC) */
  from: number;
  /** true when the cache already covered the range and nothing was asked */
  upToDate: boolean;
}

function seriesOrigin(client: ExchangeClient): string {
  return `${client.id} public OHLCV through ccxt ${client.ccxtVersion}`;
}

/** Fetches into the cache; throws MarketDataError (with `offline` true for network trouble). */
export async function updateSeries(db: Database.Database, client: ExchangeClient, key: BarSeriesKey, o: UpdateOptions = {}): Promise<UpdateResult> {
  const tfMs = timeframeMs(key.timeframe);
  const existing = getSeries(db, key);
  if (existing && existing.source !== 'exchange') {
    throw new MarketDataError('exchange', `The cached series ${key.exchange} ${key.symbol} ${key.timeframe} was ${existing.source === 'csv' ? 'imported from a CSV file' : 'shipped with Bullpen'}; it is not fetched from an exchange.`);
  }
  let from: number;
  if (o.since === undefined) {
    if (!existing || existing.lastTs === null) {
      throw new MarketDataError('exchange', `Nothing of ${key.symbol} ${key.timeframe} on ${key.exchange} is cached yet: say where to start (--since DATE).`);
    }
    from = existing.lastTs + tfMs;
  } else {
    from = Math.floor(o.since / tfMs) * tfMs;
    if (!o.refresh && existing && existing.firstTs !== null && existing.lastTs !== null && existing.firstTs <= from && from <= existing.lastTs) {
      from = existing.lastTs + tfMs;
    }
  }
  if (!existing) {
    upsertSeries(db, key, { source: 'exchange', name: `${key.symbol} on ${key.exchange}`, calendar: 'continuous', gaps: [], origin: seriesOrigin(client) });
  }
  let added = 0;
  let fetched = 0;
  const upToDate = o.until !== undefined && from >= o.until;
  let r: { pages: number; rejected: number } = { pages: 0, rejected: 0 };
  try {
    if (!upToDate) r = await client.fetchRange({
        symbol: key.symbol,
        timeframe: key.timeframe,
        since: from,
        ...(o.until !== undefined ? { until: o.until } : {}),
        ...(o.limit !== undefined ? { limit: o.limit } : {}),
        onPage: (bars, info) => {
          const w = writeBars(db, key, bars);
          added += w.added;
          fetched += bars.length;
          o.onPage?.({ page: info.page, bars: bars.length, lastTs: (bars[bars.length - 1] as Bar).ts });
        },
      });
  } catch (err) {
    // a first fetch that got nothing leaves no empty series behind
    if (!existing && (getSeries(db, key)?.count ?? 0) === 0) deleteSeries(db, key);
    throw err;
  }
  const ts = readBars(db, key).map((b) => b.ts);
  upsertSeries(db, key, {
    source: 'exchange',
    name: existing?.name ?? `${key.symbol} on ${key.exchange}`,
    calendar: 'continuous',
    gaps: findGaps(ts, tfMs, 'continuous'),
    origin: seriesOrigin(client),
  });
  const series = getSeries(db, key) as BarSeries;
  return { series, fetched, added, pages: r.pages, rejected: r.rejected, from, upToDate: upToDate || (r.pages > 0 && fetched === 0 && added === 0 && series.count > 0) };
}

export interface BarsForResult {
  bars: Bar[];
  series: BarSeries | null;
  /** set when the exchange could not be reached and the answer comes from the cache alone */
  offline: string | null;
}

/**
 * Bars of a series for since <= ts < until: brings the cache up to date first when a client is given
 * and the cache does not reach `until`; when the exchange is unreachable, answers from the cache.
 */
export async function barsFor(db: Database.Database, key: BarSeriesKey, range: { since: number; until: number }, client?: ExchangeClient): Promise<BarsForResult> {
  let offline: string | null = null;
  const cached = getSeries(db, key);
  const tfMs = timeframeMs(key.timeframe);
  const covered = cached !== null && cached.firstTs !== null && cached.lastTs !== null && cached.firstTs <= range.since && cached.lastTs + tfMs >= range.until;
  if (client && !covered && (cached === null || cached.source === 'exchange')) {
    try {
      await updateSeries(db, client, key, { since: range.since, until: range.until });
    } catch (err) {
      if (!(err instanceof MarketDataError) || !err.offline) throw err;
      const n = cached?.count ?? 0;
      offline = `${err.message} Working from the cache (${n} bar${n === 1 ? '' : 's'} of ${key.symbol} ${key.timeframe} on ${key.exchange}).`;
    }
  }
  return { bars: readBars(db, key, range), series: getSeries(db, key), offline };
}
