import { expect, test } from '@playwright/test';
import { pageApi, serveFloor, type ServedFloor } from './server';

// A small tournament on the bundled S&P 500, set up and run from the panel against the real host:
// the leaderboard shows the seven entrants (five desks, buy-and-hold, random), each Sharpe ratio with
// its 95% interval, the mode, the equity chart and the regime breakdown; the stored result says the same.

let floor: ServedFloor;

test.describe.configure({ mode: 'serial' });
test.setTimeout(180_000);

test.beforeAll(async () => {
  floor = await serveFloor(['--seed', '3', '--crowd', '200']);
});
test.afterAll(async () => {
  await floor?.stop();
});

test('runs a tournament from the panel and shows the leaderboard with intervals and the mode', async ({ page }) => {
  await page.goto(floor.url);
  const open = page.getByTestId('btn-tournament');
  await expect(open).toBeEnabled({ timeout: 60_000 });
  await open.click();
  const panel = page.getByTestId('tournament-panel');
  await expect(panel).toBeVisible();
  await page.getByTestId('t-since').fill('2018-01-01');
  await page.getByTestId('t-until').fill('2020-01-01');
  await page.getByTestId('t-fee').fill('2');
  await page.getByTestId('t-seed').fill('5');
  await page.getByTestId('btn-start-tournament').click();

  const result = page.getByTestId('tournament-result');
  await expect(result).toHaveAttribute('data-status', 'completed', { timeout: 120_000 });
  await expect(page.getByTestId('tournament-mode')).toHaveAttribute('data-mode', 'isolated');
  await expect(page.getByTestId('tournament-mode')).toHaveText(/Isolated mode — each entrant alone against the historical path/);
  const rows = page.getByTestId('tournament-leaderboard').locator('tbody tr');
  await expect(rows).toHaveCount(7);
  const names = await rows.locator('td:nth-child(2)').allTextContents();
  expect(names.map((n) => n.trim()).sort()).toEqual(['Arb Desk', 'Buy & hold', 'Macro Desk', 'Newsroom', 'Random', 'Reversion Desk', 'Trend Desk']);
  const sharpes = await page.getByTestId('t-sharpe').allTextContents();
  for (const s of sharpes) expect(s).toMatch(/^-?\d+\.\d\d \[-?\d+\.\d\d, -?\d+\.\d\d\]/);
  // every row whose interval includes 0 says so
  for (let r = 1; r <= 7; r++) {
    const row = page.getByTestId(`t-row-${r}`);
    const text = (await row.getByTestId('t-sharpe').textContent()) ?? '';
    const [, lo, hi] = /\[(-?\d+\.\d\d), (-?\d+\.\d\d)\]/.exec(text)!;
    const spans = Number(lo) <= 0 && Number(hi) >= 0;
    if (spans) await expect(row).toHaveAttribute('data-distinguishable', 'no');
    await expect(row.getByText('not distinguishable from zero')).toHaveCount((await row.getAttribute('data-distinguishable')) === 'no' ? 1 : 0);
  }
  await expect(page.getByTestId('tournament-equity').locator('canvas').first()).toBeVisible();
  await expect(page.getByTestId('tournament-regimes').locator('tbody tr')).toHaveCount(7);
  await page.screenshot({ path: 'test-results/e2e/tournament-leaderboard.png' });

  // the stored tournament is the one shown
  const list = await pageApi<{ id: string; status: string; mode: string; bars: number }[]>(page, floor, 'tournament.list', {});
  expect(list).toHaveLength(1);
  expect(list[0]).toMatchObject({ status: 'completed', mode: 'isolated' });
  // two years of trading days
  expect(list[0]!.bars).toBeGreaterThan(495);
  expect(list[0]!.bars).toBeLessThan(510);
  const csv = await pageApi<{ content: string }>(page, floor, 'tournament.export', { id: list[0]!.id, format: 'csv' });
  expect(csv.content.trim().split('\n')).toHaveLength(8);
});

test('a floor-mode tournament says its mode and which rows did not share the floor; "Watch it on the floor" starts a historical session', async ({ page }) => {
  await page.goto(floor.url);
  const open = page.getByTestId('btn-tournament');
  await expect(open).toBeEnabled({ timeout: 60_000 });
  await open.click();
  await page.getByTestId('t-since').fill('2019-01-01');
  await page.getByTestId('t-until').fill('2019-03-01');
  for (const d of ['reversion', 'newsroom', 'arb', 'macro']) await page.getByTestId(`t-desk-${d}`).uncheck();
  await page.getByTestId('t-mode').selectOption('floor');
  await expect(page.getByTestId('t-mode').locator('option[value="floor"]')).toHaveText('on one floor (the engine)');
  await expect(page.getByTestId('t-mode-explain')).toContainText('one live engine floor');
  await page.getByTestId('btn-start-tournament').click();
  await expect(page.getByTestId('tournament-result')).toHaveAttribute('data-status', 'completed', { timeout: 120_000 });
  await expect(page.getByTestId('tournament-mode')).toHaveAttribute('data-mode', 'floor');
  const board = page.getByTestId('tournament-leaderboard');
  await expect(board.locator('caption')).toContainText('mode: on one floor (the engine)');
  await expect(board.locator('tbody tr')).toHaveCount(3);
  // the two baselines carry the note, the desk does not
  await expect(board.getByTestId('t-note')).toHaveCount(2);
  await expect(board.locator('tbody tr', { hasText: 'Trend Desk' }).getByTestId('t-note')).toHaveCount(0);

  await page.getByTestId('btn-watch-floor').click();
  // a new session starts (worker stop, recording close, worker start): seconds on a busy machine
  await expect(page.getByTestId('tournament-panel')).toHaveCount(0, { timeout: 60_000 });
  await expect(page.locator('.top-meta')).toContainText('historical SP500 (1d)', { timeout: 30_000 });
  const info = await pageApi<{ config: { symbols: number; crowd: number; market: { kind: string; since: number; until: number } } }>(page, floor, 'session.info', {});
  expect(info.config.market.kind).toBe('historical');
  // the host narrows the period to its first bar (2 January, the first trading day)
  expect(new Date(info.config.market.since).toISOString().slice(0, 10)).toBe('2019-01-02');
  expect(new Date(info.config.market.until).toISOString().slice(0, 10)).toBe('2019-02-28');
  // the floor kept its shape
  expect(info.config.crowd).toBe(200);
});

test('a bad spec is refused naming the field', async ({ page }) => {
  await page.goto(floor.url);
  const err = await page.evaluate(async (f) => {
    const ws = new WebSocket(`${f.origin.replace('http', 'ws')}/api?token=${f.token}`);
    return new Promise<string>((resolve) => {
      ws.onopen = () => ws.send(JSON.stringify({ id: 1, method: 'tournament.start', params: { spec: { feeBps: -5 } } }));
      ws.onmessage = (m) => {
        const msg = JSON.parse(String(m.data)) as { id?: number; error?: { code: string; issues?: { path: string }[] } };
        if (msg.id === 1) resolve(`${msg.error?.code} ${msg.error?.issues?.map((i) => i.path).join(',')}`);
      };
    });
  }, { origin: floor.origin, token: floor.token });
  expect(err).toBe('bad_request spec.feeBps');
});
