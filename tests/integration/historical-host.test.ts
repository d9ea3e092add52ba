import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, SessionInfo, SessionStatus } from '../../src-shared/api';
import type { BullpenEvent } from '../../src-shared/events';
import type { FrameBatch } from '../../src-shared/frame';
import type { Bar, BarSeriesKey } from '../../src-shared/market-data';
import { libraryBarLoader } from '../../src-main/host/historical-bars';
import { nodeWorkerFactory } from '../../src-main/host/node-worker';
import { SessionHost } from '../../src-main/host/session-host';
import { ReplayCursor } from '../../src-main/replay/cursor';
import { verifyRecording } from '../../src-main/replay/verify';
import { deleteSeries, readBars, upsertSeries, writeBars } from '../../src-main/store/bars';
import { openLibrary, type Library } from '../../src-main/store/library';
import { Recorder } from '../../src-main/store/recorder';
import { getRecording } from '../../src-main/store/recordings';

/**
 * Historical mode through the host: the real sim worker, a throwaway library whose bar cache holds
 * the bundled S&P 500 series (put there on first use) and a small imported one; the session's bars
 * are loaded by the host, the session ends when the data does, and its recording replays from the cache.
 */

const SMALL = { crowd: 300, desks: 2, speed: 'max' } as const;
const SP500: BarSeriesKey = { exchange: 'bundled', symbol: 'SP500', timeframe: '1d' };
const HOURLY: BarSeriesKey = { exchange: 'csv', symbol: 'TEST', timeframe: '1h' };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

async function apiError(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected an ApiError');
}

