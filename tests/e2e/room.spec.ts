import { expect, test, type Page } from '@playwright/test';
import { pageApi, serveFloor, type ServedFloor } from './server';

// The room in browser mode, against the real host and engine: desks' votes drawn as lines between
// their avatars, the room's stress rising with a crisis (beacons on) and falling after it, and the
// leaderboard showing a recording's desks at the moment shown in a replay.

let floor: ServedFloor;

test.describe.configure({ mode: 'serial' });
test.setTimeout(240_000);

test.beforeAll(async () => {
  floor = await serveFloor(['--seed', '7']);
});
test.afterAll(async () => {
  await floor?.stop();
});

const api = <T>(page: Page, method: string, params: Record<string, unknown>): Promise<T> => pageApi<T>(page, floor, method, params);

interface VoteLine {
  desk: number;
  from: number;
  to: string;
  action: 'buy' | 'sell' | 'hold';
  weight: number;
  agreed: boolean;
  conflict: boolean;
  alpha: number;
  seq: number;
}
interface Stress {
  level: number;
  target: number;
  beacons: boolean;
  parts: Record<string, number>;
}
interface Coordination {
  type: 'coordination';
  seq: number;
  desk: number;
  outcome: string;
  votes: { agent: number; action: string; weight: number }[];
}
interface FillArc {
  agent: number;
  symbol: number;
  venue: number;
  side: 'buy' | 'sell';
  seq: number;
}
interface Trade {
  type: 'trade';
  seq: number;
  symbol: number;
  venue: number;
  buyAgent: number;
  sellAgent: number;
}
interface Bullpen {
  fillArcs(): FillArc[];
  voteLines(): VoteLine[];
  stress(): Stress;
  drawCalls(): number;
  firstFrameAt: number | null;
}

const hooks = (page: Page) => ({
  fillArcs: () => page.evaluate(() => (window as unknown as { __bullpen: Bullpen }).__bullpen.fillArcs()),
  voteLines: () => page.evaluate(() => (window as unknown as { __bullpen: Bullpen }).__bullpen.voteLines()),
  stress: () => page.evaluate(() => (window as unknown as { __bullpen: Bullpen }).__bullpen.stress()),
  drawCalls: () => page.evaluate(() => (window as unknown as { __bullpen: Bullpen }).__bullpen.drawCalls()),
});

async function tickOf(page: Page): Promise<number> {
  return Number((await page.getByTestId('status-tick').textContent())?.replace(/[^0-9]/g, '') ?? 'NaN');
}

/** The floor at 1×, running, nothing injected, drawn (its second wave — board, tags, lines, beacons — mounted). */
async function openFloor(page: Page): Promise<void> {
  await page.goto(floor.url);
  await expect(page.getByTestId('conn-state')).toContainText(/connected/i);
  await expect.poll(() => tickOf(page), { timeout: 30_000 }).toBeGreaterThan(0);
  const pause = page.getByTestId('btn-pause');
  if ((await pause.textContent())?.match(/resume/i)) await pause.click();
  await page.getByTestId('speed-select').selectOption('1');
  const st = await api<{ shocks: { scenarioId: number }[] }>(page, 'scenario.active', {});
  for (const id of new Set(st.shocks.map((s) => s.scenarioId))) await api(page, 'scenario.cancel', { id });
  await expect.poll(() => page.getByTestId('floor-canvas').getAttribute('data-stress'), { timeout: 60_000 }).not.toBeNull();
}

