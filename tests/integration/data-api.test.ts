import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiErrorBody, MAX_REQUEST_BYTES, ResponseEnvelope, type AppInfo } from '../../src-shared/api';
import { BarsResult, ImportCommitResult, ImportProgress, MAX_IMPORT_CHUNK_BYTES, splitForUpload } from '../../src-shared/data-api';
import { BarSeries, ImportReport } from '../../src-shared/market-data';
import { nodeWorkerFactory } from '../../src-main/host/node-worker';
import { createRouter, type Router } from '../../src-main/host/router';
import { SessionHost } from '../../src-main/host/session-host';
import { readBars } from '../../src-main/store/bars';
import { openLibrary, type Library } from '../../src-main/store/library';

/** The data.* methods through the real router against a throwaway library: list, preview, chunked CSV import, delete. */

const FIX = join(import.meta.dirname, '../fixtures/data');
let dir: string;
let lib: Library;
let host: SessionHost;
let router: Router;
let nextId = 1;

async function raw(method: string, params: unknown = {}): Promise<ResponseEnvelope> {
  const text = JSON.stringify({ id: nextId++, method, params });
  return ResponseEnvelope.parse(await router.handle(text, Buffer.byteLength(text)));
}

async function call(method: string, params: unknown = {}): Promise<unknown> {
  const res = await raw(method, params);
  if (!res.ok) throw new Error(`${method}: ${res.error.code}: ${res.error.message}`);
  return res.result;
}

async function failure(method: string, params: unknown = {}): Promise<ApiErrorBody> {
  const res = await raw(method, params);
  if (res.ok) throw new Error(`${method} succeeded but should have failed`);
  return res.error;
}

/** Uploads a text as the renderer does: begin, then every chunk in order. */
async function upload(fileName: string, text: string, extra: Record<string, unknown> = {}): Promise<string> {
  const chunks = splitForUpload(text);
  const bytes = Buffer.byteLength(text);
  const begun = ImportProgress.parse(await call('data.importBegin', { fileName, bytes, ...extra }));
  let last = begun;
  for (const [index, chunk] of chunks.entries()) last = ImportProgress.parse(await call('data.importChunk', { uploadId: begun.uploadId, index, text: chunk }));
  expect(last).toMatchObject({ chunks: chunks.length, received: bytes, bytes });
  return begun.uploadId;
}

/** 3,000 hourly bars from 2024-01-01, a smooth deterministic path (no randomness needed). */
function hourlyCsv(n = 3000): string {
  const lines = ['timestamp,open,high,low,close,volume'];
  const t0 = Date.UTC(2024, 0, 1);
  for (let i = 0; i < n; i++) {
    const open = 100 + 10 * Math.sin(i / 50);
    const close = 100 + 10 * Math.sin((i + 1) / 50);
    lines.push(`${t0 + i * 3_600_000},${open.toFixed(4)},${(Math.max(open, close) + 0.5).toFixed(4)},${(Math.min(open, close) - 0.5).toFixed(4)},${close.toFixed(4)},${1000 + i}`);
  }
  return lines.join('\n') + '\n';
}

