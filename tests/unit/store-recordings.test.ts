import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultSessionConfig } from '../../src-shared/config';
import { Input } from '../../src-shared/inputs';
import { Library, LibraryError, MIGRATIONS, SCHEMA_VERSION, openLibrary } from '../../src-main/store/library';
import { EngineFeed } from '../../src-main/store/feed';
import { Recorder } from '../../src-main/store/recorder';
import {
  adjacentMark,
  deleteRecording,
  getRecording,
  listRecordings,
  readEvents,
  readMarks,
  renameRecording,
  tagRecording,
  vacuumLibrary,
} from '../../src-main/store/recordings';
import { exportBullpen, exportTables, importBullpen } from '../../src-main/store/export';
import { verifyRecording } from '../../src-main/replay/verify';
import { compareRecordings } from '../../src-main/replay/compare';

/** The recording store without a worker: EngineFeed plays the sim worker, the Recorder writes. */

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bullpen-store-rec-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const CFG = defaultSessionConfig({ seed: 5, crowd: 200, symbols: 2, desks: 2 });
const SPEC = { keyframeEvery: 50, sampleTicks: 10 };

function record(lib: Library, id: string, ticks: number, opts: { halt?: number } = {}): Recorder {
  const rec = new Recorder(lib, { ...SPEC, log: () => undefined });
  rec.recordSessionStart({ id, config: CFG, appVersion: 'test', startedAt: new Date().toISOString() });
  const feed = new EngineFeed(id, CFG, rec.recordSpec());
  rec.recordRoster(id, feed.engine.roster);
  for (let t = 0; t < ticks; t += 25) {
    if (opts.halt !== undefined && t === opts.halt) feed.input({ kind: 'halt', desk: 0, halted: true });
    const { batch, events } = feed.batch(25);
    rec.recordBatch(id, batch, events);
    if (t % 100 === 0) rec.commit();
  }
  rec.recordSessionEnd(id, 'stopped', new Date().toISOString());
  return rec;
}

describe('migrations', () => {
  it('migrates each older version to the newest, writing a backup copy first and keeping the data', () => {
    for (let from = 1; from < SCHEMA_VERSION; from++) {
      const path = join(dir, `v${from}.sqlite`);
      const db = new Database(path);
      for (const m of MIGRATIONS.slice(0, from)) db.exec(m.sql);
      db.pragma(`application_id = ${0x4250454e}`);
      db.pragma(`user_version = ${from}`);
      db.prepare(`INSERT INTO sessions (id, seed, config, app_version, started_at, status) VALUES ('old', 1, ?, '0.0.1', '2026-01-01', 'stopped')`).run(JSON.stringify(CFG));
      db.close();
      const before = readFileSync(path);
      const lib = openLibrary(path, { appVersion: 'test' });
      expect(lib.schemaVersion).toBe(SCHEMA_VERSION);
      expect(lib.getSession('old')?.seed).toBe(1);
      lib.close();
      const backup = `${path}.v${from}.backup`;
      expect(existsSync(backup)).toBe(true);
      const b = new Database(backup, { readonly: true });
      expect(b.pragma('user_version', { simple: true })).toBe(from);
      expect(b.prepare(`SELECT count(*) FROM sessions`).pluck().get()).toBe(1);
      b.close();
      expect(before.length).toBeGreaterThan(0);
    }
  });

  it('refuses a truncated library and leaves it untouched', () => {
    const path = join(dir, 'lib.sqlite');
    const lib = openLibrary(path);
    record(lib, 's1', 100);
    lib.db.pragma('wal_checkpoint(TRUNCATE)');
    lib.close();
    const size = statSync(path).size;
    truncateSync(path, Math.floor(size / 2));
    const bytes = readFileSync(path);
    expect(() => openLibrary(path)).toThrow(LibraryError);
    try {
      openLibrary(path);
    } catch (err) {
      expect((err as LibraryError).code).toBe('corrupt');
      expect((err as Error).message).toMatch(/truncated/);
    }
    expect(readFileSync(path).equals(bytes)).toBe(true);
  });
});

