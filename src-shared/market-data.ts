import { z } from 'zod';

/**
 * Market data as the rest of Bullpen sees it: OHLCV bars (timestamps in milliseconds since the Unix
 * epoch, UTC, marking the start of the bar's period) and the metadata of a series of them. Bars come
 * from an exchange through ccxt, from an imported CSV file, or from the data set that ships with the
 * app; historical mode replays a `BarSeries`. No Node APIs here: the renderer uses these too.
 */

/** One OHLCV bar. `ts` is the start of the bar's period, ms since the epoch, UTC. */
export const Bar = z
  .object({
    ts: z.number().int().min(0),
    open: z.number().positive().finite(),
    high: z.number().positive().finite(),
    low: z.number().positive().finite(),
    close: z.number().positive().finite(),
    volume: z.number().nonnegative().finite(),
  })
  .strict()
  .refine((b) => b.high >= b.low, { message: 'high is below low' })
  .refine((b) => b.high >= Math.max(b.open, b.close) && b.low <= Math.min(b.open, b.close), {
    message: 'open or close lies outside the high–low range',
  });
export type Bar = z.infer<typeof Bar>;

/** Timeframes as ccxt writes them: a count and a unit (s, m, h, d, w, M = 30 days, y = 365 days). */
export const Timeframe = z.string().regex(/^[1-9]\d{0,3}[smhdwMy]$/, 'a timeframe is a count and a unit, e.g. 1m, 15m, 1h, 1d');
export type Timeframe = z.infer<typeof Timeframe>;

const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  M: 30 * 86_400_000,
  y: 365 * 86_400_000,
};

/** Length of a timeframe in milliseconds (1M counts 30 days, 1y 365 days, as ccxt does). */
export function timeframeMs(tf: string): number {
  const parsed = Timeframe.safeParse(tf);
  if (!parsed.success) throw new Error(`"${tf}" is not a timeframe (e.g. 1m, 15m, 1h, 1d).`);
  const unit = tf.slice(-1);
  return Number(tf.slice(0, -1)) * (UNIT_MS[unit] ?? 0);
}

/** The timeframe whose length is exactly `ms`, in the largest unit that divides it; null if none fits. */
export function timeframeFromMs(ms: number): Timeframe | null {
  if (!Number.isSafeInteger(ms) || ms <= 0) return null;
  for (const unit of ['w', 'd', 'h', 'm', 's']) {
    const u = UNIT_MS[unit] as number;
    if (ms % u === 0 && ms / u <= 9999) return `${ms / u}${unit}`;
  }
  return null;
}

/** Where a series came from. */
export const BarSource = z.enum(['exchange', 'csv', 'bundled']);
export type BarSource = z.infer<typeof BarSource>;

/** Identifies a series: bars are unique per (exchange, symbol, timeframe, ts). CSV imports use exchange "csv". */
export const BarSeriesKey = z
  .object({
    exchange: z.string().min(1).max(64),
    symbol: z.string().min(1).max(64),
    timeframe: Timeframe,
  })
  .strict();
export type BarSeriesKey = z.infer<typeof BarSeriesKey>;

/** A stretch with no bar where the series' calendar expects some: `from` and `to` are the bars either side. */
export const BarGap = z
  .object({
    from: z.number().int(),
    to: z.number().int(),
    missing: z.number().int().positive(),
  })
  .strict();
export type BarGap = z.infer<typeof BarGap>;

/**
 * Which periods a series is expected to have a bar for: every period ("continuous", crypto), or
 * weekdays only ("weekdays", daily bars of a stock exchange; holidays still show as gaps).
 */
export const BarCalendar = z.enum(['continuous', 'weekdays']);
export type BarCalendar = z.infer<typeof BarCalendar>;

/** What is known about a stored series. */
export const BarSeries = BarSeriesKey.extend({
  source: BarSource,
  /** human-readable name, e.g. "S&P 500 index (daily)" */
  name: z.string().max(200),
  calendar: BarCalendar,
  count: z.number().int().nonnegative(),
  firstTs: z.number().int().nullable(),
  lastTs: z.number().int().nullable(),
  /** gaps marked when the series was imported or fetched */
  gaps: z.array(BarGap),
  /** ISO 8601 time of the last write */
  updatedAt: z.string(),
  /** where the bars came from (file name, exchange URL, package) and under which licence */
  origin: z.string().max(500),
}).strict();
export type BarSeries = z.infer<typeof BarSeries>;

/** Kinds of problems an import finds. `gap` is a warning; the others make a file "broken". */
export const BarIssueKind = z.enum([
  'unparseable',
  'missing_value',
  'duplicate',
  'conflicting_duplicate',
  'out_of_order',
  'non_positive_price',
  'negative_volume',
  'high_below_low',
  'outside_range',
  'gap',
]);
export type BarIssueKind = z.infer<typeof BarIssueKind>;

export const BarIssue = z
  .object({
    kind: BarIssueKind,
    /** 1-based line in the file (0 when it concerns no single line, e.g. a gap) */
    line: z.number().int().nonnegative(),
    message: z.string(),
  })
  .strict();
export type BarIssue = z.infer<typeof BarIssue>;

/** What an import detected, found and did; shown to the user before (or instead of) importing. */
export const ImportReport = z
  .object({
    file: z.string(),
    detected: z
      .object({
        format: z.string(),
        delimiter: z.string(),
        decimalComma: z.boolean(),
        header: z.boolean(),
        columns: z.record(z.string(), z.string()),
        timestamp: z.string(),
        timeZone: z.string(),
        timeframe: z.string().nullable(),
        calendar: BarCalendar,
        descending: z.boolean(),
      })
      .strict(),
    rows: z.number().int().nonnegative(),
    bars: z.number().int().nonnegative(),
    counts: z.record(z.string(), z.number().int().nonnegative()),
    issues: z.array(BarIssue),
    /** errors that make the file broken (everything but gaps) */
    broken: z.boolean(),
    /** what --repair did (empty when nothing was repaired) */
    repairs: z.array(z.string()),
    gaps: z.array(BarGap),
  })
  .strict();
export type ImportReport = z.infer<typeof ImportReport>;
