import { z } from 'zod';
import { BarSeriesKey } from './market-data';

/**
 * Tournaments in the FloorApi (docs/API.md, docs/TOURNAMENTS.md): start one, follow its progress
 * (pushed as `{ push: 'tournament' }`), read and export its leaderboard.
 */

/** The five desks that can enter, by slug, with the names the floor gives them (sim/desks.ts PERSONALITIES). */
export const TOURNAMENT_DESKS = ['trend', 'reversion', 'newsroom', 'arb', 'macro'] as const;
export type TournamentDesk = (typeof TOURNAMENT_DESKS)[number];
export const TOURNAMENT_DESK_NAMES: Record<TournamentDesk, string> = {
  trend: 'Trend Desk',
  reversion: 'Reversion Desk',
  newsroom: 'Newsroom',
  arb: 'Arb Desk',
  macro: 'Macro Desk',
};

/**
 * `isolated`: each entrant alone against the historical path; `shared`: all on one book, their net
 * flow moves its price; `floor`: the desks and policies trade on one real engine floor replaying the
 * series (historical mode), the baselines as in isolated mode.
 */
export const TournamentMode = z.enum(['isolated', 'shared', 'floor']);
export type TournamentMode = z.infer<typeof TournamentMode>;

/** One line per mode, for pickers and help. */
export const TOURNAMENT_MODE_INFO: Record<TournamentMode, { label: string; explain: string }> = {
  isolated: { label: 'isolated', explain: 'each entrant alone against the historical bars: no interaction' },
  shared: { label: 'shared book', explain: "all entrants on one modelled book: their net order flow moves everyone's fills and marks" },
  floor: { label: 'on one floor (the engine)', explain: 'desks and policies trade on one live engine floor replaying the bars, with a crowd; their orders move the same books' },
};

/** In floor mode the baselines do not trade on the floor: their rows say so. */
export function entrantNote(mode: TournamentMode, kind: EntrantKind): string | null {
  if (mode !== 'floor' || kind === 'desk' || kind === 'policy') return null;
  return 'not on the floor: ran alone against the historical bars (as in isolated mode)';
}

/** the engine's fee parameter (setParam feeBps) goes up to this */
export const FLOOR_MAX_FEE_BPS = 100;

/** The market regimes results are broken down by (docs/TOURNAMENTS.md, "Regimes"). */
export const TOURNAMENT_REGIMES = ['trending', 'ranging', 'volatile', 'crisis'] as const;
export const TournamentRegime = z.enum(TOURNAMENT_REGIMES);
export type TournamentRegime = z.infer<typeof TournamentRegime>;

/** The bundled S&P 500 (daily): the default data set. */
export const DEFAULT_TOURNAMENT_SERIES: BarSeriesKey = { exchange: 'bundled', symbol: 'SP500', timeframe: '1d' };

/** A calendar date (YYYY-MM-DD) or a full ISO 8601 time, UTC. */
const DateText = z
  .string()
  .max(40)
  .refine((s) => /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(s) && Number.isFinite(Date.parse(s)), {
    message: 'a date is YYYY-MM-DD (or an ISO 8601 time)',
  });

/** What a tournament runs: validated at every boundary (API, CLI) before anything is stored. */
export const TournamentSpec = z
  .object({
    /** a stored bar series (docs/DATA.md); default: the bundled S&P 500 */
    series: BarSeriesKey.default(DEFAULT_TOURNAMENT_SERIES),
    /** first bar (inclusive) and end (exclusive); default: the whole series */
    since: DateText.optional(),
    until: DateText.optional(),
    /** desks that enter (buy-and-hold and random always enter too) */
    desks: z.array(z.enum(TOURNAMENT_DESKS)).max(TOURNAMENT_DESKS.length).default([...TOURNAMENT_DESKS]),
    /** RL checkpoints (trading-env PPO policies) in the library that enter */
    policies: z.array(z.string().min(1).max(64)).max(8).default([]),
    /** starting capital of every entrant */
    capital: z.number().finite().min(100).max(1e12).default(100_000),
    /** commission per fill, basis points of the traded value (floor mode: the engine's taker fee, ≤ FLOOR_MAX_FEE_BPS) */
    feeBps: z.number().finite().min(0).max(1000).default(1),
    /** slippage on (size vs bar volume and bar range, docs/TOURNAMENTS.md); off: fills at the open exactly. Floor mode: the baselines only (the floor's book sets its own prices) */
    slippage: z.boolean().default(true),
    mode: TournamentMode.default('isolated'),
    /** seed of the random baseline and of the bootstrap */
    seed: z.number().int().min(0).max(0xffff_ffff).default(1),
    name: z.string().max(120).optional(),
  })
  .strict()
  .refine((s) => new Set(s.desks).size === s.desks.length, { path: ['desks'], message: 'a desk is listed twice' })
  .refine((s) => new Set(s.policies).size === s.policies.length, { path: ['policies'], message: 'a checkpoint is listed twice' })
  .refine((s) => s.since === undefined || s.until === undefined || Date.parse(s.since) < Date.parse(s.until), {
    path: ['until'],
    message: 'until must be after since',
  })
  .refine((s) => s.mode !== 'floor' || s.feeBps <= FLOOR_MAX_FEE_BPS, { path: ['feeBps'], message: `the floor's fee goes up to ${FLOOR_MAX_FEE_BPS} bp in floor mode` });
export type TournamentSpecInput = z.input<typeof TournamentSpec>;
export type TournamentSpec = z.output<typeof TournamentSpec>;

