/**
 * MAPPO (Yu et al., "The Surprising Effectiveness of PPO in Cooperative Multi-Agent Games", 2022)
 * for cooperative multi-agent envs with discrete actions and a shared reward: decentralised actors
 * (each agent acts on its own observation), a centralised critic V(s) over the joint observation,
 * optional parameter sharing (one actor for every agent, its observation zero-padded to the widest
 * and a one-hot agent id appended). The update is PPO's, with SB3's names: GAE(λ), per-minibatch
 * advantage normalisation, clipped surrogate per agent, value loss, entropy bonus, global gradient
 * clipping, Adam. Rewards can be normalised by the running std of the discounted return.
 */
import { z } from 'zod';
import type { EpisodeInfo } from './env';
import { selectKernel } from './kernels';
import type { FloatArray, Kernel } from './kernels/kernel';
import { Adam, Mlp, ParamStore, clipGradNorm, mlpParamCount } from './mlp';
import type { MultiAgentEnv } from './multi-env';
import { RunningMeanStd } from './normalize';
import { Rng } from './rng';
import { trainingStateSchema, type TrainingState } from './snapshot';
import { explainedVariance, type UpdateMetrics } from './ppo';

const positive = z.number().positive().finite();
const hidden = z.array(z.number().int().min(1).max(4096)).min(1).max(8);

export const mappoConfigSchema = z
  .object({
    n_envs: z.number().int().min(1).max(1024).default(8),
    n_steps: z.number().int().min(1).default(128),
    batch_size: z.number().int().min(2).default(256),
    n_epochs: z.number().int().min(1).default(5),
    gamma: z.number().min(0).max(1).default(0.99),
    gae_lambda: z.number().min(0).max(1).default(0.95),
    clip_range: positive.max(10).default(0.2),
    normalize_advantage: z.boolean().default(true),
    ent_coef: z.number().min(0).finite().default(0.01),
    vf_coef: z.number().min(0).finite().default(0.5),
    max_grad_norm: positive.default(0.5),
    learning_rate: positive.max(1).default(5e-4),
    target_kl: positive.nullable().default(null),
    /** one actor for all agents (inputs padded, one-hot agent id appended) */
    share_policy: z.boolean().default(true),
    /** hidden sizes of the actor(s) and of the critic */
    net_arch: hidden.default([64, 64]),
    critic_net_arch: hidden.default([64, 64]),
    activation_fn: z.enum(['tanh', 'relu']).default('tanh'),
    /** divide rewards by the running std of the discounted return (clipped to ±10) */
    normalize_reward: z.boolean().default(true),
    seed: z.number().int().default(0),
    kernel: z.enum(['auto', 'js', 'js-f32', 'wasm']).default('auto'),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.batch_size > c.n_steps * c.n_envs) {
      ctx.addIssue({ code: 'custom', path: ['batch_size'], message: `must be at most n_steps × n_envs = ${c.n_steps * c.n_envs}` });
    }
  });
export type MAPPOConfigInput = z.input<typeof mappoConfigSchema>;
export type MAPPOConfig = z.output<typeof mappoConfigSchema>;

export function parseMAPPOConfig(input: unknown): MAPPOConfig {
  const r = mappoConfigSchema.safeParse(input ?? {});
  if (r.success) return r.data;
  const msgs = r.error.issues.map((i) => {
    const field = i.path.length > 0 ? i.path.join('.') : i.code === 'unrecognized_keys' ? ((i as { keys?: string[] }).keys?.join(', ') ?? '?') : '(config)';
    return `${field}: ${i.message}`;
  });
  throw new Error(`Invalid MAPPO hyperparameters — ${msgs.join('; ')}`);
}

export interface MAPPOSnapshot {
  format: 'bullpen-mappo-policy/1';
  config: MAPPOConfig;
  agents: string[];
  obsDims: number[];
  nActions: number[];
  stateDim: number;
  params: number[];
  numTimesteps: number;
  /** to resume training (checkpoints); absent in older snapshots */
  training?: TrainingState;
}

