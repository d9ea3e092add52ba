import type { BoxSpace, EpisodeInfo, Space, VecStepResult } from './env';

/** What PPO needs from a vectorised env (VecEnv and VecNormalize both are one). */
export interface VecEnvLike {
  readonly nEnvs: number;
  readonly obsDim: number;
  readonly actDim: number;
  readonly observationSpace: BoxSpace;
  readonly actionSpace: Space;
  /** finished episodes (undiscounted, unnormalised returns) */
  readonly episodes: EpisodeInfo[];
  readonly numSteps: number;
  reset(): Float64Array;
  step(actions: ArrayLike<number>): VecStepResult;
}

/** Running mean / variance over batches (Chan et al.), as SB3's RunningMeanStd. */
export class RunningMeanStd {
  readonly mean: Float64Array;
  readonly var: Float64Array;
  count: number;
  constructor(
    readonly dim: number,
    epsilon = 1e-4,
  ) {
    this.mean = new Float64Array(dim);
    this.var = new Float64Array(dim).fill(1);
    this.count = epsilon;
  }
  /** rows: [n × dim] */
  update(rows: ArrayLike<number>, n: number): void {
    const D = this.dim;
    for (let d = 0; d < D; d++) {
      let m = 0;
      for (let r = 0; r < n; r++) m += rows[r * D + d]!;
      m /= n;
      let v = 0;
      for (let r = 0; r < n; r++) {
        const x = rows[r * D + d]! - m;
        v += x * x;
      }
      v /= n;
      const delta = m - this.mean[d]!;
      const tot = this.count + n;
      const newMean = this.mean[d]! + (delta * n) / tot;
      const m2 = this.var[d]! * this.count + v * n + (delta * delta * this.count * n) / tot;
      this.mean[d] = newMean;
      this.var[d] = m2 / tot;
    }
    this.count += n;
  }
}

export interface RmsState {
  mean: number[];
  var: number[];
  count: number;
}

/** VecNormalize's statistics (observation and return running moments, per-env discounted returns). */
export interface NormStats {
  obs: RmsState;
  ret: RmsState;
  returns: number[];
}

export interface NormalizeOptions {
  norm_obs: boolean;
  norm_reward: boolean;
  clip_obs: number;
  clip_reward: number;
  gamma: number;
  epsilon: number;
}

/**
 * SB3's VecNormalize: observations scaled by a running mean/std (clipped to ±clip_obs), rewards
 * divided by the running std of the discounted return (clipped to ±clip_reward). Statistics update
 * while `training` is true.
 */
export class VecNormalize implements VecEnvLike {
  readonly obsRms: RunningMeanStd;
  readonly retRms = new RunningMeanStd(1);
  training = true;
  private readonly returns: Float64Array;
  private readonly obs: Float64Array;
  private readonly res: VecStepResult;

  constructor(
    readonly venv: VecEnvLike,
    readonly opts: NormalizeOptions,
  ) {
    this.obsRms = new RunningMeanStd(venv.obsDim);
    this.returns = new Float64Array(venv.nEnvs);
    this.obs = new Float64Array(venv.nEnvs * venv.obsDim);
    this.res = {
      obs: this.obs,
      rewards: new Float64Array(venv.nEnvs),
      terminated: new Uint8Array(venv.nEnvs),
      truncated: new Uint8Array(venv.nEnvs),
      finalObs: new Array<Float64Array | null>(venv.nEnvs).fill(null),
    };
  }
  get nEnvs(): number {
    return this.venv.nEnvs;
  }
  /** Everything the statistics are, for a checkpoint that resumes training. */
  saveStats(): NormStats {
    const rms = (r: RunningMeanStd): RmsState => ({ mean: Array.from(r.mean), var: Array.from(r.var), count: r.count });
    return { obs: rms(this.obsRms), ret: rms(this.retRms), returns: Array.from(this.returns) };
  }
  loadStats(s: NormStats): void {
    const set = (r: RunningMeanStd, x: RmsState, what: string): void => {
      if (x.mean.length !== r.dim || x.var.length !== r.dim) throw new Error(`VecNormalize.loadStats: ${what} statistics of width ${x.mean.length}, expected ${r.dim}`);
      r.mean.set(x.mean);
      r.var.set(x.var);
      r.count = x.count;
    };
    set(this.obsRms, s.obs, 'observation');
    set(this.retRms, s.ret, 'return');
    if (s.returns.length === this.returns.length) this.returns.set(s.returns);
  }
  get obsDim(): number {
    return this.venv.obsDim;
  }
  get actDim(): number {
    return this.venv.actDim;
  }
  get observationSpace(): BoxSpace {
    return this.venv.observationSpace;
  }
  get actionSpace(): Space {
    return this.venv.actionSpace;
  }
  get episodes(): EpisodeInfo[] {
    return this.venv.episodes;
  }
  get numSteps(): number {
    return this.venv.numSteps;
  }

  /** normalise rows of raw observations into `out` (may be the same array) */
  normalizeObs(raw: ArrayLike<number>, out: Float64Array, n: number): Float64Array {
    const D = this.obsDim;
    if (!this.opts.norm_obs) {
      for (let i = 0; i < n * D; i++) out[i] = raw[i]!;
      return out;
    }
    const c = this.opts.clip_obs;
    for (let r = 0; r < n; r++) {
      for (let d = 0; d < D; d++) {
        const v = (raw[r * D + d]! - this.obsRms.mean[d]!) / Math.sqrt(this.obsRms.var[d]! + this.opts.epsilon);
        out[r * D + d] = Math.min(c, Math.max(-c, v));
      }
    }
    return out;
  }

  reset(): Float64Array {
    const raw = this.venv.reset();
    this.returns.fill(0);
    if (this.training && this.opts.norm_obs) this.obsRms.update(raw, this.nEnvs);
    return this.normalizeObs(raw, this.obs, this.nEnvs);
  }

  step(actions: ArrayLike<number>): VecStepResult {
    const r = this.venv.step(actions);
    const N = this.nEnvs;
    const o = this.opts;
    if (this.training && o.norm_obs) this.obsRms.update(r.obs, N);
    this.normalizeObs(r.obs, this.obs, N);
    if (this.training && o.norm_reward) {
      for (let i = 0; i < N; i++) {
        this.returns[i] = this.returns[i]! * o.gamma + r.rewards[i]!;
      }
      this.retRms.update(this.returns, N);
    }
    for (let i = 0; i < N; i++) {
      let rew = r.rewards[i]!;
      if (o.norm_reward) {
        rew = rew / Math.sqrt(this.retRms.var[0]! + o.epsilon);
        rew = Math.min(o.clip_reward, Math.max(-o.clip_reward, rew));
      }
      this.res.rewards[i] = rew;
      this.res.terminated[i] = r.terminated[i]!;
      this.res.truncated[i] = r.truncated[i]!;
      const f = r.finalObs[i];
      this.res.finalObs[i] = f ? this.normalizeObs(f, new Float64Array(f.length), 1) : null;
      if (r.terminated[i] || r.truncated[i]) this.returns[i] = 0;
    }
    return this.res;
  }
}
