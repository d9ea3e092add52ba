import { expect, test, type Page } from '@playwright/test';
import { pageApi, serveFloor, type ServedFloor } from './server';

// The scenario deck in browser mode, against the real host and engine: presets injected from the
// deck move the market, custom scenarios are validated with the shared schema before anything is
// sent, the active list counts down and cancels, the emergency halt stops the floor, and a scenario
// that ends brings up its report.

let floor: ServedFloor;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  floor = await serveFloor(['--seed', '7']);
});
test.afterAll(async () => {
  await floor?.stop();
});

const api = <T>(page: Page, method: string, params: Record<string, unknown>): Promise<T> => pageApi<T>(page, floor, method, params);

interface ActiveState {
  tick: number;
  shocks: { scenarioId: number; scenario: string; state: string }[];
  params: { volatility: number };
}

async function tickOf(page: Page): Promise<number> {
  return Number((await page.getByTestId('status-tick').textContent())?.replace(/[^0-9]/g, '') ?? 'NaN');
}

async function prices(page: Page): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < 4; i++) out.push(Number(await page.getByTestId(`board-price-${i}`).textContent()));
  return out;
}

/** Opens the floor (running at 1×) with the deck shown, nothing scheduled and the floor not halted. */
async function openDeck(page: Page): Promise<void> {
  await page.goto(floor.url);
  await expect(page.getByTestId('conn-state')).toContainText(/connected/i);
  await expect.poll(() => tickOf(page), { timeout: 20_000 }).toBeGreaterThan(0);
  const pause = page.getByTestId('btn-pause');
  if ((await pause.textContent())?.match(/resume/i)) await pause.click();
  await page.getByTestId('speed-select').selectOption('1');
  // leftovers of an earlier test: cancel them through the API
  const st = await api<ActiveState>(page, 'scenario.active', {});
  for (const id of new Set(st.shocks.map((s) => s.scenarioId))) await api(page, 'scenario.cancel', { id });
  await page.keyboard.press('d');
  await expect(page.getByTestId('scenario-deck')).toBeVisible();
  await expect(page.getByTestId('deck-active')).toHaveAttribute('data-count', '0');
}

test('an invalid custom scenario names the field and cannot be injected', async ({ page }) => {
  await openDeck(page);
  await page.getByTestId('deck-tab-custom').click();
  const json = page.getByTestId('deck-json');
  const inject = page.getByTestId('deck-inject-custom');
  // the form's default document is valid
  await expect(page.getByTestId('deck-json-error')).toHaveCount(0);
  await expect(inject).toBeEnabled();

  // a negative duration: the schema's own rule, with its field path
  await json.fill(
    JSON.stringify(
      { name: 'bad-one', shocks: [{ start: 0, duration: -5, effect: { kind: 'volatility', multiplier: 3 } }] },
      null,
      2,
    ),
  );
  const err = page.getByTestId('deck-json-error');
  await expect(err).toBeVisible();
  await expect(err.locator('li[data-path="shocks.0.duration"]')).toContainText('must be ≥ 0 seconds');
  await expect(inject).toBeDisabled();

  // an unknown symbol: checked against this session's symbols
  await json.fill(JSON.stringify({ name: 'bad-two', shocks: [{ targets: { symbols: ['ZZZ'] }, effect: { kind: 'gap', move: -0.1 } }] }));
  await expect(err.locator('li[data-path="shocks.0.targets.symbols"]')).toContainText('unknown symbol "ZZZ"');
  await expect(inject).toBeDisabled();

  // broken JSON
  await json.fill('{ "name": "oops", ');
  await expect(err.locator('li[data-path="(json)"]')).toBeVisible();
  await expect(inject).toBeDisabled();

  // the form writes a valid document again
  await page.getByTestId('deck-form-kind').selectOption('volatility');
  await page.getByTestId('deck-form-duration').fill('20');
  await page.getByTestId('deck-form-add').click();
  await expect(err).toHaveCount(0);
  const doc = JSON.parse(await json.inputValue()) as { shocks: { duration: number; effect: { kind: string } }[] };
  expect(doc.shocks[0]?.effect.kind).toBe('volatility');
  expect(doc.shocks[0]?.duration).toBe(20);
  await expect(inject).toBeEnabled();

  // and with an error shown the deck is still legible
  await json.fill(JSON.stringify({ name: 'Bad Name', shocks: [] }, null, 2));
  await expect(err.locator('li')).toHaveCount(2);
  await expect(err.locator('li[data-path="name"]')).toContainText('lower-case');
  await expect(err.locator('li[data-path="shocks"]')).toContainText('at least one shock');
  await err.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/e2e/deck-json-invalid.png' });

  // nothing was injected
  const st = await api<ActiveState>(page, 'scenario.active', {});
  expect(st.shocks).toEqual([]);
});

