import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { timeframeMs, type BarSeries } from '../../src-shared/market-data';
import {
  DEFAULT_TOURNAMENT_SERIES,
  TOURNAMENT_DESK_NAMES,
  TOURNAMENT_DESKS,
  TournamentSpec,
  withEntrantNotes,
  type EntrantKind,
  type EntrantProgress,
  type EntrantResult,
  type TournamentExport,
  type TournamentPush,
  type TournamentResult,
  type TournamentSpecInput,
} from '../../src-shared/tournament-api';
import { columnsFromBars } from '../../src-workers/tournament/bars';
import { planDeployment } from '../../src-workers/sim/policy-agents';
import { deployInputOf } from '../../src-workers/tournament/floor-runner';
import { PolicyStrategy } from '../../src-workers/tournament/policy';
import { labelRegimes, regimeCounts } from '../../src-workers/tournament/regimes';
import type { EntrantDesc, EntrantRun } from '../../src-workers/tournament/run';
import type { TaskProgress, TournamentTask, TournamentTaskResult } from '../../src-workers/tournament/task';
import { ensureBundled } from '../market-data/bundled';
import { getSeries, readBars } from '../store/bars';
import type { Library } from '../store/library';
import { RunStore } from '../store/runs';
import { TournamentStore, distinguishable } from '../store/tournaments';
import { leaderboardCsv } from './export';

/**
 * Strategy tournaments (docs/TOURNAMENTS.md): validates a spec (errors name the field; nothing is
 * stored for a bad one), reads the bars from the library, labels their regimes, and runs the entrants
 * in a Piscina pool — one task per entrant in isolated mode, one task for all in shared mode, in
 * floor mode one task running the desks and policies on one engine floor plus one per baseline — with
 * the bars in a SharedArrayBuffer. Progress (bars done per entrant) goes to listeners; `cancel` stops
 * the tasks at their next progress point; the leaderboard is stored in one transaction at the end.
 */

export const TOURNAMENT_WORKER_URL = new URL('../../src-workers/tournament/tournament.worker.ts', import.meta.url);
const TS_TASK_ENTRY_URL = new URL('../training/ts-task-entry.mjs', import.meta.url);
/** a tournament needs at least this many bars (indicators warm up over ~30) */
export const MIN_TOURNAMENT_BARS = 30;

export interface TournamentServiceOptions {
  library: Library;
  /** worker threads (entrants at the same time); default 2 */
  maxThreads?: number;
  /** a bundled worker file (Electron); default: the TypeScript entry through tsx */
  workerFilename?: string;
  now?: () => Date;
}

export interface TournamentHandle {
  id: string;
  /** the stored tournament when it ends (completed, cancelled or failed) */
  done: Promise<TournamentResult>;
  cancel(): void;
}

export type TournamentListener = (msg: TournamentPush) => void;

/** Validates a tournament spec; throws naming the field. */
export function parseTournamentSpec(input: unknown): TournamentSpec {
  const r = TournamentSpec.safeParse(input ?? {});
  if (r.success) return r.data;
  throw new Error(`Invalid tournament spec — ${r.error.issues.map((i) => `${i.path.join('.') || '(spec)'}: ${i.message}`).join('; ')}`);
}

/** Bars per year of a timeframe: trading days (252) for weekday-calendar series below a week, calendar time otherwise. */
export function periodsPerYear(series: Pick<BarSeries, 'timeframe' | 'calendar'>): number {
  const ms = timeframeMs(series.timeframe);
  const day = 86_400_000;
  if (series.calendar === 'weekdays' && ms < 7 * day) return (252 * day) / ms;
  return (365.25 * day) / ms;
}

const sameKey = (a: { exchange: string; symbol: string; timeframe: string }, b: typeof a): boolean =>
  a.exchange === b.exchange && a.symbol === b.symbol && a.timeframe === b.timeframe;

interface Running {
  cancel: Int32Array;
  progress: EntrantProgress[];
  lastPush: number;
}

export class TournamentService {
  readonly store: TournamentStore;
  private readonly pool: Piscina<TournamentTask, TournamentTaskResult>;
  private readonly now: () => Date;
  private readonly active = new Map<string, Running>();
  private readonly listeners = new Set<TournamentListener>();

