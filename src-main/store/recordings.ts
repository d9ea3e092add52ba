import { inflateSync } from 'node:zlib';
import { z } from 'zod';
import { SessionConfig } from '../../src-shared/config';
import { BullpenEvent, type EventType } from '../../src-shared/events';
import { Input } from '../../src-shared/inputs';
import { Roster } from '../../src-shared/roster';
import type { Library } from './library';

/**
 * The reading side of recordings (docs/SCHEMA.md): list, resolve an id or a prefix, read events,
 * inputs, marks, keyframes, bars and equity; rename, tag, delete, vacuum. Every row read is parsed
 * with zod: a library is a file on disk that other versions (or people) may have written.
 */

export const RecordingStatusName = z.enum(['running', 'stopped', 'crashed', 'interrupted']);
export type RecordingStatusName = z.infer<typeof RecordingStatusName>;

export interface RecordingInfo {
  id: string;
  name: string | null;
  tags: string[];
  seed: number;
  config: SessionConfig;
  appVersion: string;
  startedAt: string;
  endedAt: string | null;
  status: RecordingStatusName;
  parentId: string | null;
  forkTick: number | null;
  roster: Roster | null;
  keyframeEvery: number;
  sampleTicks: number;
  firstTick: number;
  lastTick: number;
  eventCount: number;
  /** bytes of stored data (event chunks + keyframes + bars + equity, approximate for the rows) */
  bytes: number;
  error: string | null;
}

const Row = z.object({
  id: z.string(),
  seed: z.number().int(),
  config: z.string(),
  app_version: z.string(),
  started_at: z.string(),
  ended_at: z.string().nullable(),
  status: z.enum(['running', 'stopped', 'crashed']),
  name: z.string().nullable(),
  tags: z.string(),
  parent_id: z.string().nullable(),
  fork_tick: z.number().int().nullable(),
  roster: z.string().nullable(),
  keyframe_every: z.number().int().positive(),
  sample_ticks: z.number().int().positive(),
  first_tick: z.number().int(),
  last_tick: z.number().int(),
  event_count: z.number().int(),
  interrupted: z.number().int(),
  error: z.string().nullable(),
  bytes: z.number().nullable(),
});

const SELECT = `
  SELECT s.id, s.seed, s.config, s.app_version, s.started_at, s.ended_at, s.status,
         r.name, r.tags, r.parent_id, r.fork_tick, r.roster, r.keyframe_every, r.sample_ticks,
         r.first_tick, r.last_tick, r.event_count, r.interrupted, r.error,
         (SELECT coalesce(sum(length(data)), 0) FROM rec_event_chunks c WHERE c.session_id = s.id)
       + (SELECT coalesce(sum(length(data)), 0) FROM rec_keyframes k WHERE k.session_id = s.id)
       + (SELECT count(*) * 48 FROM rec_bars b WHERE b.session_id = s.id)
       + (SELECT count(*) * 24 FROM rec_equity q WHERE q.session_id = s.id) AS bytes
  FROM sessions s JOIN recordings r ON r.session_id = s.id`;

function toInfo(raw: unknown): RecordingInfo {
  const r = Row.parse(raw);
  return {
    id: r.id,
    name: r.name,
    tags: z.array(z.string()).parse(JSON.parse(r.tags)),
    seed: r.seed,
    config: SessionConfig.parse(JSON.parse(r.config)),
    appVersion: r.app_version,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    status: r.interrupted ? 'interrupted' : r.status,
    parentId: r.parent_id,
    forkTick: r.fork_tick,
    roster: r.roster === null ? null : Roster.parse(JSON.parse(r.roster)),
    keyframeEvery: r.keyframe_every,
    sampleTicks: r.sample_ticks,
    firstTick: r.first_tick,
    lastTick: r.last_tick,
    eventCount: r.event_count,
    bytes: r.bytes ?? 0,
    error: r.error,
  };
}

export class RecordingNotFound extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordingNotFound';
  }
}

/** Most recent first. */
export function listRecordings(lib: Library, limit = 1000): RecordingInfo[] {
  return (lib.db.prepare(`${SELECT} ORDER BY s.started_at DESC, s.rowid DESC LIMIT ?`).all(limit) as unknown[]).map(toInfo);
}

