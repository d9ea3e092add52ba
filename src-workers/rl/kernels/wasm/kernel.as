// AssemblyScript source of the WebAssembly SIMD kernel (f32x4). Compiled at build time by
// `npm run build:rl-wasm` (node src-workers/rl/kernels/wasm/build.mjs) into ../wasm-binary.ts.
// All pointers are byte offsets into linear memory; matrices are row-major f32:
// X [B × I], W [O × I], b [O], Y [B × O]. Same contract as ../kernel.ts.

export function heapBase(): usize {
  return __heap_base;
}

function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

// Y = X·Wᵀ + b : dot products over i, 2 rows × 4 outputs per tile (used for narrow layers)
function linearForwardDot(X: usize, W: usize, b: usize, Y: usize, B: i32, I: i32, O: i32): void {
  const I4 = I & ~3;
  const rs = <usize>I << 2; // row stride in bytes
  let n = 0;
  for (; n + 1 < B; n += 2) {
    const x0 = X + <usize>n * rs;
    const x1 = x0 + rs;
    const y0 = Y + (<usize>n * <usize>O << 2);
    const y1 = y0 + (<usize>O << 2);
    let o = 0;
    for (; o + 3 < O; o += 4) {
      const w0 = W + <usize>o * rs;
      const w1 = w0 + rs;
      const w2 = w1 + rs;
      const w3 = w2 + rs;
      let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a02 = f32x4.splat(0), a03 = f32x4.splat(0);
      let a10 = f32x4.splat(0), a11 = f32x4.splat(0), a12 = f32x4.splat(0), a13 = f32x4.splat(0);
      for (let i = 0; i < I4; i += 4) {
        const off = <usize>i << 2;
        const xa = v128.load(x0 + off);
        const xb = v128.load(x1 + off);
        const v0 = v128.load(w0 + off);
        const v1 = v128.load(w1 + off);
        const v2 = v128.load(w2 + off);
        const v3 = v128.load(w3 + off);
        a00 = f32x4.add(a00, f32x4.mul(xa, v0));
        a01 = f32x4.add(a01, f32x4.mul(xa, v1));
        a02 = f32x4.add(a02, f32x4.mul(xa, v2));
        a03 = f32x4.add(a03, f32x4.mul(xa, v3));
        a10 = f32x4.add(a10, f32x4.mul(xb, v0));
        a11 = f32x4.add(a11, f32x4.mul(xb, v1));
        a12 = f32x4.add(a12, f32x4.mul(xb, v2));
        a13 = f32x4.add(a13, f32x4.mul(xb, v3));
      }
      let s00 = hsum(a00), s01 = hsum(a01), s02 = hsum(a02), s03 = hsum(a03);
      let s10 = hsum(a10), s11 = hsum(a11), s12 = hsum(a12), s13 = hsum(a13);
      for (let i = I4; i < I; i++) {
        const off = <usize>i << 2;
        const xa = load<f32>(x0 + off);
        const xb = load<f32>(x1 + off);
        const v0 = load<f32>(w0 + off), v1 = load<f32>(w1 + off), v2 = load<f32>(w2 + off), v3 = load<f32>(w3 + off);
        s00 += xa * v0; s01 += xa * v1; s02 += xa * v2; s03 += xa * v3;
        s10 += xb * v0; s11 += xb * v1; s12 += xb * v2; s13 += xb * v3;
      }
      const bo = b + (<usize>o << 2);
      const b0 = load<f32>(bo), b1 = load<f32>(bo, 4), b2 = load<f32>(bo, 8), b3 = load<f32>(bo, 12);
      const yo0 = y0 + (<usize>o << 2);
      const yo1 = y1 + (<usize>o << 2);
      store<f32>(yo0, s00 + b0); store<f32>(yo0, s01 + b1, 4); store<f32>(yo0, s02 + b2, 8); store<f32>(yo0, s03 + b3, 12);
      store<f32>(yo1, s10 + b0); store<f32>(yo1, s11 + b1, 4); store<f32>(yo1, s12 + b2, 8); store<f32>(yo1, s13 + b3, 12);
    }
    for (; o < O; o++) {
      const w0 = W + <usize>o * rs;
      let a0 = f32x4.splat(0), a1 = f32x4.splat(0);
      for (let i = 0; i < I4; i += 4) {
        const off = <usize>i << 2;
        const v0 = v128.load(w0 + off);
        a0 = f32x4.add(a0, f32x4.mul(v128.load(x0 + off), v0));
        a1 = f32x4.add(a1, f32x4.mul(v128.load(x1 + off), v0));
      }
      let s0 = hsum(a0), s1 = hsum(a1);
      for (let i = I4; i < I; i++) {
        const off = <usize>i << 2;
        const v0 = load<f32>(w0 + off);
        s0 += load<f32>(x0 + off) * v0;
        s1 += load<f32>(x1 + off) * v0;
      }
      const bb = load<f32>(b + (<usize>o << 2));
      store<f32>(y0 + (<usize>o << 2), s0 + bb);
      store<f32>(y1 + (<usize>o << 2), s1 + bb);
    }
  }
  for (; n < B; n++) {
    const x0 = X + <usize>n * rs;
    const y0 = Y + (<usize>n * <usize>O << 2);
    for (let o = 0; o < O; o++) {
      const w0 = W + <usize>o * rs;
      let a0 = f32x4.splat(0);
      for (let i = 0; i < I4; i += 4) {
        const off = <usize>i << 2;
        a0 = f32x4.add(a0, f32x4.mul(v128.load(x0 + off), v128.load(w0 + off)));
      }
      let s0 = hsum(a0);
      for (let i = I4; i < I; i++) {
        const off = <usize>i << 2;
        s0 += load<f32>(x0 + off) * load<f32>(w0 + off);
      }
      store<f32>(y0 + (<usize>o << 2), s0 + load<f32>(b + (<usize>o << 2)));
    }
  }
}