test('the active list shows queued and running scenarios with time left; Cancel removes them', async ({ page }) => {
  await openDeck(page);
  await page.getByTestId('deck-inject-flash-crash-2010').click();
  const active = page.getByTestId('deck-active');
  const row = active.locator('[data-testid^="deck-scenario-"]').first();
  await expect(row).toContainText('flash-crash-2010');
  await expect(row).toContainText('ACTIVE');
  await expect(row).toContainText(/ticks left/);
  await expect(row).toContainText(/\d+(\.\d)? s|min/); // wall-clock time at the current speed
  const first = Number(await row.getAttribute('data-remaining'));
  expect(first).toBeGreaterThan(3000);
  await expect.poll(async () => Number(await row.getAttribute('data-remaining')), { timeout: 30_000 }).toBeLessThan(first);

  // a second one, scheduled 2,000 ticks ahead: queued, counting down to its start
  const tick = await tickOf(page);
  await page.getByTestId('deck-at-tick').fill(String(tick + 2000));
  await page.getByTestId('deck-inject-volatility-storm').click();
  await expect(active).toHaveAttribute('data-count', '2');
  const queued = active.locator('.deck-run.is-queued');
  await expect(queued).toContainText('volatility-storm');
  await expect(queued).toContainText(/QUEUED.*starts in [\d,]+ ticks/);
  await page.screenshot({ path: 'test-results/e2e/deck-active.png' });

  const st = await api<ActiveState>(page, 'scenario.active', {});
  const ids = [...new Set(st.shocks.map((s) => s.scenarioId))];
  expect(ids).toHaveLength(2);
  for (const id of ids) {
    await page.getByTestId(`deck-cancel-${id}`).click();
    await expect(page.getByTestId(`deck-scenario-${id}`)).toHaveCount(0);
  }
  await expect(active).toHaveAttribute('data-count', '0');
  expect((await api<ActiveState>(page, 'scenario.active', {})).shocks).toEqual([]);

  // a tick in the past: the host refuses it and the deck says why in the error toast
  await page.getByTestId('deck-at-tick').fill('1');
  await page.getByTestId('deck-inject-pump-and-dump').click();
  await expect(page.getByTestId('error-toast')).toContainText(/Inject “pump-and-dump” failed/);
  await expect(page.getByTestId('error-toast')).toContainText('outside the session');
  await page.getByTestId('deck-at-tick').fill('');
  expect((await api<ActiveState>(page, 'scenario.active', {})).shocks).toEqual([]);
});

test('the emergency halt shows HALTED on the board and resume clears it; sliders change live parameters', async ({ page }) => {
  await openDeck(page);
  const halt = page.getByTestId('btn-emergency-halt');
  await expect(halt).toHaveText(/EMERGENCY HALT/);
  await expect(page.getByTestId('board-halt-0')).toHaveCount(0);
  await halt.click();
  for (let i = 0; i < 4; i++) await expect(page.getByTestId(`board-halt-${i}`)).toHaveText('HALTED');
  await expect(halt).toHaveText(/RESUME/);
  await expect(halt).toHaveAttribute('data-halted', 'true');
  await page.screenshot({ path: 'test-results/e2e/deck-halted.png' });
  await halt.click();
  for (let i = 0; i < 4; i++) await expect(page.getByTestId(`board-halt-${i}`)).toHaveCount(0);
  await expect(halt).toHaveText(/EMERGENCY HALT/);

  // market controls: volatility 1× → 2× with the keyboard, sent once the slider rests
  await page.getByTestId('deck-tab-market').click();
  const vol = page.getByTestId('deck-slider-volatility');
  await expect(vol).toBeEnabled();
  await expect(page.getByTestId('deck-value-volatility')).toHaveText('1.00×');
  await vol.focus();
  for (let i = 0; i < 20; i++) await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('deck-value-volatility')).toHaveText('2.00×');
  await expect.poll(async () => (await api<ActiveState>(page, 'scenario.active', {})).params.volatility, { timeout: 30_000 }).toBeCloseTo(2, 5);
  await page.waitForTimeout(1500); // the deck's own poll reads it back: the slider stays where it was put
  await expect(page.getByTestId('deck-value-volatility')).toHaveText('2.00×');
  await page.screenshot({ path: 'test-results/e2e/deck-market.png' });
  await api(page, 'market.setParams', { volatility: 1 });
});

