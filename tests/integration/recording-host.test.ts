import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionStatus } from '../../src-shared/api';
import { Engine } from '../../src-workers/sim/engine';
import { snapshot } from '../../src-workers/sim/snapshot';
import { nodeWorkerFactory } from '../../src-main/host/node-worker';
import { SessionHost } from '../../src-main/host/session-host';
import { openLibrary, type Library } from '../../src-main/store/library';
import { Recorder } from '../../src-main/store/recorder';
import { getRecording, keyframeTicks, listRecordings, readBars, readEquity, readEvents, readInputs, readMarks } from '../../src-main/store/recordings';
import { ReplayCursor, advance } from '../../src-main/replay/cursor';
import { verifyRecording } from '../../src-main/replay/verify';

/**
 * Recording end to end: the real sim worker, the host and the recorder on a library file; then the
 * recording is read back, replayed (seek = keyframe + re-simulation) and verified, and forked.
 */

const SMALL = { crowd: 300, symbols: 2, desks: 2 } as const;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

let dir: string;
let lib: Library;
let recorder: Recorder;
let host: SessionHost;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bullpen-rec-'));
  lib = openLibrary(join(dir, 'library.sqlite'), { appVersion: 'test' });
  recorder = new Recorder(lib, { keyframeEvery: 100, sampleTicks: 20, log: () => undefined });
  host = new SessionHost({ workerFactory: nodeWorkerFactory(), recorder, appVersion: 'test', log: () => undefined });
});
afterAll(async () => {
  await host.dispose();
  recorder.close();
  lib.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('recording a live session', () => {
  let id = '';
  let inputTick = 0;

  it('records events, inputs, marks, keyframes, bars and equity, committing while it runs', async () => {
    const info = await host.start({ ...SMALL, seed: 21, speed: 'max' });
    id = info.sessionId;
    await until(() => host.status().tick > 400, 20_000, 'tick 400');
    inputTick = (await host.input({ kind: 'setParam', param: 'volatility', value: 4 })).tick;
    // inputs resolve with the tick they apply at, which at max speed can be hundreds of ticks ahead
    const haltTick = (await host.input({ kind: 'halt', desk: 1, halted: true })).tick;
    await until(() => host.status().tick > Math.max(inputTick, haltTick) + 300, 20_000, 'ticks after the inputs');
    // committed while running (at least every 250 ms), with a visible lag figure
    await sleep(400);
    const live = SessionStatus.parse(host.status());
    expect(live.recording?.state).toBe('recording');
    expect(live.recording?.committedEvents).toBeGreaterThan(0);
    expect(live.recording?.lagMs).toBeLessThan(2000);
    expect(getRecording(lib, id).status).toBe('running');
    await host.stop();

    const rec = getRecording(lib, id);
    expect(rec.status).toBe('stopped');
    expect(rec.roster?.symbols).toHaveLength(2);
    expect(rec.lastTick).toBeGreaterThan(inputTick + 300);
    const events = readEvents(lib, id);
    expect(events.length).toBe(rec.eventCount);
    // nothing lost: seq numbers are contiguous from 0
    events.forEach((e, i) => expect(e.seq).toBe(i));
    const inputs = readInputs(lib, id);
    expect(inputs.map((i) => i.input.kind)).toEqual(['setParam', 'halt']);
    expect(inputs[0]!.tick).toBe(inputTick);
    expect(readMarks(lib, id).some((m) => m.kind === 'halt')).toBe(true);
    const kf = keyframeTicks(lib, id);
    expect(kf[0]).toBe(0);
    expect(kf.every((t) => t % 100 === 0)).toBe(true);
    expect(kf.length).toBeGreaterThanOrEqual(Math.floor(rec.lastTick / 100));
    const bars = readBars(lib, id, 0);
    expect(bars.length).toBeGreaterThanOrEqual(Math.floor(rec.lastTick / 20) - 1);
    for (const b of bars) expect(b.low).toBeLessThanOrEqual(Math.min(b.open, b.close));
    expect(readEquity(lib, id).length).toBeGreaterThan(0);
    expect(listRecordings(lib).map((r) => r.id)).toContain(id);
    expect(rec.bytes).toBeGreaterThan(0);
  }, 60_000);

  it('verify re-simulates from seed + inputs and matches every keyframe', () => {
    const report = verifyRecording(lib, id);
    expect(report.ok).toBe(true);
    expect(report.from).toBe('seed');
    expect(report.checked).toBe(report.keyframes);
    expect(report.inputs).toBe(2);
  }, 60_000);

  it('seek reaches the exact recorded state at any tick, forward and back, with the recorded events', () => {
    const rec = getRecording(lib, id);
    const cursor = new ReplayCursor(lib, id);
    const target = inputTick + 137;
    // reference: a plain re-simulation from the seed with the recorded inputs
    const ref = new Engine(rec.config);
    const inputs = new Map<number, ReturnType<typeof readInputs>[number]['input'][]>();
    for (const r of readInputs(lib, id)) inputs.set(r.tick, [...(inputs.get(r.tick) ?? []), r.input]);
    advance(ref, target, inputs);
    expect(cursor.seek(target).stateHash()).toBe(ref.stateHash());
    expect(cursor.seek(5).tick).toBe(5);
    const seen: number[] = [];
    cursor.seek(target - 1);
    cursor.step(1, (evs) => evs.forEach((e) => seen.push(e.seq)));
    expect(cursor.tick).toBe(target);
    expect(cursor.current().stateHash()).toBe(ref.stateHash());
    // the events re-simulated for that tick are the recorded ones
    const recorded = readEvents(lib, id, target - 1, target - 1).map((e) => e.seq);
    expect(seen).toEqual(recorded);
  }, 60_000);

  it('forks from a recorded tick: a new live session from that exact state, recording its parent and tick', async () => {
    const rec = getRecording(lib, id);
    const cursor = new ReplayCursor(lib, id);
    const forkTick = 250;
    const state = snapshot(cursor.seek(forkTick));
    const info = await host.fork(rec.config, { parentId: id, tick: forkTick, state });
    await until(() => host.status().tick > forkTick + 150, 20_000, 'fork ticks');
    await host.stop();
    const fork = getRecording(lib, info.sessionId);
    expect(fork.parentId).toBe(id);
    expect(fork.forkTick).toBe(forkTick);
    expect(fork.firstTick).toBe(forkTick);
    expect(keyframeTicks(lib, fork.id)[0]).toBe(forkTick);
    const report = verifyRecording(lib, fork.id);
    expect(report.from).toBe('fork point');
    expect(report.ok).toBe(true);
    // without new inputs the fork follows its parent exactly
    const a = new ReplayCursor(lib, id).seek(forkTick + 100).stateHash();
    const b = new ReplayCursor(lib, fork.id).seek(forkTick + 100).stateHash();
    if (inputTick >= forkTick + 100) expect(b).toBe(a);
  }, 60_000);
});

/** A disk that stalls: every commit takes `stallMs` while armed. */
class SlowRecorder extends Recorder {
  stallMs = 0;
  override commit(): void {
    const until = performance.now() + this.stallMs;
    while (performance.now() < until) {
      // a slow fsync
    }
    super.commit();
  }
}

describe('back-pressure', () => {
  it('holds the engine back while the disk is behind, shows the lag, and drops nothing', async () => {
    const slow = new SlowRecorder(lib, { keyframeEvery: 100, log: () => undefined });
    const logs: string[] = [];
    const h = new SessionHost({ workerFactory: nodeWorkerFactory(), recorder: slow, appVersion: 'test', log: (l) => logs.push(l), stallTimeoutMs: 20_000 });
    try {
      const info = await h.start({ ...SMALL, seed: 5, speed: 'max' });
      await until(() => h.status().tick > 200, 20_000, 'tick 200');
      slow.stallMs = 1300;
      let maxLag = 0;
      // sampled as batches arrive too: the host thread is busy in the slow commits between polls
      const off = h.onFrames(() => {
        maxLag = Math.max(maxLag, h.status().recording?.lagMs ?? 0);
      });
      const t0 = Date.now();
      while (Date.now() - t0 < 5000) {
        const st = SessionStatus.parse(h.status()).recording;
        maxLag = Math.max(maxLag, st?.lagMs ?? 0);
        await sleep(25);
      }
      slow.stallMs = 0;
      off();
      expect(maxLag).toBeGreaterThan(1000);
      expect(logs.some((l) => /holding the engine back/.test(l))).toBe(true);
      await until(() => SessionStatus.parse(h.status()).recording?.backpressure === false, 10_000, 'back-pressure released');
      const before = h.status().tick;
      await until(() => h.status().tick > before + 100, 10_000, 'ticks after release');
      await h.stop();
      const events = readEvents(lib, info.sessionId);
      expect(events.length).toBe(getRecording(lib, info.sessionId).eventCount);
      events.forEach((e, i) => expect(e.seq).toBe(i));
      expect(verifyRecording(lib, info.sessionId).ok).toBe(true);
    } finally {
      await h.dispose();
      slow.close();
    }
  }, 60_000);
});