const seriesList = async (): Promise<BarSeries[]> => (await call('data.series')) as BarSeries[];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bullpen-data-api-'));
  lib = openLibrary(join(dir, 'library.sqlite'), { appVersion: 'test' });
  host = new SessionHost({ workerFactory: nodeWorkerFactory(), appVersion: 'test', log: () => undefined });
  const info: AppInfo = { name: 'Bullpen', version: 'test', transport: 'direct', dataDir: dir, dbPath: join(dir, 'library.sqlite') };
  router = createRouter(host, info, undefined, { library: lib });
});
afterAll(async () => {
  await host.dispose();
  lib.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('data API', () => {
  it('lists the bundled S&P 500 and previews it, merging bars to the limit asked for', async () => {
    const list = await seriesList();
    expect(list.map((s) => `${s.exchange} ${s.symbol} ${s.timeframe} ${s.source} ${s.count} ${s.gaps.length}`)).toEqual(['bundled SP500 1d bundled 5105 185']);
    const key = { exchange: 'bundled', symbol: 'SP500', timeframe: '1d' };
    const since = Date.UTC(2008, 8, 1);
    const until = Date.UTC(2008, 11, 1);
    const whole = BarsResult.parse(await call('data.bars', { series: key, since, until, limit: 5000 }));
    expect(whole.merged).toBe(1);
    expect(whole.bars).toEqual(readBars(lib.db, key, { since, until }));
    expect(whole.bars[0]!.ts).toBeGreaterThanOrEqual(since);
    expect(whole.bars.at(-1)!.ts).toBeLessThan(until);

    const preview = BarsResult.parse(await call('data.bars', { series: key, limit: 100 }));
    expect(preview.count).toBe(5105);
    expect(preview.merged).toBe(52);
    expect(preview.bars).toHaveLength(99);
    const stored = readBars(lib.db, key);
    const group = stored.slice(52, 104);
    expect(preview.bars[1]).toEqual({
      ts: group[0]!.ts,
      open: group[0]!.open,
      high: Math.max(...group.map((b) => b.high)),
      low: Math.min(...group.map((b) => b.low)),
      close: group.at(-1)!.close,
      volume: group.reduce((s, b) => s + b.volume, 0),
    });
    expect((await failure('data.bars', { series: { ...key, symbol: 'NOPE' } })).message).toBe('No cached series bundled NOPE 1d.');
  });

  it('imports a good file sent in chunks: the check writes nothing, the commit writes every bar', async () => {
    const text = hourlyCsv();
    expect(splitForUpload(text).length).toBeGreaterThanOrEqual(3);
    const id = await upload('BTC-hourly.csv', text);
    const report = ImportReport.parse(await call('data.importCheck', { uploadId: id }));
    expect(report).toMatchObject({ file: 'BTC-hourly.csv', rows: 3000, bars: 3000, broken: false, gaps: [] });
    expect(report.detected).toMatchObject({ delimiter: ',', timestamp: 'Unix time in milliseconds', timeframe: '1h', header: true });
    expect((await seriesList()).map((s) => s.symbol)).toEqual(['SP500']);

    const done = ImportCommitResult.parse(await call('data.importCommit', { uploadId: id, mode: 'strict' }));
    expect(done.key).toEqual({ exchange: 'csv', symbol: 'BTC-hourly', timeframe: '1h' });
    expect(done).toMatchObject({ written: 3000, added: 3000 });
    expect(done.series).toMatchObject({ source: 'csv', count: 3000, firstTs: Date.UTC(2024, 0, 1), lastTs: Date.UTC(2024, 0, 1) + 2999 * 3_600_000 });
    const bars = readBars(lib.db, done.key);
    expect(bars).toHaveLength(3000);
    expect(bars[1]).toEqual({ ts: Date.UTC(2024, 0, 1, 1), open: 100.2, high: 100.8999, low: 99.7, close: 100.3999, volume: 1001 });
    expect((await seriesList()).map((s) => `${s.exchange} ${s.symbol} ${s.timeframe}`)).toEqual(['bundled SP500 1d', 'csv BTC-hourly 1h']);
    // the upload is gone once committed
    expect((await failure('data.importCheck', { uploadId: id })).message).toMatch(/^No upload .*: it was finished, cancelled, or expired/);
  });

  it('refuses a broken file in strict mode with its issues, writing nothing; repair writes the repaired bars', async () => {
    const text = readFileSync(join(FIX, 'broken.csv'), 'utf8');
    const id = await upload('broken.csv', text, { symbol: 'BROKEN' });
    const report = ImportReport.parse(await call('data.importCheck', { uploadId: id }));
    expect(report.broken).toBe(true);
    expect(report.counts).toEqual({
      duplicate: 1,
      conflicting_duplicate: 1,
      out_of_order: 1,
      non_positive_price: 1,
      high_below_low: 1,
      outside_range: 1,
      missing_value: 1,
      unparseable: 1,
      negative_volume: 1,
      gap: 1,
    });
    expect(report.issues).toContainEqual({ kind: 'duplicate', line: 4, message: 'line 4: repeats the bar of line 3 (2024-01-02T00:00:00.000Z)' });

    const refused = await failure('data.importCommit', { uploadId: id, mode: 'strict' });
    expect(refused.code).toBe('bad_request');
    expect(refused.message).toBe(
      'broken.csv was not imported: 1 non positive price, 1 high below low, 1 outside range, 1 missing value, 1 unparseable, 1 negative volume, 1 duplicate, 1 conflicting duplicate, 1 out of order. Repair it (sort, drop duplicates and invalid rows, mark gaps) or fix the file.',
    );
    expect(refused.issues).toContainEqual({ path: 'line 9', message: 'line 9: a price is zero or negative (open 0, high 1, low 0.5, close 1)' });
    expect(refused.issues).toHaveLength(9);
    expect((await seriesList()).some((s) => s.symbol === 'BROKEN')).toBe(false);

    // the refused upload stays open: the user can still choose to repair it
    const done = ImportCommitResult.parse(await call('data.importCommit', { uploadId: id, mode: 'repair' }));
    expect(done.key).toEqual({ exchange: 'csv', symbol: 'BROKEN', timeframe: '1d' });
    expect(done.report.repairs).toEqual([
      'sorted 1 out-of-order row into time order',
      'dropped 2 duplicate rows (kept the first bar for each time)',
      'dropped 6 rows that are not a valid bar',
      'marked 1 gap (2 missing bars) in the series',
    ]);
    expect(done.series).toMatchObject({ count: 5, gaps: [{ from: Date.UTC(2024, 0, 4), to: Date.UTC(2024, 0, 7), missing: 2 }] });
    expect(readBars(lib.db, done.key).map((b) => [new Date(b.ts).toISOString().slice(0, 10), b.close])).toEqual([
      ['2024-01-01', 100],
      ['2024-01-02', 101],
      ['2024-01-03', 103],
      ['2024-01-04', 104],
      ['2024-01-07', 100],
    ]);
  });

  it('re-checks with another time zone and refuses an unknown one naming the field', async () => {
    const id = await upload('eurusd.csv', readFileSync(join(FIX, 'metatrader-eurusd-h1.csv'), 'utf8'));
    expect(ImportReport.parse(await call('data.importCheck', { uploadId: id })).detected.timeZone).toBe('UTC');
    expect(ImportReport.parse(await call('data.importCheck', { uploadId: id, timeZone: 'Europe/Berlin' })).detected.timeZone).toBe('Europe/Berlin');
    const bad = await failure('data.importCheck', { uploadId: id, timeZone: 'Mars/Olympus' });
    expect(bad.code).toBe('bad_request');
    expect(bad.issues).toEqual([{ path: 'timeZone', message: expect.stringContaining('"Mars/Olympus" is not a time zone') }]);
    expect(await call('data.importCancel', { uploadId: id })).toEqual({ ok: true, cancelled: true });
    expect(await call('data.importCancel', { uploadId: id })).toEqual({ ok: true, cancelled: false });
  });

  it('refuses chunks out of order, for unknown uploads, too large, or past the size announced', async () => {
    const text = hourlyCsv(2000);
    const chunks = splitForUpload(text);
    const { uploadId } = ImportProgress.parse(await call('data.importBegin', { fileName: 'x.csv', bytes: Buffer.byteLength(text) }));
    const skipped = await failure('data.importChunk', { uploadId, index: 1, text: chunks[1] });
    expect(skipped).toMatchObject({ code: 'bad_request', message: 'Chunk 1 of x.csv arrived out of order: chunk 0 is next. Start the upload again.' });
    await call('data.importChunk', { uploadId, index: 0, text: chunks[0] });
    expect((await failure('data.importChunk', { uploadId, index: 0, text: chunks[0] })).message).toMatch(/^Chunk 0 of x\.csv arrived out of order: chunk 1 is next/);
    // checked before it is complete
    expect((await failure('data.importCheck', { uploadId })).message).toMatch(/^x\.csv is incomplete: \d+ of \d+ bytes received\.$/);

    const unknown = await failure('data.importChunk', { uploadId: 'no-such-upload', index: 0, text: 'a' });
    expect(unknown.code).toBe('bad_request');
    expect(unknown.message).toMatch(/^No upload no-such-upload/);

    const big = await failure('data.importChunk', { uploadId, index: 1, text: 'x'.repeat(MAX_IMPORT_CHUNK_BYTES + 1) });
    expect(big.code).toBe('bad_request');
    expect(big.issues).toEqual([{ path: 'text', message: `a chunk carries at most ${MAX_IMPORT_CHUNK_BYTES} bytes of text` }]);

    const small = ImportProgress.parse(await call('data.importBegin', { fileName: 'small.csv', bytes: 10 }));
    const over = await failure('data.importChunk', { uploadId: small.uploadId, index: 0, text: '12345678901' });
    expect(over).toMatchObject({ code: 'payload_too_large', message: 'small.csv is longer than the 10 bytes announced; the upload was cancelled.' });
    expect((await failure('data.importChunk', { uploadId: small.uploadId, index: 0, text: '1' })).message).toMatch(/^No upload/);
    await call('data.importCancel', { uploadId });
  });

  it('keeps every chunk of a file full of quotes and newlines under the request limit', async () => {
    const text = '"a","b"\n'.repeat(40_000);
    const chunks = splitForUpload(text);
    expect(chunks.join('')).toBe(text);
    for (const c of chunks) expect(Buffer.byteLength(JSON.stringify({ id: 1, method: 'data.importChunk', params: { uploadId: 'x'.repeat(36), index: 99, text: c } }))).toBeLessThan(MAX_REQUEST_BYTES);
    // and the host accepts every one of them
    await upload('quotes.csv', text);
  });

  it('caps the total size of uploads in progress with a clear error', async () => {
    const tooBig = await failure('data.importBegin', { fileName: 'huge.csv', bytes: 65 * 1024 * 1024 });
    expect(tooBig.code).toBe('bad_request');
    expect(tooBig.issues).toEqual([{ path: 'bytes', message: 'a file can be at most 64 MB' }]);
    const a = ImportProgress.parse(await call('data.importBegin', { fileName: 'a.csv', bytes: 40 * 1024 * 1024 }));
    const b = await failure('data.importBegin', { fileName: 'b.csv', bytes: 30 * 1024 * 1024 });
    expect(b).toMatchObject({
      code: 'payload_too_large',
      message: expect.stringMatching(/^b\.csv \(30 MB\) does not fit: uploads in progress hold 40 MB of 64 MB\. Finish or cancel them/),
    });
    await call('data.importCancel', { uploadId: a.uploadId });
    const again = ImportProgress.parse(await call('data.importBegin', { fileName: 'b.csv', bytes: 30 * 1024 * 1024 }));
    await call('data.importCancel', { uploadId: again.uploadId });
  });

  it('deletes an imported series but not the bundled one', async () => {
    await call('data.delete', { series: { exchange: 'csv', symbol: 'BROKEN', timeframe: '1d' } });
    expect((await seriesList()).map((s) => s.symbol)).toEqual(['SP500', 'BTC-hourly']);
    expect(readBars(lib.db, { exchange: 'csv', symbol: 'BROKEN', timeframe: '1d' })).toEqual([]);
    const bundled = await failure('data.delete', { series: { exchange: 'bundled', symbol: 'SP500', timeframe: '1d' } });
    expect(bundled.message).toBe('S&P 500 index, daily, 2000-01-03 … 2020-04-17 ships with Bullpen and cannot be deleted.');
    expect((await failure('data.delete', { series: { exchange: 'csv', symbol: 'BROKEN', timeframe: '1d' } })).message).toBe('No cached series csv BROKEN 1d.');
  });

  it('answers with a clear error when there is no library', async () => {
    const bare = createRouter(host, { name: 'Bullpen', version: 'test', transport: 'direct', dataDir: dir, dbPath: '' });
    const text = JSON.stringify({ id: 1, method: 'data.series', params: {} });
    const res = ResponseEnvelope.parse(await bare.handle(text, text.length));
    expect(res).toEqual({ id: 1, ok: false, error: { code: 'internal', message: 'Market data is not available: the library is not open.' } });
  });
});
