import { z } from 'zod';

/**
 * Crisis scenarios as data. A scenario is a validated JSON document: a name, a description, its
 * real-world sources and a list of timed shocks. Each shock has a start offset and a duration in
 * seconds of floor time (one tick = 50 ms, so 1 s = 20 ticks), targets (symbols, venues, or all) and a
 * kind with its parameters. Every kind acts inside the engine through its mechanisms (fundamental
 * value, market makers, crowd schedule, books, venues), never by overwriting a price.
 *
 * The JSON Schema of `Scenario` (z.toJSONSchema) is in docs/SCENARIOS.md; presets ship in
 * resources/scenarios/. Breakers and difficulty levels are defined here too (shared with training).
 */

export const VENUE_NAMES = ['NOVA', 'ARC'] as const;
export const VenueName = z.enum(VENUE_NAMES);
export type VenueName = z.infer<typeof VenueName>;

/** Longest a scenario may run, in floor seconds (2 floor-hours = 144,000 ticks). */
export const MAX_SCENARIO_SECONDS = 7200;
const seconds = z.number().finite().min(0, 'must be ≥ 0 seconds').max(MAX_SCENARIO_SECONDS, `must be ≤ ${MAX_SCENARIO_SECONDS} seconds`);

/** A symbol by name (`"BPX"`) or index (`0`). */
export const SymbolRef = z.union([z.string().min(1).max(16), z.number().int().nonnegative().max(31)]);
export type SymbolRef = z.infer<typeof SymbolRef>;

export const Targets = z
  .object({
    /** "all" or a list of symbols (names or indices) */
    symbols: z.union([z.literal('all'), z.array(SymbolRef).min(1, 'list at least one symbol, or "all"').max(32)]).default('all'),
    /** "all" or a list of venues */
    venues: z.union([z.literal('all'), z.array(VenueName).min(1, 'list at least one venue, or "all"').max(2)]).default('all'),
  })
  .strict();
export type Targets = z.infer<typeof Targets>;

const fraction = (lo: number, hi: number): z.ZodNumber => z.number().finite().min(lo).max(hi);

/** A move of the fundamental value: a jump at the start, or a drift spread evenly over the duration. */
export const GapShock = z.object({
  kind: z.literal('gap'),
  /** relative move of the fundamental, e.g. -0.15 for −15 % */
  move: fraction(-0.999, 10),
  shape: z.enum(['jump', 'linear']).default('jump'),
}).strict();

/** Market makers widen, thin or pull their quotes. */
export const LiquidityShock = z.object({
  kind: z.literal('liquidity'),
  /** multiplier of quote sizes (0.01 = 1 % of normal depth) */
  depth: fraction(0.001, 10).default(1),
  /** multiplier of quoted half-spreads */
  spread: fraction(0.1, 100).default(1),
  /** probability that a waking market maker pulls both quotes instead of quoting */
  pull: fraction(0, 1).default(0),
  /** multiplier of the market makers' wake-up rate */
  rate: fraction(0, 20).default(1),
  /** multiplier of the value traders' wake-up rate (fundamental buyers and sellers stepping back) */
  value: fraction(0, 20).default(1),
  /** multiplier of the noise traders' wake-up rate (the random liquidity of everyone else) */
  noise: fraction(0, 20).default(1),
  /** multiplier of how far market makers lean their quotes towards value (0: they cannot tell a rumour from information) */
  informed: fraction(0, 2).default(1),
}).strict();

/** Multiplies the fundamental's volatility (market makers widen with it through their σ estimate). */
export const VolatilityShock = z.object({
  kind: z.literal('volatility'),
  multiplier: fraction(0.01, 50),
}).strict();

/** A headline: sentiment pressure on the targets and an information shock to their fundamental. */
export const NewsShock = z.object({
  kind: z.literal('news'),
  headline: z.string().min(1).max(200),
  /** -1 (very bad) … 1 (very good) */
  sentiment: fraction(-1, 1),
  /** how hard it lands (adds to the sentiment pressure) */
  strength: fraction(0, 5).default(1),
  /** relative move of the fundamental it causes (default: sentiment × strength × 0.6 %) */
  impact: fraction(-0.9, 1).optional(),
}).strict();

