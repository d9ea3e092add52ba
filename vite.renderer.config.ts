import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * Browser-mode build of the renderer: `npx vite build --config vite.renderer.config.ts`.
 * The output (out/renderer) is served by the host (scripts/serve.mjs) next to the WebSocket API.
 * electron-vite's renderer section mirrors this: same root, same outDir, base './', React plugin.
 */
const root = fileURLToPath(new URL('./src-renderer', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    // BULLPEN_RENDERER_DIR: a separate build (two e2e runs side by side); serve.ts reads the same variable
    outDir: process.env.BULLPEN_RENDERER_DIR || fileURLToPath(new URL('./out/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
  },
  server: { host: '127.0.0.1' },
});