let dir: string;
let lib: Library;
let recorder: Recorder;
let host: SessionHost;
const batches: FrameBatch[] = [];
const events: BullpenEvent[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bullpen-hist-'));
  lib = openLibrary(join(dir, 'library.sqlite'), { appVersion: 'test' });
  recorder = new Recorder(lib, { keyframeEvery: 200, sampleTicks: 20, log: () => undefined });
  host = new SessionHost({ workerFactory: nodeWorkerFactory(), recorder, appVersion: 'test', log: () => undefined, loadBars: libraryBarLoader(() => lib.db) });
  host.onFrames((b) => batches.push(b));
  host.onPush((m) => {
    if (m.push === 'events') events.push(...m.events);
  });
  // a small imported hourly series (20 bars)
  const bars: Bar[] = Array.from({ length: 20 }, (_, i) => {
    const o = 50 + i * 0.1;
    return { ts: Date.UTC(2024, 0, 2, i), open: o, high: o * 1.004, low: o * 0.997, close: o + 0.1, volume: 100 };
  });
  upsertSeries(lib.db, HOURLY, { source: 'csv', name: 'test', calendar: 'continuous', gaps: [], origin: 'test' });
  writeBars(lib.db, HOURLY, bars);
});
afterAll(async () => {
  await host.dispose();
  recorder.close();
  lib.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('historical sessions in the host', () => {
  let sessionId = '';

  it('start on the bundled S&P 500 series: the roster names it, frames flow, the session stops when the data ends', async () => {
    const since = Date.UTC(2008, 8, 1);
    const until_ = Date.UTC(2008, 9, 31);
    const info = SessionInfo.parse(await host.start({ ...SMALL, seed: 2, market: { kind: 'historical', series: [SP500], since, until: until_ } }));
    sessionId = info.sessionId;
    const cached = readBars(lib.db, SP500, { since, until: until_ + 1 });
    expect(cached.length).toBeGreaterThan(40);
    // one floor symbol per series, named after it, starting at the first bar's open; the range is pinned to the bars
    expect(info.config.symbols).toBe(1);
    expect(info.config.market).toEqual({ kind: 'historical', series: [SP500], since: cached[0]!.ts, until: cached.at(-1)!.ts });
    expect(info.roster.symbols).toHaveLength(1);
    expect(info.roster.symbols[0]).toMatchObject({ name: 'SP500', startPrice: Math.round(cached[0]!.open * 100) / 100 });

    await until(() => host.status().health === 'stopped', 30_000, 'the end of the data');
    const status = SessionStatus.parse(host.status());
    expect(status).toMatchObject({ sessionId, health: 'stopped', error: null, tick: cached.length * 60 });
    // still on show: the floor keeps its session, but nothing can be driven any more
    expect(host.info()?.sessionId).toBe(sessionId);
    expect((await apiError(host.pause())).message).toMatch(/historical data ran out/);

    const mine = batches.filter((b) => b.sessionId === sessionId);
    expect(mine.length).toBeGreaterThan(0);
    for (const b of mine) expect(b.latest.symbols.last).toHaveLength(1);
    const lastClose = cached.at(-1)!.close;
    expect(Math.abs(mine.at(-1)!.latest.symbols.last[0]! / lastClose - 1)).toBeLessThan(0.01);
    const ended = events.filter((e) => e.sessionId === sessionId && e.type === 'alert' && e.source === 'historical data');
    expect(ended).toHaveLength(1);
    expect(ended[0]!.type === 'alert' && ended[0]!.message).toMatch(new RegExp(`all ${cached.length} bars replayed`));
    // recorded as stopped (not crashed)
    await until(() => getRecording(lib, sessionId).status === 'stopped', 5000, 'the recording to close');
  });

  it('its recording replays and verifies from the cached bars', () => {
    const report = verifyRecording(lib, sessionId);
    expect(report.ok).toBe(true);
    expect(report.checked).toBeGreaterThan(3);
    const cursor = new ReplayCursor(lib, sessionId);
    const e = cursor.seek(700);
    expect(e.tick).toBe(700);
    expect(e.roster.symbols[0]!.name).toBe('SP500');
  });

  it('refuses a missing series, mixed timeframes and an empty range with bad_request, leaving the running session alone', async () => {
    const live = await host.start({ crowd: 200, desks: 2, symbols: 2, speed: 1 });
    const bad = async (market: unknown): Promise<ApiError> => apiError(host.start({ ...SMALL, market } as Parameters<SessionHost['start']>[0]));
    const missing = await bad({ kind: 'historical', series: [{ exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' }] });
    expect(missing.code).toBe('bad_request');
    expect(missing.message).toMatch(/no cached series binance BTC\/USDT 1m/);
    const mixed = await bad({ kind: 'historical', series: [SP500, HOURLY] });
    expect(mixed.code).toBe('bad_request');
    expect(mixed.message).toMatch(/different timeframes/);
    const empty = await bad({ kind: 'historical', series: [SP500], since: Date.UTC(1990, 0, 1), until: Date.UTC(1991, 0, 1) });
    expect(empty.code).toBe('bad_request');
    expect(empty.message).toMatch(/no bars in the range.*2000-01-03/);
    const status = host.status();
    expect(status.sessionId).toBe(live.sessionId);
    expect(status.health).toBe('running');
    await host.stop();
  });

  it('a slow one (hourly bars at 1×: a tick a minute) stays alive on heartbeats instead of being declared stalled', async () => {
    const slow = new SessionHost({ workerFactory: nodeWorkerFactory(), appVersion: 'test', log: () => undefined, stallTimeoutMs: 1200, loadBars: libraryBarLoader(() => lib.db) });
    try {
      const seen: FrameBatch[] = [];
      slow.onFrames((b) => seen.push(b));
      const info = await slow.start({ ...SMALL, speed: 1, market: { kind: 'historical', series: [HOURLY] } });
      await sleep(3000);
      expect(slow.status()).toMatchObject({ sessionId: info.sessionId, health: 'running', tick: 0 });
      expect(seen.length).toBeGreaterThanOrEqual(2);
    } finally {
      await slow.dispose();
    }
  });

  it('a replay whose cached series was deleted says so', async () => {
    const info = await host.start({ ...SMALL, seed: 5, market: { kind: 'historical', series: [HOURLY] } });
    expect(info.roster.symbols[0]!.name).toBe('TEST');
    await until(() => host.status().health === 'stopped', 30_000, 'the end of the hourly data');
    expect(host.status().tick).toBe(20 * 60);
    await until(() => getRecording(lib, info.sessionId).status === 'stopped', 5000, 'the recording to close');
    expect(deleteSeries(lib.db, HOURLY)).toBe(true);
    expect(() => new ReplayCursor(lib, info.sessionId)).toThrow(/no longer there.*no cached series csv TEST 1h/);
  });
});
