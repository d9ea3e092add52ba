/**
 * The environment interface every Bullpen RL algorithm trains on (Gymnasium semantics).
 *
 * - `reset(seed?)` starts an episode and returns the first observation.
 * - `step(action)` advances one step and returns `{ obs, reward, terminated, truncated }`:
 *   `terminated` — the episode reached a terminal state of the task (no future reward: PPO does not
 *   bootstrap); `truncated` — it was cut short from outside (time limit): PPO bootstraps with V(obs).
 * - Observations are flat `Float64Array`s described by a `Box` space. Actions come from the
 *   action space: `Discrete(n)` → a number in 0..n-1, `MultiDiscrete([n1, n2…])` → an `Int32Array`,
 *   `Box(low, high)` → a `Float64Array` (continuous, one value per dimension).
 *
 * The returned `obs` array may be reused by the env on the next call: copy it if you keep it.
 */

export interface DiscreteSpace {
  readonly kind: 'discrete';
  readonly n: number;
}
export interface MultiDiscreteSpace {
  readonly kind: 'multi-discrete';
  readonly nvec: readonly number[];
}
export interface BoxSpace {
  readonly kind: 'box';
  readonly shape: readonly [number];
  readonly low: Float64Array;
  readonly high: Float64Array;
}
export type Space = DiscreteSpace | MultiDiscreteSpace | BoxSpace;

/** The action type that goes with a space. */
export type ActionOf<S extends Space> = S extends DiscreteSpace
  ? number
  : S extends MultiDiscreteSpace
    ? Int32Array
    : Float64Array;

export type Action = number | Int32Array | Float64Array;

export function Discrete(n: number): DiscreteSpace {
  if (!Number.isInteger(n) || n < 1) throw new Error(`Discrete(n): n must be a positive integer, got ${n}`);
  return { kind: 'discrete', n };
}

export function MultiDiscrete(nvec: readonly number[]): MultiDiscreteSpace {
  if (nvec.length === 0 || nvec.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new Error(`MultiDiscrete(nvec): every entry must be a positive integer, got [${nvec.join(', ')}]`);
  }
  return { kind: 'multi-discrete', nvec: [...nvec] };
}

/** A box of `dim` values; `low`/`high` are scalars (same for every dimension) or arrays. */
export function Box(low: number | readonly number[], high: number | readonly number[], dim?: number): BoxSpace {
  const n = dim ?? (Array.isArray(low) ? low.length : Array.isArray(high) ? high.length : 1);
  const lo = new Float64Array(n);
  const hi = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    lo[i] = typeof low === 'number' ? low : (low as readonly number[])[i]!;
    hi[i] = typeof high === 'number' ? high : (high as readonly number[])[i]!;
    if (!(lo[i]! <= hi[i]!)) throw new Error(`Box: low[${i}]=${lo[i]} > high[${i}]=${hi[i]}`);
  }
  return { kind: 'box', shape: [n], low: lo, high: hi };
}

/** Number of scalars a space's value occupies in a flat array. */
export function flatDim(space: Space): number {
  switch (space.kind) {
    case 'discrete':
      return 1;
    case 'multi-discrete':
      return space.nvec.length;
    case 'box':
      return space.shape[0];
  }
}

export interface StepResult {
  obs: Float64Array;
  reward: number;
  /** the task ended (terminal state): no bootstrapping */
  terminated: boolean;
  /** the episode was cut (time limit): bootstrap from V(obs) */
  truncated: boolean;
}

export interface Env<S extends Space = Space> {
  readonly observationSpace: BoxSpace;
  readonly actionSpace: S;
  /** Start a new episode. A seed reseeds the env's own generator (only needed once). */
  reset(seed?: number): Float64Array;
  step(action: ActionOf<S>): StepResult;
}

/** Wraps an env so that an episode is truncated after `maxSteps` steps (Gymnasium's TimeLimit). */
export class TimeLimit<S extends Space> implements Env<S> {
  private t = 0;
  constructor(
    readonly env: Env<S>,
    readonly maxSteps: number,
  ) {}
  get observationSpace(): BoxSpace {
    return this.env.observationSpace;
  }
  get actionSpace(): S {
    return this.env.actionSpace;
  }
  reset(seed?: number): Float64Array {
    this.t = 0;
    return this.env.reset(seed);
  }
  step(action: ActionOf<S>): StepResult {
    const r = this.env.step(action);
    this.t++;
    if (this.t >= this.maxSteps && !r.terminated) return { ...r, truncated: true };
    return r;
  }
}

export interface VecStepResult {
  /** [nEnvs × obsDim] observations after the step; a finished env is already reset */
  obs: Float64Array;
  rewards: Float64Array;
  terminated: Uint8Array;
  truncated: Uint8Array;
  /** the last observation of an episode that just ended (before the auto-reset), else null */
  finalObs: (Float64Array | null)[];
}

