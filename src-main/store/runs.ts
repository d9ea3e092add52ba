import type Database from 'better-sqlite3';
import { z } from 'zod';

/**
 * Training runs in the library database (migration "training runs"): one row per run with its
 * environment, algorithm, seed, hyperparameters and environment config; its metrics (one row per
 * update); its checkpoints (policy snapshots as JSON); its final evaluation. See docs/RL.md.
 */

export const RunStatus = z.enum(['queued', 'running', 'completed', 'cancelled', 'failed']);
export type RunStatus = z.infer<typeof RunStatus>;
export const TrainEnvName = z.enum(['trading', 'desk']);
export type TrainEnvName = z.infer<typeof TrainEnvName>;
export const TrainAlgoName = z.enum(['ppo', 'mappo']);
export type TrainAlgoName = z.infer<typeof TrainAlgoName>;

export interface RunRecord {
  id: string;
  env: TrainEnvName;
  algo: TrainAlgoName;
  status: RunStatus;
  seed: number;
  totalSteps: number;
  stepsDone: number;
  hyperparams: Record<string, unknown>;
  envConfig: Record<string, unknown>;
  curriculum: boolean;
  resumedFrom: string | null;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  error: string | null;
  evaluation: unknown;
}

export interface CheckpointRecord {
  id: string;
  runId: string;
  timesteps: number;
  createdAt: string;
}

export interface MetricRow {
  update: number;
  timesteps: number;
  metrics: Record<string, number | null>;
}

const jsonObject = z.string().transform((s, ctx) => {
  try {
    const v: unknown = JSON.parse(s);
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
    return v as Record<string, unknown>;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'not a JSON object' });
    return z.NEVER;
  }
});

const RunRow = z.object({
  id: z.string(),
  env: TrainEnvName,
  algo: TrainAlgoName,
  status: RunStatus,
  seed: z.number().int(),
  total_steps: z.number().int(),
  steps_done: z.number().int(),
  hyperparams: jsonObject,
  env_config: jsonObject,
  curriculum: z.number().int(),
  resumed_from: z.string().nullable(),
  created_at: z.string(),
  started_at: z.string().nullable(),
  ended_at: z.string().nullable(),
  error: z.string().nullable(),
  evaluation: z.string().nullable(),
});

function toRun(raw: unknown): RunRecord {
  const r = RunRow.parse(raw);
  return {
    id: r.id,
    env: r.env,
    algo: r.algo,
    status: r.status,
    seed: r.seed,
    totalSteps: r.total_steps,
    stepsDone: r.steps_done,
    hyperparams: r.hyperparams,
    envConfig: r.env_config,
    curriculum: r.curriculum === 1,
    resumedFrom: r.resumed_from,
    createdAt: r.created_at,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    error: r.error,
    evaluation: r.evaluation === null ? null : (JSON.parse(r.evaluation) as unknown),
  };
}

const CheckpointRow = z.object({ id: z.string(), run_id: z.string(), timesteps: z.number().int(), created_at: z.string() });
const MetricDbRow = z.object({ update_no: z.number().int(), timesteps: z.number().int(), metrics: jsonObject });

/** JSON that keeps non-finite numbers as null (SQLite's json_valid refuses NaN). */
function json(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? null : x));
}

export interface NewRun {
  id: string;
  env: TrainEnvName;
  algo: TrainAlgoName;
  seed: number;
  totalSteps: number;
  hyperparams: Record<string, unknown>;
  envConfig: Record<string, unknown>;
  curriculum: boolean;
  resumedFrom: string | null;
  createdAt: string;
}

export class RunStore {
  constructor(readonly db: Database.Database) {}

  createRun(r: NewRun): RunRecord {
    this.db
      .prepare(
        `INSERT INTO training_runs (id, env, algo, status, seed, total_steps, steps_done, hyperparams, env_config, curriculum, resumed_from, created_at)
         VALUES (?, ?, ?, 'queued', ?, ?, 0, ?, ?, ?, ?, ?)`,
      )
      .run(r.id, r.env, r.algo, r.seed, r.totalSteps, json(r.hyperparams), json(r.envConfig), r.curriculum ? 1 : 0, r.resumedFrom, r.createdAt);
    return this.getRun(r.id)!;
  }

  markRunning(id: string, at: string): void {
    this.db.prepare(`UPDATE training_runs SET status = 'running', started_at = ? WHERE id = ? AND status = 'queued'`).run(at, id);
  }

  addMetrics(id: string, update: number, timesteps: number, metrics: Record<string, unknown>): void {
    this.db.transaction(() => {
      this.db.prepare(`INSERT OR REPLACE INTO training_metrics (run_id, update_no, timesteps, metrics) VALUES (?, ?, ?, ?)`).run(id, update, timesteps, json(metrics));
      this.db.prepare(`UPDATE training_runs SET steps_done = ? WHERE id = ?`).run(timesteps, id);
    })();
  }

  /** Stores a checkpoint; with `keep`, only the run's `keep` most recent checkpoints are kept. */
  addCheckpoint(runId: string, id: string, timesteps: number, snapshot: unknown, at: string, keep?: number): CheckpointRecord {
    return this.addCheckpointJson(runId, id, timesteps, json(snapshot), at, keep);
  }

