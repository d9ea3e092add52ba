#!/usr/bin/env node
// Builds better-sqlite3 for Electron's ABI, apart from the Node build in node_modules.
//
// node_modules/better-sqlite3 stays compiled for Node (tests, CLI, browser-mode server). The
// Electron app loads its own copy through better-sqlite3's `nativeBinding` option:
//   dev:       .electron-native/better_sqlite3.node
//   packaged:  <resources>/better_sqlite3.node   (electron-builder extraResources)
//
// How: copy node_modules/better-sqlite3 into .electron-native/node_modules/, rebuild it there with
// @electron/rebuild for the installed electron version, copy the addon to
// .electron-native/better_sqlite3.node and record what it was built for in build-info.json.
//
// Needs the internet: node-gyp downloads Electron's headers (electronjs.org), and a prebuilt
// binary may be fetched from GitHub. Run by `npm run dist` and, when missing, by `npm start`.
//
// Usage: node scripts/electron-native.mjs [--force] [--verbose]
// The compiler's output goes to .electron-native/rebuild.log (and to the terminal with --verbose).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, '.electron-native');
const addonOut = join(outDir, 'better_sqlite3.node');
const infoOut = join(outDir, 'build-info.json');
const require = createRequire(join(root, 'package.json'));

function fail(message) {
  console.error(`electron-native: ${message}`);
  process.exit(1);
}

function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

let electronVersion;
let sqliteDir;
let sqliteVersion;
try {
  electronVersion = readJson(require.resolve('electron/package.json')).version;
} catch {
  fail('the "electron" package is not installed (run npm install first).');
}
try {
  sqliteDir = dirname(require.resolve('better-sqlite3/package.json'));
  sqliteVersion = readJson(join(sqliteDir, 'package.json')).version;
} catch {
  fail('the "better-sqlite3" package is not installed (run npm install first).');
}

// ---- the rebuild itself runs in a child process, so its (long) output can go to a log file ----
const CHILD = 'BULLPEN_ELECTRON_NATIVE_CHILD';
const work = join(outDir, 'project');
const target = join(work, 'node_modules', 'better-sqlite3');

if (process.env[CHILD] === '1') {
  const { rebuild } = await import('@electron/rebuild');
  await rebuild({
    buildPath: work,
    electronVersion,
    arch: process.arch,
    onlyModules: ['better-sqlite3'],
    force: true,
    mode: 'sequential',
  });
  process.exit(0);
}

const wanted = { electron: electronVersion, betterSqlite3: sqliteVersion, platform: process.platform, arch: process.arch };
const force = process.argv.includes('--force');
if (!force && existsSync(addonOut) && existsSync(infoOut)) {
  try {
    const have = readJson(infoOut);
    if (Object.entries(wanted).every(([k, v]) => have[k] === v)) {
      console.log(`electron-native: ${addonOut} is up to date (Electron ${electronVersion}, better-sqlite3 ${sqliteVersion}).`);
      process.exit(0);
    }
  } catch {
    // rebuild below
  }
}

try {
  require.resolve('@electron/rebuild');
} catch {
  fail('@electron/rebuild is not installed (it is a devDependency: run npm install).');
}

// A tiny project holding only better-sqlite3, so @electron/rebuild touches nothing else.
rmSync(work, { recursive: true, force: true });
mkdirSync(join(work, 'node_modules'), { recursive: true });
writeFileSync(
  join(work, 'package.json'),
  JSON.stringify({ name: 'bullpen-electron-native', private: true, version: '0.0.0', dependencies: { 'better-sqlite3': sqliteVersion } }, null, 2),
);
cpSync(sqliteDir, target, {
  recursive: true,
  // leave the Node build behind: the Electron one is compiled from the sources and deps/
  filter: (src) => !src.startsWith(join(sqliteDir, 'build')) && !src.startsWith(join(sqliteDir, 'node_modules')),
});

console.log(`electron-native: building better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} (${process.platform}-${process.arch}) …`);
const verbose = process.argv.includes('--verbose');
const logFile = join(outDir, 'rebuild.log');
const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url)], {
  cwd: root,
  env: { ...process.env, [CHILD]: '1' },
  encoding: 'utf8',
  stdio: verbose ? 'inherit' : 'pipe',
  maxBuffer: 64 * 1024 * 1024,
});
if (!verbose) writeFileSync(logFile, `${child.stdout ?? ''}\n${child.stderr ?? ''}`);
if (child.status !== 0) {
  const log = `${child.stdout ?? ''}\n${child.stderr ?? ''}`;
  const offline = /network connectivity|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|getaddrinfo|proxy/i.test(log);
  fail(
    `could not build better-sqlite3 for Electron ${electronVersion}${offline ? ': the download of Electron\'s headers failed (no internet)' : ''}.\n` +
      "This step needs the internet: node-gyp downloads Electron's headers from electronjs.org (and a prebuilt binary\n" +
      'may be fetched from GitHub), plus a C++ toolchain (python3, make, g++ / Xcode / Visual Studio Build Tools).\n' +
      `Full output: ${verbose ? 'above' : logFile}. Run \`node scripts/electron-native.mjs\` again on a machine with\n` +
      'internet access. The Node build in node_modules/better-sqlite3 is untouched, so tests, the CLI and\n' +
      '`npm run serve` keep working.',
  );
}

const built = join(target, 'build', 'Release', 'better_sqlite3.node');
if (!existsSync(built)) fail(`the rebuild finished but ${built} is missing.`);
copyFileSync(built, addonOut);
writeFileSync(infoOut, JSON.stringify({ ...wanted, builtAt: new Date().toISOString() }, null, 2) + '\n');
console.log(`electron-native: wrote ${addonOut}`);