/** A venue goes dark (resting orders lost, nothing trades there) or a trading halt on the targets. */
export const OutageShock = z.object({
  kind: z.literal('outage'),
  mode: z.enum(['dark', 'halt']).default('dark'),
}).strict();

/** One huge market order (a fat finger) on each target symbol and venue, at the start. */
export const FatFingerShock = z.object({
  kind: z.literal('fatFinger'),
  side: z.enum(['buy', 'sell']),
  /** units; the order walks the book (bounded by `collar`) */
  qty: z.number().int().positive().max(1_000_000),
  /** furthest the order may walk from the touch (fraction of price) */
  collar: fraction(0.001, 0.5).default(0.1),
}).strict();

/** The targets' fundamentals follow the source symbol's moves with a beta (correlated contagion). */
export const ContagionShock = z.object({
  kind: z.literal('contagion'),
  source: SymbolRef,
  beta: fraction(-3, 3).default(1),
}).strict();

/**
 * Forced deleveraging: a leveraged crowd cohort holds `exposure` units per target symbol; margin calls
 * at levels spaced from `firstCall` to `lastCall` adverse move (from the mark at the shock's start)
 * each force one tranche out through market orders over `sellTicks` ticks — selling moves the price,
 * which triggers the next call (a cascade).
 */
export const DeleverageShock = z.object({
  kind: z.literal('deleverage'),
  side: z.enum(['long', 'short']).default('long'),
  exposure: z.number().positive().max(1_000_000),
  tranches: z.number().int().min(1).max(100).default(10),
  firstCall: fraction(0, 0.9).default(0.005),
  lastCall: fraction(0.001, 0.99).default(0.05),
  sellTicks: z.number().int().min(1).max(2000).default(20),
  /** furthest each forced order may walk from the touch (fraction of price) */
  collar: fraction(0.0005, 0.5).default(0.01),
}).strict().refine((s) => s.lastCall >= s.firstCall, { message: 'lastCall must be ≥ firstCall', path: ['lastCall'] });

/** Momentum traders pile in: their wake-up rate (and so their order flow) is multiplied. */
export const HerdingShock = z.object({
  kind: z.literal('herding'),
  multiplier: fraction(0, 50),
}).strict();

export const SHOCK_KINDS = ['gap', 'liquidity', 'volatility', 'news', 'outage', 'fatFinger', 'contagion', 'deleverage', 'herding'] as const;
export const ShockKind = z.discriminatedUnion('kind', [
  GapShock,
  LiquidityShock,
  VolatilityShock,
  NewsShock,
  OutageShock,
  FatFingerShock,
  ContagionShock,
  DeleverageShock,
  HerdingShock,
]);
export type ShockKind = z.infer<typeof ShockKind>;

export const Shock = z
  .object({
    /** offset from the scenario's start, floor seconds */
    start: seconds.default(0),
    /** floor seconds (0 = instantaneous: jumps, headlines, fat fingers) */
    duration: seconds.default(0),
    targets: Targets.default({ symbols: 'all', venues: 'all' }),
    label: z.string().max(120).optional(),
    effect: ShockKind,
  })
  .strict();
export type Shock = z.infer<typeof Shock>;
export type ShockInput = z.input<typeof Shock>;

// ---- circuit breakers ---------------------------------------------------------------------------

/**
 * Circuit breakers, per venue set. `symbol`: per-symbol limit-up/limit-down — a symbol whose mark
 * moves more than `move` from its reference within `windowTicks` stops trading for `haltTicks`.
 * `market`: market-wide halts when the floor index (mean log move of all symbols) falls by a level
 * from its reference (reset every `windowTicks`, one floor "session"): levels 1 and 2 halt every
 * symbol for their `haltTicks`, the last level for the rest of the window (modelled on NYSE Rule
 * 7.12: 7 %, 13 %, 20 %). `venues`: the venues the halts apply to (the others keep trading).
 */
