import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openLibrary } from '../../src-main/store/library';
import { Recorder } from '../../src-main/store/recorder';
import { getRecording, readEvents } from '../../src-main/store/recordings';
import { ReplayCursor } from '../../src-main/replay/cursor';
import { verifyRecording } from '../../src-main/replay/verify';

/**
 * Faults: a real recording process (`bullpen serve`, which records its default session) is killed
 * with SIGKILL. What was committed survives and passes integrity_check; commits came at least every
 * ~250 ms while it ran; on the next start the session is marked interrupted and replays and verifies
 * up to its last committed event.
 */

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const dir = mkdtempSync(join(tmpdir(), 'bullpen-kill-'));
let child: ChildProcess | null = null;
afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function probe(path: string): { lastTick: number; events: number } | null {
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      const row = db.prepare(`SELECT last_tick AS lastTick, event_count AS events FROM recordings LIMIT 1`).get() as { lastTick: number; events: number } | undefined;
      return row ?? null;
    } finally {
      db.close();
    }
  } catch {
    return null;
  }
}

describe('SIGKILL while recording', () => {
  it('loses at most the uncommitted batch; the file is intact; the session is marked interrupted and replays', async () => {
    const path = join(dir, 'library.sqlite');
    child = spawn(process.execPath, ['bin/bullpen.mjs', '--db', path, 'serve', '--seed', '9', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    // wait for the recording to be under way
    const t0 = Date.now();
    let p = probe(path);
    while (!p || p.lastTick < 60) {
      if (Date.now() - t0 > 40_000) throw new Error(`no recording progress: ${stderr}`);
      await sleep(50);
      p = probe(path);
    }
    // watch commits for two seconds: the committed tick must advance at least every ~250 ms
    const changes: number[] = [];
    let last = p.lastTick;
    const w0 = performance.now();
    while (performance.now() - w0 < 2000) {
      await sleep(20);
      const q = probe(path);
      if (q && q.lastTick !== last) {
        changes.push(performance.now());
        last = q.lastTick;
      }
    }
    const gaps = changes.slice(1).map((t, i) => t - (changes[i] as number));
    expect(changes.length).toBeGreaterThanOrEqual(5);
    // 250 ms plus polling and scheduling slack on a shared machine
    expect(Math.max(...gaps)).toBeLessThan(450);

    child.kill('SIGKILL');
    await new Promise<void>((r) => child!.once('exit', () => r()));

    const raw = new Database(path);
    expect(raw.prepare(`PRAGMA integrity_check`).pluck().get()).toBe('ok');
    expect(raw.prepare(`SELECT status FROM sessions`).pluck().get()).toBe('running');
    raw.close();

    const lib = openLibrary(path, { appVersion: 'test' });
    try {
      const rec0 = new Recorder(lib, { log: () => undefined }); // what the next start does
      rec0.close();
      const [id] = lib.db.prepare(`SELECT id FROM sessions`).pluck().all() as string[];
      const rec = getRecording(lib, id!);
      expect(rec.status).toBe('interrupted');
      expect(rec.lastTick).toBeGreaterThanOrEqual(last);
      const events = readEvents(lib, rec.id);
      expect(events.length).toBe(rec.eventCount);
      events.forEach((e, i) => expect(e.seq).toBe(i));
      // replays up to its last committed tick, and re-simulates identically
      expect(new ReplayCursor(lib, rec.id).seek(rec.lastTick).tick).toBe(rec.lastTick);
      expect(verifyRecording(lib, rec.id).ok).toBe(true);
    } finally {
      lib.close();
    }
  }, 90_000);
});
