#!/usr/bin/env node
// `npm run serve [-- --seed N --port N --db FILE --build]`: browser mode.
// Builds the renderer into out/renderer when it is missing (or with --build), then runs the
// browser-mode server (src-main/web/serve.ts) under tsx, forwarding the other arguments.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const forceBuild = args.includes('--build');
const forward = args.filter((a) => a !== '--build');
const index = join(root, 'out', 'renderer', 'index.html');

if (forceBuild || !existsSync(index)) {
  process.stderr.write(forceBuild ? 'Building the renderer…\n' : 'out/renderer is missing: building the renderer…\n');
  const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
  const build = spawnSync(npx, ['vite', 'build', '--config', 'vite.renderer.config.ts'], {
    cwd: root,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (build.status !== 0 || !existsSync(index)) {
    process.stderr.write('The renderer build failed; see the output above.\n');
    process.exit(build.status || 1);
  }
}

const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src-main', 'web', 'serve.ts'), ...forward], {
  cwd: root,
  stdio: 'inherit',
});
const forwardSignal = (sig) => () => child.kill(sig);
process.on('SIGINT', forwardSignal('SIGINT'));
process.on('SIGTERM', forwardSignal('SIGTERM'));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
