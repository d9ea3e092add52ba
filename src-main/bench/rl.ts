import { CartPole } from '../../src-workers/rl/envs/cartpole';
import { DeskEnv } from '../../src-workers/rl/envs/desk';
import { TradingEnv } from '../../src-workers/rl/envs/trading';
import { MAPPO } from '../../src-workers/rl/mappo';
import { DEFAULT_HYPERPARAMS } from '../../src-workers/rl/train-task';
import { Pendulum } from '../../src-workers/rl/envs/pendulum';
import { createJsKernel, createWasmKernel, wasmSimdAvailable, type Kernel, type KernelName } from '../../src-workers/rl/kernels';
import { Mlp, ParamStore, mlpParamCount } from '../../src-workers/rl/mlp';
import { PPO } from '../../src-workers/rl/ppo';
import { Rng } from '../../src-workers/rl/rng';
import type { BenchOptions, Figure } from './figures';

/** rl-baselines3-zoo's CartPole-v1 PPO settings (the figure's definition). */
export const CARTPOLE_ZOO = {
  n_envs: 8,
  n_steps: 32,
  batch_size: 256,
  gae_lambda: 0.8,
  gamma: 0.98,
  n_epochs: 20,
  ent_coef: 0,
  learning_rate: 'lin_0.001',
  clip_range: 'lin_0.2',
} as const;

/** median ms of forward+backward (or forward only) of a tanh MLP (default 4→64→64→2) on a batch of B (default 256) */
export function mlpFwdBwdMs(kernel: Kernel, seconds = 0.5, sizes: readonly number[] = [4, 64, 64, 2], B = 256, forwardOnly = false): number {
  const store = new ParamStore(kernel, mlpParamCount(sizes));
  const net = new Mlp(kernel, store, sizes, 'tanh', false, B);
  const rng = new Rng(1);
  net.initOrthogonal(rng, Math.SQRT2, 0.01);
  for (let i = 0; i < net.input.length; i++) net.input[i] = rng.normal();
  for (let i = 0; i < net.gradOut.length; i++) net.gradOut[i] = rng.normal();
  const reps = Math.max(1, Math.round(2560 / B));
  const once = (): void => {
    net.forward(B);
    if (!forwardOnly) net.backward(B);
  };
  for (let i = 0; i < 5 * reps; i++) once();
  const samples: number[] = [];
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end || samples.length < 5) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) once();
    samples.push((performance.now() - t0) / reps);
  }
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1]!;
}

/** env steps per second of a full zoo-settings PPO run on CartPole (rollouts + updates) */
export function ppoCartpoleSps(kernel: KernelName, steps: number): number {
  const model = new PPO(() => new CartPole(), { ...CARTPOLE_ZOO, seed: 0, kernel });
  model.learn(2048); // warm-up (JIT, wasm tier-up)
  const t0 = performance.now();
  const before = model.numTimesteps;
  model.learn(steps);
  return (model.numTimesteps - before) / ((performance.now() - t0) / 1000);
}

function ppoPendulumSps(steps: number): number {
  const model = new PPO(() => new Pendulum(), { n_envs: 4, n_steps: 1024, gae_lambda: 0.95, gamma: 0.9, n_epochs: 10, learning_rate: 1e-3, seed: 0 });
  model.learn(4096);
  const t0 = performance.now();
  const before = model.numTimesteps;
  model.learn(steps);
  return (model.numTimesteps - before) / ((performance.now() - t0) / 1000);
}

/**
 * Trading-environment steps per second without learning: the default TradingEnv (1 symbol, a crowd
 * of 64, 2 rule-based desks, 2 ticks per step, 256-step episodes, 4 episodes per market, markets
 * built and warmed up as episodes need them), seeded random discrete actions.
 */
export function tradingEnvSps(seconds: number): { wall: number; cpu: number } {
  const env = new TradingEnv();
  const rng = new Rng(1);
  env.reset(1);
  for (let i = 0; i < 20_000; i++) if (env.step(rng.int(5)).truncated) env.reset(); // JIT warm-up
  let n = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 256; i++) {
      if (env.step(rng.int(5)).truncated) env.reset();
    }
    n += 256;
  }
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { wall: n / wall, cpu: n / ((c.user + c.system) / 1e6) };
}