const finiteArray = z.array(z.number().finite());
export const mappoSnapshotSchema = z.object({
  format: z.literal('bullpen-mappo-policy/1'),
  config: z.record(z.string(), z.unknown()),
  agents: z.array(z.string()).min(1),
  obsDims: z.array(z.number().int().min(1)),
  nActions: z.array(z.number().int().min(1)),
  stateDim: z.number().int().min(1),
  params: finiteArray,
  numTimesteps: z.number().int().min(0),
  training: trainingStateSchema.optional(),
});

export function parseMAPPOSnapshot(input: unknown, who = 'MAPPO snapshot'): z.output<typeof mappoSnapshotSchema> {
  const r = mappoSnapshotSchema.safeParse(input);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new Error(`${who}: not a valid MAPPO snapshot — ${i.path.join('.') || '(root)'}: ${i.message}`);
  }
  return r.data;
}

export interface MAPPOLearnOptions {
  onUpdate?: (m: UpdateMetrics) => boolean | void;
}

/** The actors and the critic over one flat parameter buffer. */
class Nets {
  readonly store: ParamStore;
  readonly actors: Mlp[];
  readonly critic: Mlp;
  constructor(
    kernel: Kernel,
    readonly actorIn: number[],
    readonly nActions: number[],
    readonly stateDim: number,
    readonly c: MAPPOConfig,
    readonly maxBatch: number,
    rng: Rng,
  ) {
    const act = c.activation_fn;
    const nA = nActions.length;
    const actorSizes = c.share_policy ? [[actorIn[0]!, ...c.net_arch, nActions[0]!]] : actorIn.map((d, i) => [d, ...c.net_arch, nActions[i]!]);
    const criticSizes = [stateDim, ...c.critic_net_arch, 1];
    let total = mlpParamCount(criticSizes);
    for (const s of actorSizes) total += mlpParamCount(s);
    this.store = new ParamStore(kernel, total);
    const actorBatch = c.share_policy ? maxBatch * nA : maxBatch;
    this.actors = actorSizes.map((s) => new Mlp(kernel, this.store, s, act, false, actorBatch));
    this.critic = new Mlp(kernel, this.store, criticSizes, act, false, maxBatch);
    for (const a of this.actors) a.initOrthogonal(rng, Math.SQRT2, 0.01);
    this.critic.initOrthogonal(rng, Math.SQRT2, 1);
  }

  static arenaBytes(actorIn: number[], nActions: number[], stateDim: number, c: MAPPOConfig, maxBatch: number): number {
    const nA = nActions.length;
    const nets = c.share_policy ? [{ s: [actorIn[0]!, ...c.net_arch, nActions[0]!], b: maxBatch * nA }] : actorIn.map((d, i) => ({ s: [d, ...c.net_arch, nActions[i]!], b: maxBatch }));
    nets.push({ s: [stateDim, ...c.critic_net_arch, 1], b: maxBatch });
    let floats = 64;
    let widest = 0;
    for (const { s, b } of nets) {
      floats += 2 * mlpParamCount(s);
      let units = 0;
      for (let l = 0; l < s.length; l++) {
        units += s[l]!;
        if (l > 0) widest = Math.max(widest, s[l - 1]! * s[l]!);
      }
      floats += b * (2 * units + s[0]!) + 8 * s.length;
    }
    floats += 64 * 256 + widest;
    return floats * 4 + (64 << 10);
  }
}

