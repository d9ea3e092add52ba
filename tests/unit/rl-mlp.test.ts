import { describe, expect, it } from 'vitest';
import { createJsKernel, createWasmKernel, wasmSimdAvailable, type Activation, type Kernel } from '../../src-workers/rl/kernels';
import { Adam, Mlp, ParamStore, clipGradNorm, mlpParamCount, orthogonal } from '../../src-workers/rl/mlp';
import { Rng } from '../../src-workers/rl/rng';

function makeMlp(kernel: Kernel, sizes: number[], act: Activation, B: number, seed = 1, activateOutput = false) {
  const store = new ParamStore(kernel, mlpParamCount(sizes));
  const net = new Mlp(kernel, store, sizes, act, activateOutput, B, true);
  const rng = new Rng(seed);
  for (let i = 0; i < store.params.length; i++) store.params[i] = rng.normal() * 0.5;
  for (let i = 0; i < B * sizes[0]!; i++) net.input[i] = rng.normal();
  return { store, net, rng };
}

describe('MLP gradients (plain-JS f64 kernel) against central finite differences', () => {
  for (const act of ['tanh', 'relu'] as const) {
    it(`${act}: 5→7→6→3, batch 4, every parameter and every input`, () => {
      const k = createJsKernel('f64');
      const B = 4;
      const { store, net, rng } = makeMlp(k, [5, 7, 6, 3], act, B, act === 'tanh' ? 1 : 2, act === 'tanh');
      const c = Float64Array.from({ length: B * 3 }, () => rng.normal());
      const loss = (): number => {
        const y = net.forward(B);
        let s = 0;
        for (let i = 0; i < B * 3; i++) s += c[i]! * y[i]! + 0.5 * y[i]! * y[i]!;
        return s;
      };
      const y = net.forward(B);
      for (let i = 0; i < B * 3; i++) net.gradOut[i] = c[i]! + y[i]!;
      store.zeroGrad();
      net.backward(B);
      const eps = 1e-6;
      let worst = 0;
      const check = (arr: Float64Array | Float32Array, i: number, analytic: number): void => {
        const v = arr[i]!;
        arr[i] = v + eps;
        const lp = loss();
        arr[i] = v - eps;
        const lm = loss();
        arr[i] = v;
        const num = (lp - lm) / (2 * eps);
        worst = Math.max(worst, Math.abs(num - analytic) / Math.max(1e-3, Math.abs(num) + Math.abs(analytic)));
      };
      for (let i = 0; i < store.params.length; i++) check(store.params, i, store.grads[i]!);
      const gIn = Float64Array.from(net.gradIn!.subarray(0, B * 5));
      for (let i = 0; i < B * 5; i++) check(net.input, i, gIn[i]!);
      expect(worst).toBeLessThan(1e-6);
    });
  }
});

describe.runIf(wasmSimdAvailable())('WebAssembly SIMD kernel agrees with the plain-JS kernel', () => {
  const shapes: [number, number, number][] = [
    [1, 3, 1],
    [3, 5, 2],
    [8, 4, 64],
    [7, 64, 64],
    [256, 64, 64],
    [257, 64, 2],
    [13, 9, 13],
    [4, 12, 8],
    [6, 64, 7],
  ];
  for (const [B, I, O] of shapes) {
    it(`linear forward/backward and tanh, B=${B} I=${I} O=${O}`, () => {
      const rng = new Rng(B * 1000 + I * 10 + O);
      const js = createJsKernel('f64');
      const wa = createWasmKernel(4 << 20);
      const data = (n: number) => Float64Array.from({ length: n }, () => rng.normal());
      const X = data(B * I);
      const W = data(O * I);
      const b = data(O);
      const dY = data(B * O);
      const run = (k: Kernel) => {
        const kx = k.alloc(B * I);
        kx.set(X);
        const kw = k.alloc(O * I);
        kw.set(W);
        const kb = k.alloc(O);
        kb.set(b);
        const ky = k.alloc(B * O);
        k.linearForward(kx, kw, kb, ky, B, I, O);
        k.activate(ky, B * O, 'tanh');
        const kdy = k.alloc(B * O);
        kdy.set(dY);
        k.activateBackward(ky, kdy, B * O, 'tanh');
        const kdw = k.alloc(O * I);
        kdw.fill(0.25);
        const kdb = k.alloc(O);
        const kdx = k.alloc(B * I);
        k.linearBackward(kx, kdy, kw, kdw, kdb, kdx, B, I, O);
        return { y: Array.from(ky), dw: Array.from(kdw), db: Array.from(kdb), dx: Array.from(kdx) };
      };
      const a = run(js);
      const w = run(wa);
      const close = (p: number[], q: number[], scale: number) => {
        expect(q.length).toBe(p.length);
        let worst = 0;
        for (let i = 0; i < p.length; i++) worst = Math.max(worst, Math.abs(p[i]! - q[i]!));
        expect(worst).toBeLessThan(scale);
      };
      close(a.y, w.y, 2e-5);
      // gradients sum over B or O products of unit-size numbers: f32 error grows like √n
      close(a.db, w.db, 1e-4 * Math.sqrt(B) + 1e-5);
      close(a.dw, w.dw, 1e-4 * Math.sqrt(B) + 1e-5);
      close(a.dx, w.dx, 1e-4 * Math.sqrt(O) + 1e-5);
    });
  }

  it('tanh is accurate to 1e-6 over [-12, 12]', () => {
    const wa = createWasmKernel(1 << 20);
    const n = 24001;
    const y = wa.alloc(n);
    for (let i = 0; i < n; i++) y[i] = -12 + i * 0.001;
    const x = Array.from(y);
    wa.activate(y, n, 'tanh');
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(y[i]! - Math.tanh(x[i]!)));
    expect(worst).toBeLessThan(1e-6);
  });
});

