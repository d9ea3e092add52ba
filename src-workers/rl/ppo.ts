import { parsePPOConfig, toSchedule, type PPOConfig, type PPOConfigInput, type Schedule } from './config';
import type { Env, EpisodeInfo, Space } from './env';
import { VecEnv } from './env';
import { selectKernel } from './kernels';
import type { Kernel } from './kernels/kernel';
import { Adam, clipGradNorm } from './mlp';
import { VecNormalize, type VecEnvLike } from './normalize';
import { ActorCritic, actorCriticArenaBytes } from './policy';
import { Rng } from './rng';
import { parseSnapshot, type PolicySnapshot, type TrainingState } from './snapshot';

export type { PolicySnapshot } from './snapshot';

/** Metrics of one PPO update (SB3's logger keys, without the prefixes). */
export interface UpdateMetrics {
  update: number;
  timesteps: number;
  learning_rate: number;
  clip_range: number;
  policy_gradient_loss: number;
  value_loss: number;
  entropy_loss: number;
  approx_kl: number;
  clip_fraction: number;
  explained_variance: number;
  /** mean undiscounted return of the last 100 finished episodes (NaN before the first) */
  ep_rew_mean: number;
  ep_len_mean: number;
  /** env steps per second since learn() started */
  fps: number;
  /** gradient steps taken so far (all updates) */
  n_updates: number;
}

export interface LearnOptions {
  /** called after each update; return false to stop */
  onUpdate?: (m: UpdateMetrics) => boolean | void;
}

type EnvSource<S extends Space> = VecEnvLike | VecEnv<S> | ((i: number) => Env<S>);

/**
 * Proximal Policy Optimization (clip), following Stable-Baselines3's PPO step for step: rollouts of
 * n_steps in n_envs envs, GAE(λ), per-minibatch advantage normalisation, clipped surrogate, (clipped)
 * value loss, entropy bonus, global gradient-norm clipping, Adam, linear schedules.
 */
export class PPO {
  readonly config: PPOConfig;
  readonly env: VecEnvLike;
  readonly policy: ActorCritic;
  readonly kernel: Kernel;
  readonly metrics: UpdateMetrics[] = [];
  numTimesteps = 0;
  private readonly rng: Rng;
  /** for predict(…, false): sampling outside training does not shift the training stream */
  private readonly predictRng: Rng;
  private readonly optim: Adam;
  private readonly lrSchedule: Schedule;
  private readonly clipSchedule: Schedule;
  private readonly clipVfSchedule: Schedule | null;
  private lastObs: Float64Array | null = null;
  private lastEpisodeStarts: Uint8Array;
  private updates = 0;
  private gradSteps = 0;
  private readonly res = { logp: 0, entropy: 0 };
  private readonly advBuf: Float64Array;
  // rollout buffer, index = t * nEnvs + env
  private readonly bObs: Float64Array;
  private readonly bAct: Float64Array;
  private readonly bRew: Float64Array;
  private readonly bStart: Uint8Array;
  private readonly bVal: Float64Array;
  private readonly bLogp: Float64Array;
  private readonly bAdv: Float64Array;
  private readonly bRet: Float64Array;
  private readonly stepAct: Float64Array;
  private readonly envAct: Float64Array;
  private readonly stepLogp: Float64Array;
  private readonly lastValues: Float64Array;