export class MAPPO {
  readonly config: MAPPOConfig;
  readonly envs: MultiAgentEnv[];
  readonly kernel: Kernel;
  readonly nAgents: number;
  readonly obsDims: number[];
  readonly nActions: number[];
  readonly stateDim: number;
  /** actor input width (padded + agent id when sharing) */
  readonly actorIn: number[];
  readonly metrics: UpdateMetrics[] = [];
  readonly episodes: EpisodeInfo[] = [];
  numTimesteps = 0;
  private readonly nets: Nets;
  private readonly rng: Rng;
  private readonly optim: Adam;
  private readonly retRms = new RunningMeanStd(1);
  private readonly discRet: Float64Array;
  private updates = 0;
  private gradSteps = 0;
  private started = false;
  // per env current observations and episode bookkeeping
  private readonly curObs: Float64Array[][];
  private readonly epRet: Float64Array;
  private readonly epLen: Int32Array;
  private readonly lastStart: Uint8Array;
  // rollout buffers, index k = t * N + env
  private readonly bIn: Float64Array[];
  private readonly bState: Float64Array;
  private readonly bAct: Int32Array;
  private readonly bLogp: Float64Array;
  private readonly bVal: Float64Array;
  private readonly bRew: Float64Array;
  private readonly bStart: Uint8Array;
  private readonly bAdv: Float64Array;
  private readonly bRet: Float64Array;
  private readonly stateBuf: Float64Array;
  private readonly lastValues: Float64Array;
  private readonly advBuf: Float64Array;

  constructor(makeEnv: (i: number) => MultiAgentEnv, config: MAPPOConfigInput = {}) {
    const c = parseMAPPOConfig(config);
    this.config = c;
    this.rng = new Rng(c.seed);
    this.envs = Array.from({ length: c.n_envs }, (_, i) => makeEnv(i));
    const e0 = this.envs[0]!;
    this.nAgents = e0.agents.length;
    this.obsDims = e0.observationSpaces.map((s) => s.shape[0]);
    this.nActions = e0.actionSpaces.map((s) => s.n);
    this.stateDim = e0.stateDim;
    if (c.share_policy && this.nActions.some((n) => n !== this.nActions[0])) {
      throw new Error(`Invalid MAPPO hyperparameters — share_policy: the agents' action spaces differ (${this.nActions.join(', ')} actions); a shared actor needs one size`);
    }
    const padded = Math.max(...this.obsDims);
    this.actorIn = c.share_policy ? this.obsDims.map(() => padded + this.nAgents) : [...this.obsDims];
    const N = c.n_envs;
    const maxBatch = Math.max(c.batch_size, N);
    this.kernel = selectKernel(c.kernel, Nets.arenaBytes(this.actorIn, this.nActions, this.stateDim, c, maxBatch));
    this.nets = new Nets(this.kernel, this.actorIn, this.nActions, this.stateDim, c, maxBatch, this.rng.fork());
    this.optim = new Adam(this.nets.store.size, 0.9, 0.999, 1e-5);
    const S = c.n_steps * N;
    const A = this.nAgents;
    this.bIn = this.actorIn.map((d) => new Float64Array(S * d));
    this.bState = new Float64Array(S * this.stateDim);
    this.bAct = new Int32Array(S * A);
    this.bLogp = new Float64Array(S * A);
    this.bVal = new Float64Array(S);
    this.bRew = new Float64Array(S);
    this.bStart = new Uint8Array(S);
    this.bAdv = new Float64Array(S);
    this.bRet = new Float64Array(S);
    this.stateBuf = new Float64Array(Math.max(N, 1) * this.stateDim);
    this.lastValues = new Float64Array(N);
    this.advBuf = new Float64Array(maxBatch);
    this.curObs = this.envs.map(() => this.obsDims.map((d) => new Float64Array(d)));
    this.epRet = new Float64Array(N);
    this.epLen = new Int32Array(N);
    this.lastStart = new Uint8Array(N).fill(1);
    this.discRet = new Float64Array(N);
  }

  get numParams(): number {
    return this.nets.store.size;
  }

  /** every parameter (actors, then critic) in one flat buffer */
  get params(): FloatArray {
    return this.nets.store.params;
  }

  /** Writes agent j's actor input for observation `o` into `dst` at `off`. */
  private actorInput(j: number, o: ArrayLike<number>, dst: FloatArray | Float64Array, off: number): void {
    const d = this.obsDims[j]!;
    for (let i = 0; i < d; i++) dst[off + i] = o[i]!;
    if (!this.config.share_policy) return;
    const width = this.actorIn[j]!;
    const padded = width - this.nAgents;
    for (let i = d; i < padded; i++) dst[off + i] = 0;
    for (let i = 0; i < this.nAgents; i++) dst[off + padded + i] = i === j ? 1 : 0;
  }