describe('recording, reading, managing', () => {
  it('stores everything, marks, replays to any tick, verifies, and manages the library', () => {
    const lib = openLibrary(join(dir, 'lib.sqlite'));
    record(lib, 'rec-a', 300, { halt: 150 });
    const r = getRecording(lib, 'rec-a');
    expect(r.status).toBe('stopped');
    expect(r.lastTick).toBe(300);
    expect(r.eventCount).toBe(readEvents(lib, 'rec-a').length);
    expect(adjacentMark(lib, 'rec-a', 0, 1)?.kind).toMatch(/halt|input|alert|trade/);
    expect(adjacentMark(lib, 'rec-a', 149, 1)).not.toBeNull();
    expect(verifyRecording(lib, 'rec-a')).toMatchObject({ ok: true, checked: 7, inputs: 1 });
    // jump to a kind: another kind's mark at the same tick, earlier in the stream, does not hide it
    const halt = readMarks(lib, 'rec-a').find((m) => m.kind === 'halt')!;
    lib.db.prepare(`DELETE FROM rec_marks WHERE session_id = 'rec-a' AND seq = ?`).run(halt.seq - 1);
    lib.db.prepare(`INSERT INTO rec_marks (session_id, seq, tick, kind, label) VALUES ('rec-a', ?, ?, 'alert', 'an alert just before')`).run(halt.seq - 1, halt.tick);
    expect(adjacentMark(lib, 'rec-a', halt.tick - 1, 1)).toMatchObject({ kind: 'alert', tick: halt.tick });
    expect(adjacentMark(lib, 'rec-a', halt.tick - 1, 1, ['halt'])).toMatchObject({ kind: 'halt', tick: halt.tick, seq: halt.seq });
    expect(adjacentMark(lib, 'rec-a', halt.tick + 1, -1, ['halt'])).toMatchObject({ kind: 'halt', seq: halt.seq });
    // library management
    renameRecording(lib, 'rec-a', 'crash drill');
    expect(tagRecording(lib, 'rec', ['drill', 'halt'])).toEqual(['drill', 'halt']);
    expect(getRecording(lib, 'crash drill').tags).toEqual(['drill', 'halt']);
    expect(listRecordings(lib)[0]).toMatchObject({ id: 'rec-a', name: 'crash drill', lastTick: 300 });
    deleteRecording(lib, 'rec-a');
    expect(listRecordings(lib)).toHaveLength(0);
    expect(lib.db.prepare(`SELECT count(*) FROM rec_event_chunks`).pluck().get()).toBe(0);
    vacuumLibrary(lib);
    lib.close();
  });

  it('records a scenario injection: marked for jump-to, replayed by verify from the recorded input', () => {
    const lib = openLibrary(join(dir, 'lib.sqlite'));
    const rec = new Recorder(lib, { ...SPEC, log: () => undefined });
    rec.recordSessionStart({ id: 'scn', config: CFG, appVersion: 'test', startedAt: new Date().toISOString() });
    const feed = new EngineFeed('scn', CFG, rec.recordSpec());
    const scenario: unknown = JSON.parse(readFileSync(new URL('../../resources/scenarios/covid-crash-2020.json', import.meta.url), 'utf8'));
    for (let t = 0; t < 500; t += 25) {
      if (t === 50) feed.input(Input.parse({ kind: 'scenario', id: 1, startTick: null, scenario }));
      const b = feed.batch(25);
      rec.recordBatch('scn', b.batch, b.events);
    }
    rec.recordSessionEnd('scn', 'stopped', new Date().toISOString());
    rec.close();
    const first = adjacentMark(lib, 'scn', 0, 1);
    expect(first).toMatchObject({ kind: 'input', tick: 50 });
    expect(first?.label).toMatch(/^scenario injected: /);
    expect(first!.label.length).toBeLessThan(120);
    expect(verifyRecording(lib, 'scn')).toMatchObject({ ok: true, inputs: 1 });
    lib.close();
  });

  it('a verify that diverges names the first keyframe that differs', () => {
    const lib = openLibrary(join(dir, 'lib.sqlite'));
    record(lib, 'rec-b', 200);
    // tamper with the recorded inputs: the re-simulation now differs from keyframe 50 on
    lib.db.prepare(`INSERT INTO rec_inputs (session_id, seq, tick, input) VALUES ('rec-b', 999999, 20, ?)`).run(JSON.stringify({ kind: 'setParam', param: 'volatility', value: 9 }));
    const v = verifyRecording(lib, 'rec-b');
    expect(v.ok).toBe(false);
    expect(v.firstDivergence?.tick).toBe(50);
    lib.close();
  });

  it('disk full: recording stops with an error naming what was lost; what was committed stays readable', () => {
    const lib = openLibrary(join(dir, 'lib.sqlite'));
    const rec = new Recorder(lib, { ...SPEC, log: () => undefined });
    rec.recordSessionStart({ id: 'full', config: CFG, appVersion: 'test', startedAt: new Date().toISOString() });
    const feed = new EngineFeed('full', CFG, rec.recordSpec());
    const first = feed.batch(50);
    rec.recordBatch('full', first.batch, first.events);
    rec.commit();
    const committed = rec.recordingStatus().committedEvents;
    expect(committed).toBeGreaterThan(0);
    const pages = Number(lib.db.pragma('page_count', { simple: true }));
    lib.db.pragma(`max_page_count = ${pages}`);
    for (let i = 0; i < 6; i++) {
      const b = feed.batch(50);
      rec.recordBatch('full', b.batch, b.events);
    }
    rec.commit();
    const st = rec.recordingStatus();
    expect(st.state).toBe('failed');
    expect(st.error).toMatch(/full/i);
    expect(st.error).toMatch(/not saved/);
    // the floor keeps feeding: nothing throws, nothing more is written
    const more = feed.batch(10);
    expect(() => rec.recordBatch('full', more.batch, more.events)).not.toThrow();
    expect(readEvents(lib, 'full').length).toBe(committed);
    rec.close();
    lib.close();
  });

  it('read-only file: recording fails visibly, the library stays readable', () => {
    const path = join(dir, 'lib.sqlite');
    const lib0 = openLibrary(path);
    record(lib0, 'rec-c', 100);
    lib0.close();
    const ro = new Library(path, new Database(path, { readonly: true }));
    const rec = new Recorder(ro, { log: () => undefined });
    expect(() => rec.recordSessionStart({ id: 'new', config: CFG, appVersion: 'test', startedAt: new Date().toISOString() })).toThrow(/readonly/);
    expect(rec.recordingStatus()).toMatchObject({ state: 'failed', error: expect.stringMatching(/readonly/) });
    rec.close();
    expect(getRecording(ro, 'rec-c').lastTick).toBe(100);
    ro.close();
  });
});