test('vote lines: a desk that votes shows a line from each voter, coloured by its vote', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await openFloor(page);
  const h = hooks(page);
  await page.getByTestId('feed-tab-votes').click();
  await expect(page.getByTestId('vote-item').first()).toBeVisible({ timeout: 30_000 });

  // desks vote every 10 ticks: lines show up, and they are the votes of a recorded coordination event
  let lines: VoteLine[] = [];
  await expect
    .poll(
      async () => {
        lines = await h.voteLines();
        return lines.length;
      },
      { timeout: 30_000, intervals: [100] },
    )
    .toBeGreaterThan(0);
  await page.screenshot({ path: 'test-results/e2e/room-vote-lines.png' });
  const first = lines[0] as VoteLine;
  const mine = lines.filter((l) => l.desk === first.desk && l.seq === first.seq);
  const recent = await api<Coordination[]>(page, 'events.recent', { limit: 300, types: ['coordination'] });
  const ev = recent.find((e) => e.seq === first.seq);
  expect(ev, `coordination event #${first.seq}`).toBeTruthy();
  if (!ev) return;
  expect(ev.desk).toBe(first.desk);
  // one line per vote, from that voter, in its action's colour, agreed when it voted the outcome
  expect(mine.map((l) => [l.from, l.action, l.weight]).sort()).toEqual(ev.votes.map((v) => [v.agent, v.action, v.weight]).sort());
  for (const l of mine) {
    expect(l.to).toBe('desk');
    expect(l.agreed).toBe(l.action === ev.outcome);
    expect(l.alpha).toBeGreaterThan(0);
    expect(l.alpha).toBeLessThanOrEqual(1);
  }
  // they do not stay: a few floor-seconds later that vote's lines have faded (or a newer vote replaced them)
  await expect.poll(async () => (await h.voteLines()).some((l) => l.seq === first.seq), { timeout: 20_000 }).toBe(false);
  // the lines and the beacons are instanced: the floor stays within its draw-call budget
  expect(await h.drawCalls()).toBeLessThanOrEqual(40);
  expect(errors).toEqual([]);
});

test('fills: a featured agent’s fill flies from its avatar to the venue it traded on', async ({ page }) => {
  await openFloor(page);
  const h = hooks(page);
  let arcs: FillArc[] = [];
  await expect
    .poll(
      async () => {
        arcs = await h.fillArcs();
        return arcs.length;
      },
      { timeout: 60_000, intervals: [50] },
    )
    .toBeGreaterThan(0);
  await page.screenshot({ path: 'test-results/e2e/room-fill-arcs.png' });
  const arc = arcs[0] as FillArc;
  // the arc is a real trade of that agent, on that symbol and venue, on the side it took
  const trades = await api<Trade[]>(page, 'events.recent', { limit: 1000, types: ['trade'] });
  const t = trades.find((x) => x.seq === arc.seq);
  expect(t, `trade event #${arc.seq}`).toBeTruthy();
  if (!t) return;
  expect([t.symbol, t.venue]).toEqual([arc.symbol, arc.venue]);
  expect(arc.side === 'buy' ? t.buyAgent : t.sellAgent).toBe(arc.agent);
  // and it lands: a second later that fill's arc is gone
  await expect.poll(async () => (await h.fillArcs()).some((a) => a.seq === arc.seq && a.agent === arc.agent), { timeout: 30_000 }).toBe(false);
  expect(await h.drawCalls()).toBeLessThanOrEqual(40);
});

test('stress: a flash crash raises the room’s stress and switches the beacons on; it calms down after', async ({ page }) => {
  await openFloor(page);
  const h = hooks(page);
  // calm: let the level settle, and note it
  await page.waitForTimeout(3000);
  const calm = (await h.stress()).level;
  expect((await h.stress()).beacons).toBe(false);
  expect(calm).toBeLessThan(0.3);
  await expect(page.getByTestId('floor-canvas')).toHaveAttribute('data-beacons', 'false');

  await page.keyboard.press('d');
  await expect(page.getByTestId('scenario-deck')).toBeVisible();
  await page.getByTestId('deck-inject-flash-crash-2010').click();
  await expect.poll(async () => (await h.stress()).level, { timeout: 60_000 }).toBeGreaterThan(calm + 0.25);
  await expect.poll(async () => (await h.stress()).beacons, { timeout: 30_000 }).toBe(true);
  await expect(page.getByTestId('floor-canvas')).toHaveAttribute('data-beacons', 'true');
  const raised = await h.stress();
  expect(raised.parts.shocks).toBeGreaterThan(0);
  expect(Number(await page.getByTestId('floor-canvas').getAttribute('data-stress'))).toBeGreaterThan(calm + 0.2);
  await page.screenshot({ path: 'test-results/e2e/room-stress.png' });

  // cancel it: the room calms down and the beacons go out
  const st = await api<{ shocks: { scenarioId: number }[] }>(page, 'scenario.active', {});
  const ids = [...new Set(st.shocks.map((s) => s.scenarioId))];
  expect(ids.length).toBeGreaterThan(0);
  for (const id of ids) await page.getByTestId(`deck-cancel-${id}`).click();
  await expect.poll(async () => (await h.stress()).beacons, { timeout: 90_000 }).toBe(false);
  await expect.poll(async () => (await h.stress()).level, { timeout: 90_000 }).toBeLessThan(Math.max(0.25, calm + 0.1));
  await page.screenshot({ path: 'test-results/e2e/room-calm-again.png' });
});

