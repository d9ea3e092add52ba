import { expect, test, type Page } from '@playwright/test';
import { pageApi, serveFloor, type ServedFloor } from './server';

// Inspecting the floor in browser mode, against the real host: the popover's decision chain is
// compared with what the host serves over the page's own API (agent.history, session.info).

let floor: ServedFloor;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  floor = await serveFloor(['--seed', '7']);
});
test.afterAll(async () => {
  await floor?.stop();
});

interface Signal {
  name: string;
  value: number;
  weight: number;
  vote: number;
}
interface Decision {
  type: 'decision';
  agent: number;
  seq: number;
  sentence: string;
  trace: { signals: Signal[]; final: { action: string } };
}
interface ScreenTarget {
  x: number;
  y: number;
  visible: boolean;
  onCanvas: boolean;
  picks: boolean;
}

const api = <T>(page: Page, method: string, params: Record<string, unknown>): Promise<T> => pageApi<T>(page, floor, method, params);

async function agentTarget(page: Page, i: number): Promise<ScreenTarget | null> {
  return page.evaluate((i) => {
    const b = (window as unknown as { __bullpen?: { screenPositionOfAgent(i: number): ScreenTarget | null } }).__bullpen;
    return b ? b.screenPositionOfAgent(i) : null;
  }, i);
}

async function crowdTarget(page: Page, i: number): Promise<ScreenTarget | null> {
  return page.evaluate((i) => {
    const b = (window as unknown as { __bullpen?: { screenPositionOfCrowd(i: number): ScreenTarget | null } }).__bullpen;
    return b ? b.screenPositionOfCrowd(i) : null;
  }, i);
}

async function tickOf(page: Page): Promise<number> {
  return Number((await page.getByTestId('status-tick').textContent())?.replace(/[^0-9]/g, '') ?? 'NaN');
}

/** Trace numbers as the popover prints them (≤ 4 decimals, trailing zeros dropped). */
function fmtNum(v: number): string {
  const r = Math.round(v * 1e4) / 1e4;
  return (Object.is(r, -0) ? 0 : r).toString();
}

/** Opens the floor, lets the desks make enough decisions for their signals to warm up, pauses. */
async function openPaused(page: Page): Promise<void> {
  await page.goto(floor.url);
  await expect(page.getByTestId('conn-state')).toContainText(/connected/i);
  await expect.poll(() => tickOf(page), { timeout: 20_000 }).toBeGreaterThan(0);
  const pause = page.getByTestId('btn-pause');
  if ((await pause.textContent())?.match(/resume/i)) await pause.click();
  if ((await tickOf(page)) < 700) {
    await page.getByTestId('speed-select').selectOption('25');
    await expect.poll(() => tickOf(page), { timeout: 30_000 }).toBeGreaterThan(700);
    await page.getByTestId('speed-select').selectOption('1');
  }
  await expect(pause).toHaveText(/pause/i);
  await pause.click();
  await expect(pause).toHaveText(/resume/i);
  await page.waitForTimeout(600); // the last batches and event pushes land
}

/** A featured agent whose avatar is clickable and whose latest decision weighed signals. */
async function clickableAgent(page: Page, skip: number[] = []): Promise<{ index: number; at: ScreenTarget; decision: Decision }> {
  const info = await api<{ roster: { agents: unknown[] } }>(page, 'session.info', {});
  for (let i = 0; i < info.roster.agents.length; i++) {
    if (skip.includes(i)) continue;
    const at = await agentTarget(page, i);
    if (!at || !at.visible || !at.onCanvas || !at.picks) continue;
    const hist = await api<Decision[]>(page, 'agent.history', { agent: i, limit: 1 });
    const d = hist[hist.length - 1];
    if (d && d.trace.signals.length > 0) return { index: i, at, decision: d };
  }
  throw new Error('no clickable featured agent with signals');
}

