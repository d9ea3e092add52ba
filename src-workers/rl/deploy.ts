import { parsePPOConfig } from './config';
import { Box, Discrete, MultiDiscrete, type Space } from './env';
import { selectKernel, type KernelName } from './kernels';
import { ActorCritic, actorCriticArenaBytes } from './policy';
import { Rng } from './rng';
import { parseSnapshot } from './snapshot';

/** What a deployed policy decided, with what a reasoning trace needs to explain it. */
export interface Decision {
  /** the action (flat: one value per action dimension) */
  action: number[];
  /** Discrete / MultiDiscrete: per action dimension, the probability of each choice */
  probabilities: number[][] | null;
  /** Box: the Gaussian's mean and standard deviation per dimension (before clipping) */
  mean: number[] | null;
  std: number[] | null;
  /** the critic's value estimate V(s) */
  value: number;
}

/**
 * A trained policy for inference only (no env, no optimiser): rebuilt from `PPO.snapshot()`, e.g.
 * to put an RL agent on the floor. Observations are raw; the snapshot's normalisation is applied.
 */
export class DeployedPolicy {
  private readonly policy: ActorCritic;
  private readonly x: Float64Array;
  private readonly act: Float64Array;
  private readonly lp = new Float64Array(1);

  private constructor(
    readonly actionSpace: Space,
    readonly obsDim: number,
    private readonly norm: { mean: number[]; var: number[]; clip: number; epsilon: number } | null,
    policy: ActorCritic,
  ) {
    this.policy = policy;
    this.x = new Float64Array(obsDim);
    this.act = new Float64Array(policy.actDim);
  }

  static fromSnapshot(input: unknown, kernel: KernelName = 'auto'): DeployedPolicy {
    const snap = parseSnapshot(input, 'DeployedPolicy.fromSnapshot');
    const cfg = parsePPOConfig(snap.config);
    const sp = snap.actionSpace;
    const space: Space = sp.kind === 'discrete' ? Discrete(sp.n) : sp.kind === 'multi-discrete' ? MultiDiscrete(sp.nvec) : Box(sp.low, sp.high);
    const k = selectKernel(kernel, actorCriticArenaBytes(snap.obsDim, space, cfg.policy_kwargs, 1));
    const policy = new ActorCritic(k, snap.obsDim, space, cfg.policy_kwargs, 1, new Rng(0));
    if (snap.params.length !== policy.numParams) {
      throw new Error(`DeployedPolicy.fromSnapshot: ${snap.params.length} parameters given, the architecture has ${policy.numParams}`);
    }
    policy.store.params.set(snap.params);
    return new DeployedPolicy(space, snap.obsDim, snap.obsNorm, policy);
  }

  /** Greedy decision (most likely action / Gaussian mean), or sampled when an Rng is given. */
  decide(obs: ArrayLike<number>, rng: Rng | null = null): Decision {
    if (obs.length !== this.obsDim) throw new Error(`DeployedPolicy.decide: observation of length ${obs.length}, expected ${this.obsDim}`);
    const x = this.x;
    const n = this.norm;
    for (let i = 0; i < this.obsDim; i++) {
      const v = obs[i]!;
      x[i] = n ? Math.min(n.clip, Math.max(-n.clip, (v - n.mean[i]!) / Math.sqrt(n.var[i]! + n.epsilon))) : v;
    }
    const p = this.policy;
    p.forward(x, 1);
    p.sample(1, rng, this.act, this.lp);
    const out = p.piOut;
    const sp = this.actionSpace;
    const action = Array.from(this.act);
    let probabilities: number[][] | null = null;
    let mean: number[] | null = null;
    let std: number[] | null = null;
    if (sp.kind === 'box') {
      mean = Array.from(out.subarray(0, p.actDim));
      std = Array.from(p.logStd, Math.exp);
      for (let d = 0; d < action.length; d++) action[d] = Math.min(sp.high[d]!, Math.max(sp.low[d]!, action[d]!));
    } else {
      probabilities = [];
      let off = 0;
      for (const k of p.nvec) {
        const z = Array.from(out.subarray(off, off + k));
        const mx = Math.max(...z);
        const e = z.map((v) => Math.exp(v - mx));
        const s = e.reduce((a, b) => a + b, 0);
        probabilities.push(e.map((v) => v / s));
        off += k;
      }
    }
    return { action, probabilities, mean, std, value: p.vOut[0]! };
  }
}