export const BreakerConfig = z
  .object({
    symbol: z
      .object({
        enabled: z.boolean().default(true),
        move: fraction(0.001, 0.9).default(0.05),
        windowTicks: z.number().int().min(1).max(1_000_000).default(1200),
        haltTicks: z.number().int().min(1).max(1_000_000).default(200),
      })
      .strict()
      .default({ enabled: true, move: 0.05, windowTicks: 1200, haltTicks: 200 }),
    market: z
      .object({
        enabled: z.boolean().default(true),
        levels: z.array(fraction(0.001, 0.99)).min(1).max(5).default([0.07, 0.13, 0.2]),
        windowTicks: z.number().int().min(1).max(10_000_000).default(12_000),
        haltTicks: z.number().int().min(1).max(1_000_000).default(300),
      })
      .strict()
      .refine((m) => m.levels.every((l, i) => i === 0 || l > (m.levels[i - 1] as number)), { message: 'levels must increase', path: ['levels'] })
      .default({ enabled: true, levels: [0.07, 0.13, 0.2], windowTicks: 12_000, haltTicks: 300 }),
    venues: z.array(VenueName).min(1).max(2).default(['NOVA', 'ARC']),
  })
  .strict();
export type BreakerConfig = z.infer<typeof BreakerConfig>;
export type BreakerConfigInput = z.input<typeof BreakerConfig>;
export const DEFAULT_BREAKERS: BreakerConfig = BreakerConfig.parse({});
/** Breakers switched off (how 1987 traded). */
export const NO_BREAKERS: BreakerConfig = BreakerConfig.parse({ symbol: { enabled: false }, market: { enabled: false } });

// ---- the scenario document ------------------------------------------------------------------------

export const Scenario = z
  .object({
    name: z.string().min(1).max(80).regex(/^[a-z0-9][a-z0-9-]*$/, 'use lower-case letters, digits and dashes'),
    title: z.string().min(1).max(120).optional(),
    description: z.string().max(2000).default(''),
    sources: z.array(z.string().max(400)).max(20).default([]),
    /** real seconds per floor second (documentation of the time compression; the shocks are in floor time) */
    compression: z.number().positive().max(1e6).default(1),
    /** breaker rules in force while the scenario runs (those of the real episode); the floor's own come back after */
    breakers: BreakerConfig.optional(),
    shocks: z.array(Shock).min(1, 'a scenario needs at least one shock').max(64),
  })
  .strict();
export type Scenario = z.infer<typeof Scenario>;
export type ScenarioInput = z.input<typeof Scenario>;

/** Last tick (relative to its start) at which any shock of the scenario is active. */
export function scenarioSpanTicks(s: Scenario): number {
  let end = 0;
  for (const sh of s.shocks) end = Math.max(end, Math.round(sh.start * 20) + Math.max(1, Math.round(sh.duration * 20)));
  return end;
}

/** A readable message for a failed scenario parse: every field path and the rule it breaks. */
export function describeIssues(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ');
}

// ---- live state, reports -------------------------------------------------------------------------

export const ShockStatus = z.object({
  scenarioId: z.number().int(),
  scenario: z.string(),
  shock: z.number().int(),
  kind: z.enum(SHOCK_KINDS),
  label: z.string().nullable(),
  state: z.enum(['queued', 'active']),
  startTick: z.number().int(),
  endTick: z.number().int(),
  /** ticks until it starts (queued) or ends (active) */
  remainingTicks: z.number().int(),
});
export type ShockStatus = z.infer<typeof ShockStatus>;

export const HaltStatus = z.object({
  scope: z.enum(['symbol', 'market', 'venue']),
  symbol: z.number().int().nullable(),
  venue: z.number().int().nullable(),
  untilTick: z.number().int(),
  reason: z.string(),
});
export type HaltStatus = z.infer<typeof HaltStatus>;