test('clicking a featured avatar opens its popover with the real decision chain and timeline', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await openPaused(page);
  const { index, at, decision } = await clickableAgent(page);

  await page.mouse.click(at.x, at.y);
  const pop = page.locator('[data-testid="popover"][data-pinned="false"]');
  await expect(pop).toBeVisible();
  await expect(pop).toHaveAttribute('data-kind', 'agent');
  await expect(pop).toHaveAttribute('data-index', String(index));

  // the chain shows this decision: its sentence and every signal's real value and weight
  await expect(pop.getByTestId('chain')).toHaveAttribute('data-seq', String(decision.seq));
  await expect(pop.getByTestId('chain-sentence')).toHaveText(decision.sentence);
  for (const s of decision.trace.signals) {
    const row = pop.locator(`[data-testid="chain-signal"][data-name="${s.name.replace(/"/g, '\\"')}"]`);
    await expect(row).toContainText(fmtNum(s.value));
    await expect(row).toContainText(fmtNum(s.weight));
  }
  for (const step of ['inputs', 'signals', 'proposal', 'votes', 'consensus', 'risk check', 'action']) {
    await expect(pop.locator(`[data-step="${step}"]`)).toBeVisible();
  }
  // the timeline holds the agent's recent decisions (agent.history)
  await expect(pop.getByTestId('timeline-item').first()).toBeVisible();
  const hist = await api<Decision[]>(page, 'agent.history', { agent: index, limit: 50 });
  await expect.poll(async () => pop.getByTestId('timeline-item').count()).toBeGreaterThanOrEqual(Math.min(hist.length, 50));

  await page.screenshot({ path: 'test-results/e2e/inspect-agent.png' });
  expect(errors).toEqual([]);
});

test('a pinned popover stays while Esc closes the open one', async ({ page }) => {
  await openPaused(page);
  const first = await clickableAgent(page);
  await page.mouse.click(first.at.x, first.at.y);
  const open = page.locator('[data-testid="popover"][data-pinned="false"]');
  await expect(open).toHaveAttribute('data-index', String(first.index));
  await open.getByTestId('btn-pin').click();
  const pinned = page.locator('[data-testid="popover"][data-pinned="true"]');
  await expect(pinned).toHaveCount(1);
  await expect(pinned).toHaveAttribute('data-index', String(first.index));
  await expect(open).toHaveCount(0);

  // open a second agent next to the pinned one
  let second: { index: number; at: ScreenTarget } | null = null;
  const info = await api<{ roster: { agents: unknown[] } }>(page, 'session.info', {});
  for (let i = 0; i < info.roster.agents.length && !second; i++) {
    if (i === first.index) continue;
    const at = await agentTarget(page, i);
    if (at && at.visible && at.onCanvas && at.picks) second = { index: i, at };
  }
  expect(second).not.toBeNull();
  if (!second) return;
  await page.mouse.click(second.at.x, second.at.y);
  await expect(open).toHaveAttribute('data-index', String(second.index));
  await expect(page.getByTestId('popover')).toHaveCount(2);
  await page.screenshot({ path: 'test-results/e2e/inspect-pinned.png' });

  await page.keyboard.press('Escape');
  await expect(open).toHaveCount(0);
  await expect(pinned).toHaveCount(1);
  await expect(pinned).toHaveAttribute('data-index', String(first.index));
  // a pinned popover is compact; its chain unfolds on demand
  await expect(pinned.getByTestId('chain')).toHaveCount(0);
  await pinned.getByTestId('btn-expand').click();
  await expect(pinned.getByTestId('chain')).toBeVisible();
  await pinned.getByTestId('btn-close-popover').click();
  await expect(page.getByTestId('popover')).toHaveCount(0);
});