  constructor(env: EnvSource<Space>, config: PPOConfigInput = {}) {
    const cfgIn = { ...config } as PPOConfigInput;
    if (env instanceof VecEnv || typeof env !== 'function') {
      const n = (env as VecEnvLike).nEnvs;
      if (config.n_envs !== undefined && config.n_envs !== n) {
        throw new Error(`Invalid PPO hyperparameters — n_envs: ${config.n_envs} given but the VecEnv has ${n} envs`);
      }
      cfgIn.n_envs = n;
    }
    const c = parsePPOConfig(cfgIn);
    this.config = c;
    this.rng = new Rng(c.seed);
    let venv: VecEnvLike =
      typeof env === 'function' && !(env instanceof VecEnv) ? VecEnv.of(env, c.n_envs, c.seed) : (env as VecEnvLike);
    if (c.normalize !== false) {
      const o = c.normalize === true ? { norm_obs: true, norm_reward: true, clip_obs: 10, clip_reward: 10, epsilon: 1e-8 } : c.normalize;
      venv = new VecNormalize(venv, { ...o, gamma: c.gamma });
    }
    this.env = venv;
    if (venv.observationSpace.kind !== 'box') throw new Error('PPO needs a Box observation space');
    const N = venv.nEnvs;
    const T = c.n_steps;
    const maxBatch = Math.max(c.batch_size, N);
    this.kernel = selectKernel(c.kernel, actorCriticArenaBytes(venv.obsDim, venv.actionSpace, c.policy_kwargs, maxBatch));
    this.policy = new ActorCritic(this.kernel, venv.obsDim, venv.actionSpace, c.policy_kwargs, maxBatch, this.rng.fork());
    this.predictRng = new Rng(c.seed ^ 0x5bd1e995);
    this.optim = new Adam(this.policy.numParams, 0.9, 0.999, 1e-5);
    this.lrSchedule = toSchedule(c.learning_rate);
    this.clipSchedule = toSchedule(c.clip_range);
    this.clipVfSchedule = c.clip_range_vf === null ? null : toSchedule(c.clip_range_vf);
    const S = T * N;
    this.bObs = new Float64Array(S * venv.obsDim);
    this.bAct = new Float64Array(S * venv.actDim);
    this.bRew = new Float64Array(S);
    this.bStart = new Uint8Array(S);
    this.bVal = new Float64Array(S);
    this.bLogp = new Float64Array(S);
    this.bAdv = new Float64Array(S);
    this.bRet = new Float64Array(S);
    this.stepAct = new Float64Array(N * venv.actDim);
    this.envAct = new Float64Array(N * venv.actDim);
    this.stepLogp = new Float64Array(N);
    this.lastValues = new Float64Array(N);
    this.lastEpisodeStarts = new Uint8Array(N).fill(1);
    this.advBuf = new Float64Array(maxBatch);
  }

  /**
   * The last rollout (read-only views; index = step × n_envs + env): rewards already include the
   * γ·V(final obs) bootstrap of truncated episodes. For tests and diagnostics.
   */
  get rollout(): {
    obs: Float64Array;
    actions: Float64Array;
    rewards: Float64Array;
    episodeStarts: Uint8Array;
    values: Float64Array;
    logProbs: Float64Array;
    advantages: Float64Array;
    returns: Float64Array;
    lastValues: Float64Array;
    lastEpisodeStarts: Uint8Array;
  } {
    return {
      obs: this.bObs,
      actions: this.bAct,
      rewards: this.bRew,
      episodeStarts: this.bStart,
      values: this.bVal,
      logProbs: this.bLogp,
      advantages: this.bAdv,
      returns: this.bRet,
      lastValues: this.lastValues,
      lastEpisodeStarts: this.lastEpisodeStarts,
    };
  }

  /** finished training episodes (raw returns) */
  get episodes(): EpisodeInfo[] {
    return this.env.episodes;
  }

  /** Trains until at least totalTimesteps env steps have been taken in this call. */
  learn(totalTimesteps: number, opts: LearnOptions = {}): this {
    if (!(totalTimesteps > 0)) throw new Error(`learn(total_timesteps): must be positive, got ${totalTimesteps}`);
    const start = this.numTimesteps;
    const end = start + totalTimesteps;
    if (this.lastObs === null) this.lastObs = Float64Array.from(this.env.reset());
    const t0 = performance.now();
    while (this.numTimesteps < end) {
      this.collectRollout();
      const progress = 1 - (this.numTimesteps - start) / totalTimesteps;
      const m = this.train(progress);
      m.fps = (this.numTimesteps - start) / ((performance.now() - t0) / 1000);
      this.metrics.push(m);
      if (opts.onUpdate && opts.onUpdate(m) === false) break;
    }
    return this;
  }

