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
export { DeployedPolicy, type Decision } from './deploy';
export { parseSnapshot } from './snapshot';
export { RunningMeanStd, VecNormalize, type VecEnvLike } from './normalize';
export { ActorCritic, type PolicyArch } from './policy';
export { Adam, Mlp, ParamStore, clipGradNorm } from './mlp';
export { Rng } from './rng';
export { createJsKernel, createWasmKernel, selectKernel, wasmSimdAvailable, type Kernel, type KernelName } from './kernels';
