import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DataIO, dataExport, dataFetch, dataImport, dataList } from '../../src-main/market-data/commands';
import { FakeBinance } from '../fixtures/data/fake-binance';

/**
 * `bullpen data …`: a few runs exactly as `npx bullpen` runs it (bin/bullpen.mjs through tsx, ~2 s
 * each here), the rest through the same command functions in-process, on one temporary library.
 */

let dir: string;
let db: string;
let fake: FakeBinance;
const FIX = join(import.meta.dirname, '..', 'fixtures', 'data');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bullpen-data-cli-'));
  db = join(dir, 'library.sqlite');
  fake = await FakeBinance.start();
});
afterAll(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Async, so the loopback exchange in this process can answer while the CLI runs. */
function bullpen(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, ...ENV };
    const p = spawn(process.execPath, ['bin/bullpen.mjs', '--db', db, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => p.kill('SIGKILL'), 30_000);
    p.on('error', reject);
    p.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

const ENV = { BULLPEN_PROXY: '', HTTPS_PROXY: '', https_proxy: '', HTTP_PROXY: '', http_proxy: '' };

/** The same commands in-process: exit code and what they printed. */
async function inProcess(run: (io: DataIO) => number | Promise<number>): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await run({ out: (t) => void (stdout += t), err: (t) => void (stderr += t), env: ENV });
  return { status, stdout, stderr };
}

describe('bullpen data', () => {
  it('lists the bundled S&P 500 series in a new library, ready offline', async () => {
    const r = await bullpen('data', 'list');
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^exchange +symbol +timeframe +bars +first +last +gaps +source$/);
    expect(lines[1]).toMatch(/^bundled +SP500 +1d +5105 +2000-01-03T00:00:00Z +2020-04-17T00:00:00Z +185 +bundled$/);
  });

  it('refuses a broken CSV, printing the report and naming the problems, exit 3', async () => {
    const r = await bullpen('data', 'import', join(FIX, 'broken.csv'));
    expect(r.status).toBe(3);
    expect(r.stdout).toContain('broken.csv: 13 rows, 5 valid bars');
    expect(r.stdout).toContain('line 4: repeats the bar of line 3 (2024-01-02T00:00:00.000Z)');
    expect(r.stderr).toBe(
      `bullpen data import: refused ${join(FIX, 'broken.csv')}: 1 non positive price, 1 high below low, 1 outside range, 1 missing value, 1 unparseable, 1 negative volume, 1 duplicate, 1 conflicting duplicate, 1 out of order. Run again with --repair to sort, drop duplicates and invalid rows and mark gaps.\n`,
    );
  });

  it('imports it with --repair, and exports what was stored', async () => {
    const r = await inProcess((io) => dataImport({ db, file: join(FIX, 'broken.csv'), mode: 'repair', symbol: 'TEST' }, io));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('repaired: dropped 2 duplicate rows (kept the first bar for each time)');
    expect(r.stdout).toMatch(/imported 5 bars \(5 new\) as csv TEST 1d; cache: 5 bars, 2024-01-01T00:00:00Z … 2024-01-07T00:00:00Z, 1 gap\.\n$/);

    const out = join(dir, 'test.csv');
    const e = await inProcess((io) => dataExport({ db, exchange: 'csv', symbol: 'TEST', out }, io));
    expect(e.status, e.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(
      [
        'timestamp,date,open,high,low,close,volume',
        '1704067200000,2024-01-01T00:00:00.000Z,99,101,98,100,11',
        '1704153600000,2024-01-02T00:00:00.000Z,100,102,99,101,10',
        '1704240000000,2024-01-03T00:00:00.000Z,101,104,100,103,12',
        '1704326400000,2024-01-04T00:00:00.000Z,103,105,102,104,9',
        '1704585600000,2024-01-07T00:00:00.000Z,100,105,95,100,1',
        '',
      ].join('\n'),
    );
  });

  it('round-trips the bundled series through export and import', async () => {
    const out = join(dir, 'sp.csv');
    expect((await inProcess((io) => dataExport({ db, symbol: 'SP500', out }, io))).status).toBe(0);
    const r = await inProcess((io) => dataImport({ db, file: out, mode: 'check', symbol: 'SP500-copy' }, io));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('imported 5105 bars (5105 new) as csv SP500-copy 1d');
    const bundled = readFileSync(out, 'utf8');
    const again = join(dir, 'sp2.csv');
    expect((await inProcess((io) => dataExport({ db, exchange: 'csv', symbol: 'SP500-copy', out: again }, io))).status).toBe(0);
    expect(readFileSync(again, 'utf8')).toBe(bundled);
  });

  it('fetches from an exchange (loopback), then updates incrementally', async () => {
    const args = ['data', 'fetch', '--exchange', 'binance', '--symbol', 'BTC/USDT', '--timeframe', '1m', '--api-url', fake.url];
    const r = await bullpen(...args, '--since', '2023-11-14', '--until', '2023-11-14T10:00');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('binance BTC/USDT 1m: fetched 600 bars in 2 requests from 2023-11-14T00:00:00Z (600 new); cache: 600 bars, 2023-11-14T00:00:00Z … 2023-11-14T09:59:00Z, 0 gaps.\n');
    expect(r.stderr).toContain('page 2: 100 bars, up to 2023-11-14T09:59:00Z');

    // from the newest cached bar to the end of the exchange's data
    const more = await inProcess((io) => dataFetch({ db, exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m', apiUrl: fake.url }, io));
    expect(more.status, more.stderr).toBe(0);
    expect(more.stdout).toMatch(/^binance BTC\/USDT 1m: fetched 600 bars in \d requests from 2023-11-14T10:00:00Z \(600 new\); cache: 1200 bars, 2023-11-14T00:00:00Z … 2023-11-14T19:59:00Z, 0 gaps\.\n$/);
  });

  it("lists an exchange's markets and timeframes", async () => {
    const r = await inProcess((io) => dataList({ db, markets: 'binance', apiUrl: fake.url }, io));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('BTC/USDT\tspot\nETH/USDT\tspot\nLUNA/USDT\tspot\tinactive\n');
    expect(r.stderr).toMatch(/^3 markets on binance; timeframes: 1s, 1m, 3m, .*1d.*\.\n$/);
  });

  it('fails clearly when the exchange keeps failing, and points at the cache', async () => {
    for (let i = 0; i < 2; i++) fake.script.push({ status: 502, body: 'bad gateway' });
    const r = await inProcess((io) => dataFetch({ db, exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m', since: '2023-11-15', apiUrl: fake.url, retries: 1, backoffMs: 10 }, io));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('binance is unavailable (HTTP 502) while trying to fetch 1m bars of BTC/USDT. Retrying in 0.0 s (retry 1).');
    expect(r.stderr).toContain('bullpen data fetch: binance is unavailable (HTTP 502) while trying to fetch 1m bars of BTC/USDT. Gave up after 2 attempts.\n');
    expect(r.stderr).toContain('The cache still has 1200 bars, 2023-11-14T00:00:00Z … 2023-11-14T19:59:00Z, 0 gaps; Bullpen works from it offline.');
  });

  it('names an unknown exchange and a bad date', async () => {
    const a = await inProcess((io) => dataFetch({ db, exchange: 'nosuchx', symbol: 'A/B', timeframe: '1m', since: '2024-01-01' }, io));
    expect(a.status).toBe(1);
    expect(a.stderr).toMatch(/^bullpen data fetch: "nosuchx" is not an exchange ccxt 4\.5\.\d+ supports\. `bullpen data list --exchanges` lists them all\.\n$/);
    const b = await inProcess((io) => dataFetch({ db, exchange: 'binance', symbol: 'A/B', timeframe: '1m', since: 'yesterday' }, io));
    expect(b.status).toBe(1);
    expect(b.stderr).toBe('bullpen data fetch: --since must be a date like 2024-01-31, 2024-01-31T12:00Z or Unix milliseconds, got "yesterday".\n');
  });

  it('refuses --repair with --refuse, and a file it cannot read', async () => {
    const f = join(dir, 'empty.csv');
    writeFileSync(f, '');
    const r = await inProcess((io) => dataImport({ db, file: f, mode: 'check' }, io));
    expect(r.status).toBe(3);
    expect(r.stdout).toContain('No table of at least 5 columns');
    const both = await bullpen('data', 'import', f, '--repair', '--refuse');
    expect(both.status).toBe(1);
    expect(both.stderr).toBe('bullpen data import: --repair and --refuse exclude each other.\n');
  });
});