  /** Low level: collects one rollout (n_steps × n_envs transitions) and its GAE advantages. */
  collectRollout(): void {
    const { env, policy } = this;
    if (this.lastObs === null) this.lastObs = Float64Array.from(env.reset());
    const N = env.nEnvs;
    const D = env.obsDim;
    const A = env.actDim;
    const T = this.config.n_steps;
    const gamma = this.config.gamma;
    const space = env.actionSpace;
    let obs = this.lastObs!;
    for (let t = 0; t < T; t++) {
      policy.forward(obs, N);
      policy.sample(N, this.rng, this.stepAct, this.stepLogp);
      const base = t * N;
      this.bObs.set(obs.subarray(0, N * D), base * D);
      this.bAct.set(this.stepAct, base * A);
      const v = policy.vOut;
      for (let i = 0; i < N; i++) {
        this.bVal[base + i] = v[i]!;
        this.bLogp[base + i] = this.stepLogp[i]!;
        this.bStart[base + i] = this.lastEpisodeStarts[i]!;
      }
      let act: Float64Array = this.stepAct;
      if (space.kind === 'box') {
        act = this.envAct;
        for (let i = 0; i < N; i++) {
          for (let d = 0; d < A; d++) {
            const x = this.stepAct[i * A + d]!;
            act[i * A + d] = Math.min(space.high[d]!, Math.max(space.low[d]!, x));
          }
        }
      }
      const r = env.step(act);
      this.numTimesteps += N;
      for (let i = 0; i < N; i++) {
        let rew = r.rewards[i]!;
        const f = r.finalObs[i];
        if (r.truncated[i] && f) {
          // time limit: bootstrap with the value of the last observation (SB3's terminal_observation)
          policy.forward(f, 1, null, true);
          rew += gamma * policy.vOut[0]!;
        }
        this.bRew[base + i] = rew;
        this.lastEpisodeStarts[i] = r.terminated[i] || r.truncated[i] ? 1 : 0;
      }
      obs = r.obs;
    }
    this.lastObs = Float64Array.from(obs);
    // GAE(λ)
    policy.forward(this.lastObs, N, null, true);
    const lastV = this.lastValues;
    for (let i = 0; i < N; i++) lastV[i] = policy.vOut[i]!;
    const lam = this.config.gae_lambda;
    for (let i = 0; i < N; i++) {
      let gae = 0;
      for (let t = T - 1; t >= 0; t--) {
        const k = t * N + i;
        let nextNonTerminal: number;
        let nextV: number;
        if (t === T - 1) {
          nextNonTerminal = 1 - this.lastEpisodeStarts[i]!;
          nextV = lastV[i]!;
        } else {
          nextNonTerminal = 1 - this.bStart[k + N]!;
          nextV = this.bVal[k + N]!;
        }
        const delta = this.bRew[k]! + gamma * nextV * nextNonTerminal - this.bVal[k]!;
        gae = delta + gamma * lam * nextNonTerminal * gae;
        this.bAdv[k] = gae;
        this.bRet[k] = gae + this.bVal[k]!;
      }
    }
  }

  /**
   * Low level (training loop and gradient test): forward the buffer rows `idx`, normalise their
   * advantages, zero the gradients and compute the PPO loss and its gradient w.r.t. the policy
   * outputs; with `backward`, also back-propagate into the parameters (policy.store.grads).
   */
  lossAndGrad(
    idx: Int32Array,
    clip: number,
    clipVf: number | null,
    backward: boolean,
  ): { loss: number; pg: number; vl: number; ent: number; kl: number; clipped: number } {
    const M = idx.length;
    const adv = this.advBuf;
    this.policy.forward(this.bObs, M, idx);
    let mean = 0;
    for (let r = 0; r < M; r++) mean += adv[r] = this.bAdv[idx[r]!]!;
    mean /= M;
    if (this.config.normalize_advantage && M > 1) {
      let v = 0;
      for (let r = 0; r < M; r++) v += (adv[r]! - mean) ** 2;
      const std = Math.sqrt(v / (M - 1));
      for (let r = 0; r < M; r++) adv[r] = (adv[r]! - mean) / (std + 1e-8);
    }
    this.policy.zeroGrad();
    const l = this.minibatchLoss(idx, M, adv, clip, clipVf);
    if (backward) this.policy.backward(M);
    return l;
  }

