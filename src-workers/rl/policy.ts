import type { Space } from './env';
import { flatDim } from './env';
import type { Activation, FloatArray, Kernel } from './kernels/kernel';
import { Mlp, ParamStore, mlpParamCount } from './mlp';
import type { Rng } from './rng';

const LOG_2PI = Math.log(2 * Math.PI);

export interface PolicyArch {
  /** hidden sizes: one list (actor and critic each get their own copy, SB3's net_arch=[64, 64]) or separate lists */
  net_arch: readonly number[] | { readonly pi: readonly number[]; readonly vf: readonly number[] };
  activation_fn: Activation;
  /** share the hidden layers between actor and critic (two linear heads on one trunk) */
  share_layers: boolean;
  /** initial log standard deviation of a Gaussian policy */
  log_std_init: number;
  /** orthogonal init (gain √2 hidden, 0.01 policy head, 1 value head) as in SB3; else uniform fan-in */
  ortho_init: boolean;
}

/** Layer sizes of the networks an ActorCritic builds: [trunk | null, pi, vf]. */
function netSizes(obsDim: number, piDim: number, arch: PolicyArch): { trunk: number[] | null; pi: number[]; vf: number[] } {
  const na = arch.net_arch;
  const piH = Array.isArray(na) ? [...na] : [...(na as { pi: readonly number[] }).pi];
  const vfH = Array.isArray(na) ? [...na] : [...(na as { vf: readonly number[] }).vf];
  if (arch.share_layers) {
    if (piH.length === 0) throw new Error('share_layers needs at least one hidden layer in net_arch');
    const h = piH[piH.length - 1]!;
    return { trunk: [obsDim, ...piH], pi: [h, piDim], vf: [h, 1] };
  }
  return { trunk: null, pi: [obsDim, ...piH, piDim], vf: [obsDim, ...vfH, 1] };
}

function piDimOf(space: Space): number {
  return space.kind === 'box' ? space.shape[0] : space.kind === 'discrete' ? space.n : space.nvec.reduce((a, b) => a + b, 0);
}

/** An upper bound of the kernel memory (bytes) an ActorCritic of this shape allocates. */
export function actorCriticArenaBytes(obsDim: number, space: Space, arch: PolicyArch, maxBatch: number): number {
  const n = netSizes(obsDim, piDimOf(space), arch);
  let floats = 2 * flatDim(space) + 64;
  let widest = 0;
  for (const sizes of [n.trunk, n.pi, n.vf]) {
    if (!sizes) continue;
    floats += 2 * mlpParamCount(sizes);
    let units = 0;
    for (let l = 0; l < sizes.length; l++) {
      units += sizes[l]!;
      if (l > 0) widest = Math.max(widest, sizes[l - 1]! * sizes[l]!);
    }
    floats += maxBatch * (2 * units + sizes[0]!) + 8 * sizes.length;
  }
  floats += 64 * 256 + widest; // the wasm kernel's transpose scratch
  return floats * 4 + (64 << 10);
}

/**
 * Actor and critic MLPs over one flat parameter buffer. The actor's output is the logits of one
 * categorical per action dimension (Discrete / MultiDiscrete) or the mean of a diagonal Gaussian
 * whose log-std is a free, state-independent parameter vector (Box).
 */
export class ActorCritic {
  readonly store: ParamStore;
  readonly obsDim: number;
  readonly actDim: number;
  readonly piDim: number;
  readonly continuous: boolean;
  readonly nvec: readonly number[];
  /** Gaussian log-std (length actDim) and its gradient; empty for discrete policies */
  readonly logStd: FloatArray;
  readonly dLogStd: FloatArray;
  private readonly pi: Mlp;
  private readonly vf: Mlp;
  private readonly trunk: Mlp | null;

