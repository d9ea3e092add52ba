import { expect, test, type Page } from '@playwright/test';
import { pageApi, serveFloor, type ServedFloor } from './server';

// The training panel in browser mode, against the real host and its training pool: start a small
// preset run, watch its learning curves fill in until it completes, start a second, compare them,
// export one.

let floor: ServedFloor;

test.describe.configure({ mode: 'serial' });
test.setTimeout(180_000);

test.beforeAll(async () => {
  // a light floor: the training pool shares the machine with it
  floor = await serveFloor(['--seed', '7', '--crowd', '300']);
});
test.afterAll(async () => {
  await floor?.stop();
});

interface RunSummary {
  id: string;
  status: string;
  seed: number;
  totalSteps: number;
  stepsDone: number;
}

const api = <T>(page: Page, method: string, params: Record<string, unknown>): Promise<T> => pageApi<T>(page, floor, method, params);

async function openPanel(page: Page): Promise<void> {
  await page.goto(floor.url);
  await expect(page.getByTestId('conn-state')).toContainText(/connected/i);
  await page.getByTestId('btn-training').click();
  await expect(page.getByTestId('training-panel')).toBeVisible();
  await expect(page.getByTestId('training-preset')).toBeVisible();
}

/** Starts the small preset with this seed and steps from the panel; returns the new run (the newest in the library). */
async function startQuick(page: Page, seed: number, steps: number): Promise<RunSummary> {
  const before = await api<RunSummary[]>(page, 'training.list', {});
  await page.getByTestId('training-preset').selectOption('quick-look');
  await page.getByTestId('training-seed').fill(String(seed));
  await page.getByTestId('training-steps').fill(String(steps));
  await page.getByTestId('btn-train-start').click();
  let run: RunSummary | undefined;
  await expect
    .poll(async () => {
      const now = await api<RunSummary[]>(page, 'training.list', {});
      run = now.find((r) => !before.some((b) => b.id === r.id));
      return run?.id ?? null;
    })
    .not.toBeNull();
  expect(run).toMatchObject({ seed, totalSteps: steps });
  return run!;
}

test('starts a preset run, draws its learning curves live until it completes, compares two runs', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await openPanel(page);

  const a = await startQuick(page, 3, 4096);
  const row = page.getByTestId(`training-run-${a.id}`);
  await expect(row).toBeVisible();
  // the new run is shown in detail; its curves get points while it trains (progress pushes)
  const detail = page.getByTestId('training-detail');
  await expect(detail).toHaveAttribute('data-run', a.id);
  const charts = page.getByTestId('training-charts');
  await expect.poll(async () => Number(await charts.getAttribute('data-points')), { timeout: 90_000 }).toBeGreaterThan(0);
  await expect(row).toHaveAttribute('data-status', 'completed', { timeout: 120_000 });
  // 4096 steps of 2 envs × 128 steps = 16 updates, every one drawn
  await expect(charts).toHaveAttribute('data-points', '16');
  await expect(row).toHaveAttribute('data-steps', '4096');
  await expect(page.getByTestId(`training-progress-${a.id}`)).toHaveAttribute('aria-valuenow', '100');
  // the held-out evaluation and the checkpoints arrive with the end
  await expect(detail.locator('.tr-eval')).toContainText('buy-and-hold');
  await expect(page.getByTestId('training-checkpoint').locator('option')).toHaveCount(8);
  await page.screenshot({ path: 'test-results/e2e/training-curves.png' });

  // a second run, then compare both: their mean-return curves on one chart
  const b = await startQuick(page, 4, 2048);
  await expect(page.getByTestId(`training-run-${b.id}`)).toHaveAttribute('data-status', 'completed', { timeout: 120_000 });
  await page.getByTestId(`training-pick-${a.id}`).check();
  await page.getByTestId(`training-pick-${b.id}`).check();
  await page.getByTestId('btn-train-compare').click();
  const cmp = page.getByTestId('training-compare-chart');
  await expect(cmp).toHaveAttribute('data-runs', '2');
  await expect.poll(async () => Number(await cmp.getAttribute('data-points'))).toBeGreaterThan(0);
  await expect(page.getByTestId('training-compare')).toContainText('seed 3');
  await expect(page.getByTestId('training-compare')).toContainText('seed 4');
  await page.screenshot({ path: 'test-results/e2e/training-compare.png' });

  // export downloads the run as JSON (metrics + latest checkpoint)
  const download = page.waitForEvent('download');
  await page.getByTestId(`btn-train-export-${a.id}`).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe(`bullpen-run-${a.id.slice(0, 8)}.json`);
  const { readFile } = await import('node:fs/promises');
  const data = JSON.parse(await readFile((await file.path())!, 'utf8')) as { format: string; metrics: unknown[]; checkpoint: { timesteps: number } };
  expect(data.format).toBe('bullpen-training-run/1');
  expect(data.metrics).toHaveLength(16);
  expect(data.checkpoint.timesteps).toBe(4096);
  expect(errors).toEqual([]);
});

