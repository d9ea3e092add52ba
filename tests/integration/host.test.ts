import { Worker } from 'node:worker_threads';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionInfo, SessionStatus, type PushMessage } from '../../src-shared/api';
import { BullpenEvent } from '../../src-shared/events';
import type { FrameBatch } from '../../src-shared/frame';
import { nodeWorkerFactory } from '../../src-main/host/node-worker';
import { SessionHost, type WorkerFactory } from '../../src-main/host/session-host';
import { openLibrary, type Library } from '../../src-main/store/library';

/**
 * The host under plain Node with the real sim worker (src-workers/sim/sim.worker.ts through tsx).
 * Small sessions (crowd 200) keep the two shared cores free for the other tests.
 */

const SMALL = { crowd: 200, symbols: 2, desks: 2 } as const;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

interface Recorder {
  batches: FrameBatch[];
  events: BullpenEvent[];
  pushes: PushMessage[];
  /** events the live view left out (counted by the host, never silently) */
  skipped: number;
  stop(): void;
}

function record(host: SessionHost): Recorder {
  const r: Recorder = { batches: [], events: [], pushes: [], skipped: 0, stop: () => undefined };
  const offF = host.onFrames((b) => r.batches.push(b));
  const offP = host.onPush((m) => {
    r.pushes.push(m);
    if (m.push === 'events') {
      r.events.push(...m.events);
      r.skipped += m.skipped;
    }
  });
  r.stop = () => {
    offF();
    offP();
  };
  return r;
}

/** Ticks seen in batches that arrived within the window. */
async function ticksDuring(rec: Recorder, ms: number): Promise<number> {
  const from = rec.batches.length;
  await sleep(ms);
  return rec.batches.slice(from).reduce((n, b) => n + (b.toTick - b.fromTick + 1), 0);
}