  constructor(
    readonly kernel: Kernel,
    obsDim: number,
    readonly actionSpace: Space,
    readonly arch: PolicyArch,
    readonly maxBatch: number,
    rng: Rng,
    /** keep ∂/∂observation buffers (inference that explains itself: `inputGradient`) */
    inputGrad = false,
  ) {
    this.obsDim = obsDim;
    this.actDim = flatDim(actionSpace);
    this.continuous = actionSpace.kind === 'box';
    this.nvec = actionSpace.kind === 'discrete' ? [actionSpace.n] : actionSpace.kind === 'multi-discrete' ? actionSpace.nvec : [];
    this.piDim = piDimOf(actionSpace);
    const n = netSizes(obsDim, this.piDim, arch);
    const act = arch.activation_fn;
    let total = this.continuous ? this.actDim : 0;
    for (const sizes of [n.trunk, n.pi, n.vf]) if (sizes) total += mlpParamCount(sizes);
    this.store = new ParamStore(kernel, total);
    if (n.trunk) {
      this.trunk = new Mlp(kernel, this.store, n.trunk, act, true, maxBatch, inputGrad);
      this.pi = new Mlp(kernel, this.store, n.pi, act, false, maxBatch, true);
      this.vf = new Mlp(kernel, this.store, n.vf, act, false, maxBatch, true);
    } else {
      this.trunk = null;
      this.pi = new Mlp(kernel, this.store, n.pi, act, false, maxBatch, inputGrad);
      this.vf = new Mlp(kernel, this.store, n.vf, act, false, maxBatch);
    }
    const ls = this.store.take(this.continuous ? this.actDim : 0);
    this.logStd = ls.p;
    this.dLogStd = ls.g;
    this.logStd.fill(arch.log_std_init);
    // init
    const nets = this.trunk ? [this.trunk, this.pi, this.vf] : [this.pi, this.vf];
    for (const net of nets) {
      if (arch.ortho_init) {
        const g = Math.SQRT2;
        const out = net === this.pi ? 0.01 : net === this.vf ? 1 : g;
        net.initOrthogonal(rng, g, out);
      } else {
        for (const d of net.layers) {
          const lim = 1 / Math.sqrt(d.I);
          for (let i = 0; i < d.W.length; i++) d.W[i] = rng.range(-lim, lim);
          for (let i = 0; i < d.b.length; i++) d.b[i] = rng.range(-lim, lim);
        }
      }
    }
  }

  get numParams(): number {
    return this.store.size;
  }

  /** [B × piDim] logits or Gaussian means of the last forward */
  get piOut(): FloatArray {
    return this.pi.output;
  }
  /** [B] values of the last forward */
  get vOut(): FloatArray {
    return this.vf.output;
  }
  /** fill with ∂loss/∂piOut before backward */
  get piGrad(): FloatArray {
    return this.pi.gradOut;
  }
  /** fill with ∂loss/∂value before backward */
  get vGrad(): FloatArray {
    return this.vf.gradOut;
  }

  /** obs rows (row r of the batch = row idx[r] of `obs`, or row r when idx is null) */
  forward(obs: ArrayLike<number>, B: number, idx: Int32Array | null = null, valueOnly = false): void {
    const D = this.obsDim;
    const inp = this.trunk ? this.trunk.input : this.pi.input;
    for (let r = 0; r < B; r++) {
      const src = (idx === null ? r : idx[r]!) * D;
      const dst = r * D;
      for (let j = 0; j < D; j++) inp[dst + j] = obs[src + j]!;
    }
    if (this.trunk) {
      const h = this.trunk.forward(B);
      const n = B * this.trunk.outDim;
      const hv = h.subarray(0, n);
      this.pi.input.set(hv);
      this.vf.input.set(hv);
      if (!valueOnly) this.pi.forward(B);
      this.vf.forward(B);
    } else {
      if (!valueOnly) this.pi.forward(B);
      this.vf.input.set(inp.subarray(0, B * D));
      this.vf.forward(B);
    }
  }

  zeroGrad(): void {
    this.store.zeroGrad();
  }

  /**
   * ∂(piGrad · policy output)/∂observation for the single row of the last forward: back-propagates
   * `piGrad` through the actor (and the shared trunk) only. Needs `inputGrad` at construction.
   * Parameter gradients accumulate as a side effect (call zeroGrad before training again).
   */
  inputGradient(): FloatArray {
    this.pi.backward(1);
    if (!this.trunk) {
      if (!this.pi.gradIn) throw new Error('ActorCritic.inputGradient: built without inputGrad');
      return this.pi.gradIn;
    }
    if (!this.trunk.gradIn) throw new Error('ActorCritic.inputGradient: built without inputGrad');
    this.trunk.gradOut.set(this.pi.gradIn!.subarray(0, this.trunk.outDim));
    this.trunk.backward(1);
    return this.trunk.gradIn;
  }

  /** accumulates parameter gradients from piGrad / vGrad (and dLogStd, filled by the caller) */
  backward(B: number): void {
    this.pi.backward(B);
    this.vf.backward(B);
    if (this.trunk) {
      const g = this.trunk.gradOut;
      const a = this.pi.gradIn!;
      const b = this.vf.gradIn!;
      const n = B * this.trunk.outDim;
      for (let i = 0; i < n; i++) g[i] = a[i]! + b[i]!;
      this.trunk.backward(B);
    }
  }

