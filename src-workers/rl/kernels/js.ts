import type { Activation, FloatArray, Kernel } from './kernel';

/**
 * Plain-JS kernel: register-blocked loops over contiguous rows (4 outputs at a time), so every
 * inner loop walks memory forward. f64 by default (also the reference for the gradient check).
 */
export function createJsKernel(dtype: 'f32' | 'f64' = 'f64'): Kernel {
  return {
    name: `js-${dtype}`,
    dtype,
    alloc: (n) => (dtype === 'f32' ? new Float32Array(n) : new Float64Array(n)),
    linearForward,
    linearBackward,
    activate,
    activateBackward,
  };
}

function linearForward(X: FloatArray, W: FloatArray, b: FloatArray, Y: FloatArray, B: number, I: number, O: number): void {
  const O4 = O - (O % 4);
  for (let n = 0; n < B; n++) {
    const xo = n * I;
    const yo = n * O;
    let o = 0;
    for (; o < O4; o += 4) {
      const w0 = o * I;
      const w1 = w0 + I;
      const w2 = w1 + I;
      const w3 = w2 + I;
      let s0 = b[o]!;
      let s1 = b[o + 1]!;
      let s2 = b[o + 2]!;
      let s3 = b[o + 3]!;
      for (let i = 0; i < I; i++) {
        const x = X[xo + i]!;
        s0 += x * W[w0 + i]!;
        s1 += x * W[w1 + i]!;
        s2 += x * W[w2 + i]!;
        s3 += x * W[w3 + i]!;
      }
      Y[yo + o] = s0;
      Y[yo + o + 1] = s1;
      Y[yo + o + 2] = s2;
      Y[yo + o + 3] = s3;
    }
    for (; o < O; o++) {
      const w0 = o * I;
      let s = b[o]!;
      for (let i = 0; i < I; i++) s += X[xo + i]! * W[w0 + i]!;
      Y[yo + o] = s;
    }
  }
}

function linearBackward(
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
  const O4 = O - (O % 4);
  // dW += dYᵀ X ; db += Σ dY
  for (let n = 0; n < B; n++) {
    const xo = n * I;
    const yo = n * O;
    let o = 0;
    for (; o < O4; o += 4) {
      const d0 = dY[yo + o]!;
      const d1 = dY[yo + o + 1]!;
      const d2 = dY[yo + o + 2]!;
      const d3 = dY[yo + o + 3]!;
      db[o]! += d0;
      db[o + 1]! += d1;
      db[o + 2]! += d2;
      db[o + 3]! += d3;
      const w0 = o * I;
      const w1 = w0 + I;
      const w2 = w1 + I;
      const w3 = w2 + I;
      for (let i = 0; i < I; i++) {
        const x = X[xo + i]!;
        dW[w0 + i]! += d0 * x;
        dW[w1 + i]! += d1 * x;
        dW[w2 + i]! += d2 * x;
        dW[w3 + i]! += d3 * x;
      }
    }
    for (; o < O; o++) {
      const d = dY[yo + o]!;
      db[o]! += d;
      const w0 = o * I;
      for (let i = 0; i < I; i++) dW[w0 + i]! += d * X[xo + i]!;
    }
  }
  if (dX === null) return;
  // dX = dY W
  for (let n = 0; n < B; n++) {
    const xo = n * I;
    const yo = n * O;
    dX.fill(0, xo, xo + I);
    let o = 0;
    for (; o < O4; o += 4) {
      const d0 = dY[yo + o]!;
      const d1 = dY[yo + o + 1]!;
      const d2 = dY[yo + o + 2]!;
      const d3 = dY[yo + o + 3]!;
      const w0 = o * I;
      const w1 = w0 + I;
      const w2 = w1 + I;
      const w3 = w2 + I;
      for (let i = 0; i < I; i++) {
        dX[xo + i]! += d0 * W[w0 + i]! + d1 * W[w1 + i]! + d2 * W[w2 + i]! + d3 * W[w3 + i]!;
      }
    }
    for (; o < O; o++) {
      const d = dY[yo + o]!;
      const w0 = o * I;
      for (let i = 0; i < I; i++) dX[xo + i]! += d * W[w0 + i]!;
    }
  }
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
