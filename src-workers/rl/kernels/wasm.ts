import type { Activation, FloatArray, Kernel } from './kernel';
import { WASM_KERNEL_BASE64 } from './wasm-binary';

interface Exports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  linearForward(X: number, W: number, b: number, Y: number, B: number, I: number, O: number, Wt: number): void;
  linearBackwardWeights(X: number, dY: number, dW: number, db: number, B: number, I: number, O: number): void;
  linearBackwardInput(dY: number, W: number, dX: number, B: number, I: number, O: number): void;
  activate(Y: number, n: number, act: number): void;
  activateBackward(Y: number, dY: number, n: number, act: number): void;
}

let compiled: WebAssembly.Module | null = null;

function decode(b64: string): Uint8Array<ArrayBuffer> {
  const s = atob(b64);
  const out = new Uint8Array(new ArrayBuffer(s.length));
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** true when this runtime can compile the SIMD kernel */
export function wasmSimdAvailable(): boolean {
  try {
    if (typeof WebAssembly !== 'object') return false;
    compiled ??= new WebAssembly.Module(decode(WASM_KERNEL_BASE64));
    return true;
  } catch {
    return false;
  }
}

const ACT: Record<Activation, number> = { identity: 0, tanh: 1, relu: 2 };

/**
 * WebAssembly SIMD (f32x4) kernel built from ./wasm/kernel.as. Each kernel owns one linear memory
 * of `capacityBytes`, reserved up front (growing would detach the views `alloc` handed out).
 */
export function createWasmKernel(capacityBytes = 64 << 20): Kernel {
  if (!wasmSimdAvailable() || compiled === null) throw new Error('WebAssembly SIMD is not available in this runtime');
  const inst = new WebAssembly.Instance(compiled, {
    env: {
      abort: () => {
        throw new Error('wasm kernel abort');
      },
    },
  });
  const ex = inst.exports as unknown as Exports;
  const mem = ex.memory;
  let next = (ex.heapBase() + 15) & ~15;
  const need = Math.ceil((next + capacityBytes) / 65536) - mem.buffer.byteLength / 65536;
  if (need > 0) mem.grow(need);
  const buf = mem.buffer;
  const limit = buf.byteLength;
  const p = (a: FloatArray): number => a.byteOffset;
  const alloc = (n: number): Float32Array => {
    const bytes = (n * 4 + 15) & ~15;
    if (next + bytes > limit) throw new Error(`wasm kernel: its ${capacityBytes >> 20} MB arena is full; create it with a larger capacity`);
    const a = new Float32Array(buf, next, n);
    next += bytes;
    return a;
  };
  // scratch for the transposed weights of the forward pass; grown (from the arena) on demand
  let scratch = alloc(64 * 256);
  return {
    name: 'wasm-simd-f32',
    dtype: 'f32',
    alloc,
    linearForward(X, W, b, Y, B, I, O) {
      if (I * O > scratch.length && O >= 8 && B >= 4) scratch = alloc(I * O);
      ex.linearForward(p(X), p(W), p(b), p(Y), B, I, O, p(scratch));
    },
    linearBackward(X, dY, W, dW, db, dX, B, I, O) {
      ex.linearBackwardWeights(p(X), p(dY), p(dW), p(db), B, I, O);
      if (dX !== null) ex.linearBackwardInput(p(dY), p(W), p(dX), B, I, O);
    },
    activate(Y, n, act) {
      if (act !== 'identity') ex.activate(p(Y), n, ACT[act]);
    },
    activateBackward(Y, dY, n, act) {
      if (act !== 'identity') ex.activateBackward(p(Y), p(dY), n, ACT[act]);
    },
  };
}