  constructor(private readonly opts: TournamentServiceOptions) {
    this.store = new TournamentStore(opts.library.db);
    this.now = opts.now ?? (() => new Date());
    this.store.failInterrupted(this.now().toISOString());
    this.pool = new Piscina<TournamentTask, TournamentTaskResult>({
      filename: opts.workerFilename ?? fileURLToPath(TS_TASK_ENTRY_URL),
      ...(opts.workerFilename ? {} : { argv: [TOURNAMENT_WORKER_URL.href] }),
      minThreads: 0,
      maxThreads: opts.maxThreads ?? 2,
      idleTimeout: 5_000,
    });
  }

  /** Progress and state changes of every tournament (the API pushes them). Returns an unsubscribe. */
  subscribe(l: TournamentListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  get running(): string[] {
    return [...this.active.keys()];
  }

  /**
   * Validates the spec (throws naming the field, nothing stored), stores the tournament as running
   * and queues its tasks.
   */
  start(input: TournamentSpecInput | TournamentSpec, onProgress?: (p: EntrantProgress[]) => void): TournamentHandle {
    const spec = parseTournamentSpec(input);
    const db = this.opts.library.db;
    if (sameKey(spec.series, DEFAULT_TOURNAMENT_SERIES)) ensureBundled(db);
    const series = getSeries(db, spec.series);
    const key = `${spec.series.exchange}:${spec.series.symbol}:${spec.series.timeframe}`;
    if (!series) throw new Error(`series: no stored series "${key}" in this library (see bullpen data list)`);
    const range: { since?: number; until?: number } = {};
    if (spec.since !== undefined) range.since = Date.parse(spec.since);
    if (spec.until !== undefined) range.until = Date.parse(spec.until);
    const bars = readBars(db, spec.series, range);
    if (bars.length < MIN_TOURNAMENT_BARS) {
      throw new Error(`${spec.since !== undefined || spec.until !== undefined ? 'since/until' : 'series'}: ${bars.length} bars of "${key}" in that period; a tournament needs at least ${MIN_TOURNAMENT_BARS}`);
    }
    const entrants = this.entrantsOf(spec);
    const { buffer, cols } = columnsFromBars(bars);
    const labelBuf = new SharedArrayBuffer(bars.length);
    const labels = labelRegimes(cols, new Uint8Array(labelBuf));
    const ppy = periodsPerYear(series);
    const id = randomUUID();
    const names = entrants.map((e) => e.name);
    this.store.create({
      id,
      name: spec.name ?? `${key} · ${spec.mode}`,
      spec,
      bars: bars.length,
      firstTs: bars[0]!.ts,
      lastTs: bars[bars.length - 1]!.ts,
      periodsPerYear: ppy,
      regimeBars: regimeCounts(labels),
      entrants: entrants.map((e) => ({ name: e.name, kind: e.desc.kind, ref: e.ref })),
      createdAt: this.now().toISOString(),
    });
    const cancel = new Int32Array(new SharedArrayBuffer(4));
    const run: Running = { cancel, progress: names.map((name) => ({ name, done: 0, total: bars.length })), lastPush: 0 };
    this.active.set(id, run);
    this.emit(id, 'running', null, true);

    const groups = taskGroups(spec.mode, entrants.map((e) => e.desc.kind));
    const floorMarket = {
      kind: 'historical' as const,
      series: [spec.series],
      ...(range.since !== undefined ? { since: range.since } : {}),
      // the session's until is inclusive, the tournament's exclusive
      ...(range.until !== undefined ? { until: range.until - 1 } : {}),
    };
    const tasks = groups.map(({ indices, floor }) => {
      const { port1, port2 } = new MessageChannel();
      let received = 0;
      port1.on('message', (m: TaskProgress) => {
        received++;
        for (const i of m.indices) run.progress[i] = { name: names[i]!, done: m.done, total: m.total };
        onProgress?.(run.progress);
        this.emit(id, 'running', null, m.done >= m.total);
      });
      const task: TournamentTask = {
        bars: buffer as SharedArrayBuffer,
        n: bars.length,
        labels: labelBuf,
        entrants: indices.map((i) => entrants[i]!.desc),
        indices,
        capital: spec.capital,
        feeBps: spec.feeBps,
        slippage: spec.slippage,
        shared: spec.mode === 'shared',
        ...(floor ? { floor: { symbol: spec.series.symbol, barMs: timeframeMs(series.timeframe), market: floorMarket } } : {}),
        periodsPerYear: ppy,
        seed: spec.seed,
        cancel,
        port: port2,
      };
      return this.pool
        .run(task, { transferList: [port2] })
        .then(async (r) => {
          await drain(() => received, r.messages);
          return { indices, r };
        })
        .catch((err: unknown) => {
          // one entrant failing ends the tournament: stop the others
          Atomics.store(cancel, 0, 1);
          throw err;
        })
        .finally(() => port1.close());
    });

    const done = Promise.allSettled(tasks).then((settled) => {
      const end = this.now().toISOString();
      const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      try {
        if (failed) {
          const msg = failed.reason instanceof Error ? failed.reason.message : String(failed.reason);
          this.store.finish(id, 'failed', end, `an entrant's task failed: ${msg}`);
        } else {
          const ok = settled.map((s) => (s as PromiseFulfilledResult<{ indices: number[]; r: TournamentTaskResult }>).value);
          if (ok.some((o) => o.r.status === 'cancelled') || Atomics.load(cancel, 0) === 1) this.store.finish(id, 'cancelled', end);
          else {
            const runs: { idx: number; run: EntrantRun }[] = [];
            for (const o of ok) o.r.runs.forEach((run, k) => runs.push({ idx: o.indices[k]!, run }));
            this.store.complete(id, rank(runs), end);
          }
        }
      } finally {
        this.active.delete(id);
      }
      const t = this.get(id)!;
      this.emit(id, t.status, t.error, true, run.progress);
      return t;
    });
    return { id, done, cancel: () => void this.cancel(id) };
  }

  /** Asks a running tournament to stop; false when it is not running. */
  cancel(id: string): boolean {
    const r = this.active.get(id);
    if (!r) return false;
    Atomics.store(r.cancel, 0, 1);
    return true;
  }

  list(limit = 50): ReturnType<TournamentStore['list']> {
    return this.store.list(limit);
  }

  /** The stored tournament, with live progress while it runs; null when unknown. */
  get(id: string): TournamentResult | null {
    const t = this.store.get(id);
    if (!t) return null;
    const r = this.active.get(id);
    return withEntrantNotes({ ...t, progress: r ? r.progress.map((p) => ({ ...p })) : null });
  }

  /** The leaderboard as JSON (the whole result) or CSV (one row per entrant). */
  export(id: string, format: 'json' | 'csv'): TournamentExport {
    const t = this.get(id);
    if (!t) throw new Error(`id: no tournament "${id}" in this library`);
    if (t.status !== 'completed') throw new Error(`tournament "${id}" is ${t.status}: only a completed tournament has a leaderboard to export`);
    const base = `tournament-${id.slice(0, 8)}`;
    if (format === 'csv') return { format, filename: `${base}.csv`, content: leaderboardCsv(t) };
    return { format, filename: `${base}.json`, content: JSON.stringify({ format: 'bullpen-tournament/1', ...t }, null, 2) };
  }

  async close(): Promise<void> {
    for (const r of this.active.values()) Atomics.store(r.cancel, 0, 1);
    await this.pool.close({ force: false });
  }

  private entrantsOf(spec: TournamentSpec): { name: string; ref: string | null; desc: EntrantDesc }[] {
    const out: { name: string; ref: string | null; desc: EntrantDesc }[] = spec.desks.map((d) => ({ name: TOURNAMENT_DESK_NAMES[d], ref: d, desc: { kind: 'desk', desk: d } }));
    const runs = new RunStore(this.opts.library.db);
    spec.policies.forEach((cid, i) => {
      const cp = runs.checkpointSnapshot(cid);
      if (!cp) throw new Error(`policies.${i}: no checkpoint "${cid}" in this library (see bullpen train)`);
      const run = runs.getRun(cp.runId);
      if (!run || run.env !== 'trading') throw new Error(`policies.${i}: checkpoint "${cid}" is a ${run?.env ?? 'unknown'}-env policy; only trading-env (PPO) policies trade a bar series`);
      const name = `Policy ${cid.slice(0, 8)}`;
      try {
        // built once here so a snapshot that does not fit is refused before anything is stored
        new PolicyStrategy(name, cid, cp.snapshot, run.envConfig);
      } catch (err) {
        throw new Error(`policies.${i}: ${(err as Error).message}`);
      }
      if (spec.mode === 'floor') {
        // the engine's own check, against a floor of one symbol and the five desks
        const input = deployInputOf({ kind: 'policy', id: cid, runId: run.id, name, snapshot: cp.snapshot as Record<string, unknown>, envConfig: run.envConfig });
        const plan = planDeployment(input, { symbols: [{ index: 0, name: spec.series.symbol, startPrice: 1, tickSize: 0.01 }], desks: TOURNAMENT_DESKS.map((_, index) => ({ index, name: '', personality: '', consensus: 'majority' })), agents: [] });
        if (typeof plan === 'string') throw new Error(`policies.${i}: checkpoint "${cid}" does not fit a tournament floor: ${plan}`);
      }
      out.push({ name, ref: cid, desc: { kind: 'policy', id: cid, name, snapshot: cp.snapshot, envConfig: run.envConfig, runId: run.id } });
    });
    out.push({ name: 'Buy & hold', ref: null, desc: { kind: 'buy-and-hold' } });
    out.push({ name: 'Random', ref: null, desc: { kind: 'random', seed: spec.seed } });
    return out;
  }

  /** Tells listeners; progress at most ~10 times a second per tournament unless `force`. */
  private emit(id: string, status: TournamentPush['status'], error: string | null, force: boolean, progress?: EntrantProgress[]): void {
    const r = this.active.get(id);
    const now = Date.now();
    if (r && !force && now - r.lastPush < 100) return;
    if (r) r.lastPush = now;
    const msg: TournamentPush = { push: 'tournament', id, status, progress: (progress ?? r?.progress ?? []).map((p) => ({ ...p })), error };
    for (const l of this.listeners) l(msg);
  }
}

/**
 * The tasks of a tournament: isolated — one per entrant; shared — one for all; floor — one engine
 * floor for the desks and policies (when any entered) and one per baseline, which runs as in isolated mode.
 */
export function taskGroups(mode: TournamentSpec['mode'], kinds: readonly EntrantKind[]): { indices: number[]; floor: boolean }[] {
  const all = kinds.map((_, i) => i);
  if (mode === 'shared') return [{ indices: all, floor: false }];
  if (mode === 'isolated') return all.map((i) => ({ indices: [i], floor: false }));
  const onFloor = all.filter((i) => kinds[i] === 'desk' || kinds[i] === 'policy');
  const alone = all.filter((i) => kinds[i] !== 'desk' && kinds[i] !== 'policy');
  return [...(onFloor.length > 0 ? [{ indices: onFloor, floor: true }] : []), ...alone.map((i) => ({ indices: [i], floor: false }))];
}

/** Waits (≤ 5 s) until `n` port messages arrived: a task's last progress may trail its result. */
function drain(received: () => number, n: number): Promise<void> {
  if (received() >= n) return Promise.resolve();
  return new Promise((resolve) => {
    const t0 = Date.now();
    const poll = setInterval(() => {
      if (received() >= n || Date.now() - t0 > 5_000) {
        clearInterval(poll);
        resolve();
      }
    }, 5);
  });
}

/** Best Sharpe first; entrants without a Sharpe ratio (flat) last; ties by total return. */
export function rank(runs: { idx: number; run: EntrantRun }[]): { idx: number; result: Omit<EntrantResult, 'name' | 'kind' | 'ref'> }[] {
  const sorted = [...runs].sort((a, b) => {
    const sa = a.run.metrics.sharpe;
    const sb = b.run.metrics.sharpe;
    if (sa === null || sb === null) return sa === sb ? b.run.metrics.totalReturn - a.run.metrics.totalReturn : sa === null ? 1 : -1;
    return sb - sa || b.run.metrics.totalReturn - a.run.metrics.totalReturn || a.idx - b.idx;
  });
  return sorted.map(({ idx, run }, i) => ({
    idx,
    result: { rank: i + 1, metrics: run.metrics, distinguishable: distinguishable(run.metrics.sharpeCI), regimes: run.regimes, equity: run.equity },
  }));
}
