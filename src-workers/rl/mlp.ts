import type { Activation, FloatArray, Kernel } from './kernels/kernel';
import type { Rng } from './rng';

/** One dense layer: views into a flat parameter / gradient buffer. */
export interface Dense {
  readonly I: number;
  readonly O: number;
  readonly W: FloatArray;
  readonly b: FloatArray;
  readonly dW: FloatArray;
  readonly db: FloatArray;
}

/** Parameters of several networks in one flat buffer (so Adam and gradient clipping see one vector). */
export class ParamStore {
  readonly params: FloatArray;
  readonly grads: FloatArray;
  private used = 0;
  constructor(
    readonly kernel: Kernel,
    readonly size: number,
  ) {
    this.params = kernel.alloc(size);
    this.grads = kernel.alloc(size);
  }
  take(n: number): { p: FloatArray; g: FloatArray } {
    if (this.used + n > this.size) throw new Error(`ParamStore overflow: ${this.used}+${n} > ${this.size}`);
    const r = { p: this.params.subarray(this.used, this.used + n), g: this.grads.subarray(this.used, this.used + n) };
    this.used += n;
    return r;
  }
  zeroGrad(): void {
    this.grads.fill(0);
  }
}

export function mlpParamCount(sizes: readonly number[]): number {
  let n = 0;
  for (let l = 0; l + 1 < sizes.length; l++) n += sizes[l]! * sizes[l + 1]! + sizes[l + 1]!;
  return n;
}

/**
 * A multilayer perceptron sizes[0] → … → sizes[L]: `act` after every hidden layer, and after the
 * last one too when `activateOutput`. Buffers are sized for batches of up to `maxBatch` rows.
 * Fill `input`, call `forward(B)`; fill `gradOut`, call `backward(B)` (gradients accumulate).
 */
export class Mlp {
  readonly layers: Dense[] = [];
  readonly input: FloatArray;
  /** ∂loss/∂output, filled by the caller before backward */
  readonly gradOut: FloatArray;
  /** ∂loss/∂input after backward (only when built with inputGrad) */
  readonly gradIn: FloatArray | null;
  private readonly outs: FloatArray[] = [];
  private readonly dOuts: FloatArray[] = [];

  constructor(
    readonly kernel: Kernel,
    store: ParamStore,
    readonly sizes: readonly number[],
    readonly act: Activation,
    readonly activateOutput: boolean,
    readonly maxBatch: number,
    inputGrad = false,
  ) {
    if (sizes.length < 2) throw new Error('Mlp needs at least an input and an output size');
    for (let l = 0; l + 1 < sizes.length; l++) {
      const I = sizes[l]!;
      const O = sizes[l + 1]!;
      const w = store.take(I * O);
      const b = store.take(O);
      this.layers.push({ I, O, W: w.p, b: b.p, dW: w.g, db: b.g });
      this.outs.push(kernel.alloc(maxBatch * O));
      this.dOuts.push(l + 2 < sizes.length ? kernel.alloc(maxBatch * O) : kernel.alloc(0));
    }
    this.input = kernel.alloc(maxBatch * sizes[0]!);
    this.gradOut = kernel.alloc(maxBatch * this.outDim);
    this.gradIn = inputGrad ? kernel.alloc(maxBatch * sizes[0]!) : null;
  }

  get inDim(): number {
    return this.sizes[0]!;
  }
  get outDim(): number {
    return this.sizes[this.sizes.length - 1]!;
  }
  /** the last forward's output, [B × outDim] */
  get output(): FloatArray {
    return this.outs[this.outs.length - 1]!;
  }

  /** torch's orthogonal_ init with `gain` for hidden layers and `outGain` for the last; biases 0 */
  initOrthogonal(rng: Rng, gain: number, outGain: number): void {
    this.layers.forEach((d, l) => {
      orthogonal(d.W, d.O, d.I, l === this.layers.length - 1 ? outGain : gain, rng);
      d.b.fill(0);
    });
  }