export const ScenarioReport = z.object({
  scenarioId: z.number().int(),
  name: z.string(),
  startTick: z.number().int(),
  endTick: z.number().int(),
  cancelled: z.boolean(),
  /** floor index (mean of the symbols' marks relative to the start): trough and end */
  indexTrough: z.number(),
  indexEnd: z.number(),
  /** ticks from the trough until the index regained half of its drop, null if it did not */
  recoverTicks: z.number().int().nullable(),
  perSymbol: z.array(z.object({ symbol: z.number().int(), name: z.string(), peakToTrough: z.number(), end: z.number() })),
  desks: z.array(z.object({ desk: z.number().int(), name: z.string(), pnlImpact: z.number(), maxDrawdown: z.number() })),
  halts: z.number().int(),
  /** featured agents that traded (final action not HOLD) during the scenario, with the seq of each decision's event */
  agents: z.array(z.object({ agent: z.number().int(), buys: z.number().int(), sells: z.number().int(), holds: z.number().int(), decisionSeqs: z.array(z.number().int()) })),
});
export type ScenarioReport = z.infer<typeof ScenarioReport>;

// ---- live market parameters -------------------------------------------------------------------------

/** Live market parameters (all optional: only those given change). */
export const MarketParams = z
  .object({
    /** multiplier of the fundamental's volatility */
    volatility: fraction(0, 100).optional(),
    /** multiplier of market-maker quote size and crowd activity */
    liquidity: fraction(0, 100).optional(),
    /** multiplier of the headline rate */
    newsRate: fraction(0, 100).optional(),
    /** taker fee, basis points */
    feeBps: fraction(0, 100).optional(),
    /** cross-venue latency seen by arbitrage, ticks */
    latencyTicks: fraction(0, 200).optional(),
    /** crowd mix: wake-up rate multiplier per trader type */
    crowdMix: z
      .object({ noise: fraction(0, 20), marketMaker: fraction(0, 20), momentum: fraction(0, 20), value: fraction(0, 20) })
      .partial()
      .strict()
      .optional(),
  })
  .strict();
export type MarketParams = z.infer<typeof MarketParams>;

// ---- difficulty levels (floor and RL) ------------------------------------------------------------

export const DIFFICULTY_NAMES = ['beginner', 'intermediate', 'expert', 'master'] as const;
export const DifficultyName = z.enum(DIFFICULTY_NAMES);
export type DifficultyName = z.infer<typeof DifficultyName>;

export const Difficulty = z.object({
  name: DifficultyName,
  /** 0–1: engine volatility multiplier = 0.5 + 2.5 × volatility */
  volatility: fraction(0, 1),
  /** 0–1: observation noise; the desks' valuation error per decision has a standard deviation of dataNoise × 1 % (beginner: 5 bp) */
  dataNoise: fraction(0, 1),
  /** desks competing on the floor */
  desks: z.number().int().min(1).max(20),
  /** adversarial shocks (fat fingers, rumours) drawn at random */
  adversarial: z.boolean(),
  /** black-swan shocks (gaps, liquidity droughts) drawn at random */
  blackSwans: z.boolean(),
});
export type Difficulty = z.infer<typeof Difficulty>;

export const DIFFICULTIES: Record<DifficultyName, Difficulty> = {
  beginner: { name: 'beginner', volatility: 0.1, dataNoise: 0.05, desks: 2, adversarial: false, blackSwans: false },
  intermediate: { name: 'intermediate', volatility: 0.3, dataNoise: 0.15, desks: 5, adversarial: false, blackSwans: false },
  expert: { name: 'expert', volatility: 0.5, dataNoise: 0.25, desks: 10, adversarial: true, blackSwans: false },
  master: { name: 'master', volatility: 0.8, dataNoise: 0.4, desks: 20, adversarial: true, blackSwans: true },
};

/** Engine volatility multiplier of a difficulty's volatility level. */
export function difficultyVolMult(volatility: number): number {
  return 0.5 + 2.5 * volatility;
}

/** Random shocks per floor minute at a difficulty with adversarial agents / black swans on. */
export const ADVERSARIAL_PER_MINUTE = 0.5;
export const BLACK_SWAN_PER_MINUTE = 0.1;