let dir: string;
let lib: Library;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bullpen-host-'));
  lib = openLibrary(join(dir, 'library.sqlite'), { appVersion: 'test' });
});
afterAll(() => {
  lib.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('SessionHost with the real sim worker', () => {
  let host: SessionHost;
  beforeAll(() => {
    host = new SessionHost({ workerFactory: nodeWorkerFactory(), recorder: lib, appVersion: 'test', log: () => undefined });
  });
  afterAll(() => host.dispose());

  it('streams frame batches and events in order: contiguous ticks, increasing seq with nothing lost unaccounted, session id stamped', async () => {
    const rec = record(host);
    const info = SessionInfo.parse(await host.start({ ...SMALL, seed: 7, speed: 4 }));
    expect(info.config).toMatchObject({ seed: 7, crowd: 200, symbols: 2, desks: 2, speed: 4 });
    expect(info.roster.symbols).toHaveLength(2);
    expect(info.roster.crowdTypes).toHaveLength(200);
    await until(() => rec.batches.length >= 20 && rec.events.length >= 5, 8000, '20 batches and 5 events');
    rec.stop();

    for (const b of rec.batches) {
      expect(b.sessionId).toBe(info.sessionId);
      expect(b.toTick).toBeGreaterThanOrEqual(b.fromTick);
      expect(b.latest.tick).toBe(b.toTick);
      expect(b.latest.symbols.last).toHaveLength(2);
      expect(b.seriesLast).toHaveLength((b.toTick - b.fromTick + 1) * 2);
    }
    for (let i = 1; i < rec.batches.length; i++) {
      expect(rec.batches[i]?.fromTick, `batch ${i}`).toBe((rec.batches[i - 1]?.toTick ?? -2) + 1);
    }
    for (const e of rec.events) {
      expect(BullpenEvent.safeParse(e).success, JSON.stringify(e).slice(0, 300)).toBe(true);
      expect(e.sessionId).toBe(info.sessionId);
    }
    for (let i = 1; i < rec.events.length; i++) {
      const prev = rec.events[i - 1] as BullpenEvent;
      const cur = rec.events[i] as BullpenEvent;
      expect(cur.seq, `event ${i}`).toBeGreaterThan(prev.seq);
      expect(cur.tick).toBeGreaterThanOrEqual(prev.tick);
    }
    // the live push may thin a busy batch, but it accounts for every event it leaves out
    const span = (rec.events.at(-1)?.seq ?? 0) - (rec.events[0]?.seq ?? 0) + 1;
    expect(rec.events.length + rec.skipped).toBeGreaterThanOrEqual(span);
    // and the full stream the host keeps is complete: seq strictly +1
    const full = host.recentEvents(1000);
    for (let i = 1; i < full.length; i++) expect(full[i]?.seq, `kept event ${i}`).toBe((full[i - 1]?.seq ?? -2) + 1);
    // at speed 4 the floor runs 80 ticks per second of wall time
    const status = SessionStatus.parse(host.status());
    expect(status).toMatchObject({ sessionId: info.sessionId, health: 'running', paused: false, speed: 4, crowd: 200, error: null });
    // (wide bounds: the two cores here are shared, and the worker catches up on late timers)
    expect(status.tickRate).toBeGreaterThan(30);
    expect(status.tickRate).toBeLessThan(170);
    expect(status.frameRate).toBeGreaterThan(5);
    expect(status.frameRate).toBeLessThanOrEqual(40);
    // the recent-events ring and the per-agent history serve what was streamed
    const recent = host.recentEvents(1000);
    expect(recent.at(-1)?.seq).toBeGreaterThanOrEqual(rec.events.at(-1)?.seq ?? 0);
    const decisions = rec.events.filter((e): e is Extract<BullpenEvent, { type: 'decision' }> => e.type === 'decision');
    expect(decisions.length).toBeGreaterThan(0);
    const agent = (decisions[0] as Extract<BullpenEvent, { type: 'decision' }>).agent;
    const hist = host.agentHistory(agent, 500);
    // every decision the live view showed for this agent is in its full history, in order
    const histSeqs = hist.map((e) => e.seq);
    expect([...histSeqs].sort((a, b) => a - b)).toEqual(histSeqs);
    const shown = decisions.filter((d) => d.agent === agent && d.seq >= (histSeqs[0] ?? 0)).map((d) => d.seq);
    expect(shown.length).toBeGreaterThan(0);
    for (const seq of shown) expect(histSeqs).toContain(seq);
    expect(hist.every((e) => e.type === 'decision' && e.agent === agent)).toBe(true);
    expect(host.agentHistory(agent, 1)).toEqual(hist.slice(-1));
    expect(lib.getSession(info.sessionId)?.status).toBe('running');
  });

  it('pause stops the tick count, resume continues from the next tick', async () => {
    const rec = record(host);
    const paused = await host.pause();
    expect(paused.paused).toBe(true);
    const atPause = paused.tick;
    const n = rec.batches.length;
    await sleep(400);
    expect(host.status().tick).toBe(atPause);
    expect(rec.batches.length).toBe(n);

    const resumed = await host.resume();
    expect(resumed.paused).toBe(false);
    await until(() => rec.batches.length > n, 3000, 'a batch after resume');
    expect(rec.batches[n]?.fromTick).toBe(atPause + 1);
    rec.stop();
  });

  it('a speed change changes the tick rate', async () => {
    const rec = record(host);
    await host.setSpeed(1);
    await sleep(150);
    const slow = await ticksDuring(rec, 1000);
    await host.setSpeed(5);
    await sleep(150);
    const fast = await ticksDuring(rec, 1000);
    rec.stop();
    // 1x = 20 ticks/s, 5x = 100 ticks/s
    expect(slow).toBeGreaterThan(10);
    expect(slow).toBeLessThan(40);
    expect(fast).toBeGreaterThan(60);
    expect(fast).toBeGreaterThan(2.5 * slow);
    expect(host.status().speed).toBe(5);
  });

  it('forwards an input, answers with the tick it applies at, and relays its input event', async () => {
    const before = host.status().tick;
    const { tick } = await host.input({ kind: 'setParam', param: 'volatility', value: 2 });
    expect(tick).toBeGreaterThanOrEqual(before);
    await until(() => host.recentEvents(50, ['input']).length > 0, 3000, 'the input event');
    const [applied] = host.recentEvents(1, ['input']);
    expect(applied).toMatchObject({ type: 'input', input: { kind: 'setParam', param: 'volatility', value: 2 } });
    expect(applied?.tick).toBeGreaterThanOrEqual(tick);
    expect(applied?.tick).toBeLessThanOrEqual(tick + 1);
  });

  it('stop ends the session, records it, and refuses further commands with no_session', async () => {
    const id = host.status().sessionId as string;
    await host.stop();
    expect(host.status()).toMatchObject({ sessionId: null, health: 'stopped' });
    expect(host.info()).toBeNull();
    await expect(host.pause()).rejects.toMatchObject({ code: 'no_session' });
    const row = lib.getSession(id);
    expect(row?.status).toBe('stopped');
    expect(row?.endedAt).not.toBeNull();
  });
});

describe('SessionHost supervision', () => {
  it('reports a worker that throws as crashed with its error, and session.restart brings it back', async () => {
    let spawned = 0;
    const crashing = nodeWorkerFactory({ env: { ...process.env, BULLPEN_SIM_CRASH_AT_TICK: '25' } });
    const healthy = nodeWorkerFactory();
    const factory: WorkerFactory = () => (spawned++ === 0 ? crashing() : healthy());
    const host = new SessionHost({ workerFactory: factory, recorder: lib, appVersion: 'test', log: () => undefined });
    const rec = record(host);
    try {
      const first = await host.start({ ...SMALL, speed: 'max' });
      await until(() => host.status().health === 'crashed', 8000, 'the crash');
      const crashed = host.status();
      expect(crashed.sessionId).toBe(first.sessionId);
      expect(crashed.error).toMatch(/25/);
      expect(crashed.tick).toBeLessThanOrEqual(25);
      // clients were told at once, with the error
      const pushed = rec.pushes.filter((m) => m.push === 'status').map((m) => (m as Extract<PushMessage, { push: 'status' }>).status);
      expect(pushed.some((s) => s.health === 'crashed' && s.error === crashed.error)).toBe(true);
      await expect(host.pause()).rejects.toMatchObject({ code: 'no_session' });
      expect(lib.getSession(first.sessionId)?.status).toBe('crashed');

      const again = await host.restart();
      expect(spawned).toBe(2);
      expect(again.sessionId).not.toBe(first.sessionId);
      expect(again.config).toEqual(first.config);
      const before = rec.batches.length;
      await until(() => host.status().tick > 100, 8000, 'ticks past the old crash point');
      expect(host.status()).toMatchObject({ health: 'running', error: null, sessionId: again.sessionId });
      expect(rec.batches.slice(before).every((b) => b.sessionId === again.sessionId)).toBe(true);
      expect(lib.getSession(again.sessionId)?.status).toBe('running');
    } finally {
      rec.stop();
      await host.dispose();
    }
  });

  it('declares a worker that stops sending frames stalled (crashed) instead of hanging', async () => {
    // a protocol-speaking worker that answers init and then goes silent
    const silent = `
      const { parentPort } = require('node:worker_threads');
      parentPort.on('message', (m) => {
        if (m.type === 'init') parentPort.postMessage({ type: 'ready', roster: { symbols: [], venues: [], desks: [], agents: [], crowdTypes: [] } });
      });`;
    const host = new SessionHost({ workerFactory: () => new Worker(silent, { eval: true }), stallTimeoutMs: 300, log: () => undefined });
    try {
      await host.start({});
      expect(host.status().health).toBe('running');
      await until(() => host.status().health === 'crashed', 3000, 'the stall to be detected');
      expect(host.status().error).toMatch(/stalled/);
    } finally {
      await host.dispose();
    }
    // the same silence answering a pause: an error and a crash, not a hang
    const host2 = new SessionHost({ workerFactory: () => new Worker(silent, { eval: true }), replyTimeoutMs: 200, log: () => undefined });
    try {
      await host2.start({});
      await expect(host2.pause()).rejects.toMatchObject({ code: 'internal', message: expect.stringMatching(/did not acknowledge pause/) });
      expect(host2.status()).toMatchObject({ health: 'crashed', error: expect.stringMatching(/stalled/) });
    } finally {
      await host2.dispose();
    }
  });

  it('reports a worker that exits, or breaks the protocol, as crashed with the reason', async () => {
    const exiting = `require('node:worker_threads').parentPort.on('message', () => process.exit(3));`;
    const host = new SessionHost({ workerFactory: () => new Worker(exiting, { eval: true }), log: () => undefined });
    try {
      await expect(host.start({})).rejects.toMatchObject({ code: 'internal', message: expect.stringMatching(/exit code 3/) });
      expect(host.status()).toMatchObject({ health: 'crashed', error: expect.stringMatching(/exit code 3/) });
    } finally {
      await host.dispose();
    }
    const garbled = `require('node:worker_threads').parentPort.on('message', (m) => require('node:worker_threads').parentPort.postMessage({ type: 'ready', roster: 42 }));`;
    const host2 = new SessionHost({ workerFactory: () => new Worker(garbled, { eval: true }), log: () => undefined });
    try {
      await expect(host2.start({})).rejects.toMatchObject({ code: 'internal' });
      expect(host2.status().error).toMatch(/malformed message \(roster/);
    } finally {
      await host2.dispose();
    }
  });
});
