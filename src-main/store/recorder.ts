import { deflate, deflateSync } from 'node:zlib';
import type { RecordingStatus } from '../../src-shared/api';
import type { SessionConfig } from '../../src-shared/config';
import type { BullpenEvent } from '../../src-shared/events';
import type { Roster } from '../../src-shared/roster';
import type { RecordSpec, SimBatch } from '../../src-shared/worker-protocol';
import type { SessionRecorder } from '../host/session-host';
import type { Library } from './library';

/**
 * The recording side of the library (docs/SCHEMA.md): takes the host's full stream — every batch's
 * events, the worker's keyframes and desk-equity samples, the per-tick price/volume series — and
 * writes it in one transaction per commit, at least every COMMIT_MS. It runs on the host's thread,
 * never on the engine's: the sim worker only snapshots its state every `keyframeEvery` ticks (≈1 ms)
 * and posts the bytes. Disk work (JSON, deflate, SQLite) happens here, between batches.
 *
 * Back-pressure: pending work is committed at once when it exceeds `maxPendingEvents` (the host
 * thread then falls behind the worker, never the other way round), and `status().lagMs` shows how
 * old the oldest uncommitted event is. Nothing is dropped silently: a failed commit (disk full, a
 * read-only file) stops recording with `state: 'failed'` and an error naming what was lost; the
 * floor keeps running and everything committed before stays readable.
 */

/** Keyframe interval (ticks): seek cost is at most this many ticks of re-simulation. */
export const DEFAULT_KEYFRAME_EVERY = 200;
/** Interval of recorded OHLCV bars and desk-equity samples (ticks; 20 = one second of floor time). */
export const DEFAULT_SAMPLE_TICKS = 20;
/** Upper bound on the time between commits. */
export const COMMIT_MS = 250;
/** Events per stored chunk (each chunk is one deflated JSON array). */
export const CHUNK_EVENTS = 2048;
/** Trades at least this large (in quantity × price) are marked for jump-to navigation. */
export const LARGE_TRADE_NOTIONAL = 250_000;

export interface RecorderOptions {
  keyframeEvery?: number;
  sampleTicks?: number;
  commitMs?: number;
  maxPendingEvents?: number;
  /** zlib level for keyframes and event chunks (1: fastest) */
  level?: number;
  log?: (line: string) => void;
  now?: () => number;
}

interface Live {
  id: string;
  symbols: number;
  desks: number;
  events: BullpenEvent[];
  /** the events as stored: JSON chunks (one or more per batch), deflated on zlib's thread pool */
  chunks: Array<{ firstSeq: number; lastSeq: number; firstTick: number; lastTick: number; count: number; json: string; data: Buffer | null }>;
  /** performance.now() when the oldest pending item arrived (NaN: none pending) */
  oldest: number;
  /** keyframes waiting for the commit; `data` is filled by zlib's thread pool when it is done first */
  keyframes: Array<{ tick: number; bytes: Uint8Array; data: Buffer | null }>;
  bars: number[];
  equity: number[];
  // the bar being built, per symbol
  bo: Float64Array;
  bh: Float64Array;
  bl: Float64Array;
  bc: Float64Array;
  bv: Float64Array;
  lastTick: number;
  eventCount: number;
  committed: number;
}

type Mark = { kind: 'input' | 'halt' | 'alert' | 'trade'; label: string };

/** The marks jump-to navigation stops at: injections, halts, alerts, large trades. */
export function markOf(e: BullpenEvent): Mark | null {
  switch (e.type) {
    case 'input':
      return { kind: 'input', label: inputLabel(e.input) };
    case 'scenario':
      // a scenario starting and each of its shocks firing are injections to jump to
      return e.phase === 'started' || e.phase === 'shock' ? { kind: 'input', label: `${e.name}: ${e.message}` } : null;
    case 'alert':
      if (/halt/i.test(e.message)) return { kind: 'halt', label: `${e.source}: ${e.message}` };
      return e.severity === 'info' ? null : { kind: 'alert', label: `${e.severity} ${e.source}: ${e.message}` };
    case 'trade':
      return e.price * e.qty >= LARGE_TRADE_NOTIONAL ? { kind: 'trade', label: `large trade ${e.qty} @ ${e.price} (symbol ${e.symbol})` } : null;
    default:
      return null;
  }
}

