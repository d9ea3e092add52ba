import { existsSync } from 'node:fs';
import type { LaunchOptions } from '@playwright/test';
import { CHROMIUM_ARGS } from '../../src-main/bench/chromium';

/** Debian's Chromium, used when Playwright's own browser is not installed. */
export const SYSTEM_CHROMIUM = '/usr/bin/chromium';

/**
 * BULLPEN_CHROMIUM (set by scripts/e2e.mjs) names the browser to use; otherwise Debian's Chromium
 * when present, otherwise Playwright's own (if it was installed with `npx playwright install`).
 */
export function chromiumExecutable(): string | undefined {
  const fromEnv = process.env.BULLPEN_CHROMIUM;
  if (fromEnv) return fromEnv;
  return existsSync(SYSTEM_CHROMIUM) ? SYSTEM_CHROMIUM : undefined;
}

export function chromiumLaunchOptions(): LaunchOptions {
  const executablePath = chromiumExecutable();
  return { ...(executablePath ? { executablePath } : {}), args: [...CHROMIUM_ARGS] };
}