test('injecting the flash crash from the deck puts its headline in the feed and the prices fall', async ({ page }) => {
  test.setTimeout(120_000);
  await openDeck(page);
  await page.getByTestId('feed-tab-news').click();
  const before = await prices(page);
  const tick0 = await tickOf(page);
  await page.getByTestId('deck-preset-flash-crash-2010').locator('.deck-preset-title').click(); // description and sources
  await expect(page.getByTestId('deck-preset-flash-crash-2010')).toContainText('CFTC & SEC');
  await page.getByTestId('deck-inject-flash-crash-2010').click();
  await expect(page.getByTestId('event-feed')).toContainText('Riots in Athens', { timeout: 15_000 });
  await page.screenshot({ path: 'test-results/e2e/deck-injected.png' });

  // the collapse comes 96–135 floor seconds in (ticks 1,920–2,700): run fast and watch the floor index
  await page.getByTestId('speed-select').selectOption('25');
  let low = 1;
  const pause = page.getByTestId('btn-pause');
  await expect
    .poll(
      async () => {
        const now = await prices(page);
        const index = now.reduce((acc, p, i) => acc + p / (before[i] as number), 0) / now.length;
        low = Math.min(low, index);
        if (low < 0.97) await pause.click(); // hold the floor at the fall for the screenshot
        return low;
      },
      { timeout: 90_000, intervals: [100] },
    )
    .toBeLessThan(0.97);
  await expect(pause).toHaveText(/resume/i);
  expect(await tickOf(page)).toBeGreaterThan(tick0 + 1500);
  await page.screenshot({ path: 'test-results/e2e/deck-flash-crash.png' });
  await pause.click();
});

test('a scenario that ends brings up its report; a decision in it opens the agent’s popover', async ({ page }) => {
  test.setTimeout(90_000);
  await openDeck(page);
  await page.getByTestId('deck-tab-custom').click();
  const doc = {
    name: 'quick-shock',
    description: 'a short sharp drop',
    shocks: [
      { start: 0, duration: 0, label: 'bad news', effect: { kind: 'news', headline: 'Quick shock: guidance cut', sentiment: -0.9, strength: 2 } },
      { start: 0, duration: 20, effect: { kind: 'volatility', multiplier: 4 } },
      { start: 0, duration: 0, effect: { kind: 'gap', move: -0.04 } },
    ],
  };
  await page.getByTestId('deck-json').fill(JSON.stringify(doc, null, 2));
  await expect(page.getByTestId('deck-json-error')).toHaveCount(0);
  await page.getByTestId('deck-inject-custom').click();
  await expect(page.getByTestId('deck-active')).toContainText('quick-shock');
  await page.getByTestId('speed-select').selectOption('10');

  const report = page.getByTestId('scenario-report');
  await expect(report).toBeVisible({ timeout: 45_000 });
  await expect(report).toContainText('quick-shock');
  await expect(report).toContainText('Index trough');
  await expect(report).toContainText('Time to recover');
  await expect(report.locator('[data-testid^="report-desk-"]')).toHaveCount(5);
  await page.getByTestId('speed-select').selectOption('1');
  await page.screenshot({ path: 'test-results/e2e/deck-report.png' });

  const link = report.getByTestId('report-decision').first();
  if ((await link.count()) > 0) {
    const agent = await link.getAttribute('data-agent');
    const seq = await link.getAttribute('data-seq');
    await link.click();
    await expect(report).toHaveCount(0);
    const pop = page.locator('[data-testid="popover"][data-pinned="false"]');
    await expect(pop).toHaveAttribute('data-index', String(agent));
    await expect(pop.getByTestId('chain')).toHaveAttribute('data-seq', String(seq));
    await page.screenshot({ path: 'test-results/e2e/deck-report-decision.png' });
  } else {
    await page.getByTestId('btn-close-report').click();
    await expect(report).toHaveCount(0);
  }
  // the report stays reachable from the deck
  await expect(page.getByTestId('deck-reports')).toContainText('quick-shock');
});