/** MAPPO training steps (desk env steps, three agents each) per second with the CLI's default desk hyperparameters. */
export function mappoDeskSps(steps: number): number {
  const model = new MAPPO(() => new DeskEnv(), { ...DEFAULT_HYPERPARAMS.desk, seed: 0 });
  model.learn(1024);
  const before = model.numTimesteps;
  const t0 = performance.now();
  model.learn(steps);
  return (model.numTimesteps - before) / ((performance.now() - t0) / 1000);
}

/**
 * RL figures: PPO throughput on CartPole with the zoo settings (SB3 does ~1,700 steps/s on this
 * machine) and the MLP kernel comparison (docs/BENCHMARKS.md, "RL kernels").
 */
export async function rlFigures(opts: Partial<BenchOptions> = {}): Promise<Figure[]> {
  const log = opts.log ?? (() => {});
  const seconds = opts.seconds ?? 1;
  const figs: Figure[] = [];
  const js = mlpFwdBwdMs(createJsKernel('f64'), Math.min(2, seconds));
  figs.push({ name: 'rl.mlp_fwd_bwd_256_ms_js', value: js, unit: 'ms' });
  log(`mlp 4→64→64→2 fwd+bwd, batch 256, plain JS f64: ${js.toFixed(3)} ms`);
  if (wasmSimdAvailable()) {
    const wa = mlpFwdBwdMs(createWasmKernel(8 << 20), Math.min(2, seconds));
    figs.push({ name: 'rl.mlp_fwd_bwd_256_ms', value: wa, unit: 'ms' });
    figs.push({ name: 'rl.kernel_speedup_wasm_vs_js', value: js / wa, unit: 'x' });
    log(`… WebAssembly SIMD f32: ${wa.toFixed(3)} ms (${(js / wa).toFixed(1)}× faster)`);
  } else {
    figs.push({ name: 'rl.mlp_fwd_bwd_256_ms', value: js, unit: 'ms' });
  }
  await Promise.resolve();
  const sps = ppoCartpoleSps('auto', 50_000);
  figs.push({ name: 'rl.ppo_cartpole_sps', value: sps, unit: 'steps/s' });
  log(`PPO CartPole (8 envs × 32 steps, batch 256, 20 epochs, 64×64 tanh), default kernel: ${sps.toFixed(0)} steps/s`);
  const spsJs = ppoCartpoleSps('js', 8192);
  figs.push({ name: 'rl.ppo_cartpole_sps_js', value: spsJs, unit: 'steps/s' });
  log(`… with the plain-JS kernel: ${spsJs.toFixed(0)} steps/s`);
  const spsPend = ppoPendulumSps(40_960);
  figs.push({ name: 'rl.ppo_pendulum_sps', value: spsPend, unit: 'steps/s' });
  log(`PPO Pendulum (4 envs × 1024 steps, batch 64, 10 epochs): ${spsPend.toFixed(0)} steps/s`);
  await Promise.resolve();
  const tEnv = tradingEnvSps(Math.max(1, seconds));
  figs.push({ name: 'rl.trading_env_sps', value: tEnv.wall, unit: 'steps/s' });
  figs.push({ name: 'rl.trading_env_steps_per_cpu_s', value: tEnv.cpu, unit: 'steps/s' });
  log(`trading env (engine: 1 symbol, crowd 64, 2 desks; 2 ticks/step), random actions, no learning: ${tEnv.wall.toFixed(0)} steps/s (target ≥ 50,000); ${tEnv.cpu.toFixed(0)} per CPU-second (what a load-free core gives)`);
  const mDesk = mappoDeskSps(8192);
  figs.push({ name: 'rl.mappo_desk_sps', value: mDesk, unit: 'steps/s' });
  log(`MAPPO on the desk env (4 envs × 128 steps, batch 256, 5 epochs, shared 64×64 actor + 64×64 critic): ${mDesk.toFixed(0)} steps/s`);
  return figs;
}
