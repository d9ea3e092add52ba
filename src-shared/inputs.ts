import { z } from 'zod';
import { BreakerConfig, Scenario } from './scenario';

/**
 * Inputs: the only way anything outside the engine changes it. Each is applied at a tick boundary
 * and carries the tick it was applied at, so a replay from seed + inputs reproduces the session.
 */
export const MarketParam = z.enum([
  'volatility',
  'liquidity',
  'newsRate',
  'feeBps',
  /** cross-venue latency seen by arbitrage, ticks (default 1) */
  'latencyTicks',
  /** desks' valuation error, as a fraction (default 0.0005) */
  'dataNoise',
  /** crowd mix: wake-up rate multiplier of one trader type (default 1) */
  'mixNoise',
  'mixMarketMaker',
  'mixMomentum',
  'mixValue',
  /** random adversarial shocks (fat fingers, rumours) per floor minute (default 0) */
  'adversarialRate',
  /** random black-swan shocks (gaps, droughts) per floor minute (default 0) */
  'blackSwanRate',
]);
export type MarketParam = z.infer<typeof MarketParam>;

export const SetParamInput = z.object({
  kind: z.literal('setParam'),
  param: MarketParam,
  /** multiplier (volatility, liquidity, newsRate, mix*), basis points (feeBps), ticks (latencyTicks), rate per floor minute (*Rate) */
  value: z.number().finite().min(0).max(100),
});

export const HaltInput = z.object({
  kind: z.literal('halt'),
  /** desk index, or null for the whole floor */
  desk: z.number().int().nonnegative().nullable(),
  halted: z.boolean(),
});

/** Schedules a scenario: its shocks' offsets count from `startTick` (≥ the tick it is applied at; null: that tick). */
export const InjectScenarioInput = z.object({
  kind: z.literal('scenario'),
  /** unique within the session (the host numbers injections) */
  id: z.number().int().nonnegative(),
  startTick: z.number().int().nonnegative().nullable(),
  scenario: Scenario,
});

/** Cancels a queued or active scenario, or one of its shocks (index into its `shocks`). */
export const CancelScenarioInput = z.object({
  kind: z.literal('cancelScenario'),
  id: z.number().int().nonnegative(),
  shock: z.number().int().nonnegative().nullable().default(null),
});

/** Replaces the floor's circuit-breaker rules. */
export const BreakersInput = z.object({
  kind: z.literal('breakers'),
  config: BreakerConfig,
});

export const Input = z.discriminatedUnion('kind', [SetParamInput, HaltInput, InjectScenarioInput, CancelScenarioInput, BreakersInput]);
export type Input = z.infer<typeof Input>;

export const TimedInput = z.object({ tick: z.number().int().nonnegative(), input: Input });
export type TimedInput = z.infer<typeof TimedInput>;

const PARAM_WORDS: Partial<Record<MarketParam, string>> = {
  volatility: 'volatility',
  liquidity: 'market-maker liquidity',
  newsRate: 'news rate',
  feeBps: 'fee level',
};

/** One line a person can read for an input (the feed, timelines); names come from the roster when given. */
export function describeInput(raw: unknown, names: { desks?: readonly string[] } = {}): string {
  const parsed = Input.safeParse(raw);
  if (!parsed.success) return 'an input this version does not know';
  const input = parsed.data;
  switch (input.kind) {
    case 'setParam': {
      const what = PARAM_WORDS[input.param] ?? input.param;
      return input.param === 'feeBps' ? `${what} set to ${input.value} bp` : `${what} set to ${input.value}×`;
    }
    case 'halt': {
      const who = input.desk === null ? 'the whole floor' : (names.desks?.[input.desk] ?? `desk ${input.desk}`);
      return input.halted ? `emergency halt: ${who} stopped trading` : `halt lifted: ${who} trading again`;
    }
    case 'scenario':
      return `scenario “${input.scenario.name}” injected${input.startTick !== null ? ` for tick ${input.startTick}` : ''}`;
    case 'cancelScenario':
      return input.shock === null ? `scenario #${input.id} cancelled` : `shock ${input.shock + 1} of scenario #${input.id} cancelled`;
    case 'breakers':
      return 'circuit-breaker rules changed';
  }
}
