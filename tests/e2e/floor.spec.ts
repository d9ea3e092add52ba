import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { serveFloor, type ServedFloor } from './server';

// The live floor in browser mode, against the real host and simulation worker.
let floor: ServedFloor;

test.beforeAll(async () => {
  floor = await serveFloor(['--seed', '7']);
});
test.afterAll(async () => {
  await floor?.stop();
});

interface RenderStats {
  frameCount: number;
  drawCalls: number;
  crowdDrawCalls: number;
  crowdInstances: number;
}

async function renderStats(page: Page): Promise<RenderStats> {
  return page.evaluate(() => {
    const b = (window as unknown as { __bullpen?: Record<string, unknown> }).__bullpen;
    if (!b) return { frameCount: 0, drawCalls: 0, crowdDrawCalls: 0, crowdInstances: 0 };
    const call = (k: string): number => {
      const v = b[k];
      return typeof v === 'function' ? Number((v as () => number)()) : Number(v ?? 0);
    };
    return {
      frameCount: call('frameCount'),
      drawCalls: call('drawCalls'),
      crowdDrawCalls: call('crowdDrawCalls'),
      crowdInstances: call('crowdInstances'),
    };
  });
}

async function tickOf(page: Page): Promise<number> {
  return Number((await page.getByTestId('status-tick').textContent())?.replace(/[^0-9]/g, '') ?? 'NaN');
}

test('the floor loads, renders the crowd in one instanced draw call and shows live prices', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(floor.url);
  await expect(page.getByTestId('floor-canvas').locator('canvas')).toBeVisible();
  await expect(page.getByTestId('conn-state')).toContainText(/connected/i);

  // the canvas draws frames
  await expect.poll(async () => (await renderStats(page)).frameCount, { timeout: 20_000 }).toBeGreaterThan(5);
  const stats = await renderStats(page);
  expect(stats.crowdInstances).toBe(2000);
  expect(stats.crowdDrawCalls).toBe(1);
  expect(stats.drawCalls).toBeGreaterThan(1);

  // the board shows prices that change over time
  const price = page.getByTestId('board-price-0');
  await expect(price).toHaveText(/\d/);
  const first = await price.textContent();
  await expect.poll(async () => page.getByTestId('board-price-0').textContent(), { timeout: 20_000 }).not.toBe(first);

  mkdirSync('docs', { recursive: true });
  await page.screenshot({ path: 'test-results/e2e/floor-live.png' });
  await page.screenshot({ path: 'docs/screenshot.png' });
  expect(errors).toEqual([]);
});

test('pause stops the tick count and resume continues it', async ({ page }) => {
  await page.goto(floor.url);
  await expect.poll(() => tickOf(page), { timeout: 20_000 }).toBeGreaterThan(0);
  const button = page.getByTestId('btn-pause');
  await expect(button).toHaveText(/pause/i);
  await button.click();
  await expect(button).toHaveText(/resume/i);
  // give in-flight batches time to land, then the tick must stand still
  await page.waitForTimeout(500);
  const paused = await tickOf(page);
  await page.waitForTimeout(1500);
  expect(await tickOf(page)).toBe(paused);
  await page.screenshot({ path: 'test-results/e2e/floor-paused.png' });
  await button.click();
  await expect(button).toHaveText(/pause/i);
  await expect.poll(() => tickOf(page), { timeout: 30_000 }).toBeGreaterThan(paused);
});

test('the API refuses a connection without the token or from another origin', async ({ page }) => {
  await page.goto(floor.url);
  const wsUrl = floor.origin.replace('http', 'ws') + '/api';
  const outcome = await page.evaluate(async (url) => {
    const attempt = (u: string) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(u);
        ws.onopen = () => {
          ws.close();
          resolve('open');
        };
        ws.onerror = () => resolve('refused');
      });
    return { noToken: await attempt(url), wrongToken: await attempt(`${url}?token=not-the-token`) };
  }, wsUrl);
  expect(outcome).toEqual({ noToken: 'refused', wrongToken: 'refused' });

  // the right token from a foreign origin (a page not served by Bullpen) is refused too
  const foreign = await page.context().newPage();
  await foreign.goto('about:blank');
  const fromForeign = await foreign.evaluate(
    (url) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(url);
        ws.onopen = () => resolve('open');
        ws.onerror = () => resolve('refused');
      }),
    `${wsUrl}?token=${floor.token}`,
  );
  expect(fromForeign).toBe('refused');
});