  private checkObs(o: readonly Float64Array[], where: string): void {
    for (let j = 0; j < this.nAgents; j++) {
      const x = o[j]!;
      if (x.length !== this.obsDims[j]) throw new Error(`MAPPO: ${where} returned an observation of length ${x.length} for agent ${j}; expected ${this.obsDims[j]}`);
      for (let i = 0; i < x.length; i++) {
        if (!Number.isFinite(x[i]!)) throw new Error(`MAPPO: ${where} returned ${x[i]} in agent ${j}'s observation (index ${i}); observations must be finite`);
      }
    }
  }

  private resetAll(): void {
    const c = this.config;
    this.envs.forEach((env, i) => {
      const o = env.reset(c.seed + i);
      this.checkObs(o, 'reset()');
      o.forEach((x, j) => this.curObs[i]![j]!.set(x));
    });
    this.started = true;
  }

  /** Forward the actor(s) on rows [B] of inputs; fills `logits` getter per agent. */
  private actorForward(j: number, B: number): FloatArray {
    const net = this.config.share_policy ? this.nets.actors[0]! : this.nets.actors[j]!;
    return net.forward(B);
  }

  learn(totalTimesteps: number, opts: MAPPOLearnOptions = {}): this {
    if (!(totalTimesteps > 0)) throw new Error(`learn(total_timesteps): must be positive, got ${totalTimesteps}`);
    if (!this.started) this.resetAll();
    const end = this.numTimesteps + totalTimesteps;
    const t0 = performance.now();
    const start = this.numTimesteps;
    while (this.numTimesteps < end) {
      this.collectRollout();
      const m = this.train();
      m.fps = (this.numTimesteps - start) / ((performance.now() - t0) / 1000);
      this.metrics.push(m);
      if (opts.onUpdate && opts.onUpdate(m) === false) break;
    }
    return this;
  }

  private sampleCategorical(logits: FloatArray, off: number, n: number, rng: Rng | null): { a: number; logp: number } {
    let mx = -Infinity;
    for (let k = 0; k < n; k++) mx = Math.max(mx, logits[off + k]!);
    let s = 0;
    for (let k = 0; k < n; k++) s += Math.exp(logits[off + k]! - mx);
    const lse = mx + Math.log(s);
    let a = 0;
    if (rng) {
      let u = rng.uniform() * s;
      a = n - 1;
      for (let k = 0; k < n; k++) {
        u -= Math.exp(logits[off + k]! - mx);
        if (u < 0) {
          a = k;
          break;
        }
      }
    } else for (let k = 1; k < n; k++) if (logits[off + k]! > logits[off + a]!) a = k;
    return { a, logp: logits[off + a]! - lse };
  }

