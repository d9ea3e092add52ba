import { describe, expect, it } from 'vitest';
import { parsePPOConfig } from '../../src-workers/rl/config';
import { Box, Discrete, VecEnv, type BoxSpace, type DiscreteSpace, type Env, type StepResult } from '../../src-workers/rl/env';
import { CartPole } from '../../src-workers/rl/envs/cartpole';
import { DeployedPolicy } from '../../src-workers/rl/deploy';
import { Pendulum } from '../../src-workers/rl/envs/pendulum';
import { PPO } from '../../src-workers/rl/ppo';

const cartpole = () => new CartPole();

describe('PPO hyperparameters (SB3 names, zod-validated)', () => {
  it('fills SB3 defaults', () => {
    const c = parsePPOConfig({});
    expect(c).toMatchObject({
      n_steps: 2048,
      batch_size: 64,
      n_epochs: 10,
      gamma: 0.99,
      gae_lambda: 0.95,
      clip_range: 0.2,
      clip_range_vf: null,
      ent_coef: 0,
      vf_coef: 0.5,
      max_grad_norm: 0.5,
      learning_rate: 3e-4,
      normalize_advantage: true,
    });
    expect(c.policy_kwargs).toEqual({ net_arch: [64, 64], activation_fn: 'tanh', share_layers: false, log_std_init: 0, ortho_init: true });
  });

  it.each([
    [{ batch_size: 1 }, /batch_size/],
    [{ gamma: 1.5 }, /gamma/],
    [{ gae_lambda: -0.1 }, /gae_lambda/],
    [{ n_steps: 0 }, /n_steps/],
    [{ n_epochs: 2.5 }, /n_epochs/],
    [{ learning_rate: 'fast' }, /learning_rate/],
    [{ learning_rate: -1 }, /learning_rate/],
    [{ clip_range: 0 }, /clip_range/],
    [{ ent_coef: Number.NaN }, /ent_coef/],
    [{ max_grad_norm: 0 }, /max_grad_norm/],
    [{ n_step: 32 }, /n_step/],
    [{ policy_kwargs: { activation_fn: 'sigmoid' } }, /policy_kwargs\.activation_fn/],
    [{ policy_kwargs: { net_arch: [64, 0] } }, /policy_kwargs\.net_arch/],
    [{ n_envs: 2, n_steps: 8, batch_size: 64 }, /batch_size: must be at most n_steps × n_envs = 16/],
  ])('refuses %j naming the field', (cfg, re) => {
    expect(() => new PPO(cartpole, cfg as never)).toThrow(re);
    expect(() => new PPO(cartpole, cfg as never)).toThrow(/^Invalid PPO hyperparameters/);
  });

  it('refuses an n_envs that contradicts the VecEnv it is given', () => {
    const venv = VecEnv.of(cartpole, 4);
    expect(() => new PPO(venv, { n_envs: 8, n_steps: 16, batch_size: 16 })).toThrow(/n_envs/);
    expect(new PPO(venv, { n_steps: 16, batch_size: 16 }).config.n_envs).toBe(4);
  });

  it('anneals learning rate and clip range linearly ("lin_x", as in the zoo)', () => {
    const m = new PPO(cartpole, { n_envs: 2, n_steps: 8, batch_size: 16, n_epochs: 1, learning_rate: 'lin_0.001', clip_range: { schedule: 'linear', initial: 0.2, final: 0.1 }, kernel: 'js' });
    m.learn(64);
    expect(m.metrics.map((x) => x.learning_rate)).toEqual([0.00075, 0.0005, 0.00025, 0].map((v) => expect.closeTo(v, 12)));
    expect(m.metrics.map((x) => x.clip_range)).toEqual([0.175, 0.15, 0.125, 0.1].map((v) => expect.closeTo(v, 12)));
  });
});

/** reward becomes NaN after 50 steps */
class Poisoned implements Env<DiscreteSpace> {
  readonly observationSpace: BoxSpace = Box(-1, 1, 2);
  readonly actionSpace = Discrete(2);
  private readonly o = new Float64Array(2);
  private t = 0;
  reset(): Float64Array {
    this.o.fill(0.5);
    return this.o;
  }
  step(): StepResult {
    this.t++;
    return { obs: this.o, reward: this.t > 50 ? Number.NaN : 1, terminated: false, truncated: this.t % 10 === 0 };
  }
}

describe('robustness and determinism', () => {
  it('an env whose observations do not match its observation space is named', () => {
    class Wrong extends CartPole {
      override reset(seed?: number): Float64Array {
        return super.reset(seed).subarray(0, 3);
      }
    }
    expect(() => new PPO(() => new Wrong(), { n_envs: 2, n_steps: 8, batch_size: 16 }).learn(16)).toThrow(
      /env 0's reset\(\) returned an observation of length 3; its observationSpace says 4/,
    );
  });

  it('a NaN reaching the loss stops the run with a clear error', () => {
    const m = new PPO(() => new Poisoned(), { n_envs: 1, n_steps: 32, batch_size: 32, kernel: 'js' });
    expect(() => m.learn(1000)).toThrow(/PPO: the loss is NaN at update \d+, epoch 1 .*training stopped/);
  });

  for (const kernel of ['js', 'wasm'] as const) {
    it(`the same seed gives the same learning curve (${kernel} kernel); another seed does not`, () => {
      const run = (seed: number) => {
        const m = new PPO(cartpole, { n_envs: 4, n_steps: 32, batch_size: 64, n_epochs: 4, seed, kernel });
        m.learn(2048);
        return { metrics: m.metrics.map(({ fps: _fps, ...rest }) => rest), params: Array.from(m.policy.store.params) };
      };
      const a = run(1);
      expect(run(1)).toEqual(a);
      expect(run(2).params).not.toEqual(a.params);
      expect(a.metrics.length).toBe(16);
      expect(a.metrics.every((x) => Number.isFinite(x.value_loss) && Number.isFinite(x.approx_kl))).toBe(true);
    });
  }
});

