import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultSessionConfig } from '../../src-shared/config';
import type { BullpenEvent } from '../../src-shared/events';
import type { SimBatch } from '../../src-shared/worker-protocol';
import { Engine } from '../../src-workers/sim/engine';
import { snapshot } from '../../src-workers/sim/snapshot';
import { ReplayCursor } from '../replay/cursor';
import { EngineFeed } from '../store/feed';
import { openLibrary } from '../store/library';
import { DEFAULT_KEYFRAME_EVERY, DEFAULT_SAMPLE_TICKS, Recorder } from '../store/recorder';
import type { BenchOptions, Figure } from './figures';

/** One hour of floor time at 20 ticks per second. */
const HOUR_TICKS = 72_000;
/** ticks per batch: what the sim worker posts per 33 ms at speed 'max' on this machine (~10k ticks/s) */
const BATCH_TICKS = 300;
/** batches per commit: 250 ms of batches */
const BATCHES_PER_COMMIT = 7;

function p99(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.99))] as number;
}

/**
 * Store figures (docs/BENCHMARKS.md):
 * - store.record_events_per_s — events the recorder takes and commits per second of host-thread time
 *   (default floor at 'max', batches as the worker posts them, one commit per 250 ms of batches; the
 *   deflating runs on zlib's thread pool between batches, as live);
 * - store.record_vs_raw_ratio — that rate over a bare batched insert of the same rows in the same
 *   transactions: one row per event (seq, tick, type, JSON), the keyframes as raw blobs, one row per
 *   symbol per sample interval (what the recorder adds: chunking, deflate, marks, OHLCV, equity);
 * - store.floor_slowdown_pct_10k — what recording adds to the sim thread (keyframe snapshots, equity
 *   samples) as a percentage of its tick time, 10,000-trader crowd;
 * - store.seek_p99_ms — seek to a random tick of an open one-hour recording of the default floor
 *   (keyframe read + inflate + restore + re-simulation of up to 199 ticks), 99th percentile;
 * - store.bytes_per_event — library file size over events, for that one-hour recording.
 */
