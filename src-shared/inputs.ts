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

/**
 * Puts a trained policy onto the floor (training.deploy): `desk` adds a desk whose agents the policy
 * drives (a PPO trading policy: one agent; a MAPPO desk: analyst, risk manager, trader), `replace`
 * makes featured agent `agent`'s proposals come from the policy (its desk still votes). It carries
 * the whole policy snapshot and the env config it was trained with, so a replay re-simulates it.
 * The engine checks the fit (src-workers/sim/policy-agents.ts) and refuses a misfit with an alert.
 */
export const DeployInput = z.object({
  kind: z.literal('deploy'),
  as: z.enum(['desk', 'replace']),
  agent: z.number().int().nonnegative().nullable().default(null),
  checkpointId: z.string().min(1).max(64),
  runId: z.string().max(64),
  /** shown on the floor (desk name, popover) */
  label: z.string().min(1).max(120),
  /** the environment it was trained on */
  env: z.enum(['trading', 'desk']),
  /** that environment's config (lookback, ticks per step, lot size, …) */
  envConfig: z.record(z.string(), z.unknown()),
  /** the policy: a PPO ('bullpen-ppo-policy/1') or MAPPO ('bullpen-mappo-policy/1') snapshot */
  snapshot: z.record(z.string(), z.unknown()),
});
export type DeployInput = z.infer<typeof DeployInput>;

export const Input = z.discriminatedUnion('kind', [SetParamInput, HaltInput, InjectScenarioInput, CancelScenarioInput, BreakersInput, DeployInput]);
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
    case 'deploy':
      return input.as === 'desk' ? `trained policy “${input.label}” deployed as a new desk` : `trained policy “${input.label}” now drives agent ${input.agent ?? '?'}`;
  }
}
