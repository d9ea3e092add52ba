import { expect, test, type Page } from '@playwright/test';
import { pageApi, serveFloor, type ServedFloor } from './server';

// Replay in browser mode, against the real host and its recorder (serveFloor records every session
// into its throwaway library): open the running session's recording from the dialog, seek, step,
// read an agent's reasoning at the recorded moment, go back to live, fork from a recorded tick.

let floor: ServedFloor;

test.describe.configure({ mode: 'serial' });
// a replay walk-through is long, and the e2e machine may be busy
test.setTimeout(240_000);

test.beforeAll(async () => {
  floor = await serveFloor(['--seed', '7']);
});
test.afterAll(async () => {
  await floor?.stop();
});

interface Summary {
  id: string;
  parentId: string | null;
  forkTick: number | null;
  firstTick: number;
  lastTick: number;
}
interface ReplayState {
  recording: Summary;
  roster: { symbols: { tickSize: number }[]; agents: unknown[] } | null;
  tick: number;
  playing: boolean;
}
interface Bar {
  symbol: number;
  tick: number;
  close: number;
}
interface Decision {
  type: 'decision';
  agent: number;
  seq: number;
  tick: number;
}
interface Mark {
  tick: number;
  kind: string;
}
interface ScreenTarget {
  x: number;
  y: number;
  visible: boolean;
  onCanvas: boolean;
  picks: boolean;
}

const api = <T>(page: Page, method: string, params: Record<string, unknown>): Promise<T> => pageApi<T>(page, floor, method, params);

async function tickOf(page: Page): Promise<number> {
  return Number((await page.getByTestId('status-tick').textContent())?.replace(/[^0-9]/g, '') ?? 'NaN');
}

async function replayTick(page: Page): Promise<number> {
  return Number((await page.getByTestId('replay-tick').textContent())?.replace(/[^0-9]/g, '') ?? 'NaN');
}

async function priceOf(page: Page, symbol = 0): Promise<number> {
  return Number(await page.getByTestId(`board-price-${symbol}`).textContent());
}

/** A featured avatar that can be clicked here (on the canvas, not under a panel or the replay bar). */
async function clickableAgent(page: Page, agents: number, hasDecision: (i: number) => Promise<Decision | null>): Promise<{ index: number; at: ScreenTarget; decision: Decision }> {
  for (let i = 0; i < agents; i++) {
    const at = await page.evaluate((i) => {
      const b = (window as unknown as { __bullpen?: { screenPositionOfAgent(i: number): ScreenTarget | null } }).__bullpen;
      const p = b ? b.screenPositionOfAgent(i) : null;
      if (!p) return null;
      const el = document.elementFromPoint(p.x, p.y);
      return { ...p, picks: p.picks && el instanceof HTMLCanvasElement };
    }, i);
    if (!at || !at.visible || !at.onCanvas || !at.picks) continue;
    const d = await hasDecision(i);
    if (d) return { index: i, at, decision: d };
  }
  throw new Error('no clickable featured agent with a recorded decision');
}

/** Runs the live floor fast for a few seconds (with a scenario, so the recording has marks). */
async function runLive(page: Page, untilTick: number): Promise<string> {
  await page.goto(floor.url);
  await expect(page.getByTestId('conn-state')).toContainText(/connected/i);
  await expect(page.getByTestId('mode-indicator')).toHaveText('LIVE');
  await expect.poll(() => tickOf(page), { timeout: 20_000 }).toBeGreaterThan(0);
  if ((await tickOf(page)) < untilTick) {
    await api(page, 'scenario.inject', { preset: 'flash-crash-2010' });
    await page.getByTestId('speed-select').selectOption('25');
    await expect.poll(() => tickOf(page), { timeout: 30_000 }).toBeGreaterThan(untilTick);
    await page.getByTestId('speed-select').selectOption('1');
  }
  const info = await api<{ sessionId: string }>(page, 'session.info', {});
  return info.sessionId;
}

async function openFromDialog(page: Page, id: string): Promise<ReplayState> {
  await page.getByTestId('btn-open-recording').click();
  await expect(page.getByTestId('recording-list')).toBeVisible();
  const item = page.getByTestId(`recording-item-${id}`);
  await expect(item).toBeVisible();
  await page.screenshot({ path: 'test-results/e2e/replay-dialog.png' });
  await page.getByTestId(`btn-open-${id}`).click();
  await expect(page.getByTestId('mode-indicator')).toHaveText('REPLAY');
  await expect(page.getByTestId('replay-bar')).toBeVisible();
  const state = await api<ReplayState | null>(page, 'recording.state', {});
  expect(state?.recording.id).toBe(id);
  return state as ReplayState;
}

async function seekWithSlider(page: Page, tick: number): Promise<void> {
  await page.getByTestId('replay-seek').fill(String(tick));
  await expect.poll(() => replayTick(page)).toBe(tick);
  await expect.poll(() => tickOf(page)).toBe(tick);
}