// Y = X·Wᵀ + b for wide layers: transpose W into scratch (Wt [I × O]), then broadcast-multiply
// 4 rows × 8 outputs per tile (no horizontal sums)
function linearForwardT(X: usize, W: usize, b: usize, Y: usize, B: i32, I: i32, O: i32, Wt: usize): void {
  const rs = <usize>I << 2;
  const ys = <usize>O << 2;
  for (let o = 0; o < O; o++) {
    const src = W + <usize>o * rs;
    let dst = Wt + (<usize>o << 2);
    for (let i = 0; i < I; i++) {
      store<f32>(dst, load<f32>(src + (<usize>i << 2)));
      dst += ys;
    }
  }
  const O8 = O & ~7;
  const O4 = O & ~3;
  let n = 0;
  for (; n + 3 < B; n += 4) {
    const x0 = X + <usize>n * rs;
    const y0 = Y + <usize>n * ys;
    let o = 0;
    for (; o < O8; o += 8) {
      const off = <usize>o << 2;
      const ba = v128.load(b + off);
      const bb = v128.load(b + off, 16);
      let a0 = ba, a1 = ba, a2 = ba, a3 = ba;
      let c0 = bb, c1 = bb, c2 = bb, c3 = bb;
      let wp = Wt + off;
      let xp = x0;
      for (let i = 0; i < I; i++) {
        const wa = v128.load(wp);
        const wb = v128.load(wp, 16);
        const d0 = f32x4.splat(load<f32>(xp));
        const d1 = f32x4.splat(load<f32>(xp + rs));
        const d2 = f32x4.splat(load<f32>(xp + 2 * rs));
        const d3 = f32x4.splat(load<f32>(xp + 3 * rs));
        a0 = f32x4.add(a0, f32x4.mul(d0, wa));
        a1 = f32x4.add(a1, f32x4.mul(d1, wa));
        a2 = f32x4.add(a2, f32x4.mul(d2, wa));
        a3 = f32x4.add(a3, f32x4.mul(d3, wa));
        c0 = f32x4.add(c0, f32x4.mul(d0, wb));
        c1 = f32x4.add(c1, f32x4.mul(d1, wb));
        c2 = f32x4.add(c2, f32x4.mul(d2, wb));
        c3 = f32x4.add(c3, f32x4.mul(d3, wb));
        wp += ys;
        xp += 4;
      }
      v128.store(y0 + off, a0);
      v128.store(y0 + ys + off, a1);
      v128.store(y0 + 2 * ys + off, a2);
      v128.store(y0 + 3 * ys + off, a3);
      v128.store(y0 + off, c0, 16);
      v128.store(y0 + ys + off, c1, 16);
      v128.store(y0 + 2 * ys + off, c2, 16);
      v128.store(y0 + 3 * ys + off, c3, 16);
    }
    for (; o < O4; o += 4) {
      const off = <usize>o << 2;
      const ba = v128.load(b + off);
      let a0 = ba, a1 = ba, a2 = ba, a3 = ba;
      let wp = Wt + off;
      let xp = x0;
      for (let i = 0; i < I; i++) {
        const wa = v128.load(wp);
        a0 = f32x4.add(a0, f32x4.mul(f32x4.splat(load<f32>(xp)), wa));
        a1 = f32x4.add(a1, f32x4.mul(f32x4.splat(load<f32>(xp + rs)), wa));
        a2 = f32x4.add(a2, f32x4.mul(f32x4.splat(load<f32>(xp + 2 * rs)), wa));
        a3 = f32x4.add(a3, f32x4.mul(f32x4.splat(load<f32>(xp + 3 * rs)), wa));
        wp += ys;
        xp += 4;
      }
      v128.store(y0 + off, a0);
      v128.store(y0 + ys + off, a1);
      v128.store(y0 + 2 * ys + off, a2);
      v128.store(y0 + 3 * ys + off, a3);
    }
    for (; o < O; o++) {
      const off = <usize>o << 2;
      const bv = load<f32>(b + off);
      let s0 = bv, s1 = bv, s2 = bv, s3 = bv;
      let wp = Wt + off;
      let xp = x0;
      for (let i = 0; i < I; i++) {
        const w = load<f32>(wp);
        s0 += load<f32>(xp) * w;
        s1 += load<f32>(xp + rs) * w;
        s2 += load<f32>(xp + 2 * rs) * w;
        s3 += load<f32>(xp + 3 * rs) * w;
        wp += ys;
        xp += 4;
      }
      store<f32>(y0 + off, s0);
      store<f32>(y0 + ys + off, s1);
      store<f32>(y0 + 2 * ys + off, s2);
      store<f32>(y0 + 3 * ys + off, s3);
    }
  }
  if (n < B) linearForwardDot(X + <usize>n * rs, W, b, Y + <usize>n * ys, B - n, I, O);
}

