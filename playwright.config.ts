import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './tests/e2e/chromium';

// End-to-end tests run in a Chromium that is already on the machine (Playwright's own browser
// download does not work everywhere); scripts/e2e.mjs finds it and says what to install if none.
export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-results/e2e',
  // generous: CI runs on 2 cores with a software GL; a wait that passes costs nothing extra
  timeout: 120_000,
  expect: { timeout: 25_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    launchOptions: chromiumLaunchOptions(),
    viewport: { width: 1440, height: 900 },
    screenshot: 'only-on-failure',
  },
});