interface ReplayState {
  recording: { id: string; firstTick: number; lastTick: number };
  tick: number;
}
interface EquityRow {
  desk: number;
  tick: number;
  equity: number;
}

async function replayTick(page: Page): Promise<number> {
  return Number((await page.getByTestId('replay-tick').textContent())?.replace(/[^0-9]/g, '') ?? 'NaN');
}

async function rowPnl(page: Page, desk: number): Promise<number> {
  return Number(await page.getByTestId(`leaderboard-row-${desk}`).getAttribute('data-pnl'));
}

test('replay: the leaderboard shows the recording’s desks at the moment shown, and live again after', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await openFloor(page);
  await page.getByTestId('speed-select').selectOption('25');
  await expect.poll(() => tickOf(page), { timeout: 60_000 }).toBeGreaterThan(600);
  await page.getByTestId('speed-select').selectOption('1');
  const { sessionId } = await api<{ sessionId: string }>(page, 'session.info', {});

  await page.getByTestId('btn-open-recording').click();
  await page.getByTestId(`btn-open-${sessionId}`).click();
  await expect(page.getByTestId('mode-indicator')).toHaveText('REPLAY');
  await expect(page.getByTestId('replay-bar')).toBeVisible();
  await expect(page.getByTestId('leaderboard')).toHaveAttribute('data-source', 'recording');
  const state = await api<ReplayState>(page, 'recording.state', {});
  const equity = await api<EquityRow[]>(page, 'recording.equity', { id: sessionId });
  const at = (desk: number, tick: number) => equity.find((r) => r.desk === desk && r.tick === tick)?.equity;

  // two sample ticks apart: the P&L shown is the recorded equity there minus the desk's capital
  const a = 200;
  const b = Math.floor((state.recording.lastTick - 20) / 20) * 20;
  expect(b).toBeGreaterThan(a + 200);
  for (const tick of [b, a]) {
    await page.getByTestId('replay-seek').fill(String(tick));
    await expect.poll(() => replayTick(page), { timeout: 30_000 }).toBe(tick);
    await expect.poll(() => tickOf(page), { timeout: 30_000 }).toBe(tick);
    for (const desk of [0, 1]) {
      const eq = at(desk, tick);
      expect(eq, `desk ${desk} equity at tick ${tick}`).toBeDefined();
      await expect.poll(() => rowPnl(page, desk), { timeout: 15_000 }).toBeCloseTo((eq ?? NaN) - 1_000_000, 0);
    }
    if (tick === b) await page.screenshot({ path: 'test-results/e2e/room-replay-leaderboard.png' });
  }
  const pa = await rowPnl(page, 0);
  expect(pa).not.toBeCloseTo((at(0, b) ?? NaN) - 1_000_000, 0);

  // back to live: the live engine's metrics again
  await page.getByTestId('btn-back-live').click();
  await expect(page.getByTestId('mode-indicator')).toHaveText('LIVE');
  await expect(page.getByTestId('leaderboard')).toHaveAttribute('data-source', 'live');
  await expect(page.getByTestId('leaderboard-row-0')).toBeVisible({ timeout: 15_000 });
  expect(errors).toEqual([]);
});