  /** Low level: one rollout of n_steps in every env, with GAE(λ) advantages. */
  collectRollout(): void {
    if (!this.started) this.resetAll();
    const c = this.config;
    const N = c.n_envs;
    const T = c.n_steps;
    const A = this.nAgents;
    const SD = this.stateDim;
    const share = c.share_policy;
    const acts = new Int32Array(A);
    const critic = this.nets.critic;
    for (let t = 0; t < T; t++) {
      const base = t * N;
      // critic on the joint observations
      for (let i = 0; i < N; i++) this.envs[i]!.state(this.bState, (base + i) * SD);
      critic.input.set(this.bState.subarray(base * SD, (base + N) * SD));
      const v = critic.forward(N);
      for (let i = 0; i < N; i++) {
        this.bVal[base + i] = v[i]!;
        this.bStart[base + i] = this.lastStart[i]!;
      }
      // actors
      for (let j = 0; j < A; j++) {
        const W = this.actorIn[j]!;
        for (let i = 0; i < N; i++) this.actorInput(j, this.curObs[i]![j]!, this.bIn[j]!, (base + i) * W);
      }
      const chosen = new Int32Array(N * A);
      if (share) {
        const net = this.nets.actors[0]!;
        const W = this.actorIn[0]!;
        for (let j = 0; j < A; j++) net.input.set(this.bIn[j]!.subarray(base * W, (base + N) * W), j * N * W);
        const out = net.forward(N * A);
        const nAct = this.nActions[0]!;
        for (let j = 0; j < A; j++) {
          for (let i = 0; i < N; i++) {
            const s = this.sampleCategorical(out, (j * N + i) * nAct, nAct, this.rng);
            chosen[i * A + j] = s.a;
            this.bLogp[(base + i) * A + j] = s.logp;
          }
        }
      } else {
        for (let j = 0; j < A; j++) {
          const net = this.nets.actors[j]!;
          const W = this.actorIn[j]!;
          net.input.set(this.bIn[j]!.subarray(base * W, (base + N) * W));
          const out = this.actorForward(j, N);
          const nAct = this.nActions[j]!;
          for (let i = 0; i < N; i++) {
            const s = this.sampleCategorical(out, i * nAct, nAct, this.rng);
            chosen[i * A + j] = s.a;
            this.bLogp[(base + i) * A + j] = s.logp;
          }
        }
      }
      this.bAct.set(chosen, base * A);
      // env steps
      for (let i = 0; i < N; i++) {
        for (let j = 0; j < A; j++) acts[j] = chosen[i * A + j]!;
        const env = this.envs[i]!;
        const r = env.step(acts);
        this.checkObs(r.obs, 'step()');
        if (!Number.isFinite(r.reward)) throw new Error(`MAPPO: env ${i} returned the reward ${r.reward}; rewards must be finite`);
        this.numTimesteps++;
        this.epRet[i]! += r.reward;
        this.epLen[i]!++;
        let rew = r.reward;
        if (c.normalize_reward) {
          this.discRet[i] = this.discRet[i]! * c.gamma + r.reward;
          this.retRms.update(this.discRet.subarray(i, i + 1), 1);
          rew = Math.max(-10, Math.min(10, rew / Math.sqrt(this.retRms.var[0]! + 1e-8)));
        }
        const done = r.terminated || r.truncated;
        if (r.truncated && !r.terminated) {
          // time limit: bootstrap with V(final joint observation)
          env.state(this.stateBuf, 0);
          critic.input.set(this.stateBuf.subarray(0, SD));
          rew += c.gamma * critic.forward(1)[0]!;
        }
        this.bRew[base + i] = rew;
        this.lastStart[i] = done ? 1 : 0;
        if (done) {
          this.episodes.push({ ret: this.epRet[i]!, len: this.epLen[i]!, t: this.numTimesteps });
          this.epRet[i] = 0;
          this.epLen[i] = 0;
          this.discRet[i] = 0;
          const o = env.reset();
          this.checkObs(o, 'reset()');
          o.forEach((x, j) => this.curObs[i]![j]!.set(x));
        } else r.obs.forEach((x, j) => this.curObs[i]![j]!.set(x));
      }
    }
    // bootstrap values and GAE
    for (let i = 0; i < N; i++) this.envs[i]!.state(this.stateBuf, i * SD);
    critic.input.set(this.stateBuf.subarray(0, N * SD));
    const lv = critic.forward(N);
    for (let i = 0; i < N; i++) this.lastValues[i] = lv[i]!;
    const g = c.gamma;
    const lam = c.gae_lambda;
    for (let i = 0; i < N; i++) {
      let gae = 0;
      for (let t = T - 1; t >= 0; t--) {
        const k = t * N + i;
        const nextNonTerminal = t === T - 1 ? 1 - this.lastStart[i]! : 1 - this.bStart[k + N]!;
        const nextV = t === T - 1 ? this.lastValues[i]! : this.bVal[k + N]!;
        const delta = this.bRew[k]! + g * nextV * nextNonTerminal - this.bVal[k]!;
        gae = delta + g * lam * nextNonTerminal * gae;
        this.bAdv[k] = gae;
        this.bRet[k] = gae + this.bVal[k]!;
      }
    }
  }

