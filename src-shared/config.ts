import { z } from 'zod';
import { BarSeriesKey } from './market-data';

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

export function defaultSessionConfig(overrides: SessionConfigInput = {}): SessionConfig {
  return SessionConfig.parse(overrides);
}
