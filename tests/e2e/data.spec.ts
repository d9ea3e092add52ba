import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { pageApi, serveFloor, type ServedFloor } from './server';

// Market data in browser mode, against the real host and a throwaway library: a CSV dropped on the
// window is sent in chunks, checked, shown with its problems, repaired and imported, and then listed
// in the Data dialog; files that are not CSV are refused with a readable error.

let floor: ServedFloor;

test.describe.configure({ mode: 'serial' });
// the e2e machine may be busy (software WebGL): clicks wait for a stable frame
test.setTimeout(180_000);

test.beforeAll(async () => {
  floor = await serveFloor(['--seed', '3', '--crowd', '200']);
});
test.afterAll(async () => {
  await floor?.stop();
});

const FIX = join(import.meta.dirname, '../fixtures/data');

/** Drags a file over the window (dragenter), then, unless `hover`, drops it, as a file manager does. */
async function dragFile(page: Page, file: { name: string; text: string; type: string }, hover = false): Promise<void> {
  await page.evaluate(
    ({ name, text, type, hover }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], name, { type }));
      const at = { bubbles: true, cancelable: true, dataTransfer: dt, clientX: 700, clientY: 400 };
      const target = document.elementFromPoint(700, 400) ?? document.body;
      target.dispatchEvent(new DragEvent('dragenter', at));
      target.dispatchEvent(new DragEvent('dragover', at));
      if (!hover) target.dispatchEvent(new DragEvent('drop', at));
    },
    { ...file, hover },
  );
}

async function openFloor(page: Page): Promise<void> {
  await page.goto(floor.url);
  await expect(page.getByTestId('conn-state')).toContainText(/connected/i);
  await expect(page.getByTestId('floor-overlay')).toHaveCount(0);
  // nothing here needs the market to move: a paused floor leaves the machine to the browser
  if (!(await pageApi<{ paused: boolean }>(page, floor, 'session.status', {})).paused) await pageApi(page, floor, 'session.pause', {});
}

test('a broken CSV dropped on the window shows its problems; repaired, it is listed in the Data dialog', async ({ page }) => {
  await openFloor(page);
  const broken = { name: 'broken.csv', text: readFileSync(join(FIX, 'broken.csv'), 'utf8'), type: 'text/csv' };

  await dragFile(page, broken, true);
  await expect(page.getByTestId('drop-overlay')).toContainText('Drop a CSV to import bars');
  await page.screenshot({ path: 'test-results/e2e/data-drop-overlay.png' });

  await dragFile(page, broken);
  await expect(page.getByTestId('drop-overlay')).toHaveCount(0);
  const dialog = page.getByTestId('import-dialog');
  await expect(dialog).toHaveAttribute('data-phase', 'report');
  await expect(page.getByTestId('import-detected')).toContainText('year-month-day date/time');
  await expect(page.getByTestId('import-detected')).toContainText('1d');
  await expect(page.getByTestId('import-counts')).toContainText('13 rows · 5 valid bars · broken: needs repair');
  for (const kind of ['duplicate', 'conflicting_duplicate', 'out_of_order', 'non_positive_price', 'high_below_low', 'gap']) {
    await expect(page.getByTestId(`import-issue-${kind}`)).toHaveAttribute('data-count', '1');
  }
  await expect(page.getByTestId('import-issues')).toContainText('line 10: high 90 is below low 110');
  await expect(page.getByTestId('import-issue-out_of_order')).toHaveText('1 row out of order');
  // nothing is broken-free here: importing as is is not offered
  await expect(page.getByTestId('btn-import-as-is')).toHaveCount(0);
  await expect(page.getByTestId('import-symbol')).toHaveValue('broken');
  await page.screenshot({ path: 'test-results/e2e/data-import-report.png' });

  // the check wrote nothing
  const before = await pageApi<Array<{ symbol: string }>>(page, floor, 'data.series', {});
  expect(before.map((s) => s.symbol)).toEqual(['SP500']);

  await page.getByTestId('import-symbol').fill('BROKEN-E2E');
  await page.getByTestId('btn-import-repair').click();
  await expect(dialog).toHaveCount(0);
  const toast = page.getByTestId('import-toast');
  await expect(toast).toContainText('Imported BROKEN-E2E (1d)');
  await expect(toast).toContainText('5 bars (5 new), 2024-01-01 … 2024-01-07, 1 gap marked; repaired.');
  await page.screenshot({ path: 'test-results/e2e/data-import-toast.png' });

  // (the toast's "Show in Data" opens the same dialog; the toast goes away by itself, so the test uses the toolbar)
  await page.getByTestId('btn-open-data').click();
  await expect(page.getByTestId('data-dialog')).toBeVisible();
  const item = page.getByTestId('data-item-csv/BROKEN-E2E/1d');
  await expect(item).toHaveAttribute('data-count', '5');
  await expect(item).toContainText('5 bars · 2024-01-01 … 2024-01-07 · 1 gap');
  await expect(page.getByTestId('data-item-bundled/SP500/1d')).toHaveAttribute('data-count', '5105');
  await page.getByTestId('btn-preview-csv/BROKEN-E2E/1d').click();
  await expect(page.getByTestId('data-preview')).toHaveAttribute('data-bars', '5');
  await page.screenshot({ path: 'test-results/e2e/data-dialog.png' });
});