  /**
   * Low level (training loop and gradient test): the MAPPO loss of the rollout rows `idx` — the
   * clipped surrogate averaged over (step, agent) pairs with per-minibatch normalised advantages,
   * minus ent_coef × entropy, plus vf_coef × the critic's squared error — with zeroed gradients
   * first and, with `backward`, its gradient accumulated into the parameters' gradient buffer.
   */
  lossAndGrad(idx: Int32Array, backward: boolean): { loss: number; pg: number; vl: number; ent: number; kl: number; clipFrac: number } {
    const c = this.config;
    const A = this.nAgents;
    const SD = this.stateDim;
    const nets = this.nets;
    const share = c.share_policy;
    const clip = c.clip_range;
    const M = idx.length;
    nets.store.zeroGrad();
    // advantages (shared by the agents of one env step), normalised per minibatch
    const adv = this.advBuf;
    let mean = 0;
    for (let r = 0; r < M; r++) mean += adv[r] = this.bAdv[idx[r]!]!;
    mean /= M;
    if (c.normalize_advantage && M > 1) {
      let v = 0;
      for (let r = 0; r < M; r++) v += (adv[r]! - mean) ** 2;
      const sd = Math.sqrt(v / (M - 1));
      for (let r = 0; r < M; r++) adv[r] = (adv[r]! - mean) / (sd + 1e-8);
    }
    // critic
    const ci = nets.critic.input;
    for (let r = 0; r < M; r++) {
      const src = idx[r]! * SD;
      for (let d = 0; d < SD; d++) ci[r * SD + d] = this.bState[src + d]!;
    }
    const vOut = nets.critic.forward(M);
    let vl = 0;
    for (let r = 0; r < M; r++) {
      const err = vOut[r]! - this.bRet[idx[r]!]!;
      vl += err * err;
      nets.critic.gradOut[r] = (c.vf_coef * 2 * err) / M;
    }
    vl /= M;
    // actors: the loss is the mean over the M × A (env step, agent) pairs
    let pg = 0;
    let ent = 0;
    let kl = 0;
    let clipped = 0;
    const inv = 1 / (M * A);
    const fill = (net: Mlp, j: number, rowOff: number): void => {
      const W = this.actorIn[j]!;
      const src = this.bIn[j]!;
      for (let r = 0; r < M; r++) {
        const s0 = idx[r]! * W;
        const d0 = (rowOff + r) * W;
        for (let d = 0; d < W; d++) net.input[d0 + d] = src[s0 + d]!;
      }
    };
    const lossRows = (net: Mlp, out: FloatArray, j: number, rowOff: number): void => {
      const n = this.nActions[j]!;
      const grad = net.gradOut;
      for (let r = 0; r < M; r++) {
        const k = idx[r]!;
        const off = (rowOff + r) * n;
        let mx = -Infinity;
        for (let q = 0; q < n; q++) mx = Math.max(mx, out[off + q]!);
        let s = 0;
        for (let q = 0; q < n; q++) s += Math.exp(out[off + q]! - mx);
        const lse = mx + Math.log(s);
        let h = 0;
        for (let q = 0; q < n; q++) {
          const l = out[off + q]! - lse;
          h -= Math.exp(l) * l;
        }
        const a = this.bAct[k * A + j]!;
        const logp = out[off + a]! - lse;
        const logRatio = logp - this.bLogp[k * A + j]!;
        const ratio = Math.exp(logRatio);
        const av = adv[r]!;
        const cr = Math.min(1 + clip, Math.max(1 - clip, ratio));
        pg += -Math.min(av * ratio, av * cr);
        if (Math.abs(ratio - 1) > clip) clipped++;
        kl += ratio - 1 - logRatio;
        ent += h;
        // ∂(−min(A·r, A·clip(r)))/∂logπ is zero where the clipped branch is active
        const active = !((av > 0 && ratio > 1 + clip) || (av < 0 && ratio < 1 - clip));
        const gLogp = active ? -av * ratio * inv : 0;
        const gEnt = -c.ent_coef * inv;
        for (let q = 0; q < n; q++) {
          const l = out[off + q]! - lse;
          const p = Math.exp(l);
          // ∂logπ(a)/∂z_q = [q = a] − p_q ; ∂H/∂z_q = −p_q (log p_q + H)
          grad[off + q] = gLogp * ((q === a ? 1 : 0) - p) - gEnt * p * (l + h);
        }
      }
    };
    if (share) {
      const net = nets.actors[0]!;
      for (let j = 0; j < A; j++) fill(net, j, j * M);
      const out = net.forward(M * A);
      for (let j = 0; j < A; j++) lossRows(net, out, j, j * M);
    } else {
      for (let j = 0; j < A; j++) {
        const net = nets.actors[j]!;
        fill(net, j, 0);
        const out = net.forward(M);
        lossRows(net, out, j, 0);
      }
    }
    pg *= inv;
    ent *= inv;
    kl *= inv;
    const loss = pg - c.ent_coef * ent + c.vf_coef * vl;
    if (backward) this.backwardLast(M);
    return { loss, pg, vl, ent, kl, clipFrac: clipped * inv };
  }

