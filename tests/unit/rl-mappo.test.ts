import { describe, expect, it } from 'vitest';
import { Box, Discrete, type BoxSpace, type DiscreteSpace } from '../../src-workers/rl/env';
import { AGENT_CAPITAL } from '../../src-workers/rl/envs/market';
import { DeskEnv, parseDeskEnvConfig } from '../../src-workers/rl/envs/desk';
import { evaluateDesk } from '../../src-workers/rl/evaluate';
import { MAPPO, parseMAPPOConfig, parseMAPPOSnapshot } from '../../src-workers/rl/mappo';
import type { MultiAgentEnv, MultiStepResult } from '../../src-workers/rl/multi-env';
import { Rng } from '../../src-workers/rl/rng';

/**
 * A cooperative signalling game: agent 0 sees a random cue in {0, 1, 2}; agent 1 sees nothing but
 * agent 0's previous action. Both are paid +1 when agent 0 names the cue and agent 1 repeats what
 * agent 0 said on the step before (the shared reward is the sum, 0..2). Episodes of 16 steps.
 */
class Signalling implements MultiAgentEnv {
  readonly agents = ['speaker', 'listener'];
  readonly observationSpaces: BoxSpace[] = [Box(0, 1, 3), Box(0, 1, 3)];
  readonly actionSpaces: DiscreteSpace[] = [Discrete(3), Discrete(3)];
  readonly stateDim = 6;
  private rng = new Rng(0);
  private cue = 0;
  private said = 0;
  private t = 0;
  private readonly o = [new Float64Array(3), new Float64Array(3)];
  constructor(private readonly nanAt = -1) {}
  reset(seed?: number): Float64Array[] {
    if (seed !== undefined) this.rng = new Rng(seed);
    this.t = 0;
    this.said = this.rng.int(3);
    this.cue = this.rng.int(3);
    return this.observe();
  }
  step(a: ArrayLike<number>): MultiStepResult {
    let reward = (a[0] === this.cue ? 1 : 0) + (a[1] === this.said ? 1 : 0);
    this.said = a[0]!;
    this.cue = this.rng.int(3);
    this.t++;
    if (this.t === this.nanAt) reward = NaN;
    return { obs: this.observe(), reward, terminated: false, truncated: this.t >= 16 };
  }
  state(out: Float64Array, off: number): void {
    out.set(this.o[0]!, off);
    out.set(this.o[1]!, off + 3);
  }
  private observe(): Float64Array[] {
    for (let k = 0; k < 3; k++) {
      this.o[0]![k] = k === this.cue ? 1 : 0;
      this.o[1]![k] = k === this.said ? 1 : 0;
    }
    return this.o;
  }
}

const FAST = { n_envs: 8, n_steps: 32, batch_size: 128, n_epochs: 8, learning_rate: 3e-3, ent_coef: 0.0, gamma: 0.5, normalize_reward: false, net_arch: [32], critic_net_arch: [32] };

describe('MAPPO', () => {
  it('refuses invalid hyperparameters naming the field', () => {
    expect(() => parseMAPPOConfig({ batch_size: 10_000 })).toThrow(/batch_size: must be at most n_steps × n_envs = 1024/);
    expect(() => parseMAPPOConfig({ clip: 0.2 })).toThrow(/clip/);
    expect(() => parseMAPPOConfig({ learning_rate: -1 })).toThrow(/learning_rate/);
    class Mixed extends Signalling {
      override readonly actionSpaces: DiscreteSpace[] = [Discrete(3), Discrete(2)];
    }
    expect(() => new MAPPO(() => new Mixed(), { share_policy: true })).toThrow(/share_policy/);
  });

  for (const share of [true, false]) {
    it(`learns a cooperative signalling game with a centralised critic (${share ? 'shared actor with agent ids' : 'one actor per agent'})`, () => {
      const model = new MAPPO(() => new Signalling(), { ...FAST, share_policy: share, seed: 2 });
      model.learn(12_800);
      const m = model.metrics;
      expect(m[0]!.ep_rew_mean).toBeLessThan(14); // random: 16 × (1/3 + 1/3) ≈ 10.7
      expect(m[m.length - 1]!.ep_rew_mean).toBeGreaterThan(29); // of 32
      for (const x of m) for (const v of [x.policy_gradient_loss, x.value_loss, x.entropy_loss, x.approx_kl, x.clip_fraction]) expect(Number.isFinite(v)).toBe(true);
      // greedy decentralised play: each agent acts on its own observation
      const env = new Signalling();
      let o: readonly Float64Array[] = env.reset(99);
      let ret = 0;
      for (let t = 0; t < 16; t++) {
        const r = env.step(model.predict(o));
        ret += r.reward;
        o = r.obs;
      }
      expect(ret).toBeGreaterThanOrEqual(31);
    }, 60_000);
  }

  for (const share of [true, false]) {
    it(`computes the exact gradient of its loss (central finite differences, f64 kernel, ${share ? 'shared actor' : 'separate actors'})`, () => {
      const model = new MAPPO(() => new Signalling(), { n_envs: 4, n_steps: 16, batch_size: 32, n_epochs: 1, ent_coef: 0.05, vf_coef: 0.7, share_policy: share, net_arch: [8], critic_net_arch: [8], kernel: 'js', seed: 3 });
      model.learn(128); // move away from the initial parameters so ratios differ from 1
      model.collectRollout();
      const idx = Int32Array.from({ length: 24 }, (_, i) => (i * 5) % 64);
      model.lossAndGrad(idx, true);
      const g = Float64Array.from(model.grads);
      const p = model.params;
      const rng = new Rng(4);
      let checked = 0;
      for (let t = 0; t < 60; t++) {
        const i = rng.int(p.length);
        const x = p[i]!;
        const h = 1e-6;
        p[i] = x + h;
        const lp = model.lossAndGrad(idx, false).loss;
        p[i] = x - h;
        const lm = model.lossAndGrad(idx, false).loss;
        p[i] = x;
        const fd = (lp - lm) / (2 * h);
        expect(Math.abs(fd - g[i]!), `param ${i}: fd ${fd} vs ${g[i]}`).toBeLessThan(1e-6 + 1e-4 * Math.abs(fd));
        checked++;
      }
      expect(checked).toBe(60);
    });
  }

  it('is deterministic per seed and its snapshot round-trips', () => {
    const a = new MAPPO(() => new Signalling(), { ...FAST, seed: 5 }).learn(2048);
    const b = new MAPPO(() => new Signalling(), { ...FAST, seed: 5 }).learn(2048);
    expect(a.metrics.map((m) => [m.value_loss, m.ep_rew_mean])).toEqual(b.metrics.map((m) => [m.value_loss, m.ep_rew_mean]));
    const snap = JSON.parse(JSON.stringify(a.snapshot())) as unknown;
    const c = new MAPPO(() => new Signalling(), { ...FAST, seed: 9 });
    c.loadSnapshot(snap);
    const obs = [Float64Array.of(0, 1, 0), Float64Array.of(1, 0, 0)];
    expect(c.decide(0, obs[0]!).probabilities).toEqual(a.decide(0, obs[0]!).probabilities);
    expect(c.value([0, 1, 0, 1, 0, 0])).toBe(a.value([0, 1, 0, 1, 0, 0]));
    expect(() => parseMAPPOSnapshot({ ...(snap as object), params: [NaN] })).toThrow(/params/);
  });

  it('stops with a clear error on a NaN reward', () => {
    const model = new MAPPO(() => new Signalling(5), { ...FAST, seed: 1 });
    expect(() => model.learn(1024)).toThrow(/MAPPO: env 0 returned the reward NaN; rewards must be finite/);
  });
});

