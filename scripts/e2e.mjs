#!/usr/bin/env node
// Runs the Playwright end-to-end tests in a Chromium found on this machine: Playwright's own browser
// when it is installed, else Debian's /usr/bin/chromium. With neither, says exactly what to install.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function playwrightsOwnChromium() {
  try {
    const { chromium } = require('playwright-core');
    const path = chromium.executablePath();
    return path && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

const browser = process.env.BULLPEN_CHROMIUM || playwrightsOwnChromium() || (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : null);
if (!browser) {
  console.error(
    'No Chromium found for the end-to-end tests. Install Debian\'s Chromium with\n' +
      '    sudo apt-get install -y chromium\n' +
      "(or Playwright's own browser with `npx playwright install chromium` where its download works),\n" +
      'or point BULLPEN_CHROMIUM at a Chromium or Chrome binary, then run `npm run test:e2e` again.',
  );
  process.exit(1);
}
console.error(`e2e: using Chromium at ${browser}`);

const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, BULLPEN_CHROMIUM: browser } });

// The browser-mode server serves the built renderer: build it once, here, so tests measure the app.
const build = run('npx', ['vite', 'build', '--config', 'vite.renderer.config.ts', '--logLevel', 'warn']);
if (build.status !== 0) process.exit(build.status ?? 1);

const result = run('npx', ['playwright', 'test', ...process.argv.slice(2)]);
process.exit(result.status ?? 1);
