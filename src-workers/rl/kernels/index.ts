import { createJsKernel } from './js';
import type { Kernel } from './kernel';
import { createWasmKernel, wasmSimdAvailable } from './wasm';

export type { Activation, FloatArray, Kernel } from './kernel';
export { createJsKernel } from './js';
export { createWasmKernel, wasmSimdAvailable } from './wasm';

export type KernelName = 'auto' | 'js' | 'js-f32' | 'wasm';

/**
 * The kernel for a config value: 'js' (plain JS, f64), 'js-f32', 'wasm' (WebAssembly SIMD, f32),
 * or 'auto': wasm where the runtime supports WebAssembly SIMD (measured fastest, docs/BENCHMARKS.md),
 * else js.
 */
export function selectKernel(name: KernelName, wasmArenaBytes?: number): Kernel {
  switch (name) {
    case 'auto':
      return wasmSimdAvailable() ? createWasmKernel(wasmArenaBytes) : createJsKernel('f64');
    case 'js':
      return createJsKernel('f64');
    case 'js-f32':
      return createJsKernel('f32');
    case 'wasm':
      return createWasmKernel(wasmArenaBytes);
  }
}
