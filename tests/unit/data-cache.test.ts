import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureBundled, loadBundled } from '../../src-main/market-data/bundled';
import { resourcesDir } from '../../src-main/resources';
import { ExchangeClient } from '../../src-main/market-data/ccxt-client';
import { barsFor, updateSeries } from '../../src-main/market-data/sync';
import { getSeries, listSeries, readBars, upsertSeries, writeBars } from '../../src-main/store/bars';
import { type Library, openLibrary } from '../../src-main/store/library';
import { FakeBinance, MINUTE, T0 } from '../fixtures/data/fake-binance';

const KEY = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' };
const BTC = [{ symbol: 'BTC/USDT', id: 'BTCUSDT', base: 'BTC', quote: 'USDT', type: 'spot', active: true }];

let dir: string;
let lib: Library;
let fake: FakeBinance;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bullpen-bars-'));
  lib = openLibrary(join(dir, 'library.sqlite'));
  fake = await FakeBinance.start();
});
afterEach(async () => {
  lib.close();
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

function client(now = T0 + 1200 * MINUTE, url = fake.url): ExchangeClient {
  return new ExchangeClient('binance', { apiBaseUrl: url, enableRateLimit: false, markets: BTC, retries: 1, backoffMs: 1, timeoutMs: 2000, now: () => now });
}

describe('bar cache (library migration 2)', () => {
  it('keeps one bar per (exchange, symbol, timeframe, ts): writing it again replaces it', () => {
    upsertSeries(lib.db, KEY, { source: 'exchange', name: 'x', calendar: 'continuous', gaps: [], origin: 'test' });
    const bar = { ts: T0, open: 1, high: 2, low: 0.5, close: 1.5, volume: 3 };
    expect(writeBars(lib.db, KEY, [bar, { ...bar, ts: T0 + MINUTE }])).toEqual({ written: 2, added: 2 });
    expect(writeBars(lib.db, KEY, [{ ...bar, close: 1.75 }])).toEqual({ written: 1, added: 0 });
    expect(readBars(lib.db, KEY)).toEqual([{ ...bar, close: 1.75 }, { ...bar, ts: T0 + MINUTE }]);
    expect(readBars(lib.db, { ...KEY, timeframe: '5m' })).toEqual([]);
    expect(() => lib.db.prepare(`INSERT INTO bars VALUES ('binance', 'BTC/USDT', '1m', ?, 1, 1, 1, 1, 1)`).run(T0)).toThrow(/UNIQUE|PRIMARY KEY/);
  });

  it('refuses to store an invalid bar', () => {
    upsertSeries(lib.db, KEY, { source: 'exchange', name: 'x', calendar: 'continuous', gaps: [], origin: 'test' });
    expect(() => writeBars(lib.db, KEY, [{ ts: T0, open: 1, high: 0.5, low: 2, close: 1, volume: 0 }])).toThrow(/high is below low/);
    expect(getSeries(lib.db, KEY)?.count).toBe(0);
  });
});

describe('fetching into the cache', () => {
  it('fetches a range once, then only what is new (incremental update)', async () => {
    const first = await updateSeries(lib.db, client(T0 + 1000 * MINUTE), KEY, { since: T0 });
    expect(first).toMatchObject({ fetched: 1000, added: 1000, pages: 2, from: T0 });
    expect(first.series).toMatchObject({ count: 1000, firstTs: T0, lastTs: T0 + 999 * MINUTE, gaps: [], source: 'exchange' });

    const before = fake.klineRequests().length;
    const second = await updateSeries(lib.db, client(T0 + 1200 * MINUTE), KEY); // no --since: from the newest cached bar
    expect(second).toMatchObject({ fetched: 200, added: 200, from: T0 + 1000 * MINUTE });
    expect(Number(fake.klineRequests()[before]?.get('startTime'))).toBe(T0 + 1000 * MINUTE);
    expect(second.series.count).toBe(1200);

    // asking for a range the cache already holds starts after it; --refresh fetches again without duplicates
    const third = await updateSeries(lib.db, client(T0 + 1200 * MINUTE), KEY, { since: T0 + 10 * MINUTE });
    expect(third.from).toBe(T0 + 1200 * MINUTE);
    expect(third.fetched).toBe(0);
    const again = await updateSeries(lib.db, client(T0 + 1200 * MINUTE), KEY, { since: T0, refresh: true });
    expect(again).toMatchObject({ fetched: 1200, added: 0 });
    expect(getSeries(lib.db, KEY)?.count).toBe(1200);
  });

  it('marks the holes the exchange leaves as gaps', async () => {
    fake.klines = fake.klines.filter((k) => k[0] < T0 + 100 * MINUTE || k[0] >= T0 + 103 * MINUTE);
    const r = await updateSeries(lib.db, client(T0 + 200 * MINUTE), KEY, { since: T0 });
    expect(r.series.count).toBe(197);
    expect(r.series.gaps).toEqual([{ from: T0 + 99 * MINUTE, to: T0 + 103 * MINUTE, missing: 3 }]);
  });

  it('keeps what it got when the connection fails mid-way, and resumes from there', async () => {
    // first page succeeds, then the exchange goes away
    const c = client(T0 + 1200 * MINUTE);
    const url = fake.url;
    let pages = 0;
    await expect(
      updateSeries(lib.db, c, KEY, {
        since: T0,
        onPage: () => {
          pages++;
          if (pages === 1) fake.script.push(...Array.from({ length: 3 }, () => ({ status: 503, body: 'maintenance' })));
        },
      }),
    ).rejects.toThrow('binance is unavailable (HTTP 503) while trying to fetch 1m bars of BTC/USDT. Gave up after 2 attempts.');
    expect(getSeries(lib.db, KEY)?.count).toBe(500);
    fake.script.length = 0;
    const resumed = await updateSeries(lib.db, client(T0 + 1200 * MINUTE, url), KEY);
    expect(resumed).toMatchObject({ from: T0 + 500 * MINUTE, fetched: 700 });
    expect(resumed.series.count).toBe(1200);
  });

  it('works from the cache when the exchange cannot be reached, and says so', async () => {
    await updateSeries(lib.db, client(T0 + 600 * MINUTE), KEY, { since: T0 });
    const url = fake.url;
    await fake.close();
    const r = await barsFor(lib.db, KEY, { since: T0 + 500 * MINUTE, until: T0 + 700 * MINUTE }, client(T0 + 1200 * MINUTE, url));
    expect(r.bars.map((b) => b.ts)).toEqual(Array.from({ length: 100 }, (_, i) => T0 + (500 + i) * MINUTE));
    expect(r.offline).toMatch(/^Could not reach binance to fetch 1m bars of BTC\/USDT: .* Working from the cache \(600 bars of BTC\/USDT 1m on binance\)\.$/);
    fake = await FakeBinance.start();
  });

  it('leaves no empty series behind when the very first fetch fails', async () => {
    fake.script.push({ status: 500 }, { status: 500 });
    await expect(updateSeries(lib.db, client(), KEY, { since: T0 })).rejects.toThrow(/unavailable/);
    expect(listSeries(lib.db)).toEqual([]);
  });

  it('asks where to start when nothing is cached and no --since is given', async () => {
    await expect(updateSeries(lib.db, client(), KEY)).rejects.toThrow('Nothing of BTC/USDT 1m on binance is cached yet: say where to start (--since DATE).');
    expect(fake.requests).toHaveLength(0);
  });
});

describe('the bundled data set', () => {
  it('ships the S&P 500 daily file unchanged, with its licence and source notes', () => {
    const data = join(resourcesDir(), 'data');
    const csv = readFileSync(join(data, 'sp500-2000.csv'));
    expect(createHash('sha256').update(csv).digest('hex')).toBe('9409e9342d0657c747324e4cfabce8a8c7f663bc485b95a3378f36b0a160f8c8');
    expect(readFileSync(join(data, 'LICENSE-vega-datasets.txt'), 'utf8')).toContain('BSD 3-Clause');
    const source = readFileSync(join(data, 'SOURCE.md'), 'utf8');
    expect(source).toContain('vega-datasets');
    expect(source).toContain('Yahoo Finance');
  });

  it('loads offline as 5,105 clean daily bars, 2000-01-03 … 2020-04-17, holidays marked as gaps', () => {
    const { bars, report } = loadBundled();
    expect(bars).toHaveLength(5105);
    expect(new Date(bars[0]?.ts ?? 0).toISOString()).toBe('2000-01-03T00:00:00.000Z');
    expect(new Date(bars.at(-1)?.ts ?? 0).toISOString()).toBe('2020-04-17T00:00:00.000Z');
    expect(bars.at(-1)).toEqual({ ts: Date.UTC(2020, 3, 17), open: 2842.429932, high: 2879.219971, low: 2830.879883, close: 2874.560059, volume: 5792140000 });
    expect(report.broken).toBe(false);
    expect(report.detected.calendar).toBe('weekdays');
    expect(Object.keys(report.counts)).toEqual(['gap']);
    // the NYSE was closed 11–14 September 2001
    expect(report.gaps).toContainEqual({ from: Date.UTC(2001, 8, 10), to: Date.UTC(2001, 8, 17), missing: 4 });
  });

  it('is put into the cache once, under bundled/SP500/1d', () => {
    expect(ensureBundled(lib.db)).toEqual(['sp500']);
    expect(ensureBundled(lib.db)).toEqual([]);
    const s = getSeries(lib.db, { exchange: 'bundled', symbol: 'SP500', timeframe: '1d' });
    expect(s).toMatchObject({ source: 'bundled', count: 5105, calendar: 'weekdays', firstTs: Date.UTC(2000, 0, 3), lastTs: Date.UTC(2020, 3, 17) });
    expect(s?.gaps).toHaveLength(185);
  });
});
