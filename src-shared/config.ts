import { z } from 'zod';
import { BarSeriesKey, timeframeMs } from './market-data';

/** Limits of a session's shape; the engine and the UI both rely on them. */
export const LIMITS = {
  symbols: { min: 1, max: 32 },
  crowd: { min: 0, max: 100_000 },
  desks: { min: 1, max: 20 },
  speed: { min: 0.25, max: 100 },
} as const;

/** Floor time per tick at 1x speed: 20 ticks per second of wall time. */
export const TICK_MS = 50;
export const BASE_TICKS_PER_SECOND = 1000 / TICK_MS;

export const Speed = z.union([
  z.number().min(LIMITS.speed.min).max(LIMITS.speed.max),
  z.literal('max'),
]);
export type Speed = z.infer<typeof Speed>;

/** The default: a latent fundamental value per symbol drives the market (docs/MARKET.md). */
export const SimulatedMarket = z.object({ kind: z.literal('simulated') }).strict();

/**
 * Historical mode (docs/DATA.md): cached bars drive each symbol's price instead of the simulated
 * fundamental; one series per floor symbol, replayed over [since, until] (ms UTC, inclusive; absent:
 * the whole cached series).
 */
export const HistoricalMarket = z
  .object({
    kind: z.literal('historical'),
    series: z.array(BarSeriesKey).min(LIMITS.symbols.min).max(LIMITS.symbols.max),
    since: z.number().int().optional(),
    until: z.number().int().optional(),
  })
  .strict();
export type HistoricalMarket = z.infer<typeof HistoricalMarket>;

export const MarketSource = z.discriminatedUnion('kind', [SimulatedMarket, HistoricalMarket]);
export type MarketSource = z.infer<typeof MarketSource>;

export const SessionConfig = z
  .object({
    seed: z.number().int().min(0).max(0xffff_ffff).default(1),
    symbols: z.number().int().min(LIMITS.symbols.min).max(LIMITS.symbols.max).default(4),
    crowd: z.number().int().min(LIMITS.crowd.min).max(LIMITS.crowd.max).default(2000),
    desks: z.number().int().min(LIMITS.desks.min).max(LIMITS.desks.max).default(5),
    speed: Speed.default(1),
    market: MarketSource.default({ kind: 'simulated' }),
  })
  .strict();
export type SessionConfig = z.infer<typeof SessionConfig>;
export type SessionConfigInput = z.input<typeof SessionConfig>;

/**
 * Historical mode: floor ticks per data bar. Each bar becomes a path of this many points (open first,
 * close last; src-workers/sim/bar-path.ts), so the floor's 10-tick indicator bars see 6 per data bar.
 */
export const HISTORICAL_TICKS_PER_BAR = 60;

/** Bar length of a historical market (its series share one timeframe); null for a simulated one. */
export function historicalBarMs(market: MarketSource): number | null {
  if (market.kind !== 'historical') return null;
  const tf = market.series[0]?.timeframe;
  return tf === undefined ? null : timeframeMs(tf);
}

/**
 * Ticks per wall second at a numeric speed. Simulated: 20 × speed. Historical: speed × real bar time,
 * one bar (HISTORICAL_TICKS_PER_BAR ticks) per barMs / speed of wall time (a 1-minute bar at 100× takes 0.6 s).
 */
export function ticksPerSecond(market: MarketSource, speed: number): number {
  const barMs = historicalBarMs(market);
  return barMs === null ? BASE_TICKS_PER_SECOND * speed : (HISTORICAL_TICKS_PER_BAR * speed * 1000) / barMs;
}

/** A historical session has one floor symbol per series: `symbols` follows the series. */
export function withMarketShape(config: SessionConfig): SessionConfig {
  return config.market.kind === 'historical' && config.symbols !== config.market.series.length ? { ...config, symbols: config.market.series.length } : config;
}

export function defaultSessionConfig(overrides: SessionConfigInput = {}): SessionConfig {
  return SessionConfig.parse(overrides);
}