  /**
   * PPO's loss on the minibatch whose policy outputs are in the last forward (rows 0..M-1 = buffer
   * entries idx[0..M-1], normalised advantages adv[0..M-1]). Writes ∂loss/∂outputs into the
   * policy's piGrad / vGrad / dLogStd (call policy.backward(M) next). Exposed for the gradient test.
   */
  minibatchLoss(
    idx: Int32Array,
    M: number,
    adv: Float64Array,
    clip: number,
    clipVf: number | null,
  ): { loss: number; pg: number; vl: number; ent: number; kl: number; clipped: number } {
    const c = this.config;
    const policy = this.policy;
    const A = this.env.actDim;
    const vOut = policy.vOut;
    const vGrad = policy.vGrad;
    const res = this.res;
    let pg = 0;
    let vl = 0;
    let ent = 0;
    let clipped = 0;
    let kl = 0;
    const invM = 1 / M;
    for (let r = 0; r < M; r++) {
      const k = idx[r]!;
      const a = adv[r]!;
      policy.logpEntropy(r, this.bAct, k * A, res);
      const logRatio = res.logp - this.bLogp[k]!;
      const ratio = Math.exp(logRatio);
      const cr = Math.min(1 + clip, Math.max(1 - clip, ratio));
      pg += -Math.min(a * ratio, a * cr);
      if (Math.abs(ratio - 1) > clip) clipped++;
      kl += ratio - 1 - logRatio;
      ent += res.entropy;
      // ∂(−min(a·ratio, a·clip(ratio)))/∂logπ: zero where the clipped branch is active (and flat)
      const gradActive = !((a > 0 && ratio > 1 + clip) || (a < 0 && ratio < 1 - clip));
      const gLogp = gradActive ? -a * ratio * invM : 0;
      policy.logpEntropyGrad(r, this.bAct, k * A, gLogp, -c.ent_coef * invM, res);
      // value loss: SB3 clips the prediction around the old value (no max with the unclipped loss)
      const vOld = this.bVal[k]!;
      const vPred = vOut[r]!;
      let vUsed = vPred;
      let vg = 1;
      if (clipVf !== null) {
        const d = vPred - vOld;
        if (d > clipVf) {
          vUsed = vOld + clipVf;
          vg = 0;
        } else if (d < -clipVf) {
          vUsed = vOld - clipVf;
          vg = 0;
        }
      }
      const err = vUsed - this.bRet[k]!;
      vl += err * err;
      vGrad[r] = c.vf_coef * 2 * err * invM * vg;
    }
    pg *= invM;
    vl *= invM;
    ent *= invM;
    kl *= invM;
    return { loss: pg - c.ent_coef * ent + c.vf_coef * vl, pg, vl, ent, kl, clipped };
  }