/** A recording by id, unique id prefix, or name. */
export function getRecording(lib: Library, ref: string): RecordingInfo {
  const exact = lib.db.prepare(`${SELECT} WHERE s.id = ?`).get(ref);
  if (exact !== undefined) return toInfo(exact);
  const like = ref.replace(/[\\%_]/g, (c) => `\\${c}`) + '%';
  const rows = lib.db.prepare(`${SELECT} WHERE s.id LIKE ? ESCAPE '\\' OR r.name = ? LIMIT 3`).all(like, ref) as unknown[];
  if (rows.length === 1) return toInfo(rows[0]);
  if (rows.length === 0) throw new RecordingNotFound(`No recording "${ref}" in ${lib.path}.`);
  throw new RecordingNotFound(`"${ref}" matches several recordings; give more of the id.`);
}

/** Events with first ≤ tick ≤ last (optionally of some types), in sequence order. */
export function readEvents(lib: Library, id: string, first = 0, last = Number.MAX_SAFE_INTEGER, types?: readonly EventType[]): BullpenEvent[] {
  const rows = lib.db
    .prepare(`SELECT data FROM rec_event_chunks WHERE session_id = ? AND last_tick >= ? AND first_tick <= ? ORDER BY first_seq`)
    .pluck()
    .all(id, first, last) as Buffer[];
  const want = types && types.length > 0 ? new Set<string>(types) : null;
  const out: BullpenEvent[] = [];
  for (const data of rows) {
    const arr = z.array(z.record(z.string(), z.unknown())).parse(JSON.parse(inflateSync(data).toString('utf8')));
    for (const raw of arr) {
      const tick = raw.tick as number;
      if (tick < first || tick > last) continue;
      if (want && !want.has(raw.type as string)) continue;
      out.push(BullpenEvent.parse({ ...raw, sessionId: id }));
    }
  }
  return out;
}

/** Calls `fn` for every stored event in order, chunk by chunk (exports of long recordings). */
export function forEachEvent(lib: Library, id: string, fn: (e: BullpenEvent) => void): void {
  const it = lib.db.prepare(`SELECT data FROM rec_event_chunks WHERE session_id = ? ORDER BY first_seq`).pluck().iterate(id) as IterableIterator<Buffer>;
  for (const data of it) {
    const arr = z.array(z.record(z.string(), z.unknown())).parse(JSON.parse(inflateSync(data).toString('utf8')));
    for (const raw of arr) fn(BullpenEvent.parse({ ...raw, sessionId: id }));
  }
}

export interface RecordedInput {
  seq: number;
  tick: number;
  input: Input;
}

export function readInputs(lib: Library, id: string): RecordedInput[] {
  const rows = lib.db.prepare(`SELECT seq, tick, input FROM rec_inputs WHERE session_id = ? ORDER BY seq`).all(id) as unknown[];
  return rows.map((raw) => {
    const r = z.object({ seq: z.number().int(), tick: z.number().int(), input: z.string() }).parse(raw);
    return { seq: r.seq, tick: r.tick, input: Input.parse(JSON.parse(r.input)) };
  });
}

export const MarkKind = z.enum(['input', 'halt', 'alert', 'trade']);
export type MarkKind = z.infer<typeof MarkKind>;
export interface Mark {
  seq: number;
  tick: number;
  kind: MarkKind;
  label: string;
}

const MarkRow = z.object({ seq: z.number().int(), tick: z.number().int(), kind: MarkKind, label: z.string() });

export function readMarks(lib: Library, id: string, limit = 100_000): Mark[] {
  return (lib.db.prepare(`SELECT seq, tick, kind, label FROM rec_marks WHERE session_id = ? ORDER BY seq LIMIT ?`).all(id, limit) as unknown[]).map((r) =>
    MarkRow.parse(r),
  );
}

/**
 * The next (dir 1: tick > from) or previous (dir -1: tick < from) marked event, or null; with `kinds`,
 * the nearest of those kinds (filtered in the query: marks of other kinds at the same tick must not
 * hide it).
 */