  /** back-propagates the last lossAndGrad(…, false) of M rows (its forward passes are still in the nets) */
  private backwardLast(M: number): void {
    const nets = this.nets;
    if (this.config.share_policy) nets.actors[0]!.backward(M * this.nAgents);
    else for (let j = 0; j < this.nAgents; j++) nets.actors[j]!.backward(M);
    nets.critic.backward(M);
  }

  /** the gradient buffer lossAndGrad fills (same layout as params) */
  get grads(): FloatArray {
    return this.nets.store.grads;
  }

  private train(): UpdateMetrics {
    const c = this.config;
    const N = c.n_envs;
    const S = c.n_steps * N;
    const nets = this.nets;
    const perm = new Int32Array(S);
    const clip = c.clip_range;
    let pgSum = 0;
    let vSum = 0;
    let entSum = 0;
    let klSum = 0;
    let cfSum = 0;
    let nb = 0;
    let stop = false;
    this.updates++;
    for (let epoch = 0; epoch < c.n_epochs && !stop; epoch++) {
      this.rng.permutation(perm);
      for (let st = 0; st < S; st += c.batch_size) {
        const idx = perm.subarray(st, Math.min(S, st + c.batch_size));
        const { loss, pg, vl, ent, kl, clipFrac } = this.lossAndGrad(idx, false);
        if (!Number.isFinite(loss)) {
          throw new Error(
            `MAPPO: the loss is ${loss} at update ${this.updates}, epoch ${epoch + 1} (policy_loss=${pg}, value_loss=${vl}, entropy=${ent}); ` +
              "training stopped — check the env's observations and rewards for NaN/Infinity, or lower learning_rate",
          );
        }
        pgSum += pg;
        vSum += vl;
        entSum += ent;
        klSum += kl;
        cfSum += clipFrac;
        nb++;
        if (c.target_kl !== null && kl > 1.5 * c.target_kl) {
          stop = true;
          break;
        }
        this.backwardLast(idx.length);
        const gn = clipGradNorm(nets.store.grads, c.max_grad_norm);
        if (!Number.isFinite(gn)) throw new Error(`MAPPO: the gradient norm is ${gn} at update ${this.updates}, epoch ${epoch + 1}; training stopped`);
        this.optim.step(nets.store.params, nets.store.grads, c.learning_rate);
        this.gradSteps++;
      }
    }
    const last = this.episodes.slice(-100);
    const n = Math.max(1, nb);
    return {
      update: this.updates,
      timesteps: this.numTimesteps,
      learning_rate: c.learning_rate,
      clip_range: clip,
      policy_gradient_loss: pgSum / n,
      value_loss: vSum / n,
      entropy_loss: -entSum / n,
      approx_kl: klSum / n,
      clip_fraction: cfSum / n,
      explained_variance: explainedVariance(this.bRet, this.bVal, S),
      ep_rew_mean: last.length ? last.reduce((s, e) => s + e.ret, 0) / last.length : NaN,
      ep_len_mean: last.length ? last.reduce((s, e) => s + e.len, 0) / last.length : NaN,
      fps: 0,
      n_updates: this.gradSteps,
    };
  }