/**
 * Resolves a shock's symbol targets against the session's symbol names: indices of the symbols, or a
 * message naming the first unknown one.
 */
export function resolveSymbols(symbols: 'all' | readonly SymbolRef[], names: readonly string[]): number[] | string {
  if (symbols === 'all') return names.map((_, i) => i);
  const out: number[] = [];
  for (const ref of symbols) {
    const i = typeof ref === 'number' ? (ref < names.length ? ref : -1) : names.indexOf(ref.toUpperCase());
    if (i < 0) return `unknown symbol ${JSON.stringify(ref)} (this session has ${names.join(', ')})`;
    if (!out.includes(i)) out.push(i);
  }
  return out;
}

/** Every problem of a scenario against a session's symbols (empty: it can be injected). */
export function checkScenarioTargets(s: Scenario, names: readonly string[]): string[] {
  const errs: string[] = [];
  s.shocks.forEach((sh, i) => {
    const r = resolveSymbols(sh.targets.symbols, names);
    if (typeof r === 'string') errs.push(`shocks.${i}.targets.symbols: ${r}`);
    if (sh.effect.kind === 'contagion') {
      const src = resolveSymbols([sh.effect.source], names);
      if (typeof src === 'string') errs.push(`shocks.${i}.effect.source: ${src}`);
    }
  });
  return errs;
}

// ---- API shapes ------------------------------------------------------------------------------------

export const ScenarioSummary = z.object({
  name: z.string(),
  title: z.string().nullable(),
  description: z.string(),
  sources: z.array(z.string()),
  compression: z.number(),
  shocks: z.number().int(),
  /** floor seconds from its start to the end of its last shock */
  seconds: z.number(),
});
export type ScenarioSummary = z.infer<typeof ScenarioSummary>;

export function summarizeScenario(s: Scenario): ScenarioSummary {
  return {
    name: s.name,
    title: s.title ?? null,
    description: s.description,
    sources: s.sources,
    compression: s.compression,
    shocks: s.shocks.length,
    seconds: scenarioSpanTicks(s) / 20,
  };
}

/** What is scheduled and in force now (answered by the engine between ticks). */
export const ScenarioState = z.object({
  tick: z.number().int().nonnegative(),
  shocks: z.array(ShockStatus),
  halts: z.array(HaltStatus),
  breakers: BreakerConfig,
  /** id of the scenario whose breaker rules are in force, -1 for the floor's own */
  breakersFrom: z.number().int(),
  params: z.object({
    volatility: z.number(),
    liquidity: z.number(),
    newsRate: z.number(),
    feeBps: z.number(),
    latencyTicks: z.number(),
    dataNoise: z.number(),
    crowdMix: z.object({ noise: z.number(), marketMaker: z.number(), momentum: z.number(), value: z.number() }),
    adversarialRate: z.number(),
    blackSwanRate: z.number(),
  }),
});
export type ScenarioState = z.infer<typeof ScenarioState>;

/** Farthest ahead a scenario may be scheduled: 24 floor-hours. */
export const MAX_SCHEDULE_AHEAD_TICKS = 24 * 3600 * 20;

export const InjectParams = z
  .object({
    /** a preset's name (scenario.list) … */
    preset: z.string().min(1).max(80).optional(),
    /** … or a whole scenario document */
    scenario: Scenario.optional(),
    /** absolute tick to start at (default: the next tick boundary) */
    at: z.number().int().nonnegative().optional(),
  })
  .strict()
  .refine((p) => (p.preset === undefined) !== (p.scenario === undefined), { message: 'give exactly one of "preset" or "scenario"', path: ['preset'] });

export const InjectResult = z.object({
  id: z.number().int().nonnegative(),
  name: z.string(),
  /** tick at whose boundary the injection was applied */
  appliedAt: z.number().int().nonnegative(),
  /** tick its shock offsets count from */
  startTick: z.number().int().nonnegative(),
  /** tick after its last shock ends */
  endTick: z.number().int().nonnegative(),
});
export type InjectResult = z.infer<typeof InjectResult>;