  private train(progressRemaining: number): UpdateMetrics {
    const c = this.config;
    const { policy } = this;
    const lr = this.lrSchedule(progressRemaining);
    const clip = this.clipSchedule(progressRemaining);
    const clipVf = this.clipVfSchedule ? this.clipVfSchedule(progressRemaining) : null;
    const S = c.n_steps * this.env.nEnvs;
    const perm = new Int32Array(S);
    let pgSum = 0;
    let vSum = 0;
    let entSum = 0;
    let clipFracSum = 0;
    let nBatches = 0;
    let klSum = 0;
    let stop = false;
    this.updates++;
    for (let epoch = 0; epoch < c.n_epochs && !stop; epoch++) {
      this.rng.permutation(perm);
      for (let start = 0; start < S; start += c.batch_size) {
        const idx = perm.subarray(start, Math.min(S, start + c.batch_size));
        const l = this.lossAndGrad(idx, clip, clipVf, false);
        const { pg, vl, ent, kl } = l;
        const loss = l.loss;
        const clipped = l.clipped;
        if (!Number.isFinite(loss)) {
          throw new Error(
            `PPO: the loss is ${loss} at update ${this.updates}, epoch ${epoch + 1} (policy_loss=${pg}, value_loss=${vl}, entropy=${ent}); ` +
              "training stopped — check the env's observations and rewards for NaN/Infinity, or lower learning_rate",
          );
        }
        pgSum += pg;
        vSum += vl;
        entSum += ent;
        clipFracSum += clipped / idx.length;
        nBatches++;
        klSum += kl;
        if (c.target_kl !== null && kl > 1.5 * c.target_kl) {
          stop = true;
          break;
        }
        policy.backward(idx.length);
        const gn = clipGradNorm(policy.store.grads, c.max_grad_norm);
        if (!Number.isFinite(gn)) {
          throw new Error(`PPO: the gradient norm is ${gn} at update ${this.updates}, epoch ${epoch + 1}; training stopped`);
        }
        this.optim.step(policy.store.params, policy.store.grads, lr);
        this.gradSteps++;
      }
    }
    const eps = this.env.episodes;
    const last = eps.slice(-100);
    const nb = Math.max(1, nBatches);
    return {
      update: this.updates,
      timesteps: this.numTimesteps,
      learning_rate: lr,
      clip_range: clip,
      policy_gradient_loss: pgSum / nb,
      value_loss: vSum / nb,
      entropy_loss: -entSum / nb,
      approx_kl: klSum / nb,
      clip_fraction: clipFracSum / nb,
      explained_variance: explainedVariance(this.bRet, this.bVal, S),
      ep_rew_mean: last.length ? last.reduce((s, e) => s + e.ret, 0) / last.length : NaN,
      ep_len_mean: last.length ? last.reduce((s, e) => s + e.len, 0) / last.length : NaN,
      fps: 0,
      n_updates: this.gradSteps,
    };
  }

  /**
   * The policy's action for one raw observation (normalised here when the run normalises
   * observations). Deterministic: the most likely action / the Gaussian's mean (clipped to the box).
   */
  predict(obs: ArrayLike<number>, deterministic = true): number[] {
    const D = this.env.obsDim;
    const A = this.env.actDim;
    let x: ArrayLike<number> = obs;
    if (this.env instanceof VecNormalize) x = this.env.normalizeObs(obs, new Float64Array(D), 1);
    this.policy.forward(x, 1);
    const act = new Float64Array(A);
    this.policy.sample(1, deterministic ? null : this.predictRng, act, new Float64Array(1));
    const sp = this.env.actionSpace;
    if (sp.kind === 'box') for (let d = 0; d < A; d++) act[d] = Math.min(sp.high[d]!, Math.max(sp.low[d]!, act[d]!));
    return Array.from(act);
  }

  /** The policy as plain data (JSON-able), e.g. for a checkpoint. */
  snapshot(): PolicySnapshot {
    const sp = this.env.actionSpace;
    const env = this.env;
    return {
      format: 'bullpen-ppo-policy/1',
      config: structuredClone(this.config),
      obsDim: env.obsDim,
      actionSpace:
        sp.kind === 'discrete'
          ? { kind: 'discrete', n: sp.n }
          : sp.kind === 'multi-discrete'
            ? { kind: 'multi-discrete', nvec: [...sp.nvec] }
            : { kind: 'box', low: Array.from(sp.low), high: Array.from(sp.high) },
      params: Array.from(this.policy.store.params),
      obsNorm:
        env instanceof VecNormalize && env.opts.norm_obs
          ? { mean: Array.from(env.obsRms.mean), var: Array.from(env.obsRms.var), clip: env.opts.clip_obs, epsilon: env.opts.epsilon }
          : null,
      numTimesteps: this.numTimesteps,
      training: this.trainingState(),
    };
  }

