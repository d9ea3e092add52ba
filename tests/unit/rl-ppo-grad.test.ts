import { describe, expect, it } from 'vitest';
import { Box, Discrete, MultiDiscrete, type BoxSpace, type Env, type MultiDiscreteSpace, type StepResult } from '../../src-workers/rl/env';
import { CartPole } from '../../src-workers/rl/envs/cartpole';
import { Pendulum } from '../../src-workers/rl/envs/pendulum';
import { PPO } from '../../src-workers/rl/ppo';
import type { PPOConfigInput } from '../../src-workers/rl/config';
import { Rng } from '../../src-workers/rl/rng';

/** a small MultiDiscrete task: two choices per step, rewarded for matching the observation's signs */
class MatchSigns implements Env<MultiDiscreteSpace> {
  readonly observationSpace: BoxSpace = Box(-1, 1, 2);
  readonly actionSpace = MultiDiscrete([3, 2]);
  private rng = new Rng(0);
  private readonly o = new Float64Array(2);
  private t = 0;
  reset(seed?: number): Float64Array {
    if (seed !== undefined) this.rng = new Rng(seed);
    this.t = 0;
    this.o[0] = this.rng.range(-1, 1);
    this.o[1] = this.rng.range(-1, 1);
    return this.o;
  }
  step(a: Int32Array): StepResult {
    const r = (a[0] === (this.o[0]! > 0 ? 2 : 0) ? 1 : 0) + (a[1] === (this.o[1]! > 0 ? 1 : 0) ? 1 : 0);
    this.t++;
    this.reset();
    return { obs: this.o, reward: r, terminated: false, truncated: this.t >= 20 };
  }
}

/**
 * The full PPO minibatch loss (clipped surrogate + entropy bonus + clipped value loss, with
 * advantage normalisation) differentiated by hand and by central finite differences, after the
 * parameters moved away from the rollout policy so that ratios ≠ 1 and some samples are clipped.
 * (A wrong factor or sign shows as an O(1) relative error; finite-difference round-off stays < 1e-4.)
 */
function gradCheck(make: () => Env, cfg: PPOConfigInput): { worst: number; clippedFrac: number } {
  const model = new PPO(make, { kernel: 'js', seed: 3, ...cfg });
  model.collectRollout();
  const p = model.policy.store.params;
  const rng = new Rng(9);
  for (let i = 0; i < p.length; i++) p[i]! += rng.normal() * 0.05;
  const S = model.config.n_steps * model.config.n_envs;
  const idx = new Int32Array(Math.min(S, model.config.batch_size));
  for (let i = 0; i < idx.length; i++) idx[i] = (i * 7) % S;
  const clip = 0.1;
  const clipVf = 0.05;
  const l0 = model.lossAndGrad(idx, clip, clipVf, true);
  const g = Float64Array.from(model.policy.store.grads);
  const eps = 1e-6;
  let worst = 0;
  for (let i = 0; i < p.length; i++) {
    const v = p[i]!;
    p[i] = v + eps;
    const lp = model.lossAndGrad(idx, clip, clipVf, false).loss;
    p[i] = v - eps;
    const lm = model.lossAndGrad(idx, clip, clipVf, false).loss;
    p[i] = v;
    const num = (lp - lm) / (2 * eps);
    worst = Math.max(worst, Math.abs(num - g[i]!) / (Math.abs(num) + Math.abs(g[i]!) + 1e-3));
  }
  return { worst, clippedFrac: l0.clipped / idx.length };
}

