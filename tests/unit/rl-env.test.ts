import { describe, expect, it } from 'vitest';
import { Box, Discrete, MultiDiscrete, TimeLimit, VecEnv, flatDim, type BoxSpace, type Env, type StepResult } from '../../src-workers/rl/env';
import { CartPole } from '../../src-workers/rl/envs/cartpole';
import { Pendulum } from '../../src-workers/rl/envs/pendulum';
import { RunningMeanStd, VecNormalize } from '../../src-workers/rl/normalize';
import { Rng } from '../../src-workers/rl/rng';

describe('spaces', () => {
  it('validate their arguments and report their flat size', () => {
    expect(() => Discrete(0)).toThrow(/positive integer/);
    expect(() => MultiDiscrete([2, 0])).toThrow(/positive integer/);
    expect(() => Box([1], [0])).toThrow(/low\[0\]/);
    expect(flatDim(Discrete(4))).toBe(1);
    expect(flatDim(MultiDiscrete([3, 2, 5]))).toBe(3);
    const b = Box(-2, 2, 3);
    expect(flatDim(b)).toBe(3);
    expect(Array.from(b.high)).toEqual([2, 2, 2]);
  });
});

describe('CartPole-v1', () => {
  it('follows Gym\'s Euler dynamics (hand-computed first step from rest, push right)', () => {
    const env = new CartPole();
    env.reset(0);
    env.setState(0, 0, 0, 0);
    const r = env.step(1);
    // temp = 10/1.1; θ̈ = −temp / (0.5·(4/3 − 0.1/1.1)); ẍ = temp − 0.05·θ̈/1.1
    const temp = 10 / 1.1;
    const thetaAcc = -temp / (0.5 * (4 / 3 - 0.1 / 1.1));
    const xAcc = temp - (0.05 * thetaAcc) / 1.1;
    expect(r.obs[0]).toBe(0);
    expect(r.obs[1]).toBeCloseTo(0.02 * xAcc, 12);
    expect(r.obs[2]).toBe(0);
    expect(r.obs[3]).toBeCloseTo(0.02 * thetaAcc, 12);
    expect(r.obs[1]).toBeCloseTo(0.195122, 5);
    expect(r.obs[3]).toBeCloseTo(-0.292683, 5);
    expect(r.reward).toBe(1);
    expect(r.terminated).toBe(false);
  });

  it('starts uniformly within ±0.05, is reproducible per seed, terminates past 12° and truncates at 500', () => {
    const a = new CartPole();
    const b = new CartPole();
    const oa = Array.from(a.reset(42));
    expect(Array.from(b.reset(42))).toEqual(oa);
    expect(oa.every((v) => Math.abs(v) <= 0.05)).toBe(true);
    // always pushing right: the pole falls (θ < −12°) within a few dozen steps
    let r: StepResult;
    let n = 0;
    do {
      r = a.step(1);
      n++;
    } while (!r.terminated && !r.truncated);
    expect(r.terminated).toBe(true);
    expect(n).toBeLessThan(30);
    expect(Math.abs(r.obs[2]!) > (12 * Math.PI) / 180 || Math.abs(r.obs[0]!) > 2.4).toBe(true);
    // a PD controller balances forever: the episode is truncated (not terminated) at step 500
    let o = b.reset(7);
    for (n = 1; ; n++) {
      r = b.step(o[2]! + 0.5 * o[3]! + 0.01 * o[0]! + 0.1 * o[1]! > 0 ? 1 : 0);
      o = r.obs;
      if (r.terminated || r.truncated) break;
    }
    expect(n).toBe(500);
    expect(r.truncated).toBe(true);
    expect(r.terminated).toBe(false);
  });
});

describe('Pendulum-v1', () => {
  it('matches Gym\'s dynamics and cost', () => {
    const env = new Pendulum();
    env.reset(0);
    env.setState(Math.PI, 0);
    const r = env.step(Float64Array.of(5)); // clipped to the max torque 2
    // θ̇' = θ̇ + (3g/2l·sin θ + 3/(ml²)·u)·dt = (15·sin π + 6)·0.05
    const thDot = (15 * Math.sin(Math.PI) + 6) * 0.05;
    expect(r.obs[2]).toBeCloseTo(thDot, 12);
    expect(r.obs[0]).toBeCloseTo(Math.cos(Math.PI + thDot * 0.05), 12);
    expect(r.obs[1]).toBeCloseTo(Math.sin(Math.PI + thDot * 0.05), 12);
    expect(r.reward).toBeCloseTo(-(Math.PI * Math.PI + 0.001 * 4), 12);
    // upright and still with no torque: zero cost, stays up
    env.setState(0, 0);
    const up = env.step(Float64Array.of(0));
    expect(up.reward).toBeCloseTo(0, 12);
    expect(up.obs[0]).toBeCloseTo(1, 12);
    // angle normalisation: θ = 3π costs like θ = π
    env.setState(3 * Math.PI, 0);
    expect(env.step(Float64Array.of(0)).reward).toBeCloseTo(-(Math.PI * Math.PI), 9);
    // speed is clipped to ±8
    env.setState(0.1, 7.9);
    expect(env.step(Float64Array.of(2)).obs[2]).toBe(8);
  });

  it('never terminates and truncates after 200 steps', () => {
    const env = new Pendulum();
    env.reset(1);
    let r: StepResult | null = null;
    for (let i = 0; i < 200; i++) {
      r = env.step(Float64Array.of(0));
      expect(r.terminated).toBe(false);
      expect(r.truncated).toBe(i === 199);
    }
    expect(r).not.toBeNull();
  });
});

