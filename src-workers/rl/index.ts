/**
 * Bullpen reinforcement learning: environments, vectorised envs, PPO. See docs/RL.md.
 * Pure TypeScript with no Node APIs: runs in the main thread, a worker_thread or a Web Worker.
 */
export {
  Box,
  Discrete,
  MultiDiscrete,
  TimeLimit,
  VecEnv,
  flatDim,
  type Action,
  type ActionOf,
  type BoxSpace,
  type DiscreteSpace,
  type Env,
  type EpisodeInfo,
  type MultiDiscreteSpace,
  type Space,
  type StepResult,
  type VecStepResult,
} from './env';
export { CartPole } from './envs/cartpole';
export { Pendulum } from './envs/pendulum';
export { PPO, evaluatePolicy, type LearnOptions, type PolicySnapshot, type UpdateMetrics } from './ppo';
export { parsePPOConfig, ppoConfigSchema, type PPOConfig, type PPOConfigInput } from './config';
export { DeployedDeskPolicy, DeployedPolicy, type AgentExplanation, type Decision, type Explanation } from './deploy';
export { CURRICULUM_LEVELS, Curriculum, curriculumConfigSchema, type CurriculumConfig, type CurriculumConfigInput } from './curriculum';
export { parseSnapshot } from './snapshot';
export { RunningMeanStd, VecNormalize, type VecEnvLike } from './normalize';
export { ActorCritic, type PolicyArch } from './policy';
export { Adam, Mlp, ParamStore, clipGradNorm } from './mlp';
export { Rng } from './rng';
export { createJsKernel, createWasmKernel, selectKernel, wasmSimdAvailable, type Kernel, type KernelName } from './kernels';
export { TradingEnv, parseTradingEnvConfig, tradingEnvConfigSchema, type TradingEnvConfig, type TradingEnvConfigInput } from './envs/trading';
export { DeskEnv, DESK_AGENTS, parseDeskEnvConfig, deskEnvConfigSchema, type DeskEnvConfig, type DeskEnvConfigInput } from './envs/desk';
export { AGENT_CAPITAL, MarketSim, marketConfigSchema, marketFeatureNames, type MarketConfig } from './envs/market';
export { DifferentialSharpe, RewardShaper, REWARD_KINDS, riskPenalty, type RewardKind } from './envs/rewards';
export { MAPPO, parseMAPPOConfig, parseMAPPOSnapshot, mappoConfigSchema, type MAPPOConfig, type MAPPOConfigInput, type MAPPOSnapshot } from './mappo';
export type { MultiAgentEnv, MultiStepResult } from './multi-env';
export {
  HELD_OUT_SEED_BASE,
  bootstrapMeanCI,
  curveStats,
  evaluateDesk,
  evaluateTrading,
  formatReport,
  type ContenderReport,
  type EvaluationReport,
} from './evaluate';
export { DEFAULT_HYPERPARAMS, trainSpecSchema, validateTrainSpec, type TrainSpec, type TrainSpecInput, type TrainingProgress } from './train-task';
