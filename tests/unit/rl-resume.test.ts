import { describe, expect, it } from 'vitest';
import { Box, Discrete, PPO, type BoxSpace, type DiscreteSpace, type Env, type StepResult } from '../../src-workers/rl';
import { DeskEnv } from '../../src-workers/rl/envs/desk';
import { MAPPO } from '../../src-workers/rl/mappo';
import type { MultiAgentEnv, MultiStepResult } from '../../src-workers/rl/multi-env';
import { Rng } from '../../src-workers/rl/rng';

/**
 * Deterministic envs whose episodes are exactly one rollout long: after a rollout every env is at
 * an episode start again, so a fresh env is in the same state as the one left behind and
 * train-N-then-resume-M can be compared with training N+M straight, bit for bit.
 */
class GuessSign implements Env<DiscreteSpace> {
  readonly observationSpace = Box(-1, 1, 2);
  readonly actionSpace = Discrete(3);
  private readonly x = new Float64Array(2);
  private t = 0;
  reset(): Float64Array {
    this.t = 0;
    return this.observe();
  }
  step(action: number): StepResult {
    const reward = (action === 1) === this.x[0]! > 0 ? 1 : action === 2 ? 0.3 : 0;
    this.t++;
    return { obs: this.observe(), reward, terminated: false, truncated: this.t >= 32 };
  }
  private observe(): Float64Array {
    const s = Math.sin(this.t * 12.9898 + 1);
    this.x[0] = s;
    this.x[1] = Math.cos(this.t * 3.1);
    return this.x;
  }
}

class Echo implements MultiAgentEnv {
  readonly agents = ['a', 'b'];
  readonly observationSpaces: BoxSpace[] = [Box(-1, 1, 2), Box(-1, 1, 2)];
  readonly actionSpaces: DiscreteSpace[] = [Discrete(2), Discrete(2)];
  readonly stateDim = 4;
  private t = 0;
  private readonly o = [new Float64Array(2), new Float64Array(2)];
  reset(): Float64Array[] {
    this.t = 0;
    return this.observe();
  }
  step(a: ArrayLike<number>): MultiStepResult {
    const cue = Math.sin(this.t * 7.3) > 0 ? 1 : 0;
    const reward = (a[0] === cue ? 1 : 0) + (a[1] === a[0] ? 0.5 : 0);
    this.t++;
    return { obs: this.observe(), reward, terminated: false, truncated: this.t >= 16 };
  }
  state(out: Float64Array, off: number): void {
    out.set(this.o[0]!, off);
    out.set(this.o[1]!, off + 2);
  }
  private observe(): Float64Array[] {
    this.o[0]![0] = Math.sin(this.t * 7.3);
    this.o[0]![1] = this.t / 16;
    this.o[1]![0] = Math.cos(this.t);
    this.o[1]![1] = this.t / 16;
    return this.o;
  }
}

const ppoCfg = { n_envs: 2, n_steps: 32, batch_size: 32, n_epochs: 3, learning_rate: 1e-3, seed: 7, kernel: 'js' as const };
const roundTrip = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

describe('resuming training from a checkpoint', () => {
  it('PPO: train N, checkpoint, resume M ⇒ the same parameters as N + M straight', () => {
    const straight = new PPO(() => new GuessSign(), ppoCfg).learn(64 * 6);
    const first = new PPO(() => new GuessSign(), ppoCfg).learn(64 * 3);
    const checkpoint = roundTrip(first.snapshot());
    const resumed = new PPO(() => new GuessSign(), ppoCfg);
    resumed.loadSnapshot(checkpoint);
    resumed.learn(64 * 3);
    expect(Array.from(resumed.policy.store.params)).toEqual(Array.from(straight.policy.store.params));
    expect(resumed.metrics.at(-1)!.n_updates).toBe(straight.metrics.at(-1)!.n_updates);
    // without the optimiser state (a warm start) the run goes elsewhere
    const warm = new PPO(() => new GuessSign(), ppoCfg);
    warm.loadSnapshot(checkpoint, { weightsOnly: true });
    warm.learn(64 * 3);
    expect(Array.from(warm.policy.store.params)).not.toEqual(Array.from(straight.policy.store.params));
  });

  it('PPO: the checkpoint restores Adam, the generator and the normalisation statistics exactly', () => {
    const cfg = { ...ppoCfg, normalize: true };
    const a = new PPO(() => new GuessSign(), cfg).learn(64 * 2);
    const snap = roundTrip(a.snapshot());
    expect(snap.training!.adam.t).toBe(2 * 3 * 2); // updates × epochs × minibatches
    const b = new PPO(() => new GuessSign(), cfg);
    b.loadSnapshot(snap);
    expect(b.trainingState()).toEqual(a.trainingState());
    expect(b.trainingState().norm!.obs.count).toBeGreaterThan(64);
  });

  it('a snapshot without a training state (an older one) still loads, as a warm start', () => {
    const a = new PPO(() => new GuessSign(), ppoCfg).learn(64);
    const old = roundTrip(a.snapshot()) as unknown as Record<string, unknown>;
    delete old.training;
    const b = new PPO(() => new GuessSign(), ppoCfg);
    b.loadSnapshot(old);
    expect(Array.from(b.policy.store.params)).toEqual(Array.from(a.policy.store.params));
    expect(b.trainingState().adam.t).toBe(0);
    expect(() => b.learn(64)).not.toThrow();
  });

  it('MAPPO: train N, checkpoint, resume M ⇒ the same parameters as N + M straight', () => {
    const cfg = { n_envs: 2, n_steps: 16, batch_size: 16, n_epochs: 2, seed: 3, kernel: 'js' as const };
    const straight = new MAPPO(() => new Echo(), cfg).learn(32 * 6);
    const first = new MAPPO(() => new Echo(), cfg).learn(32 * 3);
    const resumed = new MAPPO(() => new Echo(), cfg);
    resumed.loadSnapshot(roundTrip(first.snapshot()));
    resumed.learn(32 * 3);
    expect(Array.from(resumed.params)).toEqual(Array.from(straight.params));
    expect(resumed.trainingState()).toEqual(straight.trainingState());
  });

  it('MAPPO on the desk: Adam, the generator and the return statistics come back exactly', () => {
    const env = { crowd: 16, desks: 1, episodeSteps: 16, warmupTicks: 20 };
    const cfg = { n_envs: 2, n_steps: 16, batch_size: 32, n_epochs: 1, seed: 1 };
    const a = new MAPPO(() => new DeskEnv(env), cfg).learn(64);
    const b = new MAPPO(() => new DeskEnv(env), cfg);
    b.loadSnapshot(roundTrip(a.snapshot()));
    expect(b.trainingState()).toEqual(a.trainingState());
  });

  it('the generator state round-trips', () => {
    const r = new Rng(5);
    r.normal();
    const s = roundTrip(r.state());
    const q = new Rng(0);
    q.setState(s);
    expect([q.uniform(), q.normal(), q.int(1000)]).toEqual([r.uniform(), r.normal(), r.int(1000)]);
  });
});