// Wt: scratch of at least I×O floats (0 = none: always the dot-product path)
export function linearForward(X: usize, W: usize, b: usize, Y: usize, B: i32, I: i32, O: i32, Wt: usize): void {
  if (Wt != 0 && O >= 8 && B >= 4) linearForwardT(X, W, b, Y, B, I, O, Wt);
  else linearForwardDot(X, W, b, Y, B, I, O);
}

// dW += dYᵀ·X ; db += Σ dY : 4 outputs × 8 inputs per tile, loop over the batch
export function linearBackwardWeights(X: usize, dY: usize, dW: usize, db: usize, B: i32, I: i32, O: i32): void {
  const rs = <usize>I << 2;
  const ys = <usize>O << 2;
  const I8 = I & ~7;
  const I4 = I & ~3;
  // bias
  for (let o = 0; o < O; o++) {
    let s: f32 = 0;
    let p = dY + (<usize>o << 2);
    for (let n = 0; n < B; n++) {
      s += load<f32>(p);
      p += ys;
    }
    const q = db + (<usize>o << 2);
    store<f32>(q, load<f32>(q) + s);
  }
  let o = 0;
  for (; o + 3 < O; o += 4) {
    const w0 = dW + <usize>o * rs;
    const w1 = w0 + rs;
    const w2 = w1 + rs;
    const w3 = w2 + rs;
    let i = 0;
    for (; i < I8; i += 8) {
      const off = <usize>i << 2;
      let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
      let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
      let xp = X + off;
      let yp = dY + (<usize>o << 2);
      for (let n = 0; n < B; n++) {
        const xa = v128.load(xp);
        const xb = v128.load(xp, 16);
        const d0 = f32x4.splat(load<f32>(yp));
        const d1 = f32x4.splat(load<f32>(yp, 4));
        const d2 = f32x4.splat(load<f32>(yp, 8));
        const d3 = f32x4.splat(load<f32>(yp, 12));
        a0 = f32x4.add(a0, f32x4.mul(d0, xa));
        a1 = f32x4.add(a1, f32x4.mul(d1, xa));
        a2 = f32x4.add(a2, f32x4.mul(d2, xa));
        a3 = f32x4.add(a3, f32x4.mul(d3, xa));
        c0 = f32x4.add(c0, f32x4.mul(d0, xb));
        c1 = f32x4.add(c1, f32x4.mul(d1, xb));
        c2 = f32x4.add(c2, f32x4.mul(d2, xb));
        c3 = f32x4.add(c3, f32x4.mul(d3, xb));
        xp += rs;
        yp += ys;
      }
      v128.store(w0 + off, f32x4.add(v128.load(w0 + off), a0));
      v128.store(w1 + off, f32x4.add(v128.load(w1 + off), a1));
      v128.store(w2 + off, f32x4.add(v128.load(w2 + off), a2));
      v128.store(w3 + off, f32x4.add(v128.load(w3 + off), a3));
      v128.store(w0 + off, f32x4.add(v128.load(w0 + off, 16), c0), 16);
      v128.store(w1 + off, f32x4.add(v128.load(w1 + off, 16), c1), 16);
      v128.store(w2 + off, f32x4.add(v128.load(w2 + off, 16), c2), 16);
      v128.store(w3 + off, f32x4.add(v128.load(w3 + off, 16), c3), 16);
    }
    for (; i < I4; i += 4) {
      const off = <usize>i << 2;
      let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
      let xp = X + off;
      let yp = dY + (<usize>o << 2);
      for (let n = 0; n < B; n++) {
        const xa = v128.load(xp);
        a0 = f32x4.add(a0, f32x4.mul(f32x4.splat(load<f32>(yp)), xa));
        a1 = f32x4.add(a1, f32x4.mul(f32x4.splat(load<f32>(yp, 4)), xa));
        a2 = f32x4.add(a2, f32x4.mul(f32x4.splat(load<f32>(yp, 8)), xa));
        a3 = f32x4.add(a3, f32x4.mul(f32x4.splat(load<f32>(yp, 12)), xa));
        xp += rs;
        yp += ys;
      }
      v128.store(w0 + off, f32x4.add(v128.load(w0 + off), a0));
      v128.store(w1 + off, f32x4.add(v128.load(w1 + off), a1));
      v128.store(w2 + off, f32x4.add(v128.load(w2 + off), a2));
      v128.store(w3 + off, f32x4.add(v128.load(w3 + off), a3));
    }
    for (; i < I; i++) {
      const off = <usize>i << 2;
      let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
      let xp = X + off;
      let yp = dY + (<usize>o << 2);
      for (let n = 0; n < B; n++) {
        const x = load<f32>(xp);
        s0 += load<f32>(yp) * x;
        s1 += load<f32>(yp, 4) * x;
        s2 += load<f32>(yp, 8) * x;
        s3 += load<f32>(yp, 12) * x;
        xp += rs;
        yp += ys;
      }
      store<f32>(w0 + off, load<f32>(w0 + off) + s0);
      store<f32>(w1 + off, load<f32>(w1 + off) + s1);
      store<f32>(w2 + off, load<f32>(w2 + off) + s2);
      store<f32>(w3 + off, load<f32>(w3 + off) + s3);
    }
  }
  for (; o < O; o++) {
    const w0 = dW + <usize>o * rs;
    let i = 0;
    for (; i < I4; i += 4) {
      const off = <usize>i << 2;
      let a0 = f32x4.splat(0);
      let xp = X + off;
      let yp = dY + (<usize>o << 2);
      for (let n = 0; n < B; n++) {
        a0 = f32x4.add(a0, f32x4.mul(f32x4.splat(load<f32>(yp)), v128.load(xp)));
        xp += rs;
        yp += ys;
      }
      v128.store(w0 + off, f32x4.add(v128.load(w0 + off), a0));
    }
    for (; i < I; i++) {
      const off = <usize>i << 2;
      let s0: f32 = 0;
      let xp = X + off;
      let yp = dY + (<usize>o << 2);
      for (let n = 0; n < B; n++) {
        s0 += load<f32>(yp) * load<f32>(xp);
        xp += rs;
        yp += ys;
      }
      store<f32>(w0 + off, load<f32>(w0 + off) + s0);
    }
  }
}

