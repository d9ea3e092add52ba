import type { Activation, FloatArray, Kernel } from './kernel';

/**
 * Plain-JS kernel: register-blocked loops over contiguous rows (4 outputs at a time), so every
 * inner loop walks memory forward. f64 by default (also the reference for the gradient check).
 */
export function createJsKernel(dtype: 'f32' | 'f64' = 'f64'): Kernel {
  const alloc = (n: number): FloatArray => (dtype === 'f32' ? new Float32Array(n) : new Float64Array(n));
  return {
    name: `js-${dtype}`,
    dtype,
    alloc,
    linearForward,
    linearBackward: makeLinearBackward(alloc),
    activate,
    activateBackward,
  };
}

function linearForward(X: FloatArray, W: FloatArray, b: FloatArray, Y: FloatArray, B: number, I: number, O: number): void {
  for (let n = 0; n < B; n++) Y.set(b.subarray(0, O), n * O);
  abt(X, W, Y, B, O, I, true);
}

/**
 * C = A·Bᵀ (+ C when accumulate): A [M × K], B [N × K], C [M × N], all row-major. Every inner loop
 * is a pair of contiguous dot products; 2 rows × 4 columns of C per tile.
 */
function abt(A: FloatArray, Bm: FloatArray, C: FloatArray, M: number, N: number, K: number, accumulate: boolean): void {
  const N4 = N - (N % 4);
  let m = 0;
  for (; m + 1 < M; m += 2) {
    const a0 = m * K;
    const a1 = a0 + K;
    const c0 = m * N;
    const c1 = c0 + N;
    let n = 0;
    for (; n < N4; n += 4) {
      const b0 = n * K;
      const b1 = b0 + K;
      const b2 = b1 + K;
      const b3 = b2 + K;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      for (let k = 0; k < K; k++) {
        const x0 = A[a0 + k]!;
        const x1 = A[a1 + k]!;
        const w0 = Bm[b0 + k]!;
        const w1 = Bm[b1 + k]!;
        const w2 = Bm[b2 + k]!;
        const w3 = Bm[b3 + k]!;
        s00 += x0 * w0;
        s01 += x0 * w1;
        s02 += x0 * w2;
        s03 += x0 * w3;
        s10 += x1 * w0;
        s11 += x1 * w1;
        s12 += x1 * w2;
        s13 += x1 * w3;
      }
      if (accumulate) {
        C[c0 + n]! += s00;
        C[c0 + n + 1]! += s01;
        C[c0 + n + 2]! += s02;
        C[c0 + n + 3]! += s03;
        C[c1 + n]! += s10;
        C[c1 + n + 1]! += s11;
        C[c1 + n + 2]! += s12;
        C[c1 + n + 3]! += s13;
      } else {
        C[c0 + n] = s00;
        C[c0 + n + 1] = s01;
        C[c0 + n + 2] = s02;
        C[c0 + n + 3] = s03;
        C[c1 + n] = s10;
        C[c1 + n + 1] = s11;
        C[c1 + n + 2] = s12;
        C[c1 + n + 3] = s13;
      }
    }
    for (; n < N; n++) {
      const b0 = n * K;
      let s0 = 0;
      let s1 = 0;
      for (let k = 0; k < K; k++) {
        const w = Bm[b0 + k]!;
        s0 += A[a0 + k]! * w;
        s1 += A[a1 + k]! * w;
      }
      if (accumulate) {
        C[c0 + n]! += s0;
        C[c1 + n]! += s1;
      } else {
        C[c0 + n] = s0;
        C[c1 + n] = s1;
      }
    }
  }
  for (; m < M; m++) {
    const a0 = m * K;
    const c0 = m * N;
    for (let n = 0; n < N; n++) {
      const b0 = n * K;
      let s = 0;
      for (let k = 0; k < K; k++) s += A[a0 + k]! * Bm[b0 + k]!;
      if (accumulate) C[c0 + n]! += s;
      else C[c0 + n] = s;
    }
  }
}

/** dst [cols × rows] = srcᵀ, src [rows × cols] */
function transpose(src: FloatArray, dst: FloatArray, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const so = r * cols;
    for (let c = 0; c < cols; c++) dst[c * rows + r] = src[so + c]!;
  }
}

function makeLinearBackward(alloc: (n: number) => FloatArray) {
  let s1 = alloc(0);
  let s2 = alloc(0);
  const need = (n: number): void => {
    if (s1.length < n) {
      s1 = alloc(n);
      s2 = alloc(n);
    }
  };
  return function linearBackward(
    X: FloatArray,
    dY: FloatArray,
    W: FloatArray,
    dW: FloatArray,
    db: FloatArray,
    dX: FloatArray | null,
    B: number,
    I: number,
    O: number,
  ): void {
    need(Math.max(B * Math.max(I, O), I * O));
    // db += Σ_rows dY
    for (let n = 0; n < B; n++) {
      const yo = n * O;
      for (let o = 0; o < O; o++) db[o]! += dY[yo + o]!;
    }
    // dW += dYᵀ·X  =  (dYᵀ)·(Xᵀ)ᵀ : dot products over the batch
    transpose(dY, s1, B, O);
    transpose(X, s2, B, I);
    abt(s1, s2, dW, O, I, B, true);
    if (dX === null) return;
    // dX = dY·W  =  dY·(Wᵀ)ᵀ
    transpose(W, s2, O, I);
    abt(dY, s2, dX, B, I, O, false);
  };
}

function activate(Y: FloatArray, n: number, act: Activation): void {
  if (act === 'tanh') for (let i = 0; i < n; i++) Y[i] = Math.tanh(Y[i]!);
  else if (act === 'relu') for (let i = 0; i < n; i++) Y[i] = Y[i]! > 0 ? Y[i]! : 0;
}

function activateBackward(Y: FloatArray, dY: FloatArray, n: number, act: Activation): void {
  if (act === 'tanh') {
    for (let i = 0; i < n; i++) {
      const y = Y[i]!;
      dY[i]! *= 1 - y * y;
    }
  } else if (act === 'relu') {
    for (let i = 0; i < n; i++) if (!(Y[i]! > 0)) dY[i] = 0;
  }
}