  /**
   * `addCheckpoint` with the snapshot already serialised (the training worker does it off the host's
   * thread: a checkpoint with its optimiser state is ~1 MB of JSON). Must be a JSON object.
   */
  addCheckpointJson(runId: string, id: string, timesteps: number, snapshotJson: string, at: string, keep?: number): CheckpointRecord {
    if (!snapshotJson.startsWith('{')) throw new Error(`checkpoint ${id}: the snapshot is not a JSON object`);
    this.db.transaction(() => {
      this.db.prepare(`INSERT INTO training_checkpoints (id, run_id, timesteps, created_at, snapshot) VALUES (?, ?, ?, ?, ?)`).run(id, runId, timesteps, at, snapshotJson);
      if (keep !== undefined) {
        this.db
          .prepare(
            `DELETE FROM training_checkpoints WHERE run_id = ? AND rowid NOT IN
               (SELECT rowid FROM training_checkpoints WHERE run_id = ? ORDER BY timesteps DESC, rowid DESC LIMIT ?)`,
          )
          .run(runId, runId, keep);
      }
    })();
    return { id, runId, timesteps, createdAt: at };
  }

  finish(id: string, status: Exclude<RunStatus, 'queued' | 'running'>, at: string, extra: { error?: string | null; evaluation?: unknown; stepsDone?: number } = {}): void {
    this.db
      .prepare(`UPDATE training_runs SET status = ?, ended_at = ?, error = ?, evaluation = ?, steps_done = COALESCE(?, steps_done) WHERE id = ?`)
      .run(status, at, extra.error ?? null, extra.evaluation === undefined || extra.evaluation === null ? null : json(extra.evaluation), extra.stepsDone ?? null, id);
  }

  /** Runs left 'queued' or 'running' by a process that ended (crash, power loss) are marked failed. */
  failInterrupted(at: string): number {
    return this.db
      .prepare(`UPDATE training_runs SET status = 'failed', ended_at = ?, error = 'interrupted: the app ended while the run was in progress' WHERE status IN ('queued', 'running')`)
      .run(at).changes;
  }

  getRun(id: string): RunRecord | null {
    const row: unknown = this.db.prepare(`SELECT * FROM training_runs WHERE id = ?`).get(id);
    return row === undefined ? null : toRun(row);
  }

  /** Most recent first. */
  listRuns(limit = 100): RunRecord[] {
    const rows: unknown[] = this.db.prepare(`SELECT * FROM training_runs ORDER BY created_at DESC, rowid DESC LIMIT ?`).all(limit);
    return rows.map(toRun);
  }

  metrics(runId: string): MetricRow[] {
    const rows: unknown[] = this.db.prepare(`SELECT update_no, timesteps, metrics FROM training_metrics WHERE run_id = ? ORDER BY update_no`).all(runId);
    return rows.map((raw) => {
      const r = MetricDbRow.parse(raw);
      return { update: r.update_no, timesteps: r.timesteps, metrics: r.metrics as Record<string, number | null> };
    });
  }

  checkpoints(runId: string): CheckpointRecord[] {
    const rows: unknown[] = this.db.prepare(`SELECT id, run_id, timesteps, created_at FROM training_checkpoints WHERE run_id = ? ORDER BY timesteps, rowid`).all(runId);
    return rows.map((raw) => {
      const r = CheckpointRow.parse(raw);
      return { id: r.id, runId: r.run_id, timesteps: r.timesteps, createdAt: r.created_at };
    });
  }

  latestCheckpoint(runId: string): CheckpointRecord | null {
    const all = this.checkpoints(runId);
    return all.length ? all[all.length - 1]! : null;
  }

  /** The checkpoint's stored policy snapshot (parsed JSON; validate before use). */
  checkpointSnapshot(id: string): { runId: string; timesteps: number; snapshot: unknown } | null {
    const row = this.db.prepare(`SELECT run_id, timesteps, snapshot FROM training_checkpoints WHERE id = ?`).get(id) as
      | { run_id: string; timesteps: number; snapshot: string }
      | undefined;
    if (!row) return null;
    return { runId: row.run_id, timesteps: row.timesteps, snapshot: JSON.parse(row.snapshot) as unknown };
  }

  /** A run with its metrics and latest checkpoint, as one JSON-able object (export). */
  exportRun(id: string): { format: 'bullpen-training-run/1'; run: RunRecord; metrics: MetricRow[]; checkpoint: { id: string; timesteps: number; snapshot: unknown } | null } | null {
    const run = this.getRun(id);
    if (!run) return null;
    const last = this.latestCheckpoint(id);
    const snap = last ? this.checkpointSnapshot(last.id) : null;
    return { format: 'bullpen-training-run/1', run, metrics: this.metrics(id), checkpoint: last && snap ? { id: last.id, timesteps: snap.timesteps, snapshot: snap.snapshot } : null };
  }

  /** Side-by-side summary of runs: status, steps, the last update's metrics, the evaluation. */
  compareRuns(ids: readonly string[]): { id: string; env: string; algo: string; status: RunStatus; seed: number; stepsDone: number; last: Record<string, number | null> | null; evaluation: unknown }[] {
    return ids.map((id) => {
      const run = this.getRun(id);
      if (!run) throw new Error(`no training run "${id}" in this library`);
      const m = this.metrics(id);
      return { id, env: run.env, algo: run.algo, status: run.status, seed: run.seed, stepsDone: run.stepsDone, last: m.length ? m[m.length - 1]!.metrics : null, evaluation: run.evaluation };
    });
  }
}
