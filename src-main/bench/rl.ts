import { CartPole } from '../../src-workers/rl/envs/cartpole';
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
  return figs;
}