describe('initialisation and optimiser', () => {
  it('orthogonal init: WᵀW = gain²·I (tall) and WWᵀ = gain²·I (wide)', () => {
    const rng = new Rng(3);
    for (const [rows, cols] of [
      [64, 4],
      [2, 64],
      [16, 16],
    ] as const) {
      const W = new Float64Array(rows * cols);
      orthogonal(W, rows, cols, 2, rng);
      const k = Math.min(rows, cols);
      for (let a = 0; a < k; a++) {
        for (let b = 0; b < k; b++) {
          let s = 0;
          for (let t = 0; t < Math.max(rows, cols); t++) {
            s += rows >= cols ? W[t * cols + a]! * W[t * cols + b]! : W[a * cols + t]! * W[b * cols + t]!;
          }
          expect(s).toBeCloseTo(a === b ? 4 : 0, 9);
        }
      }
    }
  });

  it('Adam matches torch.optim.Adam on two steps; gradient clipping keeps the direction', () => {
    const p = new Float64Array([1, -2]);
    const opt = new Adam(2, 0.9, 0.999, 1e-8);
    opt.step(p, new Float64Array([0.5, -1]), 0.1);
    // first Adam step moves every parameter by lr against the gradient's sign
    expect(p[0]).toBeCloseTo(0.9, 6);
    expect(p[1]).toBeCloseTo(-1.9, 6);
    opt.step(p, new Float64Array([0.5, 1]), 0.1);
    // m = [0.095, 0.01], v = [0.00049975, 0.001999]; m̂ = m/0.19, v̂ = v/0.001999
    const m = [0.095 / 0.19, 0.01 / 0.19];
    const v = [0.00049975 / 0.001999, 0.001999 / 0.001999];
    expect(p[0]).toBeCloseTo(0.9 - (0.1 * m[0]!) / (Math.sqrt(v[0]!) + 1e-8), 6);
    expect(p[1]).toBeCloseTo(-1.9 - (0.1 * m[1]!) / (Math.sqrt(v[1]!) + 1e-8), 6);
    const g = new Float64Array([3, 4]);
    expect(clipGradNorm(g, 1)).toBeCloseTo(5, 9);
    expect(g[0]).toBeCloseTo(0.6, 5);
    expect(g[1]).toBeCloseTo(0.8, 5);
  });
});

describe('the committed wasm binary', () => {
  it('was built from the current kernel.as (else run `npm run build:rl-wasm`)', async () => {
    const { readFileSync } = await import('node:fs');
    const { createHash } = await import('node:crypto');
    const { WASM_KERNEL_SOURCE_SHA256 } = await import('../../src-workers/rl/kernels/wasm-binary');
    const src = readFileSync(new URL('../../src-workers/rl/kernels/wasm/kernel.as', import.meta.url));
    expect(createHash('sha256').update(src).digest('hex')).toBe(WASM_KERNEL_SOURCE_SHA256);
  });
});