export async function storeFigures(opts: BenchOptions): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bullpen-bench-store-'));
  try {
    const figures: Figure[] = [];
    const config = defaultSessionConfig({ seed: 1 });
    const spec = { keyframeEvery: DEFAULT_KEYFRAME_EVERY, sampleTicks: DEFAULT_SAMPLE_TICKS };

    // ---- record throughput vs a bare insert --------------------------------------------------------
    const feed = new EngineFeed('bench', config, spec);
    const batches: Array<{ batch: SimBatch; events: BullpenEvent[] }> = [];
    let nEvents = 0;
    const tGen = performance.now();
    while (performance.now() - tGen < Math.max(1, opts.seconds) * 1000) {
      const b = feed.batch(BATCH_TICKS);
      batches.push(b);
      nEvents += b.events.length;
    }
    opts.log(`store: ${batches.length} batches, ${nEvents} events, ${feed.engine.tick} ticks generated`);
    // host-thread time only, best of 3 alternating rounds (this machine's load moves single runs by 2×):
    // both sides get the same batches at the same pace, the event loop turning between batches as it
    // does live (the recorder deflates on zlib's thread pool meanwhile)
    const yieldNow = (): Promise<void> => new Promise((r) => setTimeout(r, 5));
    const recordRound = async (round: number): Promise<number> => {
      const lib = openLibrary(join(dir, `record-${round}.sqlite`));
      const rec = new Recorder(lib, { ...spec, log: opts.log, commitMs: 1e9 });
      rec.recordSessionStart({ id: 'bench', config, appVersion: 'bench', startedAt: new Date().toISOString() });
      let ms = 0;
      for (let i = 0; i < batches.length; i++) {
        const b = batches[i] as (typeof batches)[number];
        const a = performance.now();
        rec.recordBatch('bench', b.batch, b.events);
        if ((i + 1) % BATCHES_PER_COMMIT === 0) rec.commit();
        ms += performance.now() - a;
        await yieldNow();
      }
      const a = performance.now();
      rec.commit();
      ms += performance.now() - a;
      rec.close();
      lib.close();
      return ms;
    };
    const rawRound = async (round: number): Promise<number> => {
      const raw = new Database(join(dir, `raw-${round}.sqlite`));
      raw.pragma('journal_mode = WAL');
      raw.pragma('synchronous = NORMAL');
      raw.exec(`CREATE TABLE events (session_id TEXT NOT NULL, seq INTEGER NOT NULL, tick INTEGER NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (session_id, seq)) STRICT`);
      raw.exec(`CREATE TABLE keyframes (session_id TEXT NOT NULL, tick INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (session_id, tick)) STRICT`);
      raw.exec(`CREATE TABLE series (session_id TEXT NOT NULL, tick INTEGER NOT NULL, symbol INTEGER NOT NULL, last REAL NOT NULL, volume REAL NOT NULL) STRICT`);
      const ins = raw.prepare(`INSERT INTO events VALUES (?, ?, ?, ?, ?)`);
      const insK = raw.prepare(`INSERT INTO keyframes VALUES (?, ?, ?)`);
      const insS = raw.prepare(`INSERT INTO series VALUES (?, ?, ?, ?, ?)`);
      const S = config.symbols;
      let ms = 0;
      for (let i = 0; i < batches.length; i += BATCHES_PER_COMMIT) {
        const a = performance.now();
        raw.transaction(() => {
          for (const b of batches.slice(i, i + BATCHES_PER_COMMIT)) {
            for (const e of b.events) ins.run(e.sessionId, e.seq, e.tick, e.type, JSON.stringify(e));
            for (const k of b.batch.keyframes ?? []) insK.run('bench', k.tick, k.bytes);
            // the bars the recorder keeps: one row per symbol per sample interval
            for (let t = b.batch.fromTick; t <= b.batch.toTick; t++) {
              if (t % spec.sampleTicks !== 0) continue;
              const r = t - b.batch.fromTick;
              for (let sym = 0; sym < S; sym++) insS.run('bench', t, sym, b.batch.seriesLast[r * S + sym] as number, b.batch.seriesVolume[r * S + sym] as number);
            }
          }
        })();
        ms += performance.now() - a;
        for (let k = 0; k < BATCHES_PER_COMMIT; k++) await yieldNow();
      }
      raw.close();
      return ms;
    };
    let recordMs = Infinity;
    let rawMs = Infinity;
    for (let round = 0; round < 3; round++) {
      recordMs = Math.min(recordMs, await recordRound(round));
      rawMs = Math.min(rawMs, await rawRound(round));
    }
    const recRate = nEvents / (recordMs / 1000);
    const rawRate = nEvents / (rawMs / 1000);
    opts.log(`store: recorder ${recordMs.toFixed(0)} ms (${Math.round(recRate)} ev/s), bare insert ${rawMs.toFixed(0)} ms (${Math.round(rawRate)} ev/s)`);
    figures.push({ name: 'store.record_events_per_s', value: recRate, unit: 'events/s' });
    figures.push({ name: 'store.record_vs_raw_ratio', value: recRate / rawRate, unit: 'ratio' });

    // ---- what recording adds to the sim thread, 10k crowd --------------------------------------------
    {
      const e = new Engine(defaultSessionConfig({ seed: 2, crowd: 10_000 }));
      for (let i = 0; i < 100; i++) e.step();
      // warm the snapshot path (first calls compile and size the buffer)
      for (let i = 0; i < 5; i++) snapshot(e);
      let tickMs = 0;
      let recMs = 0;
      const ticks = Math.max(1000, Math.round(opts.seconds * 2000));
      for (let i = 0; i < ticks; i++) {
        const a = performance.now();
        e.step();
        const b = performance.now();
        tickMs += b - a;
        if (e.tick % spec.keyframeEvery === 0) snapshot(e);
        if (e.tick % spec.sampleTicks === 0) for (let d = 0; d < e.desks.D; d++) e.desks.deskEquity(e, d);
        recMs += performance.now() - b;
        e.drainEvents();
      }
      opts.log(`store: 10k crowd, ${ticks} ticks: ${tickMs.toFixed(0)} ms of ticks, ${recMs.toFixed(1)} ms of recording work`);
      figures.push({ name: 'store.floor_slowdown_pct_10k', value: (recMs / tickMs) * 100, unit: '%' });
    }

    // ---- a one-hour recording: seek and size -------------------------------------------------------------
    {
      const path = join(dir, 'hour.sqlite');
      const hl = openLibrary(path);
      const hr = new Recorder(hl, { ...spec, log: opts.log, commitMs: 1e9 });
      hr.recordSessionStart({ id: 'hour', config, appVersion: 'bench', startedAt: new Date().toISOString() });
      const hf = new EngineFeed('hour', config, spec);
      hr.recordRoster('hour', hf.engine.roster);
      const tH = performance.now();
      let i = 0;
      while (hf.engine.tick < HOUR_TICKS) {
        const b = hf.batch(Math.min(BATCH_TICKS, HOUR_TICKS - hf.engine.tick));
        hr.recordBatch('hour', b.batch, b.events);
        if (++i % BATCHES_PER_COMMIT === 0) hr.commit();
      }
      hr.recordSessionEnd('hour', 'stopped', new Date().toISOString());
      hr.close();
      hl.db.pragma('wal_checkpoint(TRUNCATE)');
      const events = Number(hl.db.prepare(`SELECT event_count FROM recordings WHERE session_id = 'hour'`).pluck().get());
      opts.log(`store: one-hour recording: ${HOUR_TICKS} ticks, ${events} events in ${((performance.now() - tH) / 1000).toFixed(1)} s`);
      const size = statSync(path).size;
      figures.push({ name: 'store.bytes_per_event', value: size / events, unit: 'bytes/event' });
      const seeks: number[] = [];
      let rng = 12345;
      const n = Math.max(100, Math.round(opts.seconds * 100));
      // one open recording, as in the app; warm-up seeks (compiling the snapshot reader and the tick) not counted
      const cursor = new ReplayCursor(hl, 'hour');
      for (let k = 0; k < 5; k++) cursor.seek(1000 + k * 7919);
      for (let k = 0; k < n; k++) {
        rng = (Math.imul(rng, 1103515245) + 12345) >>> 0;
        const target = rng % HOUR_TICKS;
        const a = performance.now();
        cursor.seek(target);
        seeks.push(performance.now() - a);
      }
      opts.log(`store: ${n} random seeks, median ${[...seeks].sort((x, y) => x - y)[Math.floor(n / 2)]?.toFixed(1)} ms`);
      figures.push({ name: 'store.seek_p99_ms', value: p99(seeks), unit: 'ms' });
      hl.close();
    }
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
