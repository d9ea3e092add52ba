#!/usr/bin/env node
// `npm start`: launches the Bullpen desktop app.
//  1. finds the Electron binary (without it: one clear paragraph, exit 1, no stack trace);
//  2. builds the app with electron-vite when out/ is missing or older than the sources;
//  3. makes sure the Electron-ABI build of better-sqlite3 exists (scripts/electron-native.mjs; if it
//     cannot be built, says so and launches anyway: the floor runs, recording is off);
//  4. runs `electron .` and exits with its exit code.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));

/** The Electron binary's path, or null when it is not installed. Never throws. */
function electronBinary() {
  try {
    const p = require('electron');
    return typeof p === 'string' && existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

function bail(paragraph) {
  console.error(paragraph);
  process.exit(1);
}

const electron = electronBinary();
if (!electron) {
  bail(
    'Bullpen cannot open its desktop window: the Electron binary is not installed. The "electron" npm package ' +
      'downloads it from GitHub the first time it is installed, and that download was skipped ' +
      '(ELECTRON_SKIP_BINARY_DOWNLOAD) or could not reach GitHub on this machine. To get it, on a machine with ' +
      'internet access run `node node_modules/electron/install.js` (or `npx electron --version`), or unset ' +
      'ELECTRON_SKIP_BINARY_DOWNLOAD and run `npm install` again; then `npm start`. Meanwhile `npm run serve` opens ' +
      'the same trading floor in your browser.',
  );
}

// ---- 2. build when out/ is missing or stale ---------------------------------------------------
const OUTPUTS = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'].map((p) => join(root, p));
const SOURCES = ['src-main', 'src-shared', 'src-workers', 'src-renderer', 'resources', 'electron.vite.config.ts', 'package.json'].map((p) =>
  join(root, p),
);

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry.name)));
  }
  return newest;
}

const builtAt = Math.min(...OUTPUTS.map((p) => (existsSync(p) ? statSync(p).mtimeMs : 0)));
if (builtAt === 0 || Math.max(...SOURCES.map(newestMtime)) > builtAt) {
  console.log('start: building the app (electron-vite build) …');
  const bin = join(dirname(require.resolve('electron-vite/package.json')), 'bin', 'electron-vite.js');
  const r = spawnSync(process.execPath, [bin, 'build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) bail('start: `electron-vite build` failed (see above); fix the build and run `npm start` again.');
}

// ---- 3. the Electron-ABI better-sqlite3 ---------------------------------------------------------
// electron-native.mjs returns at once when .electron-native/ matches the installed electron and
// better-sqlite3; otherwise it builds (needs the internet once). Without it the app still opens the
// floor, but cannot record sessions (it says so in a dialog).
const native = spawnSync(process.execPath, [join(root, 'scripts', 'electron-native.mjs')], { cwd: root, stdio: 'inherit' });
if (native.status !== 0) {
  console.error(
    'start: continuing without the Electron build of better-sqlite3 (.electron-native/better_sqlite3.node): the floor ' +
      'runs, but sessions are not recorded in the library. Build it once with `node scripts/electron-native.mjs` on a ' +
      'machine with internet access.',
  );
}

// ---- 4. launch ----------------------------------------------------------------------------------
const env = { ...process.env };
delete env.ELECTRON_RUN_AS_NODE;
const child = spawn(electron, ['.', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit', env });
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (!child.killed) child.kill(sig);
  });
}
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
child.on('error', (err) => bail(`start: could not run Electron at ${electron}: ${err.message}`));
