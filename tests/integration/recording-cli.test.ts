import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSessionConfig } from '../../src-shared/config';
import { EngineFeed } from '../../src-main/store/feed';
import { openLibrary } from '../../src-main/store/library';
import { Recorder } from '../../src-main/store/recorder';

/** `bullpen replay`, `verify` and `export` as `npx bullpen` runs them, on a library made here. */

const dir = mkdtempSync(join(tmpdir(), 'bullpen-rec-cli-'));
const db = join(dir, 'library.sqlite');
const CFG = defaultSessionConfig({ seed: 8, crowd: 150, symbols: 2, desks: 2 });

function bullpen(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/bullpen.mjs', '--db', db, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  const lib = openLibrary(db);
  const rec = new Recorder(lib, { keyframeEvery: 50, sampleTicks: 10, log: () => undefined });
  rec.recordSessionStart({ id: 'cli-rec-0001', config: CFG, appVersion: 'test', startedAt: '2026-11-21T07:00:00.000Z' });
  const feed = new EngineFeed('cli-rec-0001', CFG, rec.recordSpec());
  rec.recordRoster('cli-rec-0001', feed.engine.roster);
  for (let t = 0; t < 200; t += 20) {
    if (t === 100) feed.input({ kind: 'halt', desk: 0, halted: true });
    const b = feed.batch(20);
    rec.recordBatch('cli-rec-0001', b.batch, b.events);
  }
  rec.recordSessionEnd('cli-rec-0001', 'stopped', '2026-11-21T07:01:00.000Z');
  rec.close();
  // a second recording whose keyframe is tampered with: verify must find the divergence
  const rec2 = new Recorder(lib, { keyframeEvery: 50, sampleTicks: 10, log: () => undefined });
  rec2.recordSessionStart({ id: 'cli-bad-0002', config: CFG, appVersion: 'test', startedAt: '2026-11-21T07:02:00.000Z' });
  const feed2 = new EngineFeed('cli-bad-0002', CFG, rec2.recordSpec());
  for (let t = 0; t < 200; t += 20) {
    const b = feed2.batch(20);
    rec2.recordBatch('cli-bad-0002', b.batch, b.events);
  }
  rec2.recordSessionEnd('cli-bad-0002', 'stopped', '2026-11-21T07:03:00.000Z');
  rec2.close();
  // keyframe 100 replaced by keyframe 150: the re-simulation at tick 100 no longer matches it
  lib.db.prepare(`UPDATE rec_keyframes SET data = (SELECT data FROM rec_keyframes WHERE session_id = 'cli-bad-0002' AND tick = 150), raw_size = (SELECT raw_size FROM rec_keyframes WHERE session_id = 'cli-bad-0002' AND tick = 150) WHERE session_id = 'cli-bad-0002' AND tick = 100`).run();
  lib.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bullpen replay / verify / export', () => {
  it('replay lists recordings and prints a timeline summary; --at shows a recorded moment', () => {
    const list = bullpen('replay');
    expect(list.status, list.stderr).toBe(0);
    expect(list.stdout).toContain('cli-rec-0001');
    const r = bullpen('replay', 'cli-rec');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Recording cli-rec-0001/);
    expect(r.stdout).toMatch(/seed 8 · 2 symbols · 150 crowd · 2 desks/);
    expect(r.stdout).toMatch(/ticks 0 → 200/);
    expect(r.stdout).toMatch(/tick +100 +\{"kind":"halt","desk":0,"halted":true\}/);
    expect(r.stdout).toMatch(/\[halt\]/);
    const at = bullpen('replay', 'cli-rec-0001', '--at', '123', '--json');
    expect(at.status, at.stderr).toBe(0);
    expect(JSON.parse(at.stdout)).toMatchObject({ id: 'cli-rec-0001', tick: 123 });
  }, 60_000);

  it('verify passes a faithful recording and reports the first divergence of a tampered one (exit 1)', () => {
    const ok = bullpen('verify', 'cli-rec-0001');
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^OK: 5 keyframes match over 200 ticks \(1 inputs, from seed\)/);
    const bad = bullpen('verify', 'cli-bad-0002');
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/^DIVERGED at tick 100: recorded state hash [0-9a-f]+, re-simulated [0-9a-f]+/);
  }, 60_000);

  it('export writes CSV, Parquet and a .bullpen file that replay and verify read directly', () => {
    const csv = bullpen('export', 'cli-rec-0001', '--format', 'csv', '--out', join(dir, 'csv'));
    expect(csv.status, csv.stderr).toBe(0);
    expect(readdirSync(join(dir, 'csv')).sort()).toEqual(['bars.csv', 'decisions.csv', 'equity.csv', 'events.csv', 'inputs.csv', 'trades.csv']);
    const pq = bullpen('export', 'cli-rec-0001', '--format', 'parquet', '--out', join(dir, 'pq'));
    expect(pq.status, pq.stderr).toBe(0);
    expect(readdirSync(join(dir, 'pq'))).toContain('events.parquet');
    const file = join(dir, 'one.bullpen');
    const bp = bullpen('export', 'cli-rec-0001', '--format', 'bullpen', '--out', file);
    expect(bp.status, bp.stderr).toBe(0);
    const v = spawnSync(process.execPath, ['bin/bullpen.mjs', 'verify', file], { encoding: 'utf8', timeout: 60_000 });
    expect(v.status, v.stderr).toBe(0);
    expect(v.stdout).toMatch(/^OK/);
  }, 90_000);

  it('a missing recording, or a file that is not a Bullpen recording, is a clear error; the file is untouched', () => {
    const r = bullpen('verify', 'nope');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/No recording "nope"/);
    const junk = join(dir, 'junk.bullpen');
    writeFileSync(junk, 'definitely not a database\n'.repeat(50));
    const before = readFileSync(junk);
    const j = bullpen('replay', junk);
    expect(j.status).toBe(1);
    expect(j.stderr).toMatch(/not a SQLite database|not a Bullpen/);
    expect(readFileSync(junk).equals(before)).toBe(true);
  }, 30_000);

  it('recordings import brings a .bullpen file into another library; rename, tag, delete and vacuum manage it', () => {
    const file = join(dir, 'to-import.bullpen');
    expect(bullpen('export', 'cli-rec-0001', '--format', 'bullpen', '--out', file).status).toBe(0);
    const other = join(dir, 'other.sqlite');
    const inOther = (...args: string[]) => {
      const r = spawnSync(process.execPath, ['bin/bullpen.mjs', '--db', other, ...args], { encoding: 'utf8', timeout: 60_000 });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    const before = readFileSync(file);
    const imp = inOther('recordings', 'import', file);
    expect(imp.status, imp.stderr).toBe(0);
    expect(imp.stdout).toBe('imported\tcli-rec-0001\n');
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(inOther('recordings', 'import', file).stdout).toMatch(/^skipped\tcli-rec-0001/);
    expect(inOther('verify', 'cli-rec-0001').stdout).toMatch(/^OK/);

    expect(inOther('recordings', 'rename', 'cli-rec', 'calm morning').status).toBe(0);
    expect(inOther('recordings', 'tag', 'calm morning', 'baseline', 'seed-8').stdout).toBe('cli-rec-0001\tbaseline, seed-8\n');
    expect(inOther('recordings', 'tag', 'calm morning', 'seed-8', '--remove').stdout).toBe('cli-rec-0001\tbaseline\n');
    const listed = inOther('replay');
    expect(listed.stdout).toContain('calm morning');
    expect(listed.stdout).toContain('baseline');

    expect(inOther('recordings', 'delete', 'calm morning').stdout).toBe('deleted\tcli-rec-0001\n');
    expect(inOther('recordings', 'vacuum').status).toBe(0);
    expect(inOther('replay').stdout).not.toContain('cli-rec-0001');
    const junk = inOther('recordings', 'import', join(dir, 'nowhere.bullpen'));
    expect(junk.status).toBe(1);
    expect(junk.stderr).toMatch(/does not exist/);
  }, 90_000);
});
