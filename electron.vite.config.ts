import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

/**
 * `npm run build` (= `electron-vite build`) → out/
 *   main      src-main/app/main.ts        → out/main/index.js (ESM; package.json "main"), plus the
 *             sim worker bundle imported with `?modulePath` (out/main/chunks/…); both import only
 *             node builtins, `electron` and the native better-sqlite3
 *   preload   src-main/preload/index.ts   → out/preload/index.cjs (CommonJS, self-contained: the
 *             window is sandboxed, and a sandboxed preload can neither be ESM nor require packages)
 *   renderer  src-renderer/index.html     → out/renderer (same as vite.renderer.config.ts: base './')
 * Builds without the Electron binary (electron-vite reads only electron/package.json).
 */
const r = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  main: {
    build: {
      outDir: r('./out/main'),
      // Bundle the pure-JS dependencies (zod, pure-rand …) into main and the worker chunk, so the
      // packaged app loads them from its own bundle; only the native better-sqlite3 stays an
      // external `import`, resolved from node_modules (unpacked from app.asar, see
      // electron-builder.yml) and given the Electron-ABI addon through `nativeBinding`.
      externalizeDeps: false,
      sourcemap: true,
      rolldownOptions: {
        input: { index: r('./src-main/app/main.ts') },
        external: ['better-sqlite3'],
      },
    },
  },
  preload: {
    build: {
      outDir: r('./out/preload'),
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: r('./src-main/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: r('./src-renderer'),
    base: './',
    plugins: [react()],
    build: {
      outDir: r('./out/renderer'),
      emptyOutDir: true,
      target: 'es2022',
      chunkSizeWarningLimit: 2000,
      rolldownOptions: {
        input: { index: r('./src-renderer/index.html') },
      },
    },
  },
});