/** endless env: observation = step count */
class Counter implements Env<ReturnType<typeof Discrete>> {
  readonly observationSpace: BoxSpace = Box(0, Infinity, 1);
  readonly actionSpace = Discrete(2);
  private t = 0;
  private readonly o = new Float64Array(1);
  reset(): Float64Array {
    this.t = 0;
    this.o[0] = 0;
    return this.o;
  }
  step(a: number): StepResult {
    this.t++;
    this.o[0] = this.t;
    return { obs: this.o, reward: a, terminated: false, truncated: false };
  }
}

describe('TimeLimit and VecEnv', () => {
  it('TimeLimit truncates an endless env', () => {
    const env = new TimeLimit(new Counter(), 3);
    env.reset();
    expect(env.step(1).truncated).toBe(false);
    expect(env.step(1).truncated).toBe(false);
    const r = env.step(1);
    expect(r.truncated).toBe(true);
    expect(r.terminated).toBe(false);
    env.reset();
    expect(env.step(0).truncated).toBe(false);
  });

  it('auto-resets finished envs, keeps their last observation and records episodes', () => {
    const venv = VecEnv.of(() => new TimeLimit(new Counter(), 4), 2);
    venv.reset();
    for (let t = 1; t <= 3; t++) {
      const r = venv.step([1, 0]);
      expect(Array.from(r.obs)).toEqual([t, t]);
      expect(r.finalObs).toEqual([null, null]);
    }
    const r = venv.step([1, 0]);
    expect(Array.from(r.truncated)).toEqual([1, 1]);
    expect(Array.from(r.terminated)).toEqual([0, 0]);
    expect(Array.from(r.obs)).toEqual([0, 0]); // already reset
    expect(Array.from(r.finalObs[0]!)).toEqual([4]);
    expect(venv.episodes).toEqual([
      { ret: 4, len: 4, t: 7 },
      { ret: 0, len: 4, t: 8 },
    ]);
    expect(venv.numSteps).toBe(8);
  });

  it('is deterministic for a seed: env i is seeded seed + i', () => {
    const run = (seed: number) => {
      const v = VecEnv.of(() => new CartPole(), 3, seed);
      const rng = new Rng(5);
      const trace: number[] = Array.from(v.reset());
      for (let t = 0; t < 100; t++) trace.push(...v.step([rng.int(2), rng.int(2), rng.int(2)]).obs);
      return { trace, eps: v.episodes.length };
    };
    const a = run(11);
    expect(run(11)).toEqual(a);
    expect(run(12).trace).not.toEqual(a.trace);
    expect(a.eps).toBeGreaterThan(3);
  });
});

describe('observation and reward normalisation', () => {
  it('RunningMeanStd merges batches exactly', () => {
    const rng = new Rng(1);
    const rms = new RunningMeanStd(2, 0);
    const all: number[][] = [];
    for (let b = 0; b < 5; b++) {
      const rows = Array.from({ length: 7 }, () => [rng.normal() * 3 + 1, rng.normal() - 2]);
      all.push(...rows);
      rms.update(rows.flat(), 7);
    }
    for (let d = 0; d < 2; d++) {
      const xs = all.map((r) => r[d]!);
      const m = xs.reduce((a, b) => a + b, 0) / xs.length;
      const v = xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length;
      expect(rms.mean[d]).toBeCloseTo(m, 10);
      expect(rms.var[d]).toBeCloseTo(v, 10);
    }
  });

  it('VecNormalize whitens observations and scales rewards by the return std', () => {
    const venv = new VecNormalize(VecEnv.of(() => new Pendulum(), 4, 3), {
      norm_obs: true,
      norm_reward: true,
      clip_obs: 10,
      clip_reward: 10,
      gamma: 0.99,
      epsilon: 1e-8,
    });
    const rng = new Rng(2);
    venv.reset();
    const seen: number[][] = [[], [], []];
    let maxRew = 0;
    for (let t = 0; t < 2000; t++) {
      const r = venv.step([rng.range(-2, 2), rng.range(-2, 2), rng.range(-2, 2), rng.range(-2, 2)]);
      for (let i = 0; i < 4; i++) for (let d = 0; d < 3; d++) seen[d]!.push(r.obs[i * 3 + d]!);
      for (const x of r.rewards) maxRew = Math.max(maxRew, Math.abs(x));
    }
    for (let d = 0; d < 3; d++) {
      const xs = seen[d]!.slice(-4000);
      const m = xs.reduce((a, b) => a + b, 0) / xs.length;
      const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length);
      expect(Math.abs(m)).toBeLessThan(0.35);
      expect(sd).toBeGreaterThan(0.7);
      expect(sd).toBeLessThan(1.3);
    }
    expect(maxRew).toBeLessThan(10); // raw Pendulum rewards reach −16
    expect(venv.episodes.length).toBe(40); // raw returns are still recorded
  });
});
