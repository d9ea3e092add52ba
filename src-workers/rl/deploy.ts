import { parsePPOConfig } from './config';
import { Box, Discrete, MultiDiscrete, type Space } from './env';
import { selectKernel, type KernelName } from './kernels';
import { parseMAPPOConfig, parseMAPPOSnapshot } from './mappo';
import { Mlp, ParamStore, mlpParamCount } from './mlp';
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

/** A greedy decision with what moved it: gradient × input of the chosen action's log-probability. */
export interface Explanation extends Decision {
  /** the observation as the network saw it (normalised when the run normalised observations) */
  input: number[];
  /**
   * per observation feature, ∂ log π(action | x)/∂x_i · x_i at the normalised observation x
   * (discrete actions); for Box actions the log-probability of the mean has no gradient, so it is
   * ∂(Σ means)/∂x_i · x_i: what pushed the target up or down
   */
  gradXInput: number[];
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

  /** `kernel` 'js' (f64) gives the same decisions on every machine: what the engine uses. */
  static fromSnapshot(input: unknown, kernel: KernelName = 'auto'): DeployedPolicy {
    const snap = parseSnapshot(input, 'DeployedPolicy.fromSnapshot');
    const cfg = parsePPOConfig(snap.config);
    const sp = snap.actionSpace;
    const space: Space = sp.kind === 'discrete' ? Discrete(sp.n) : sp.kind === 'multi-discrete' ? MultiDiscrete(sp.nvec) : Box(sp.low, sp.high);
    const k = selectKernel(kernel, actorCriticArenaBytes(snap.obsDim, space, cfg.policy_kwargs, 1));
    const policy = new ActorCritic(k, snap.obsDim, space, cfg.policy_kwargs, 1, new Rng(0), true);
    if (snap.params.length !== policy.numParams) {
      throw new Error(`DeployedPolicy.fromSnapshot: ${snap.params.length} parameters given, the architecture has ${policy.numParams}`);
    }
    policy.store.params.set(snap.params);
    return new DeployedPolicy(space, snap.obsDim, snap.obsNorm, policy);
  }

  private normalise(obs: ArrayLike<number>, who: string): Float64Array {
    if (obs.length !== this.obsDim) throw new Error(`DeployedPolicy.${who}: observation of length ${obs.length}, expected ${this.obsDim}`);
    const x = this.x;
    const n = this.norm;
    for (let i = 0; i < this.obsDim; i++) {
      const v = obs[i]!;
      x[i] = n ? Math.min(n.clip, Math.max(-n.clip, (v - n.mean[i]!) / Math.sqrt(n.var[i]! + n.epsilon))) : v;
    }
    return x;
  }

  /** log π(action | obs) of a raw observation (discrete and multi-discrete: the sum over dimensions; Box: the Gaussian's density) */
  logProb(obs: ArrayLike<number>, action: readonly number[]): number {
    const p = this.policy;
    p.forward(this.normalise(obs, 'logProb'), 1);
    const res = { logp: 0, entropy: 0 };
    p.logpEntropy(0, action, 0, res);
    return res.logp;
  }

  /** The greedy decision and the gradient × input of its log-probability (see Explanation). */
  explain(obs: ArrayLike<number>): Explanation {
    const d = this.decide(obs);
    const p = this.policy;
    const g = p.piGrad;
    if (p.continuous) {
      for (let k = 0; k < p.actDim; k++) g[k] = 1;
    } else {
      let off = 0;
      p.nvec.forEach((n, dim) => {
        const probs = d.probabilities![dim]!;
        const a = d.action[dim]!;
        for (let j = 0; j < n; j++) g[off + j] = (j === a ? 1 : 0) - probs[j]!;
        off += n;
      });
    }
    p.zeroGrad();
    const gin = p.inputGradient();
    const input = Array.from(this.x);
    return { ...d, input, gradXInput: input.map((x, i) => gin[i]! * x) };
  }