test('clicking a crowd trader shows its type, its last order and why', async ({ page }) => {
  await openPaused(page);
  const info = await api<{ roster: { crowdTypes: number[] } }>(page, 'session.info', {});
  const TYPES = ['noise', 'marketMaker', 'momentum', 'value'];
  // the front row of the pit (lowest on screen) has nobody standing in front of it
  let best: { index: number; at: ScreenTarget } | null = null;
  for (let i = 0; i < info.roster.crowdTypes.length; i += 7) {
    const at = await crowdTarget(page, i);
    if (!at || !at.visible || !at.onCanvas || !at.picks) continue;
    if (!best || at.y > best.at.y) best = { index: i, at };
  }
  expect(best).not.toBeNull();
  if (!best) return;
  await page.mouse.click(best.at.x, best.at.y);
  const pop = page.locator('[data-testid="popover"][data-pinned="false"]');
  await expect(pop).toHaveAttribute('data-kind', 'crowd');
  const index = Number(await pop.getAttribute('data-index'));
  expect(index).toBe(best.index);
  const type = TYPES[info.roster.crowdTypes[index] ?? -1];
  await expect(pop.getByTestId('crowd-type')).toHaveAttribute('data-type', type ?? 'none');
  await expect(pop).toContainText(/position/i);
  // the engine's own account of this trader: its last order and why (the floor is paused, so it holds still)
  const engineView = await api<{ why: string; lastOrder: { tick: number } | null }>(page, 'crowd.inspect', { index });
  await expect(pop.getByTestId('crowd-why')).toHaveText(`Why: ${engineView.why}`);
  if (engineView.lastOrder) await expect(pop.getByTestId('crowd-last-order')).toContainText(`tick ${engineView.lastOrder.tick.toLocaleString('en-US')}`);
  await page.screenshot({ path: 'test-results/e2e/inspect-crowd.png' });
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('popover')).toHaveCount(0);
});

test('the chart panel draws candles and the leaderboard ranks the desks', async ({ page }) => {
  await page.goto(floor.url);
  const pause = page.getByTestId('btn-pause');
  await expect(pause).toBeEnabled();
  if ((await pause.textContent())?.match(/resume/i)) await pause.click();
  const chart = page.getByTestId('chart-panel');
  await expect(chart).toBeVisible();
  // a few seconds at 10× give the chart some 40 candles (one candle = 20 ticks)
  await page.getByTestId('speed-select').selectOption('10');
  await expect.poll(async () => Number(await chart.getAttribute('data-bars')), { timeout: 20_000 }).toBeGreaterThan(30);
  await page.getByTestId('speed-select').selectOption('1');
  await expect(chart.locator('canvas').first()).toBeVisible();
  await expect(page.getByTestId('leaderboard').locator('tbody tr')).toHaveCount(5);
  // the coordination feed lists the desks' votes
  await page.getByTestId('feed-tab-votes').click();
  await expect(page.getByTestId('vote-item').first()).toBeVisible();
  await page.waitForTimeout(1500);
  await chart.screenshot({ path: 'test-results/e2e/chart-candles.png' });
  await page.screenshot({ path: 'test-results/e2e/inspect-panels.png' });
  // the desks' P&L lines, in the same chart
  await page.getByTestId('chart-mode').selectOption('equity');
  await expect(chart.getByText('Waiting for the first bars')).toHaveCount(0);
  await page.waitForTimeout(800);
  await chart.screenshot({ path: 'test-results/e2e/chart-equity.png' });
});

test('a floor-wide halt shows on the board and freezes prices; lifting it resumes trading', async ({ page }) => {
  await page.goto(floor.url);
  await expect(page.getByTestId('conn-state')).toContainText(/connected/i);
  await expect.poll(() => tickOf(page), { timeout: 20_000 }).toBeGreaterThan(0);
  await expect(page.getByTestId('board-halt-0')).toHaveCount(0);
  await api(page, 'session.input', { input: { kind: 'halt', desk: null, halted: true } });
  for (let i = 0; i < 4; i++) await expect(page.getByTestId(`board-halt-${i}`)).toHaveText('HALTED');
  const frozen = await page.getByTestId('board-price-0').textContent();
  await page.waitForTimeout(1500);
  expect(await page.getByTestId('board-price-0').textContent()).toBe(frozen);
  await page.screenshot({ path: 'test-results/e2e/floor-halted.png' });
  await api(page, 'session.input', { input: { kind: 'halt', desk: null, halted: false } });
  await expect(page.getByTestId('board-halt-0')).toHaveCount(0);
  await expect.poll(async () => page.getByTestId('board-price-0').textContent(), { timeout: 20_000 }).not.toBe(frozen);
});