  /**
   * Samples (or, deterministic, picks the mode of) an action for each row of the last forward.
   * Writes actions [B × actDim] and log-probabilities [B].
   */
  sample(B: number, rng: Rng | null, actions: Float64Array, logp: Float64Array): void {
    const out = this.piOut;
    const P = this.piDim;
    const A = this.actDim;
    if (this.continuous) {
      for (let r = 0; r < B; r++) {
        let lp = 0;
        for (let d = 0; d < A; d++) {
          const ls = this.logStd[d]!;
          const mu = out[r * P + d]!;
          const z = rng ? rng.normal() : 0;
          actions[r * A + d] = mu + Math.exp(ls) * z;
          lp += -0.5 * z * z - ls - 0.5 * LOG_2PI;
        }
        logp[r] = lp;
      }
      return;
    }
    for (let r = 0; r < B; r++) {
      let off = r * P;
      let lp = 0;
      for (let d = 0; d < A; d++) {
        const n = this.nvec[d]!;
        let mx = -Infinity;
        for (let j = 0; j < n; j++) mx = Math.max(mx, out[off + j]!);
        let s = 0;
        for (let j = 0; j < n; j++) s += Math.exp(out[off + j]! - mx);
        const lse = mx + Math.log(s);
        let a = 0;
        if (rng) {
          let u = rng.uniform() * s;
          a = n - 1;
          for (let j = 0; j < n; j++) {
            u -= Math.exp(out[off + j]! - mx);
            if (u < 0) {
              a = j;
              break;
            }
          }
        } else {
          for (let j = 1; j < n; j++) if (out[off + j]! > out[off + a]!) a = j;
        }
        actions[r * A + d] = a;
        lp += out[off + a]! - lse;
        off += n;
      }
      logp[r] = lp;
    }
  }

  /** log π(a|s) and entropy for batch row r of the last forward (no gradients) */
  logpEntropy(r: number, act: ArrayLike<number>, aOff: number, res: { logp: number; entropy: number }): void {
    const out = this.piOut;
    const P = this.piDim;
    const A = this.actDim;
    let lp = 0;
    let ent = 0;
    if (this.continuous) {
      for (let d = 0; d < A; d++) {
        const ls = this.logStd[d]!;
        const z = (act[aOff + d]! - out[r * P + d]!) * Math.exp(-ls);
        lp += -0.5 * z * z - ls - 0.5 * LOG_2PI;
        ent += 0.5 + 0.5 * LOG_2PI + ls;
      }
    } else {
      let off = r * P;
      for (let d = 0; d < A; d++) {
        const n = this.nvec[d]!;
        let mx = -Infinity;
        for (let j = 0; j < n; j++) mx = Math.max(mx, out[off + j]!);
        let s = 0;
        let sl = 0;
        for (let j = 0; j < n; j++) {
          const e = Math.exp(out[off + j]! - mx);
          s += e;
          sl += e * (out[off + j]! - mx);
        }
        const logS = Math.log(s);
        // H = log Σe − Σ e·(z−mx) / Σe
        ent += logS - sl / s;
        lp += out[off + act[aOff + d]!]! - mx - logS;
        off += n;
      }
    }
    res.logp = lp;
    res.entropy = ent;
  }

  /**
   * For batch row r with action `act` (actDim values at act[aOff…]): returns log π(a|s) and the
   * entropy, and writes into piGrad (and dLogStd) the gradient of gLogp·log π + gEnt·H.
   */
  logpEntropyGrad(r: number, act: ArrayLike<number>, aOff: number, gLogp: number, gEnt: number, res: { logp: number; entropy: number }): void {
    const out = this.piOut;
    const grad = this.piGrad;
    const P = this.piDim;
    const A = this.actDim;
    let lp = 0;
    let ent = 0;
    if (this.continuous) {
      for (let d = 0; d < A; d++) {
        const ls = this.logStd[d]!;
        const inv = Math.exp(-ls);
        const diff = act[aOff + d]! - out[r * P + d]!;
        const z = diff * inv;
        lp += -0.5 * z * z - ls - 0.5 * LOG_2PI;
        ent += 0.5 + 0.5 * LOG_2PI + ls;
        grad[r * P + d] = gLogp * z * inv;
        this.dLogStd[d]! += gLogp * (z * z - 1) + gEnt;
      }
    } else {
      let off = r * P;
      for (let d = 0; d < A; d++) {
        const n = this.nvec[d]!;
        let mx = -Infinity;
        for (let j = 0; j < n; j++) mx = Math.max(mx, out[off + j]!);
        let s = 0;
        for (let j = 0; j < n; j++) s += Math.exp(out[off + j]! - mx);
        const lse = mx + Math.log(s);
        let h = 0;
        for (let j = 0; j < n; j++) {
          const l = out[off + j]! - lse;
          h -= Math.exp(l) * l;
        }
        const a = act[aOff + d]!;
        lp += out[off + a]! - lse;
        ent += h;
        for (let j = 0; j < n; j++) {
          const l = out[off + j]! - lse;
          const p = Math.exp(l);
          // ∂logp/∂z_j = [j=a] − p_j ; ∂H/∂z_j = −p_j (log p_j + H)
          grad[off + j] = gLogp * ((j === a ? 1 : 0) - p) - gEnt * p * (l + h);
        }
        off += n;
      }
    }
    res.logp = lp;
    res.entropy = ent;
  }
}