// dX = dY·W : 4 rows × 8 inputs per tile, loop over outputs
export function linearBackwardInput(dY: usize, W: usize, dX: usize, B: i32, I: i32, O: i32): void {
  const rs = <usize>I << 2;
  const ys = <usize>O << 2;
  const I8 = I & ~7;
  const I4 = I & ~3;
  let n = 0;
  for (; n + 3 < B; n += 4) {
    const x0 = dX + <usize>n * rs;
    const x1 = x0 + rs;
    const x2 = x1 + rs;
    const x3 = x2 + rs;
    const yb = dY + <usize>n * ys;
    let i = 0;
    for (; i < I8; i += 8) {
      const off = <usize>i << 2;
      let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
      let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
      let wp = W + off;
      let yp = yb;
      for (let o = 0; o < O; o++) {
        const wa = v128.load(wp);
        const wb = v128.load(wp, 16);
        const d0 = f32x4.splat(load<f32>(yp));
        const d1 = f32x4.splat(load<f32>(yp + ys));
        const d2 = f32x4.splat(load<f32>(yp + 2 * ys));
        const d3 = f32x4.splat(load<f32>(yp + 3 * ys));
        a0 = f32x4.add(a0, f32x4.mul(d0, wa));
        a1 = f32x4.add(a1, f32x4.mul(d1, wa));
        a2 = f32x4.add(a2, f32x4.mul(d2, wa));
        a3 = f32x4.add(a3, f32x4.mul(d3, wa));
        c0 = f32x4.add(c0, f32x4.mul(d0, wb));
        c1 = f32x4.add(c1, f32x4.mul(d1, wb));
        c2 = f32x4.add(c2, f32x4.mul(d2, wb));
        c3 = f32x4.add(c3, f32x4.mul(d3, wb));
        wp += rs;
        yp += 4;
      }
      v128.store(x0 + off, a0);
      v128.store(x1 + off, a1);
      v128.store(x2 + off, a2);
      v128.store(x3 + off, a3);
      v128.store(x0 + off, c0, 16);
      v128.store(x1 + off, c1, 16);
      v128.store(x2 + off, c2, 16);
      v128.store(x3 + off, c3, 16);
    }
    for (; i < I4; i += 4) {
      const off = <usize>i << 2;
      let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
      let wp = W + off;
      let yp = yb;
      for (let o = 0; o < O; o++) {
        const wa = v128.load(wp);
        a0 = f32x4.add(a0, f32x4.mul(f32x4.splat(load<f32>(yp)), wa));
        a1 = f32x4.add(a1, f32x4.mul(f32x4.splat(load<f32>(yp + ys)), wa));
        a2 = f32x4.add(a2, f32x4.mul(f32x4.splat(load<f32>(yp + 2 * ys)), wa));
        a3 = f32x4.add(a3, f32x4.mul(f32x4.splat(load<f32>(yp + 3 * ys)), wa));
        wp += rs;
        yp += 4;
      }
      v128.store(x0 + off, a0);
      v128.store(x1 + off, a1);
      v128.store(x2 + off, a2);
      v128.store(x3 + off, a3);
    }
    for (; i < I; i++) {
      const off = <usize>i << 2;
      let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
      let wp = W + off;
      let yp = yb;
      for (let o = 0; o < O; o++) {
        const w = load<f32>(wp);
        s0 += load<f32>(yp) * w;
        s1 += load<f32>(yp + ys) * w;
        s2 += load<f32>(yp + 2 * ys) * w;
        s3 += load<f32>(yp + 3 * ys) * w;
        wp += rs;
        yp += 4;
      }
      store<f32>(x0 + off, s0);
      store<f32>(x1 + off, s1);
      store<f32>(x2 + off, s2);
      store<f32>(x3 + off, s3);
    }
  }
  for (; n < B; n++) {
    const x0 = dX + <usize>n * rs;
    const yb = dY + <usize>n * ys;
    for (let i = 0; i < I; i++) {
      const off = <usize>i << 2;
      let s0: f32 = 0;
      let wp = W + off;
      let yp = yb;
      for (let o = 0; o < O; o++) {
        s0 += load<f32>(yp) * load<f32>(wp);
        wp += rs;
        yp += 4;
      }
      store<f32>(x0 + off, s0);
    }
  }
}