  /** Adam's moments and step count, the training generator, counters and normalisation statistics. */
  trainingState(): TrainingState {
    const a = this.optim.state();
    const env = this.env;
    return {
      adam: { t: a.t, m: Array.from(a.m), v: Array.from(a.v) },
      rng: this.rng.state(),
      updates: this.updates,
      gradSteps: this.gradSteps,
      norm: env instanceof VecNormalize ? env.saveStats() : null,
      curriculumLevel: null,
    };
  }

  /**
   * Loads the parameters (and observation statistics) of a snapshot taken from the same
   * architecture. The snapshot is validated first (it may come from storage). When it carries a
   * training state (checkpoints do), training continues from it — Adam's moments and step count,
   * the generator, the update counters, the normalisation statistics — unless `weightsOnly`
   * (a warm start: fresh optimiser). Older snapshots without it load as a warm start.
   */
  loadSnapshot(input: unknown, opts: { weightsOnly?: boolean } = {}): void {
    const snap = parseSnapshot(input, 'loadSnapshot');
    const p = this.policy.store.params;
    if (snap.obsDim !== this.env.obsDim || snap.params.length !== p.length) {
      throw new Error(
        `loadSnapshot: the snapshot's network (obs ${snap.obsDim}, ${snap.params.length} parameters) does not match this model's (obs ${this.env.obsDim}, ${p.length})`,
      );
    }
    p.set(snap.params);
    const env = this.env;
    if (snap.obsNorm && env instanceof VecNormalize) {
      env.obsRms.mean.set(snap.obsNorm.mean);
      env.obsRms.var.set(snap.obsNorm.var);
    }
    const tr = snap.training;
    if (!tr || opts.weightsOnly) return;
    this.optim.loadState(tr.adam);
    this.rng.setState(tr.rng);
    this.updates = tr.updates;
    this.gradSteps = tr.gradSteps;
    if (tr.norm && env instanceof VecNormalize) env.loadStats(tr.norm);
  }

  /** Value estimate V(s) of one raw observation. */
  value(obs: ArrayLike<number>): number {
    const D = this.env.obsDim;
    let x: ArrayLike<number> = obs;
    if (this.env instanceof VecNormalize) x = this.env.normalizeObs(obs, new Float64Array(D), 1);
    this.policy.forward(x, 1, null, true);
    return this.policy.vOut[0]!;
  }
}

/** Runs `episodes` episodes of a fresh env with the deterministic policy; returns their returns. */
export function evaluatePolicy<S extends Space>(model: PPO, makeEnv: () => Env<S>, episodes: number, seed = 1_000_000): number[] {
  const env = makeEnv();
  const out: number[] = [];
  const sp = env.actionSpace as Space;
  for (let e = 0; e < episodes; e++) {
    let obs = env.reset(seed + e);
    let ret = 0;
    for (;;) {
      const a = model.predict(obs, true);
      const act = sp.kind === 'discrete' ? a[0]! : sp.kind === 'multi-discrete' ? Int32Array.from(a) : Float64Array.from(a);
      const r = env.step(act as Parameters<Env<S>['step']>[0]);
      ret += r.reward;
      obs = r.obs;
      if (r.terminated || r.truncated) break;
    }
    out.push(ret);
  }
  return out;
}

/**
 * Explained variance of value predictions, 1 − Var(returns − values) / Var(returns), over the first
 * n entries (SB3's definition); NaN when the returns do not vary.
 */
export function explainedVariance(returns: ArrayLike<number>, values: ArrayLike<number>, n: number): number {
  let mr = 0;
  let md = 0;
  for (let i = 0; i < n; i++) {
    mr += returns[i]!;
    md += returns[i]! - values[i]!;
  }
  mr /= n;
  md /= n;
  let vr = 0;
  let vd = 0;
  for (let i = 0; i < n; i++) {
    vr += (returns[i]! - mr) ** 2;
    const d = returns[i]! - values[i]! - md;
    vd += d * d;
  }
  return vr === 0 ? NaN : 1 - vd / vr;
}