test('cancel stops a long run at its next update; out-of-range steps cannot be sent', async ({ page }) => {
  await openPanel(page);
  // steps 0: the panel refuses it before asking
  await page.getByTestId('training-steps').fill('0');
  await expect(page.getByTestId('btn-train-start')).toBeDisabled();
  // a long run, cancelled from its row
  const r = await startQuick(page, 9, 10_000_000);
  const row = page.getByTestId(`training-run-${r.id}`);
  await expect.poll(async () => Number(await row.getAttribute('data-steps')), { timeout: 60_000 }).toBeGreaterThan(0);
  await page.getByTestId(`btn-train-cancel-${r.id}`).click();
  await expect(row).toHaveAttribute('data-status', 'cancelled', { timeout: 60_000 });
  // resuming with an impossible step count is refused by the host with the field named
  await page.getByTestId('training-resume-steps').fill('2000000000');
  await expect(page.getByTestId('btn-train-resume')).toBeDisabled();
});

interface Roster {
  agents: { index: number; desk: number; policy?: { checkpointId: string } }[];
}

test('deploys a checkpoint as a new desk; its agent’s popover explains the policy’s decision', async ({ page }) => {
  // training, deploying and the first decisions of the policy, on a machine that may be busy
  test.setTimeout(300_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await openPanel(page);
  const run = await startQuick(page, 5, 1024);
  await expect(page.getByTestId(`training-run-${run.id}`)).toHaveAttribute('data-status', 'completed', { timeout: 120_000 });
  await expect(page.getByTestId('training-checkpoint').locator('option')).toHaveCount(2);
  const checkpointId = await page.getByTestId('training-checkpoint').inputValue();
  await page.getByTestId('deploy-as-desk').check();
  await page.getByTestId('btn-deploy').click();

  // the roster grows by the policy's agents (or an error toast says why not); the first one's popover opens
  let agent = -1;
  await expect
    .poll(
      async () => {
        const toasts = await page.getByTestId('error-toast').allTextContents();
        if (toasts.length) return `error toast: ${toasts.join(' ')}`;
        const info = await api<{ roster: Roster }>(page, 'session.info', {});
        agent = info.roster.agents.find((a) => a.policy?.checkpointId === checkpointId)?.index ?? -1;
        return agent >= 0 ? 'deployed' : 'waiting';
      },
      { timeout: 60_000 },
    )
    .toBe('deployed');
  const pop = page.locator('[data-testid="popover"][data-pinned="false"]');
  await expect(pop).toHaveAttribute('data-index', String(agent), { timeout: 30_000 });
  await page.getByTestId('btn-close-training').click();
  // its decisions carry the policy's trace: action probabilities, value, attributions
  const explain = pop.getByTestId('policy-explain');
  await expect(explain).toBeVisible({ timeout: 60_000 });
  await expect(explain).toHaveAttribute('data-checkpoint', checkpointId);
  const probs = await explain.getByTestId('policy-action').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-p'))));
  expect(probs.length).toBeGreaterThanOrEqual(2);
  expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
  await expect(explain.getByTestId('policy-value')).toContainText('V(s)');
  expect(await explain.getByTestId('policy-attr').count()).toBeGreaterThan(0);
  await page.screenshot({ path: 'test-results/e2e/training-deployed-popover.png' });
  expect(errors).toEqual([]);
});