describe('exchange', () => {
  it('exports a standalone .bullpen file and imports it into another library, validated first', () => {
    const lib = openLibrary(join(dir, 'lib.sqlite'));
    record(lib, 'rec-x', 150, { halt: 75 });
    const file = join(dir, 'rec-x.bullpen');
    exportBullpen(lib, 'rec-x', file);
    expect(() => exportBullpen(lib, 'rec-x', file)).toThrow(/already exists/);
    lib.close();
    const other = openLibrary(join(dir, 'other.sqlite'));
    expect(importBullpen(other, file)).toEqual({ imported: ['rec-x'], skipped: [] });
    expect(importBullpen(other, file)).toEqual({ imported: [], skipped: ['rec-x'] });
    expect(verifyRecording(other, 'rec-x').ok).toBe(true);
    // not Bullpen files: refused, never modified
    const junk = join(dir, 'junk.bullpen');
    writeFileSync(junk, 'hello, this is not a database at all'.repeat(10));
    const plain = join(dir, 'plain.sqlite');
    const p = new Database(plain);
    p.exec('CREATE TABLE t (x)');
    p.close();
    const corrupt = join(dir, 'corrupt.bullpen');
    const bytes = readFileSync(file);
    for (let i = 4096 * 3; i < Math.min(bytes.length, 4096 * 6); i++) bytes[i] = (i * 7) & 0xff;
    writeFileSync(corrupt, bytes);
    for (const f of [junk, plain, corrupt]) {
      const before = readFileSync(f);
      expect(() => importBullpen(other, f), f).toThrow(LibraryError);
      expect(readFileSync(f).equals(before), f).toBe(true);
    }
    other.close();
  });

  it('exports events, trades, decisions, bars and equity as CSV and as Parquet that reads back', async () => {
    const lib = openLibrary(join(dir, 'lib.sqlite'));
    record(lib, 'rec-t', 200);
    const csv = exportTables(lib, 'rec-t', 'csv', join(dir, 'csv'));
    const pq = exportTables(lib, 'rec-t', 'parquet', join(dir, 'pq'));
    expect(csv.map((f) => f.file.split('/').pop())).toEqual(['events.csv', 'trades.csv', 'decisions.csv', 'bars.csv', 'equity.csv', 'inputs.csv']);
    expect(readdirSync(join(dir, 'pq')).sort()).toEqual(['bars.parquet', 'decisions.parquet', 'equity.parquet', 'events.parquet', 'inputs.parquet', 'trades.parquet']);
    const events = csv.find((f) => f.file.endsWith('events.csv'))!;
    expect(readFileSync(events.file, 'utf8').trim().split('\n').length).toBeGreaterThanOrEqual(events.rows + 1);
    expect(events.rows).toBe(getRecording(lib, 'rec-t').eventCount);
    const barsFile = pq.find((f) => f.file.endsWith('bars.parquet'))!;
    const buf = readFileSync(barsFile.file);
    const rows = (await parquetReadObjects({ file: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) })) as Array<Record<string, unknown>>;
    expect(rows.length).toBe(barsFile.rows);
    expect(rows[0]).toMatchObject({ symbol: 0, tick: 10 });
    expect(typeof rows[0]!.close).toBe('number');
    lib.close();
  });

  it('compares two sessions that share a parent: equity difference, drawdown, halts', () => {
    const lib = openLibrary(join(dir, 'lib.sqlite'));
    record(lib, 'parent', 100);
    for (const [id, halt] of [['fork-a', undefined], ['fork-b', 25]] as const) {
      const rec = new Recorder(lib, { ...SPEC, log: () => undefined });
      rec.recordSessionStart({ id, config: CFG, appVersion: 'test', startedAt: new Date().toISOString(), parent: { id: 'parent', tick: 0 } });
      const feed = new EngineFeed(id, CFG, rec.recordSpec());
      for (let t = 0; t < 100; t += 25) {
        if (halt === t) feed.input({ kind: 'halt', desk: null, halted: true });
        const b = feed.batch(25);
        rec.recordBatch(id, b.batch, b.events);
      }
      rec.recordSessionEnd(id, 'stopped', new Date().toISOString());
    }
    const c = compareRecordings(lib, 'fork-a', 'fork-b');
    expect(c.sharedParent).toBe('parent');
    expect(c.desks).toHaveLength(2);
    expect(c.b.halts).toBeGreaterThan(c.a.halts);
    for (const d of c.desks) expect(d.pnlDiff).toBeCloseTo(d.b.pnl - d.a.pnl, 6);
    expect(c.curves.length).toBeGreaterThan(0);
    lib.close();
  });
});