  forward(B: number): FloatArray {
    if (B > this.maxBatch) throw new Error(`batch ${B} > maxBatch ${this.maxBatch}`);
    const k = this.kernel;
    let x = this.input;
    const L = this.layers.length;
    for (let l = 0; l < L; l++) {
      const d = this.layers[l]!;
      const y = this.outs[l]!;
      k.linearForward(x, d.W, d.b, y, B, d.I, d.O);
      if (l < L - 1 || this.activateOutput) k.activate(y, B * d.O, this.act);
      x = y;
    }
    return x;
  }

  backward(B: number): void {
    const k = this.kernel;
    const L = this.layers.length;
    for (let l = L - 1; l >= 0; l--) {
      const d = this.layers[l]!;
      const dY = l === L - 1 ? this.gradOut : this.dOuts[l]!;
      if (l < L - 1 || this.activateOutput) k.activateBackward(this.outs[l]!, dY, B * d.O, this.act);
      const x = l === 0 ? this.input : this.outs[l - 1]!;
      const dX = l === 0 ? this.gradIn : this.dOuts[l - 1]!;
      k.linearBackward(x, dY, d.W, d.dW, d.db, dX, B, d.I, d.O);
    }
  }
}

/** W [rows × cols] with orthonormal rows or columns (whichever are fewer), scaled by gain. */
export function orthogonal(W: FloatArray, rows: number, cols: number, gain: number, rng: Rng): void {
  const k = Math.min(rows, cols);
  const m = Math.max(rows, cols);
  const q: Float64Array[] = [];
  while (q.length < k) {
    const v = new Float64Array(m);
    for (let i = 0; i < m; i++) v[i] = rng.normal();
    for (let pass = 0; pass < 2; pass++) {
      for (const u of q) {
        let dot = 0;
        for (let i = 0; i < m; i++) dot += u[i]! * v[i]!;
        for (let i = 0; i < m; i++) v[i]! -= dot * u[i]!;
      }
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += v[i]! * v[i]!;
    norm = Math.sqrt(norm);
    if (norm < 1e-6) continue;
    for (let i = 0; i < m; i++) v[i]! /= norm;
    q.push(v);
  }
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      // rows ≥ cols: column c is q[c]; else row r is q[r]
      W[r * cols + c] = gain * (rows >= cols ? q[c]![r]! : q[r]![c]!);
    }
  }
}

/** Adam as in torch.optim.Adam (SB3 uses eps = 1e-5 for PPO). */
export class Adam {
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private t = 0;
  constructor(
    readonly size: number,
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
    readonly eps = 1e-5,
  ) {
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
  }
  step(params: FloatArray, grads: FloatArray, lr: number): void {
    this.t++;
    const { m, v, beta1, beta2, eps } = this;
    const bc1 = 1 - Math.pow(beta1, this.t);
    const bc2s = Math.sqrt(1 - Math.pow(beta2, this.t));
    const stepSize = lr / bc1;
    for (let i = 0; i < this.size; i++) {
      const g = grads[i]!;
      const mi = beta1 * m[i]! + (1 - beta1) * g;
      const vi = beta2 * v[i]! + (1 - beta2) * g * g;
      m[i] = mi;
      v[i] = vi;
      params[i]! -= (stepSize * mi) / (Math.sqrt(vi) / bc2s + eps);
    }
  }
  /** for checkpoints */
  state(): { t: number; m: Float64Array; v: Float64Array } {
    return { t: this.t, m: this.m, v: this.v };
  }
  /** Continues from a checkpoint's moments and step count. */
  loadState(s: { t: number; m: ArrayLike<number>; v: ArrayLike<number> }): void {
    if (s.m.length !== this.size || s.v.length !== this.size) throw new Error(`Adam.loadState: moments of length ${s.m.length}/${s.v.length}, the optimiser has ${this.size} parameters`);
    this.t = s.t;
    this.m.set(s.m);
    this.v.set(s.v);
  }
}

/** Scales grads so their global L2 norm is at most maxNorm (torch clip_grad_norm_); returns the norm. */
export function clipGradNorm(grads: FloatArray, maxNorm: number): number {
  let s = 0;
  for (let i = 0; i < grads.length; i++) s += grads[i]! * grads[i]!;
  const norm = Math.sqrt(s);
  const coef = maxNorm / (norm + 1e-6);
  if (coef < 1) for (let i = 0; i < grads.length; i++) grads[i]! *= coef;
  return norm;
}
