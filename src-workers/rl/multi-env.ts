import type { BoxSpace, DiscreteSpace } from './env';

/**
 * A cooperative multi-agent environment (the desk): every agent has its own observation and
 * discrete action; all share one reward. `state()` is the joint observation the centralised critic
 * sees (MAPPO).
 */
export interface MultiAgentEnv {
  readonly agents: readonly string[];
  readonly observationSpaces: readonly BoxSpace[];
  readonly actionSpaces: readonly DiscreteSpace[];
  /** length of state() */
  readonly stateDim: number;
  /** Starts an episode; returns each agent's first observation (arrays may be reused by the env). */
  reset(seed?: number): readonly Float64Array[];
  /** One action per agent (agent order). */
  step(actions: ArrayLike<number>): MultiStepResult;
  /** the joint observation (all agents' observations, concatenated), written into `out` at `off` */
  state(out: Float64Array, off: number): void;
}

export interface MultiStepResult {
  obs: readonly Float64Array[];
  /** the shared (team) reward */
  reward: number;
  terminated: boolean;
  truncated: boolean;
}