test('open the running session’s recording, seek, step, and read an agent’s reasoning at that moment', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const liveId = await runLive(page, 700);
  const state = await openFromDialog(page, liveId);
  const roster = state.roster;
  expect(roster).not.toBeNull();

  // seek (the slider) to a bar's tick: the status tick and the board show that moment
  const target = Math.max(40, Math.floor(state.recording.lastTick / 40) * 20);
  await seekWithSlider(page, target);
  const bars = await api<Bar[]>(page, 'recording.bars', { id: liveId, symbol: 0 });
  const bar = bars.find((b) => b.tick === target);
  expect(bar, `a recorded bar at tick ${target}`).toBeTruthy();
  const tickSize = roster?.symbols[0]?.tickSize ?? 0.01;
  await expect.poll(() => priceOf(page)).toBeCloseTo(bar?.close ?? NaN, Math.max(0, Math.ceil(-Math.log10(tickSize))) - 1);
  const priceAtTarget = await priceOf(page);

  // step forward and back: exactly one tick each (buttons and arrow keys)
  await page.getByTestId('btn-step-fwd').click();
  await expect.poll(() => replayTick(page)).toBe(target + 1);
  await expect.poll(() => tickOf(page)).toBe(target + 1);
  await page.getByTestId('btn-step-back').click();
  await expect.poll(() => replayTick(page)).toBe(target);
  await expect.poll(() => tickOf(page)).toBe(target);
  await page.locator('body').click({ position: { x: 5, y: 200 } }).catch(() => undefined);
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => replayTick(page)).toBe(target + 1);
  await page.keyboard.press('ArrowLeft');
  await expect.poll(() => replayTick(page)).toBe(target);
  await expect.poll(() => priceOf(page)).toBe(priceAtTarget);

  // elsewhere and back (a second seek, over the API): the same moment, the same price
  await seekWithSlider(page, target + 137);
  const again = await api<ReplayState>(page, 'recording.seek', { tick: target });
  expect(again.tick).toBe(target);
  await expect.poll(() => tickOf(page)).toBe(target);
  await expect.poll(() => replayTick(page)).toBe(target);
  await expect.poll(() => priceOf(page)).toBe(priceAtTarget);

  // marks: one per marked event, at its tick; clicking one shows the tick just after it
  const marks = await api<Mark[]>(page, 'recording.marks', { id: liveId });
  expect(marks.length).toBeGreaterThan(0);
  const m0 = page.getByTestId('replay-mark-0');
  await expect(m0).toHaveAttribute('data-tick', String(marks[0]?.tick));
  await m0.click();
  await expect.poll(() => replayTick(page)).toBe((marks[0]?.tick ?? 0) + 1);
  const bar0 = page.getByTestId('replay-bar');
  await page.getByTestId('btn-next-mark').click();
  await expect(bar0).toHaveAttribute('data-busy', 'false');
  const afterNext = await api<ReplayState & { mark: Mark | null }>(page, 'recording.state', {});
  await expect.poll(() => replayTick(page)).toBe(afterNext.tick);
  if (afterNext.mark) {
    // the tick shown is the one just after the mark jumped to (clamped to the ticks recorded when
    // the recording was opened: the running session's recording goes on growing)
    expect(afterNext.tick).toBe(Math.min(afterNext.mark.tick + 1, state.recording.lastTick));
    expect(afterNext.mark.tick).toBeGreaterThan(marks[0]?.tick ?? 0);
    await page.getByTestId('btn-prev-mark').click();
    await expect(bar0).toHaveAttribute('data-busy', 'false');
    const afterPrev = await api<ReplayState & { mark: Mark | null }>(page, 'recording.state', {});
    await expect.poll(() => replayTick(page)).toBe(afterPrev.tick);
    expect(afterPrev.tick).toBeLessThan(afterNext.tick);
    expect(afterPrev.mark ? afterPrev.mark.tick + 1 : afterPrev.tick).toBe(afterPrev.tick);
  }
  await seekWithSlider(page, target);

  // a popover in replay shows the decision recorded at or before the moment shown
  const { index, at, decision } = await clickableAgent(page, roster?.agents.length ?? 0, async (i) => {
    const evs = await api<Decision[]>(page, 'recording.events', { fromTick: 0, toTick: target - 1, types: ['decision'], agent: i, limit: 1 });
    return evs[evs.length - 1] ?? null;
  });
  expect(decision.tick).toBeLessThanOrEqual(target);
  await page.mouse.click(at.x, at.y);
  const pop = page.locator('[data-testid="popover"][data-pinned="false"]');
  await expect(pop).toHaveAttribute('data-index', String(index));
  await expect(pop.getByTestId('chain')).toHaveAttribute('data-seq', String(decision.seq));
  const items = pop.getByTestId('timeline-item');
  await expect(items.first()).toBeVisible();
  const ticks = (await items.allTextContents()).map((t) => Number(/t(\d+)/.exec(t)?.[1] ?? NaN));
  expect(ticks.length).toBeGreaterThan(0);
  for (const t of ticks) expect(t).toBeLessThanOrEqual(target);
  await page.screenshot({ path: 'test-results/e2e/replay-popover.png' });

  // later, then back: the popover follows the moment
  await seekWithSlider(page, Math.min(state.recording.lastTick, target + 200));
  await seekWithSlider(page, target);
  await expect(pop.getByTestId('chain')).toHaveAttribute('data-seq', String(decision.seq));
  await page.keyboard.press('Escape');

  // space plays the recording (not the live session), space again pauses it
  await page.getByTestId('replay-speed').selectOption('5');
  await page.getByTestId('replay-speed').blur();
  await page.keyboard.press(' ');
  await expect(page.getByTestId('btn-replay-play')).toHaveText(/pause/i);
  await expect.poll(() => replayTick(page)).toBeGreaterThan(target + 5);
  await page.keyboard.press(' ');
  await expect(page.getByTestId('btn-replay-play')).toHaveText(/play/i);
  const status = await api<{ sessionId: string; paused: boolean }>(page, 'session.status', {});
  expect(status.sessionId).toBe(liveId);
  expect(status.paused).toBe(false);
  await page.screenshot({ path: 'test-results/e2e/replay-bar.png' });

  // back to live: the live session is the floor again, and it kept running
  await page.getByTestId('btn-back-live').click();
  await expect(page.getByTestId('mode-indicator')).toHaveText('LIVE');
  await expect(page.getByTestId('replay-bar')).toHaveCount(0);
  await expect.poll(() => tickOf(page)).toBeGreaterThan(state.recording.lastTick);
  const t0 = await tickOf(page);
  await expect.poll(() => tickOf(page), { timeout: 30_000 }).toBeGreaterThan(t0);
  expect(await api<ReplayState | null>(page, 'recording.state', {})).toBeNull();
  expect(errors).toEqual([]);
});