/** One line for an input (a scenario input carries the whole scenario: name it, do not print it). */
function inputLabel(input: unknown): string {
  if (typeof input === 'object' && input !== null && 'kind' in input) {
    const i = input as { kind: unknown; scenario?: { title?: unknown; name?: unknown } };
    if (i.kind === 'scenario' && i.scenario) return `scenario injected: ${String(i.scenario.title ?? i.scenario.name ?? '?')}`;
  }
  const text = JSON.stringify(input);
  return `input ${text.length > 200 ? `${text.slice(0, 197)}...` : text}`;
}

export class Recorder implements SessionRecorder {
  readonly lib: Library;
  readonly spec: RecordSpec;
  private readonly commitMs: number;
  private readonly maxPending: number;
  private readonly level: number;
  private readonly log: (line: string) => void;
  private readonly now: () => number;
  private live: Live | null = null;
  private failed: string | null = null;
  private readonly timer: NodeJS.Timeout;
  private closed = false;
  /** duration of the last commit, ms */
  lastCommitMs = 0;
  commits = 0;

  constructor(lib: Library, opts: RecorderOptions = {}) {
    this.lib = lib;
    this.spec = { keyframeEvery: opts.keyframeEvery ?? DEFAULT_KEYFRAME_EVERY, sampleTicks: opts.sampleTicks ?? DEFAULT_SAMPLE_TICKS };
    this.commitMs = opts.commitMs ?? COMMIT_MS;
    this.maxPending = opts.maxPendingEvents ?? 50_000;
    this.level = opts.level ?? 1;
    this.log = opts.log ?? ((line: string) => process.stderr.write(`[recorder] ${line}\n`));
    this.now = opts.now ?? (() => performance.now());
    markInterrupted(lib);
    // check often, commit when the oldest pending item is ~80% of the way to the limit
    this.timer = setInterval(() => this.maybeCommit(), Math.max(10, Math.floor(this.commitMs / 5)));
    this.timer.unref();
  }

  recordSpec(): RecordSpec | null {
    return this.closed ? null : this.spec;
  }

