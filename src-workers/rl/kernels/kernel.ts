/**
 * The narrow numerical interface the MLP runs on. Everything heavy (the dense layers' matrix
 * products and the activations) goes through a `Kernel`; everything else in the RL code is plain
 * JS over the same arrays. Buffers a kernel works on must come from its own `alloc` (a WebAssembly
 * kernel hands out views into its linear memory).
 *
 * Layouts are row-major: a batch X is [B × I]; a layer's weight W is [O × I] (one row per output,
 * like torch.nn.Linear), its bias b is [O].
 */
export type FloatArray = Float32Array | Float64Array;

export type Activation = 'tanh' | 'relu' | 'identity';

export interface Kernel {
  readonly name: string;
  readonly dtype: 'f32' | 'f64';
  /** a zeroed buffer of n floats this kernel can operate on */
  alloc(n: number): FloatArray;
  /** Y = X·Wᵀ + b */
  linearForward(X: FloatArray, W: FloatArray, b: FloatArray, Y: FloatArray, B: number, I: number, O: number): void;
  /** dW += dYᵀ·X, db += Σ_rows dY, and (when dX is given) dX = dY·W */
  linearBackward(
    X: FloatArray,
    dY: FloatArray,
    W: FloatArray,
    dW: FloatArray,
    db: FloatArray,
    dX: FloatArray | null,
    B: number,
    I: number,
    O: number,
  ): void;
  /** in place: Y = act(Y) over the first n values */
  activate(Y: FloatArray, n: number, act: Activation): void;
  /** in place: dY *= act'(·), given Y = act(·) (the activated output) */
  activateBackward(Y: FloatArray, dY: FloatArray, n: number, act: Activation): void;
}