  /** Each agent's action for its observation (greedy unless `deterministic` is false). */
  predict(obs: readonly ArrayLike<number>[], deterministic = true, rng: Rng | null = null): number[] {
    const out: number[] = [];
    for (let j = 0; j < this.nAgents; j++) out.push(this.decide(j, obs[j]!, deterministic ? null : (rng ?? this.rng)).action);
    return out;
  }

  /** Agent j's action probabilities and choice (for reasoning traces). */
  decide(j: number, obs: ArrayLike<number>, rng: Rng | null = null): { action: number; probabilities: number[] } {
    const net = this.config.share_policy ? this.nets.actors[0]! : this.nets.actors[j]!;
    this.actorInput(j, obs, net.input, 0);
    const o = net.forward(1);
    const n = this.nActions[j]!;
    const s = this.sampleCategorical(o, 0, n, rng);
    let mx = -Infinity;
    for (let q = 0; q < n; q++) mx = Math.max(mx, o[q]!);
    const e = Array.from({ length: n }, (_, q) => Math.exp(o[q]! - mx));
    const z = e.reduce((a, b) => a + b, 0);
    return { action: s.a, probabilities: e.map((x) => x / z) };
  }

  /** V(s) of a joint observation. */
  value(state: ArrayLike<number>): number {
    const ci = this.nets.critic.input;
    for (let d = 0; d < this.stateDim; d++) ci[d] = state[d]!;
    return this.nets.critic.forward(1)[0]!;
  }

  snapshot(): MAPPOSnapshot {
    return {
      format: 'bullpen-mappo-policy/1',
      config: structuredClone(this.config),
      agents: [...this.envs[0]!.agents],
      obsDims: [...this.obsDims],
      nActions: [...this.nActions],
      stateDim: this.stateDim,
      params: Array.from(this.nets.store.params),
      numTimesteps: this.numTimesteps,
      training: this.trainingState(),
    };
  }

  /** Adam's moments and step count, the generator, counters and the return statistics. */
  trainingState(): TrainingState {
    const a = this.optim.state();
    const r = this.retRms;
    const ret = { mean: Array.from(r.mean), var: Array.from(r.var), count: r.count };
    return {
      adam: { t: a.t, m: Array.from(a.m), v: Array.from(a.v) },
      rng: this.rng.state(),
      updates: this.updates,
      gradSteps: this.gradSteps,
      norm: { obs: { mean: [], var: [], count: 0 }, ret, returns: Array.from(this.discRet) },
      curriculumLevel: null,
    };
  }

  /** Loads a snapshot's parameters; with its training state (unless `weightsOnly`), training continues from it (see PPO.loadSnapshot). */
  loadSnapshot(input: unknown, opts: { weightsOnly?: boolean } = {}): void {
    const s = parseMAPPOSnapshot(input, 'loadSnapshot');
    const p = this.nets.store.params;
    if (s.params.length !== p.length || s.stateDim !== this.stateDim || s.obsDims.join() !== this.obsDims.join()) {
      throw new Error(`loadSnapshot: the snapshot's networks (${s.params.length} parameters, state ${s.stateDim}) do not match this model's (${p.length}, ${this.stateDim})`);
    }
    p.set(s.params);
    const tr = s.training;
    if (!tr || opts.weightsOnly) return;
    this.optim.loadState(tr.adam);
    this.rng.setState(tr.rng);
    this.updates = tr.updates;
    this.gradSteps = tr.gradSteps;
    if (tr.norm) {
      this.retRms.mean.set(tr.norm.ret.mean);
      this.retRms.var.set(tr.norm.ret.var);
      this.retRms.count = tr.norm.ret.count;
      if (tr.norm.returns.length === this.discRet.length) this.discRet.set(tr.norm.returns);
    }
  }
}