describe('learn()', () => {
  it('stops when onUpdate returns false, and continues where it stopped on the next call', () => {
    const m = new PPO(cartpole, { n_envs: 2, n_steps: 16, batch_size: 32, n_epochs: 1, kernel: 'js' });
    m.learn(10_000, { onUpdate: (u) => u.update < 3 });
    expect(m.metrics).toHaveLength(3);
    expect(m.numTimesteps).toBe(96);
    m.learn(64);
    expect(m.numTimesteps).toBe(160);
    expect(() => m.learn(0)).toThrow(/must be positive/);
  });
});

describe('target_kl', () => {
  it('stops an update\'s epochs once approx-KL exceeds 1.5 × target_kl (checked before each gradient step, as SB3)', () => {
    const cfg = { n_envs: 2, n_steps: 32, batch_size: 16, n_epochs: 5, kernel: 'js' } as const;
    const free = new PPO(cartpole, cfg);
    free.learn(64);
    expect(free.metrics.map((m) => m.n_updates)).toEqual([20]);
    const tight = new PPO(cartpole, { ...cfg, target_kl: 1e-12 });
    tight.learn(128);
    // the first minibatch sees the rollout policy itself (KL 0) and steps; the next one stops
    expect(tight.metrics.map((m) => m.n_updates)).toEqual([1, 2]);
  });
});

describe('snapshots', () => {
  it('a JSON round trip of snapshot() reproduces the policy in a fresh model', () => {
    const cfg = { n_envs: 2, n_steps: 32, batch_size: 32, n_epochs: 2, normalize: true, seed: 4 } as const;
    const a = new PPO(cartpole, cfg);
    a.learn(256);
    const snap = JSON.parse(JSON.stringify(a.snapshot())) as ReturnType<PPO['snapshot']>;
    expect(snap.obsNorm).not.toBeNull();
    const b = new PPO(cartpole, { ...cfg, seed: 99 });
    expect(b.value([0.01, 0.2, -0.03, 0.1])).not.toBeCloseTo(a.value([0.01, 0.2, -0.03, 0.1]), 6);
    b.loadSnapshot(snap);
    for (const o of [[0.01, 0.2, -0.03, 0.1], [-0.5, -1, 0.1, 0.8]]) {
      expect(b.value(o)).toBe(a.value(o));
      expect(b.predict(o)).toEqual(a.predict(o));
    }
    const other = new PPO(cartpole, { ...cfg, policy_kwargs: { net_arch: [32] } });
    expect(() => other.loadSnapshot(snap)).toThrow(/does not match/);
    expect(() => b.loadSnapshot({ ...snap, params: snap.params.map((v, i) => (i === 3 ? null : v)) })).toThrow(/not a valid policy snapshot — params\.3/);
    expect(() => b.loadSnapshot({ format: 'other' })).toThrow(/not a valid policy snapshot — format/);
  });

  it('DeployedPolicy rebuilds a snapshot for inference: same actions and values, with probabilities or mean/std', () => {
    const a = new PPO(cartpole, { n_envs: 2, n_steps: 32, batch_size: 32, n_epochs: 2, normalize: true, seed: 4 });
    a.learn(256);
    const d = DeployedPolicy.fromSnapshot(JSON.parse(JSON.stringify(a.snapshot())));
    for (const o of [[0.01, 0.2, -0.03, 0.1], [-0.5, -1, 0.1, 0.8]]) {
      const dec = d.decide(o);
      expect(dec.action).toEqual(a.predict(o));
      expect(dec.value).toBe(a.value(o));
      expect(dec.probabilities).toHaveLength(1);
      expect(dec.probabilities![0]!.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 12);
      expect(dec.probabilities![0]!.indexOf(Math.max(...dec.probabilities![0]!))).toBe(dec.action[0]);
      expect(dec.mean).toBeNull();
    }
    const p = new PPO(() => new Pendulum(), { n_envs: 1, n_steps: 64, batch_size: 64, n_epochs: 1, policy_kwargs: { log_std_init: -1 } });
    p.learn(64);
    const dp = DeployedPolicy.fromSnapshot(p.snapshot(), 'js');
    const dec = dp.decide([1, 0, 0.5]);
    expect(dec.probabilities).toBeNull();
    expect(dec.std![0]).toBeCloseTo(Math.exp(p.policy.logStd[0]!), 6);
    expect(dec.action[0]).toBeCloseTo(p.predict([1, 0, 0.5])[0]!, 5); // wasm (f32) model vs js (f64) rebuild
    expect(() => dp.decide([1, 0])).toThrow(/length 2, expected 3/);
    expect(() => DeployedPolicy.fromSnapshot({ ...p.snapshot(), params: [1, 2] })).toThrow(/2 parameters given/);
  });
});