/** Episode statistics recorded by a VecEnv (what SB3's Monitor wrapper records). */
export interface EpisodeInfo {
  ret: number;
  len: number;
  /** total env steps (over all envs) when the episode ended */
  t: number;
}

/**
 * Runs `n` copies of an env in lock step (SB3's DummyVecEnv): actions are a flat array
 * [nEnvs × actDim]; an env whose episode ended is reset at once, its last observation kept in
 * `finalObs`. Env i is seeded with `seed + i` on its first reset.
 */
export class VecEnv<S extends Space = Space> {
  readonly nEnvs: number;
  readonly obsDim: number;
  readonly actDim: number;
  readonly observationSpace: BoxSpace;
  readonly actionSpace: S;
  readonly episodes: EpisodeInfo[] = [];
  private readonly obs: Float64Array;
  private readonly rets: Float64Array;
  private readonly lens: Int32Array;
  private readonly res: VecStepResult;
  private readonly actBufs: Action[];
  private steps = 0;

  constructor(
    readonly envs: readonly Env<S>[],
    private readonly seed = 0,
  ) {
    if (envs.length === 0) throw new Error('VecEnv needs at least one env');
    const first = envs[0]!;
    this.nEnvs = envs.length;
    this.observationSpace = first.observationSpace;
    this.actionSpace = first.actionSpace;
    this.obsDim = first.observationSpace.shape[0];
    this.actDim = flatDim(first.actionSpace);
    this.obs = new Float64Array(this.nEnvs * this.obsDim);
    this.rets = new Float64Array(this.nEnvs);
    this.lens = new Int32Array(this.nEnvs);
    this.res = {
      obs: this.obs,
      rewards: new Float64Array(this.nEnvs),
      terminated: new Uint8Array(this.nEnvs),
      truncated: new Uint8Array(this.nEnvs),
      finalObs: new Array<Float64Array | null>(this.nEnvs).fill(null),
    };
    const sp = first.actionSpace as Space;
    this.actBufs = envs.map((): Action =>
      sp.kind === 'discrete' ? 0 : sp.kind === 'multi-discrete' ? new Int32Array(this.actDim) : new Float64Array(this.actDim),
    );
  }

  static of<S extends Space>(make: (i: number) => Env<S>, n: number, seed = 0): VecEnv<S> {
    return new VecEnv(Array.from({ length: n }, (_, i) => make(i)), seed);
  }

  /** total env steps taken (over all envs) */
  get numSteps(): number {
    return this.steps;
  }

  private checkObs(o: Float64Array, i: number, where: string): Float64Array {
    if (o.length !== this.obsDim) {
      throw new Error(`VecEnv: env ${i}'s ${where} returned an observation of length ${o.length}; its observationSpace says ${this.obsDim}`);
    }
    return o;
  }

  reset(): Float64Array {
    for (let i = 0; i < this.nEnvs; i++) {
      this.obs.set(this.checkObs(this.envs[i]!.reset(this.seed + i), i, 'reset()'), i * this.obsDim);
      this.rets[i] = 0;
      this.lens[i] = 0;
    }
    return this.obs;
  }

  step(actions: ArrayLike<number>): VecStepResult {
    const { nEnvs, obsDim, actDim, res } = this;
    const kind = (this.actionSpace as Space).kind;
    for (let i = 0; i < nEnvs; i++) {
      const env = this.envs[i]!;
      let a: Action;
      if (kind === 'discrete') a = actions[i]!;
      else {
        const buf = this.actBufs[i] as Int32Array | Float64Array;
        for (let j = 0; j < actDim; j++) buf[j] = actions[i * actDim + j]!;
        a = buf;
      }
      const r = env.step(a as ActionOf<S>);
      this.checkObs(r.obs, i, 'step()');
      this.steps++;
      this.rets[i]! += r.reward;
      this.lens[i]!++;
      res.rewards[i] = r.reward;
      res.terminated[i] = r.terminated ? 1 : 0;
      res.truncated[i] = r.truncated && !r.terminated ? 1 : 0;
      if (r.terminated || r.truncated) {
        res.finalObs[i] = Float64Array.from(r.obs);
        this.episodes.push({ ret: this.rets[i]!, len: this.lens[i]!, t: this.steps });
        this.rets[i] = 0;
        this.lens[i] = 0;
        this.obs.set(this.checkObs(env.reset(), i, 'reset()'), i * obsDim);
      } else {
        res.finalObs[i] = null;
        this.obs.set(r.obs, i * obsDim);
      }
    }
    return res;
  }
}