export const EntrantKind = z.enum(['desk', 'policy', 'buy-and-hold', 'random']);
export type EntrantKind = z.infer<typeof EntrantKind>;

/** JSON keeps no infinities: a ratio without a defined value (no drawdown, no variance) is null. */
const Ratio = z.number().nullable();

export const EntrantMetrics = z.object({
  /** final equity / capital − 1 */
  totalReturn: z.number(),
  /** annualised (by the bar timeframe) mean / standard deviation of the per-bar returns */
  sharpe: Ratio,
  /** 95% stationary block-bootstrap percentile interval of the Sharpe ratio */
  sharpeCI: z.tuple([Ratio, Ratio]),
  sortino: Ratio,
  /** largest fall from a running peak, fraction of the peak */
  maxDrawdown: z.number(),
  /** annualised growth rate / max drawdown */
  calmar: Ratio,
  /** share of the bars held with a position on which equity rose (null: never in the market) */
  winRate: Ratio,
  /** traded value / starting capital */
  turnover: z.number(),
  feesPaid: z.number(),
  /** price paid to slippage and impact beyond the bar's open (currency) */
  slippagePaid: z.number(),
  trades: z.number().int(),
  /** bars in the market / bars */
  exposure: z.number(),
  finalEquity: z.number(),
});
export type EntrantMetrics = z.infer<typeof EntrantMetrics>;

export const RegimeResult = z.object({
  regime: TournamentRegime,
  bars: z.number().int(),
  /** compounded return over the bars in this regime */
  totalReturn: z.number(),
  sharpe: Ratio,
});
export type RegimeResult = z.infer<typeof RegimeResult>;

export const EquityPoint = z.object({ ts: z.number(), equity: z.number() });

export const EntrantResult = z.object({
  name: z.string(),
  kind: EntrantKind,
  /** desk slug or checkpoint id; null for the baselines */
  ref: z.string().nullable(),
  rank: z.number().int().min(1),
  metrics: EntrantMetrics,
  /** false when the Sharpe ratio's interval includes 0: not distinguishable from zero */
  distinguishable: z.boolean(),
  regimes: z.array(RegimeResult),
  /** at most ~1,000 points (downsampled), for overlays */
  equity: z.array(EquityPoint),
  /** how this entrant ran where that differs from the tournament's mode (entrantNote) */
  note: z.string().nullable().optional(),
});
export type EntrantResult = z.infer<typeof EntrantResult>;

/** A stored result with every entrant's note (derived from the mode and the entrant's kind, not stored). */
export function withEntrantNotes<T extends { mode: TournamentMode; leaderboard: EntrantResult[] }>(t: T): T {
  const leaderboard = t.leaderboard.map((e) => {
    const note = entrantNote(t.mode, e.kind);
    return note === null ? e : { ...e, note };
  });
  return { ...t, leaderboard };
}

export const TournamentStatus = z.enum(['running', 'completed', 'cancelled', 'failed']);
export type TournamentStatus = z.infer<typeof TournamentStatus>;

export const EntrantProgress = z.object({ name: z.string(), done: z.number().int().nonnegative(), total: z.number().int().nonnegative() });
export type EntrantProgress = z.infer<typeof EntrantProgress>;

export const TournamentSummary = z.object({
  id: z.string(),
  name: z.string(),
  status: TournamentStatus,
  mode: TournamentMode,
  series: BarSeriesKey,
  bars: z.number().int().nonnegative(),
  firstTs: z.number().nullable(),
  lastTs: z.number().nullable(),
  entrants: z.number().int().nonnegative(),
  /** the winner (best Sharpe) when completed */
  leader: z.string().nullable(),
  createdAt: z.string(),
  endedAt: z.string().nullable(),
  error: z.string().nullable(),
});
export type TournamentSummary = z.infer<typeof TournamentSummary>;

export const TournamentResult = TournamentSummary.extend({
  spec: TournamentSpec,
  /** bars per year used to annualise (from the timeframe and calendar) */
  periodsPerYear: z.number(),
  /** bars labelled with each regime */
  regimeBars: z.record(TournamentRegime, z.number().int()),
  /** best Sharpe first (entrants without one last) */
  leaderboard: z.array(EntrantResult),
  /** while running */
  progress: z.array(EntrantProgress).nullable(),
});
export type TournamentResult = z.infer<typeof TournamentResult>;

/** Progress and state changes, pushed to every client. */
export const TournamentPush = z.object({
  push: z.literal('tournament'),
  id: z.string(),
  status: TournamentStatus,
  progress: z.array(EntrantProgress),
  error: z.string().nullable(),
});
export type TournamentPush = z.infer<typeof TournamentPush>;

export const TournamentExport = z.object({ format: z.enum(['json', 'csv']), filename: z.string(), content: z.string() });
export type TournamentExport = z.infer<typeof TournamentExport>;

const Id = z.string().min(1).max(64);

export const tournamentApiSchemas = {
  'tournament.start': { params: z.object({ spec: TournamentSpec }).strict(), result: z.object({ id: z.string() }) },
  'tournament.list': { params: z.object({ limit: z.number().int().min(1).max(500).default(50) }).strict(), result: z.array(TournamentSummary) },
  'tournament.get': { params: z.object({ id: Id }).strict(), result: TournamentResult },
  'tournament.cancel': { params: z.object({ id: Id }).strict(), result: z.object({ cancelled: z.boolean() }) },
  'tournament.export': { params: z.object({ id: Id, format: z.enum(['json', 'csv']) }).strict(), result: TournamentExport },
} as const;
export type TournamentMethod = keyof typeof tournamentApiSchemas;