test('a clean file can be imported as is; a picture is refused with a readable error', async ({ page }) => {
  await openFloor(page);
  await dragFile(page, { name: 'AAPL.csv', text: readFileSync(join(FIX, 'yahoo-aapl.csv'), 'utf8'), type: 'text/csv' });
  await expect(page.getByTestId('import-dialog')).toHaveAttribute('data-phase', 'report');
  await expect(page.getByTestId('import-detected')).toContainText('Yahoo-style');
  await expect(page.getByTestId('import-counts')).toContainText('10 rows · 10 valid bars · gaps only');
  await expect(page.getByTestId('import-issue-gap')).toHaveAttribute('data-count', '1');
  await page.getByTestId('btn-import-as-is').click();
  await expect(page.getByTestId('import-toast')).toContainText('Imported AAPL (1d)');

  await page.getByTestId('btn-open-data').click();
  await expect(page.getByTestId('data-item-csv/AAPL/1d')).toHaveAttribute('data-count', '10');
  // series on the floor share a timeframe: all three are daily, so all can be picked together
  await page.getByTestId('data-pick-csv/AAPL/1d').check();
  await expect(page.getByTestId('data-pick-bundled/SP500/1d')).toBeEnabled();
  await page.getByTestId('data-since').fill('2030-01-01');
  await expect(page.getByTestId('data-period-error')).toContainText('No bars in this period: the picked series share 2024-01-02 … 2024-01-16.');
  await expect(page.getByTestId('btn-start-historical')).toBeDisabled();
  await page.getByTestId('btn-close-data').click();

  await dragFile(page, { name: 'chart.png', text: '\u0089PNG\r\n', type: 'image/png' });
  await expect(page.getByTestId('error-toast')).toContainText('Not a CSV file');
  await expect(page.getByTestId('error-toast')).toContainText('chart.png is not a CSV file.');
  await expect(page.getByTestId('import-dialog')).toHaveCount(0);

  // a .csv with no table in it: the report says why, and nothing can be imported
  await dragFile(page, { name: 'notes.csv', text: 'just some notes\nnothing tabular here\n', type: 'text/csv' });
  await expect(page.getByTestId('import-dialog')).toHaveAttribute('data-phase', 'report');
  await expect(page.getByTestId('import-issues')).toContainText('No table of at least 5 columns');
  await expect(page.getByTestId('btn-import-repair')).toHaveCount(0);
  await page.getByTestId('btn-import-cancel').click();
  await expect(page.getByTestId('import-dialog')).toHaveCount(0);
  await page.screenshot({ path: 'test-results/e2e/data-not-csv.png' });
});

test('a historical session starts from the Data dialog and puts the series on the board; host errors are toasts', async ({ page }) => {
  await openFloor(page);
  await page.getByTestId('btn-open-data').click();
  await expect(page.getByTestId('data-item-csv/AAPL/1d')).toBeVisible();

  // the series disappears after the list was shown: the host refuses, the UI says so and keeps the floor
  await page.getByTestId('data-pick-csv/AAPL/1d').check();
  await pageApi(page, floor, 'data.delete', { series: { exchange: 'csv', symbol: 'AAPL', timeframe: '1d' } });
  await page.getByTestId('btn-start-historical').click();
  await expect(page.getByTestId('error-toast')).toContainText('Start historical session failed');
  await expect(page.getByTestId('error-toast')).toContainText('no cached series csv AAPL 1d');
  await expect(page.getByTestId('board-row-0')).toContainText('BPX');
  await page.getByTestId('data-pick-csv/AAPL/1d').uncheck();

  await page.getByTestId('data-pick-bundled/SP500/1d').check();
  // series on the floor share a timeframe: an hourly one could not join (none here), a daily one can
  await expect(page.getByTestId('data-pick-csv/BROKEN-E2E/1d')).toBeEnabled();
  await page.getByTestId('data-since').fill('2008-09-01');
  await page.getByTestId('data-until').fill('2008-12-31');
  // at 100× a daily bar takes 14.4 minutes: the session does not run out during the test
  await page.getByTestId('data-speed').selectOption('100');
  await expect(page.getByTestId('data-start')).toContainText('At 100× one 1d bar takes 14 min.');
  await expect(page.getByTestId('data-period-error')).toHaveCount(0);
  await page.getByTestId('btn-start-historical').click();
  // a new session: the old worker stops, the recording closes, a new worker starts (seconds on a busy machine)
  await expect(page.getByTestId('data-dialog')).toHaveCount(0, { timeout: 60_000 });
  await expect(page.getByTestId('board-row-0')).toContainText('SP500', { timeout: 30_000 });
  await expect(page.getByTestId('board-row-1')).toHaveCount(0);
  const info = await pageApi<{ config: { symbols: number; crowd: number; market: { kind: string; since: number; until: number } } }>(page, floor, 'session.info', {});
  expect(info.config.symbols).toBe(1);
  expect(info.config.market.kind).toBe('historical');
  expect(new Date(info.config.market.since).toISOString().slice(0, 10)).toBe('2008-09-02');
  expect(new Date(info.config.market.until).toISOString().slice(0, 10)).toBe('2008-12-31');
  // the floor kept its shape: the crowd the server started with
  expect(info.config.crowd).toBe(200);
  expect((await pageApi<{ speed: number | string }>(page, floor, 'session.status', {})).speed).toBe(100);
  await page.screenshot({ path: 'test-results/e2e/data-historical.png' });
});