  recordSessionStart(rec: { id: string; config: SessionConfig; appVersion: string; startedAt: string; parent?: { id: string; tick: number } }): void {
    if (this.live) this.finish(this.live, 'stopped', new Date().toISOString());
    this.failed = null;
    const db = this.lib.db;
    try {
      db.transaction(() => {
        this.lib.recordSessionStart(rec);
        db.prepare(
          `INSERT INTO recordings (session_id, parent_id, fork_tick, keyframe_every, sample_ticks, first_tick, last_tick)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        ).run(rec.id, rec.parent?.id ?? null, rec.parent?.tick ?? null, this.spec.keyframeEvery, this.spec.sampleTicks, rec.parent?.tick ?? 0, rec.parent?.tick ?? 0);
      })();
    } catch (err) {
      this.failed = `Recording is off for session ${rec.id}: ${(err as Error).message}. The floor runs unrecorded.`;
      throw err;
    }
    const S = rec.config.symbols;
    this.live = {
      id: rec.id,
      symbols: S,
      desks: rec.config.desks,
      events: [],
      chunks: [],
      oldest: NaN,
      keyframes: [],
      bars: [],
      equity: [],
      bo: new Float64Array(S).fill(NaN),
      bh: new Float64Array(S),
      bl: new Float64Array(S),
      bc: new Float64Array(S),
      bv: new Float64Array(S),
      lastTick: rec.parent?.tick ?? 0,
      eventCount: 0,
      committed: 0,
    };
  }

  recordRoster(id: string, roster: Roster): void {
    this.lib.db.prepare(`UPDATE recordings SET roster = ? WHERE session_id = ?`).run(JSON.stringify(roster), id);
  }

  recordBatch(id: string, b: SimBatch, events: readonly BullpenEvent[]): void {
    const L = this.live;
    if (!L || L.id !== id || this.failed) return;
    if (Number.isNaN(L.oldest)) L.oldest = this.now();
    for (const e of events) L.events.push(e);
    L.eventCount += events.length;
    // serialise now (the unstamped engine events: the session id is the row's), compress off this thread
    for (let i = 0; i < b.events.length; i += CHUNK_EVENTS) {
      const part = b.events.slice(i, i + CHUNK_EVENTS);
      const first = part[0] as (typeof part)[number];
      const last = part[part.length - 1] as (typeof part)[number];
      const slot = { firstSeq: first.seq, lastSeq: last.seq, firstTick: first.tick, lastTick: last.tick, count: part.length, json: JSON.stringify(part), data: null as Buffer | null };
      L.chunks.push(slot);
      deflate(slot.json, { level: this.level }, (err, out) => {
        if (!err) slot.data = out;
      });
    }
    if (b.keyframes) {
      for (const k of b.keyframes) {
        // compress off this thread (libuv's pool); the commit compresses here only what is not done yet
        const slot = { tick: k.tick, bytes: k.bytes, data: null as Buffer | null };
        L.keyframes.push(slot);
        deflate(k.bytes, { level: this.level }, (err, out) => {
          if (!err) slot.data = out;
        });
      }
    }
    // bars from the per-tick series: the bar labelled T covers ticks (T - sampleTicks, T]
    const n = b.toTick - b.fromTick + 1;
    const S = L.symbols;
    const every = this.spec.sampleTicks;
    for (let i = 0; i < n; i++) {
      const t = b.fromTick + i;
      for (let s = 0; s < S; s++) {
        const px = b.seriesLast[i * S + s] as number;
        const v = b.seriesVolume[i * S + s] as number;
        if (Number.isNaN(L.bo[s] as number)) {
          L.bo[s] = px;
          L.bh[s] = px;
          L.bl[s] = px;
          L.bv[s] = 0;
        }
        if (px > (L.bh[s] as number)) L.bh[s] = px;
        if (px < (L.bl[s] as number)) L.bl[s] = px;
        L.bc[s] = px;
        L.bv[s] = (L.bv[s] as number) + v;
      }
      if (t % every === 0) {
        for (let s = 0; s < S; s++) {
          L.bars.push(s, t, L.bo[s] as number, L.bh[s] as number, L.bl[s] as number, L.bc[s] as number, L.bv[s] as number);
          L.bo[s] = NaN;
        }
      }
    }
    if (n > 0) L.lastTick = Math.max(L.lastTick, b.toTick);
    if (b.sampleTicks && b.deskEquity) {
      const D = b.sampleTicks.length > 0 ? b.deskEquity.length / b.sampleTicks.length : 0;
      for (let k = 0; k < b.sampleTicks.length; k++) {
        for (let d = 0; d < D; d++) L.equity.push(d, b.sampleTicks[k] as number, b.deskEquity[k * D + d] as number);
      }
    }
    if (L.events.length >= this.maxPending) this.commit();
  }

  recordSessionEnd(id: string, status: 'stopped' | 'crashed', endedAt: string): void {
    const L = this.live;
    if (L && L.id === id) this.finish(L, status, endedAt);
    else {
      try {
        this.lib.recordSessionEnd(id, status, endedAt);
      } catch (err) {
        this.log(`could not record the end of ${id}: ${(err as Error).message}`);
      }
    }
  }

  private finish(L: Live, status: 'stopped' | 'crashed', endedAt: string): void {
    this.commit();
    this.live = null;
    try {
      this.lib.recordSessionEnd(L.id, status, endedAt);
    } catch (err) {
      this.log(`could not record the end of ${L.id}: ${(err as Error).message}`);
    }
  }

  recordingStatus(): RecordingStatus {
    const L = this.live;
    const pending = L ? L.events.length : 0;
    const lag = L && !Number.isNaN(L.oldest) ? Math.max(0, this.now() - L.oldest) : 0;
    return {
      state: this.failed ? 'failed' : L ? 'recording' : 'off',
      lagMs: Math.round(lag),
      pendingEvents: pending,
      committedEvents: L ? L.committed : 0,
      error: this.failed,
    };
  }

  private maybeCommit(): void {
    const L = this.live;
    if (!L || Number.isNaN(L.oldest)) return;
    if (this.now() - L.oldest >= this.commitMs * 0.6) this.commit();
  }

  /** Writes everything pending in one transaction. */
  commit(): void {
    const L = this.live;
    if (!L || this.failed || Number.isNaN(L.oldest)) return;
    const t0 = this.now();
    const db = this.lib.db;
    const events = L.events;
    const chunks = L.chunks;
    const keyframes = L.keyframes;
    const bars = L.bars;
    const equity = L.equity;
    try {
      db.transaction(() => {
        if (events.length > 0) {
          const chunk = db.prepare(
            `INSERT INTO rec_event_chunks (session_id, first_seq, last_seq, first_tick, last_tick, count, codec, data)
             VALUES (?, ?, ?, ?, ?, ?, 'json+deflate', ?)`,
          );
          const input = db.prepare(`INSERT INTO rec_inputs (session_id, seq, tick, input) VALUES (?, ?, ?, ?)`);
          const mark = db.prepare(`INSERT INTO rec_marks (session_id, seq, tick, kind, label) VALUES (?, ?, ?, ?, ?)`);
          for (const c of chunks) {
            chunk.run(L.id, c.firstSeq, c.lastSeq, c.firstTick, c.lastTick, c.count, c.data ?? deflateSync(c.json, { level: this.level }));
          }
          for (const e of events) {
            if (e.type === 'input') input.run(L.id, e.seq, e.tick, JSON.stringify(e.input));
            const m = markOf(e);
            if (m) mark.run(L.id, e.seq, e.tick, m.kind, m.label);
          }
        }
        if (keyframes.length > 0) {
          const kf = db.prepare(`INSERT OR REPLACE INTO rec_keyframes (session_id, tick, codec, raw_size, data) VALUES (?, ?, 'deflate', ?, ?)`);
          for (const k of keyframes) kf.run(L.id, k.tick, k.bytes.byteLength, k.data ?? deflateSync(k.bytes, { level: this.level }));
        }
        if (bars.length > 0) {
          const bar = db.prepare(`INSERT OR REPLACE INTO rec_bars (session_id, symbol, tick, open, high, low, close, volume) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
          for (let i = 0; i < bars.length; i += 7) bar.run(L.id, bars[i], bars[i + 1], bars[i + 2], bars[i + 3], bars[i + 4], bars[i + 5], bars[i + 6]);
        }
        if (equity.length > 0) {
          const eq = db.prepare(`INSERT OR REPLACE INTO rec_equity (session_id, desk, tick, equity) VALUES (?, ?, ?, ?)`);
          for (let i = 0; i < equity.length; i += 3) eq.run(L.id, equity[i], equity[i + 1], equity[i + 2]);
        }
        db.prepare(`UPDATE recordings SET last_tick = ?, event_count = event_count + ? WHERE session_id = ?`).run(L.lastTick, events.length, L.id);
      })();
      L.committed += events.length;
      L.events = [];
      L.chunks = [];
      L.keyframes = [];
      L.bars = [];
      L.equity = [];
      L.oldest = NaN;
      this.commits++;
      this.lastCommitMs = this.now() - t0;
    } catch (err) {
      const msg = (err as Error).message;
      this.failed =
        `Recording stopped: ${msg}. ${events.length} event(s) and ${keyframes.length} keyframe(s) from tick ${events[0]?.tick ?? L.lastTick} on were not saved; ` +
        `everything before is in the library.`;
      this.log(this.failed);
      L.events = [];
      L.chunks = [];
      L.keyframes = [];
      L.bars = [];
      L.equity = [];
      L.oldest = NaN;
      try {
        db.prepare(`UPDATE recordings SET error = ? WHERE session_id = ?`).run(this.failed, L.id);
      } catch {
        // the disk that refused the batch may refuse this too; the status carries the error
      }
    }
  }

  /** Commits what is pending and stops the timer (the library stays open). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    if (this.live) this.finish(this.live, 'stopped', new Date().toISOString());
  }
}

/**
 * Sessions still marked running when a recorder opens the library were cut off (the process was
 * killed or lost power): mark them interrupted. Their recording ends at the last committed batch.
 */
export function markInterrupted(lib: Library): number {
  const db = lib.db;
  return db.transaction(() => {
    const ids = db
      .prepare(`SELECT s.id FROM sessions s JOIN recordings r ON r.session_id = s.id WHERE s.status = 'running'`)
      .pluck()
      .all() as string[];
    const now = new Date().toISOString();
    for (const id of ids) {
      db.prepare(`UPDATE sessions SET status = 'crashed', ended_at = ? WHERE id = ?`).run(now, id);
      db.prepare(`UPDATE recordings SET interrupted = 1 WHERE session_id = ?`).run(id);
    }
    return ids.length;
  })();
}