describe('DeskEnv (analyst, risk manager, trader on the engine)', () => {
  const SMALL = { episodeSteps: 64, warmupTicks: 100 };

  it('gives each role its own observation and the critic the joint one', () => {
    const env = new DeskEnv(SMALL);
    const o = env.reset(3);
    expect(env.agents).toEqual(['analyst', 'risk manager', 'trader']);
    expect(o.map((x) => x.length)).toEqual(env.observationSpaces.map((s) => s.shape[0]));
    const s = new Float64Array(env.stateDim);
    env.state(s, 0);
    expect(Array.from(s)).toEqual([...o[0]!, ...o[1]!, ...o[2]!]);
    expect(() => parseDeskEnvConfig({ maxLots: 0 })).toThrow(/maxLots/);
    expect(() => env.step([0, 3, 1])).toThrow(/risk manager's action 3/);
  });

  it('the risk manager\'s limit binds the trader, the analyst\'s view reaches the trader, the reward is the desk\'s step P&L', () => {
    const env = new DeskEnv({ ...SMALL, reward: 'pnl', maxLots: 4 });
    env.resetMarket(8);
    const L = env.config.lookback;
    let eq = env.equity;
    for (let t = 0; t < 6; t++) {
      const r = env.step([2, 2, 2]); // bullish, widest limit, buy
      expect(r.reward).toBeCloseTo((100 * (env.equity - eq)) / AGENT_CAPITAL, 12);
      eq = env.equity;
      expect(r.obs[2]![L + 3]).toBe(1); // the trader sees the bullish view
    }
    const lot = env.market.lotUnits;
    const long = env.market.position(env.trader);
    expect(long).toBeGreaterThan(0);
    expect(long).toBeLessThanOrEqual(4 * lot);
    const r = env.step([0, 1, 2]); // half limit: 2 lots at most, even while the trader buys
    expect(env.lastTarget).toBe(Math.min(2 * lot, long + lot));
    // the cut goes out as an immediate-or-cancel order: filled against the book, maybe partly
    if (long > 2 * lot) expect(env.market.position(env.trader)).toBeLessThan(long);
    expect(r.obs[2]![L + 3]).toBe(-1);
    expect(r.obs[1]![6]).toBe(0.5);
    env.step([1, 0, 2]); // flat only
    expect(env.lastTarget).toBe(0);
    expect(Math.abs(env.market.position(env.trader))).toBeLessThan(long);
  });

  it('MAPPO trains the desk and is evaluated against buy-and-hold, random and the rule-based desks', () => {
    const model = new MAPPO(() => new DeskEnv(SMALL), { n_envs: 2, n_steps: 64, batch_size: 128, n_epochs: 2, seed: 1 });
    model.learn(512);
    expect(model.metrics.length).toBe(4);
    expect(model.episodes.length).toBeGreaterThan(0);
    const rep = evaluateDesk(() => new DeskEnv(SMALL), (o) => model.predict(o), { episodes: 3 });
    expect(rep.contenders.map((c) => c.name)).toEqual(['agent desk', 'buy-and-hold', 'random', 'desk: Trend Desk', 'desk: Reversion Desk']);
    for (const c of rep.contenders) {
      expect(Number.isFinite(c.meanReturn)).toBe(true);
      expect(c.ci95[0]).toBeLessThanOrEqual(c.meanReturn + 1e-12);
    }
  }, 60_000);
});