// tanh: Eigen's float rational approximation (odd degree-13 / even degree-6 polynomials on x
// clamped to ±7.9053), |error| < 1e-6; tiny inputs pass through
function tanhv(x0: v128): v128 {
  const c = f32x4.splat(7.90531110763549805);
  const x = f32x4.min(f32x4.max(x0, f32x4.neg(c)), c);
  const x2 = f32x4.mul(x, x);
  let p = f32x4.splat(-2.76076847742355e-16);
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(2.00018790482477e-13));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(-8.60467152213735e-11));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(5.12229709037114e-8));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(1.48572235717979e-5));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(6.37261928875436e-4));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(4.89352455891786e-3));
  p = f32x4.mul(p, x);
  let q = f32x4.splat(1.19825839466702e-6);
  q = f32x4.add(f32x4.mul(q, x2), f32x4.splat(1.18534705686654e-4));
  q = f32x4.add(f32x4.mul(q, x2), f32x4.splat(2.26843463243900e-3));
  q = f32x4.add(f32x4.mul(q, x2), f32x4.splat(4.89352518554385e-3));
  const r = f32x4.div(p, q);
  return v128.bitselect(x0, r, f32x4.lt(f32x4.abs(x0), f32x4.splat(0.0004)));
}

function tanhs(x: f32): f32 {
  const v = tanhv(f32x4.splat(x));
  return f32x4.extract_lane(v, 0);
}

