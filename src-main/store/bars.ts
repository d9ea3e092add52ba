import type Database from 'better-sqlite3';
import { z } from 'zod';
import { Bar, BarCalendar, BarGap, BarSeries, BarSeriesKey, BarSource } from '../../src-shared/market-data';

/**
 * The bar cache in the library database (migration 2): `bar_series` holds one row of metadata per
 * (exchange, symbol, timeframe) and `bars` the bars, unique per (exchange, symbol, timeframe, ts).
 * Writing a bar that is already there replaces it, so re-fetching a range is harmless.
 */

export interface SeriesMeta {
  source: BarSource;
  name: string;
  calendar: BarCalendar;
  gaps: BarGap[];
  origin: string;
}

const SeriesRow = z.object({
  exchange: z.string(),
  symbol: z.string(),
  timeframe: z.string(),
  source: BarSource,
  name: z.string(),
  calendar: BarCalendar,
  gaps: z.string(),
  origin: z.string(),
  updated_at: z.string(),
  count: z.number().int(),
  first_ts: z.number().int().nullable(),
  last_ts: z.number().int().nullable(),
});

const BarRow = z.object({ ts: z.number().int(), open: z.number(), high: z.number(), low: z.number(), close: z.number(), volume: z.number() });

function rowToSeries(raw: unknown): BarSeries {
  const r = SeriesRow.parse(raw);
  return BarSeries.parse({
    exchange: r.exchange,
    symbol: r.symbol,
    timeframe: r.timeframe,
    source: r.source,
    name: r.name,
    calendar: r.calendar,
    count: r.count,
    firstTs: r.first_ts,
    lastTs: r.last_ts,
    gaps: z.array(BarGap).parse(JSON.parse(r.gaps)),
    updatedAt: r.updated_at,
    origin: r.origin,
  });
}

/** The key fields of a key or of a whole series, validated. */
function keyOf(key: BarSeriesKey): BarSeriesKey {
  return BarSeriesKey.parse({ exchange: key.exchange, symbol: key.symbol, timeframe: key.timeframe });
}

const SERIES_SELECT = `
  SELECT s.*, count(b.ts) AS count, min(b.ts) AS first_ts, max(b.ts) AS last_ts
  FROM bar_series s LEFT JOIN bars b USING (exchange, symbol, timeframe)`;

/** Creates or updates a series' metadata (its bars are untouched). */
export function upsertSeries(db: Database.Database, key: BarSeriesKey, meta: SeriesMeta, now = new Date()): void {
  const k = keyOf(key);
  db.prepare(
    `INSERT INTO bar_series (exchange, symbol, timeframe, source, name, calendar, gaps, origin, updated_at)
     VALUES (@exchange, @symbol, @timeframe, @source, @name, @calendar, @gaps, @origin, @updated_at)
     ON CONFLICT (exchange, symbol, timeframe) DO UPDATE SET
       source = excluded.source, name = excluded.name, calendar = excluded.calendar,
       gaps = excluded.gaps, origin = excluded.origin, updated_at = excluded.updated_at`,
  ).run({
    ...k,
    source: meta.source,
    name: meta.name,
    calendar: meta.calendar,
    gaps: JSON.stringify(meta.gaps),
    origin: meta.origin,
    updated_at: now.toISOString(),
  });
}

/**
 * Writes bars into an existing series in one transaction (each validated by `Bar`); a bar whose ts is
 * already stored replaces it. Returns how many were new.
 */
export function writeBars(db: Database.Database, key: BarSeriesKey, bars: readonly Bar[]): { written: number; added: number } {
  const k = keyOf(key);
  const count = db.prepare(`SELECT count(*) FROM bars WHERE exchange = ? AND symbol = ? AND timeframe = ?`).pluck();
  const insert = db.prepare(
    `INSERT INTO bars (exchange, symbol, timeframe, ts, open, high, low, close, volume)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (exchange, symbol, timeframe, ts) DO UPDATE SET
       open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close, volume = excluded.volume`,
  );
  const touch = db.prepare(`UPDATE bar_series SET updated_at = ? WHERE exchange = ? AND symbol = ? AND timeframe = ?`);
  return db.transaction(() => {
    const before = Number(count.get(k.exchange, k.symbol, k.timeframe));
    for (const raw of bars) {
      const b = Bar.parse(raw);
      insert.run(k.exchange, k.symbol, k.timeframe, b.ts, b.open, b.high, b.low, b.close, b.volume);
    }
    const after = Number(count.get(k.exchange, k.symbol, k.timeframe));
    touch.run(new Date().toISOString(), k.exchange, k.symbol, k.timeframe);
    return { written: bars.length, added: after - before };
  })();
}

/** Bars of a series with since <= ts < until (either bound optional), oldest first. */
export function readBars(db: Database.Database, key: BarSeriesKey, range: { since?: number; until?: number } = {}): Bar[] {
  const k = keyOf(key);
  const rows: unknown[] = db
    .prepare(
      `SELECT ts, open, high, low, close, volume FROM bars
       WHERE exchange = ? AND symbol = ? AND timeframe = ? AND ts >= ? AND ts < ?
       ORDER BY ts`,
    )
    .all(k.exchange, k.symbol, k.timeframe, range.since ?? Number.MIN_SAFE_INTEGER, range.until ?? Number.MAX_SAFE_INTEGER);
  return rows.map((r) => BarRow.parse(r));
}

/** Every stored series with its bar count and first and last bar, ordered by exchange, symbol, timeframe. */
export function listSeries(db: Database.Database): BarSeries[] {
  const rows: unknown[] = db.prepare(`${SERIES_SELECT} GROUP BY s.exchange, s.symbol, s.timeframe ORDER BY s.exchange, s.symbol, s.timeframe`).all();
  return rows.map(rowToSeries);
}

export function getSeries(db: Database.Database, key: BarSeriesKey): BarSeries | null {
  const k = keyOf(key);
  const row: unknown = db
    .prepare(`${SERIES_SELECT} WHERE s.exchange = ? AND s.symbol = ? AND s.timeframe = ? GROUP BY s.exchange, s.symbol, s.timeframe`)
    .get(k.exchange, k.symbol, k.timeframe);
  return row === undefined ? null : rowToSeries(row);
}

/** Removes a series and its bars; returns whether it existed. */
export function deleteSeries(db: Database.Database, key: BarSeriesKey): boolean {
  const k = keyOf(key);
  return db.prepare(`DELETE FROM bar_series WHERE exchange = ? AND symbol = ? AND timeframe = ?`).run(k.exchange, k.symbol, k.timeframe).changes > 0;
}