  /** Greedy decision (most likely action / Gaussian mean), or sampled when an Rng is given. */
  decide(obs: ArrayLike<number>, rng: Rng | null = null): Decision {
    const x = this.normalise(obs, 'decide');
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

/** What one agent of a deployed MAPPO desk decided, explained like `Explanation` (over its own observation). */
export interface AgentExplanation {
  action: number;
  probabilities: number[];
  input: number[];
  gradXInput: number[];
}

/**
 * A trained MAPPO desk for inference only: each agent's greedy action from its own observation
 * (the shared actor's zero padding and agent id added here, as in training) and the centralised
 * critic's V(s) of the joint observation. The parameters are laid out as MAPPO's: actor(s), then critic.
 */
export class DeployedDeskPolicy {
  private readonly actors: Mlp[];
  private readonly critic: Mlp;

  private constructor(
    readonly agents: string[],
    readonly obsDims: number[],
    readonly nActions: number[],
    readonly stateDim: number,
    private readonly share: boolean,
    private readonly store: ParamStore,
    actors: Mlp[],
    critic: Mlp,
  ) {
    this.actors = actors;
    this.critic = critic;
  }

  static fromSnapshot(input: unknown, kernel: KernelName = 'js'): DeployedDeskPolicy {
    const snap = parseMAPPOSnapshot(input, 'DeployedDeskPolicy.fromSnapshot');
    const c = parseMAPPOConfig(snap.config);
    const nA = snap.agents.length;
    if (snap.obsDims.length !== nA || snap.nActions.length !== nA) throw new Error('DeployedDeskPolicy.fromSnapshot: obsDims and nActions must have one entry per agent');
    const padded = Math.max(...snap.obsDims);
    const actorIn = c.share_policy ? snap.obsDims.map(() => padded + nA) : [...snap.obsDims];
    const actorSizes = c.share_policy ? [[actorIn[0]!, ...c.net_arch, snap.nActions[0]!]] : actorIn.map((d, i) => [d, ...c.net_arch, snap.nActions[i]!]);
    const criticSizes = [snap.stateDim, ...c.critic_net_arch, 1];
    let total = mlpParamCount(criticSizes);
    for (const sz of actorSizes) total += mlpParamCount(sz);
    if (snap.params.length !== total) throw new Error(`DeployedDeskPolicy.fromSnapshot: ${snap.params.length} parameters given, the architecture has ${total}`);
    const k = selectKernel(kernel, (total * 2 + 4096) * 8 + (64 << 10));
    const store = new ParamStore(k, total);
    const actors = actorSizes.map((sz) => new Mlp(k, store, sz, c.activation_fn, false, 1, true));
    const critic = new Mlp(k, store, criticSizes, c.activation_fn, false, 1);
    store.params.set(snap.params);
    return new DeployedDeskPolicy(snap.agents, snap.obsDims, snap.nActions, snap.stateDim, c.share_policy, store, actors, critic);
  }

  /** Agent j's greedy action, its probabilities and the gradient × input of its log-probability. */
  explain(j: number, obs: ArrayLike<number>): AgentExplanation {
    const d = this.obsDims[j]!;
    if (obs.length !== d) throw new Error(`DeployedDeskPolicy.explain: agent ${j}'s observation has length ${obs.length}, expected ${d}`);
    const net = this.share ? this.actors[0]! : this.actors[j]!;
    const inp = net.input;
    for (let i = 0; i < d; i++) inp[i] = obs[i]!;
    if (this.share) {
      const padded = net.inDim - this.agents.length;
      for (let i = d; i < padded; i++) inp[i] = 0;
      for (let i = 0; i < this.agents.length; i++) inp[padded + i] = i === j ? 1 : 0;
    }
    const out = net.forward(1);
    const n = this.nActions[j]!;
    let a = 0;
    let mx = -Infinity;
    for (let q = 0; q < n; q++) {
      if (out[q]! > mx) {
        mx = out[q]!;
        a = q;
      }
    }
    const e = Array.from({ length: n }, (_, q) => Math.exp(out[q]! - mx));
    const z = e.reduce((x, y) => x + y, 0);
    const probabilities = e.map((x) => x / z);
    for (let q = 0; q < n; q++) net.gradOut[q] = (q === a ? 1 : 0) - probabilities[q]!;
    this.store.zeroGrad();
    net.backward(1);
    const gin = net.gradIn!;
    const input = Array.from(obs, Number);
    return { action: a, probabilities, input, gradXInput: input.map((x, i) => gin[i]! * x) };
  }

  /** The centralised critic's V(s) of the joint observation. */
  value(state: ArrayLike<number>): number {
    const ci = this.critic.input;
    for (let i = 0; i < this.stateDim; i++) ci[i] = state[i]!;
    return this.critic.forward(1)[0]!;
  }
}