export function adjacentMark(lib: Library, id: string, from: number, dir: 1 | -1, kinds: readonly MarkKind[] = []): Mark | null {
  const only = kinds.length > 0 ? ` AND kind IN (${kinds.map(() => '?').join(', ')})` : '';
  const row: unknown =
    dir > 0
      ? lib.db.prepare(`SELECT seq, tick, kind, label FROM rec_marks WHERE session_id = ? AND tick > ?${only} ORDER BY tick, seq LIMIT 1`).get(id, from, ...kinds)
      : lib.db.prepare(`SELECT seq, tick, kind, label FROM rec_marks WHERE session_id = ? AND tick < ?${only} ORDER BY tick DESC, seq DESC LIMIT 1`).get(id, from, ...kinds);
  return row === undefined ? null : MarkRow.parse(row);
}

export function keyframeTicks(lib: Library, id: string): number[] {
  return lib.db.prepare(`SELECT tick FROM rec_keyframes WHERE session_id = ? ORDER BY tick`).pluck().all(id) as number[];
}

/** The keyframe at or before `tick` (inflated), or null when there is none. */
export function keyframeAtOrBefore(lib: Library, id: string, tick: number): { tick: number; bytes: Uint8Array } | null {
  const row: unknown = lib.db
    .prepare(`SELECT tick, raw_size, data FROM rec_keyframes WHERE session_id = ? AND tick <= ? ORDER BY tick DESC LIMIT 1`)
    .get(id, tick);
  if (row === undefined) return null;
  const r = z.object({ tick: z.number().int(), raw_size: z.number().int(), data: z.instanceof(Buffer) }).parse(row);
  const raw = inflateSync(r.data);
  if (raw.byteLength !== r.raw_size) throw new Error(`keyframe at tick ${r.tick} of ${id} is damaged (${raw.byteLength} bytes, expected ${r.raw_size})`);
  return { tick: r.tick, bytes: new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength) };
}

export interface BarRow {
  symbol: number;
  tick: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export function readBars(lib: Library, id: string, symbol?: number): BarRow[] {
  const rows =
    symbol === undefined
      ? lib.db.prepare(`SELECT symbol, tick, open, high, low, close, volume FROM rec_bars WHERE session_id = ? ORDER BY tick, symbol`).all(id)
      : lib.db.prepare(`SELECT symbol, tick, open, high, low, close, volume FROM rec_bars WHERE session_id = ? AND symbol = ? ORDER BY tick`).all(id, symbol);
  return rows as BarRow[];
}

export interface EquityRow {
  desk: number;
  tick: number;
  equity: number;
}

export function readEquity(lib: Library, id: string): EquityRow[] {
  return lib.db.prepare(`SELECT desk, tick, equity FROM rec_equity WHERE session_id = ? ORDER BY tick, desk`).all(id) as EquityRow[];
}

export function renameRecording(lib: Library, id: string, name: string | null): void {
  lib.db.prepare(`UPDATE recordings SET name = ? WHERE session_id = ?`).run(name, getRecording(lib, id).id);
}

export function tagRecording(lib: Library, id: string, add: readonly string[], remove: readonly string[] = []): string[] {
  const rec = getRecording(lib, id);
  const tags = [...new Set([...rec.tags.filter((t) => !remove.includes(t)), ...add])].sort();
  lib.db.prepare(`UPDATE recordings SET tags = ? WHERE session_id = ?`).run(JSON.stringify(tags), rec.id);
  return tags;
}

/** Deletes a recording and its session row (cascades to every rec_* table). */
export function deleteRecording(lib: Library, id: string): void {
  const rec = getRecording(lib, id);
  if (rec.status === 'running') throw new Error(`Recording ${rec.id} is still being recorded; stop the session first.`);
  lib.db.prepare(`DELETE FROM sessions WHERE id = ?`).run(rec.id);
}

/** Returns the file's size before and after VACUUM. */
export function vacuumLibrary(lib: Library): void {
  lib.db.exec('VACUUM');
  lib.db.pragma('wal_checkpoint(TRUNCATE)');
}