describe('PPO loss gradient against finite differences (f64 kernel)', () => {
  it('discrete (CartPole), separate actor/critic, entropy bonus', () => {
    const r = gradCheck(() => new CartPole(), { n_envs: 2, n_steps: 16, batch_size: 24, ent_coef: 0.01, policy_kwargs: { net_arch: [8, 8] } });
    expect(r.clippedFrac).toBeGreaterThan(0);
    expect(r.worst).toBeLessThan(1e-4);
  });

  it('multi-discrete, shared trunk, relu', () => {
    const r = gradCheck(() => new MatchSigns(), {
      n_envs: 2,
      n_steps: 16,
      batch_size: 24,
      ent_coef: 0.05,
      policy_kwargs: { net_arch: [8, 6], share_layers: true, activation_fn: 'relu' },
    });
    expect(r.worst).toBeLessThan(1e-4);
  });

  it('Gaussian (Pendulum), state-independent log-std, value clipping', () => {
    const r = gradCheck(() => new Pendulum(), {
      n_envs: 2,
      n_steps: 16,
      batch_size: 24,
      ent_coef: 0.02,
      clip_range_vf: 0.05,
      policy_kwargs: { net_arch: { pi: [8], vf: [6, 5] }, log_std_init: -0.5 },
    });
    expect(r.clippedFrac).toBeGreaterThan(0);
    expect(r.worst).toBeLessThan(1e-4);
  });
});

/** reward 1 per step; terminates when the action is 1 three times in a row, else truncated at 5 */
class ShortEpisodes implements Env<ReturnType<typeof Discrete>> {
  readonly observationSpace: BoxSpace = Box(0, 10, 2);
  readonly actionSpace = Discrete(2);
  private readonly o = new Float64Array(2);
  private t = 0;
  private ones = 0;
  reset(): Float64Array {
    this.t = 0;
    this.ones = 0;
    this.o[0] = 0;
    this.o[1] = 0;
    return this.o;
  }
  step(a: number): StepResult {
    this.t++;
    this.ones = a === 1 ? this.ones + 1 : 0;
    this.o[0] = this.t;
    this.o[1] = this.ones;
    const terminated = this.ones >= 3;
    return { obs: this.o, reward: 1, terminated, truncated: !terminated && this.t >= 5 };
  }
}

describe('rollout: truncation bootstrap and GAE(λ) exactly as SB3', () => {
  it('adds γ·V(final obs) to a truncated step only, and computes advantages/returns by the GAE recursion', () => {
    const gamma = 0.9;
    const lam = 0.8;
    const N = 3;
    const T = 16;
    const model = new PPO(() => new ShortEpisodes(), { n_envs: N, n_steps: T, batch_size: 16, gamma, gae_lambda: lam, kernel: 'js', seed: 5 });
    model.collectRollout();
    const r = model.rollout;
    let truncations = 0;
    let terminations = 0;
    // replay the (deterministic) envs with the recorded actions to know where episodes ended
    for (let i = 0; i < N; i++) {
      const env = new ShortEpisodes();
      env.reset();
      for (let t = 0; t < T; t++) {
        const k = t * N + i;
        const s = env.step(r.actions[k]!);
        if (s.truncated) {
          truncations++;
          expect(r.rewards[k]).toBeCloseTo(1 + gamma * model.value(s.obs), 12);
        } else {
          expect(r.rewards[k]).toBe(1);
        }
        if (s.terminated) terminations++;
        if (s.terminated || s.truncated) env.reset();
        const nextStart = t + 1 < T ? r.episodeStarts[k + N]! : r.lastEpisodeStarts[i]!;
        expect(nextStart).toBe(s.terminated || s.truncated ? 1 : 0);
      }
    }
    expect(truncations).toBeGreaterThan(0);
    expect(terminations).toBeGreaterThan(0);
    for (let i = 0; i < N; i++) {
      let gae = 0;
      for (let t = T - 1; t >= 0; t--) {
        const k = t * N + i;
        const nonTerminal = t === T - 1 ? 1 - r.lastEpisodeStarts[i]! : 1 - r.episodeStarts[k + N]!;
        const nextV = t === T - 1 ? r.lastValues[i]! : r.values[k + N]!;
        gae = r.rewards[k]! + gamma * nextV * nonTerminal - r.values[k]! + gamma * lam * nonTerminal * gae;
        expect(r.advantages[k]).toBeCloseTo(gae, 12);
        expect(r.returns[k]).toBeCloseTo(gae + r.values[k]!, 12);
      }
    }
  });
});