test('fork from a recorded tick starts a live session that continues from it', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const liveId = await runLive(page, 700);
  const state = await openFromDialog(page, liveId);
  const forkAt = Math.max(60, Math.floor(state.recording.lastTick / 3));
  await seekWithSlider(page, forkAt);
  const price = await priceOf(page);

  await page.getByTestId('btn-fork').click();
  // a new session starts from the keyframe: seconds on a busy machine
  await expect(page.getByTestId('mode-indicator')).toHaveText('LIVE', { timeout: 60_000 });
  await expect(page.getByTestId('replay-bar')).toHaveCount(0);
  const info = await api<{ sessionId: string }>(page, 'session.info', {});
  expect(info.sessionId).not.toBe(liveId);
  // the fork's ticks go on from the fork tick, not from the parent's live tick (the status bar
  // may show the parent's last tick until the fork's first status push lands)
  await expect.poll(() => tickOf(page), { timeout: 30_000 }).toBeLessThan(state.recording.lastTick);
  const first = await tickOf(page);
  expect(first).toBeGreaterThanOrEqual(forkAt);
  expect(first).toBeLessThan(state.recording.lastTick);
  await expect.poll(() => tickOf(page), { timeout: 30_000 }).toBeGreaterThan(first);
  const rec = (await api<Summary[]>(page, 'recording.list', {})).find((r) => r.id === info.sessionId);
  expect(rec?.parentId).toBe(liveId);
  expect(rec?.forkTick).toBe(forkAt);
  expect(rec?.firstTick).toBe(forkAt);
  expect(Number.isFinite(price)).toBe(true);
  await page.screenshot({ path: 'test-results/e2e/replay-forked.png' });

  // compare the fork with its parent: per-desk rows and the halts, as the host computes them
  await page.waitForTimeout(2500); // the fork records some equity samples
  await page.getByTestId('btn-open-recording').click();
  await page.getByTestId(`recording-item-${liveId}`).getByRole('checkbox').check();
  await page.getByTestId(`recording-item-${info.sessionId}`).getByRole('checkbox').check();
  await page.getByTestId('btn-compare').click();
  const view = page.getByTestId('compare-view');
  await expect(view).toBeVisible();
  const cmp = await api<{ desks: { desk: number }[]; a: { halts: number }; b: { halts: number } }>(page, 'recording.compare', { a: liveId, b: info.sessionId });
  for (const d of cmp.desks) await expect(view.getByTestId(`compare-row-${d.desk}`)).toBeVisible();
  await expect(view.getByTestId('compare-halts')).toContainText(`A ${cmp.a.halts}`);
  await page.screenshot({ path: 'test-results/e2e/replay-compare.png' });
  await view.getByTestId('btn-close-compare').click();
  await page.getByTestId('btn-close-recordings').click();
  expect(errors).toEqual([]);
});