// act: 0 identity, 1 tanh, 2 relu
export function activate(Y: usize, n: i32, act: i32): void {
  const n4 = n & ~3;
  if (act == 1) {
    let i = 0;
    for (; i < n4; i += 4) {
      const p = Y + (<usize>i << 2);
      v128.store(p, tanhv(v128.load(p)));
    }
    for (; i < n; i++) {
      const p = Y + (<usize>i << 2);
      store<f32>(p, tanhs(load<f32>(p)));
    }
  } else if (act == 2) {
    let i = 0;
    const zero = f32x4.splat(0);
    for (; i < n4; i += 4) {
      const p = Y + (<usize>i << 2);
      v128.store(p, f32x4.max(v128.load(p), zero));
    }
    for (; i < n; i++) {
      const p = Y + (<usize>i << 2);
      const v = load<f32>(p);
      store<f32>(p, v > 0 ? v : 0);
    }
  }
}

export function activateBackward(Y: usize, dY: usize, n: i32, act: i32): void {
  const n4 = n & ~3;
  if (act == 1) {
    const one = f32x4.splat(1.0);
    let i = 0;
    for (; i < n4; i += 4) {
      const off = <usize>i << 2;
      const y = v128.load(Y + off);
      v128.store(dY + off, f32x4.mul(v128.load(dY + off), f32x4.sub(one, f32x4.mul(y, y))));
    }
    for (; i < n; i++) {
      const off = <usize>i << 2;
      const y = load<f32>(Y + off);
      store<f32>(dY + off, load<f32>(dY + off) * (1 - y * y));
    }
  } else if (act == 2) {
    const zero = f32x4.splat(0);
    let i = 0;
    for (; i < n4; i += 4) {
      const off = <usize>i << 2;
      const m = f32x4.gt(v128.load(Y + off), zero);
      v128.store(dY + off, v128.and(v128.load(dY + off), m));
    }
    for (; i < n; i++) {
      const off = <usize>i << 2;
      if (!(load<f32>(Y + off) > 0)) store<f32>(dY + off, 0);
    }
  }
}
