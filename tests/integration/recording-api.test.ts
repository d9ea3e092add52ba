import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResponseEnvelope, type AppInfo } from '../../src-shared/api';
import type { FrameBatch } from '../../src-shared/frame';
import { RecordingComparison, RecordingSummary, ReplayState } from '../../src-shared/recording';
import { nodeWorkerFactory } from '../../src-main/host/node-worker';
import { createRouter, type Router } from '../../src-main/host/router';
import { SessionHost } from '../../src-main/host/session-host';
import { openLibrary, type Library } from '../../src-main/store/library';
import { Recorder } from '../../src-main/store/recorder';
import { RecordingService } from '../../src-main/replay/service';

/** The recording.* methods through the real router: open, seek, step, jump, play, fork, compare, manage. */

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
let dir: string;
let lib: Library;
let recorder: Recorder;
let host: SessionHost;
let service: RecordingService;
let router: Router;
let nextId = 1;
const frames: FrameBatch[] = [];

async function call(method: string, params: unknown = {}): Promise<unknown> {
  const text = JSON.stringify({ id: nextId++, method, params });
  const res = ResponseEnvelope.parse(await router.handle(text, Buffer.byteLength(text)));
  if (!res.ok) throw new Error(`${method}: ${res.error.code}: ${res.error.message}`);
  return res.result;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bullpen-rec-api-'));
  lib = openLibrary(join(dir, 'library.sqlite'), { appVersion: 'test' });
  recorder = new Recorder(lib, { keyframeEvery: 100, log: () => undefined });
  host = new SessionHost({ workerFactory: nodeWorkerFactory(), recorder, appVersion: 'test', log: () => undefined });
  service = new RecordingService(lib, host);
  const info: AppInfo = { name: 'Bullpen', version: 'test', transport: 'direct', dataDir: dir, dbPath: join(dir, 'library.sqlite') };
  router = createRouter(host, info, service);
  host.onFrames((b) => frames.push(b));
});
afterAll(async () => {
  service.dispose();
  await host.dispose();
  recorder.close();
  lib.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('recording API', () => {
  it('lists, opens, seeks, steps, jumps, plays and forks a recording; compares the fork with its parent', async () => {
    const started = await host.start({ crowd: 200, symbols: 2, desks: 2, seed: 4, speed: 'max' });
    while (host.status().tick < 600) await sleep(20);
    await host.input({ kind: 'halt', desk: null, halted: true });
    // an input resolves with the tick it will apply at: at max speed that can be past 900, so run on past it
    const released = await host.input({ kind: 'halt', desk: null, halted: false });
    while (host.status().tick < Math.max(900, released.tick + 1)) await sleep(20);
    await host.stop();

    const list = (await call('recording.list')) as unknown[];
    expect(list.map((r) => RecordingSummary.parse(r).id)).toContain(started.sessionId);
    const opened = ReplayState.parse(await call('recording.open', { id: started.sessionId.slice(0, 8) }));
    expect(opened.recording.id).toBe(started.sessionId);
    expect(opened.roster?.symbols).toHaveLength(2);

    frames.length = 0;
    const at = ReplayState.parse(await call('recording.seek', { tick: 333 }));
    expect(at.tick).toBe(333);
    // while a recording is viewed, nothing may change a market: a plain input is refused with the offer to fork
    await expect(call('session.input', { input: { kind: 'halt', desk: null, halted: true } })).rejects.toThrow(/not_live: .*Fork the recording/);
    expect(frames.at(-1)).toMatchObject({ sessionId: started.sessionId, toTick: 333 });
    expect(frames.at(-1)!.latest.tick).toBe(333);
    expect(ReplayState.parse(await call('recording.step', { delta: -1 })).tick).toBe(332);
    expect(ReplayState.parse(await call('recording.step', { delta: 1 })).tick).toBe(333);
    const jumped = ReplayState.parse(await call('recording.jump', { dir: 'next', kinds: ['halt'] }));
    expect(jumped.mark?.kind).toBe('halt');
    expect(jumped.tick).toBe(jumped.mark!.tick + 1);
    // decisions up to the moment shown: the reasoning a popover reads
    const decisions = (await call('recording.events', { fromTick: 0, toTick: jumped.tick, types: ['decision'], agent: 0, limit: 5 })) as Array<{ tick: number }>;
    for (const d of decisions) expect(d.tick).toBeLessThanOrEqual(jumped.tick);

    await call('recording.setSpeed', { speed: 'max' });
    frames.length = 0;
    await call('recording.play');
    await sleep(300);
    const paused = ReplayState.parse(await call('recording.pause'));
    expect(paused.playing).toBe(false);
    expect(paused.tick).toBeGreaterThan(jumped.tick);
    expect(frames.length).toBeGreaterThan(0);
    for (let i = 1; i < frames.length; i++) expect(frames[i]!.fromTick).toBe(frames[i - 1]!.toTick + 1);

    await call('recording.seek', { tick: 200 });
    const fork = (await call('recording.fork', {})) as { sessionId: string; parentId: string; tick: number };
    expect(fork).toMatchObject({ parentId: started.sessionId, tick: 200 });
    await host.input({ kind: 'setParam', param: 'volatility', value: 5 });
    while (host.status().tick < 500) await sleep(20);
    await host.stop();
    const cmp = RecordingComparison.parse(await call('recording.compare', { a: started.sessionId, b: fork.sessionId }));
    expect(cmp.sharedParent).toBe(started.sessionId);
    expect(cmp.desks).toHaveLength(2);

    expect(RecordingSummary.parse(await call('recording.rename', { id: fork.sessionId, name: 'vol x5' })).name).toBe('vol x5');
    expect(RecordingSummary.parse(await call('recording.tag', { id: 'vol x5', add: ['what-if'] })).tags).toEqual(['what-if']);
    await call('recording.delete', { id: fork.sessionId });
    expect(((await call('recording.list')) as unknown[]).length).toBe(1);
    await call('recording.close');
    await expect(call('recording.seek', { tick: 1 })).rejects.toThrow(/no_recording/);
  }, 90_000);
});
