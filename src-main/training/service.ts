import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { RunRecord, RunStore } from '../store/runs';
import { validateTrainSpec, type TrainResult, type TrainSpecInput, type TrainTask, type TrainingProgress, type WorkerMessage } from '../../src-workers/rl/train-task';

/**
 * Training runs in a Piscina pool (docs/RL.md, "Training runs"): several runs at once, each in its
 * own worker thread, so training never blocks the floor. Progress and checkpoints stream back over a
 * MessagePort per run and are stored as they arrive (runs, metrics, checkpoints in the library);
 * `cancel` (or the caller's AbortSignal) stops a run at its next update and keeps its checkpoints; a
 * NaN in a loss or a crashed worker marks the run failed with the error — the floor and the other
 * runs carry on.
 */

export const TRAIN_WORKER_URL = new URL('../../src-workers/rl/train.worker.ts', import.meta.url);
const TS_TASK_ENTRY_URL = new URL('./ts-task-entry.mjs', import.meta.url);

export interface TrainingServiceOptions {
  store: RunStore;
  /** worker threads (runs training at the same time); default 2 */
  maxThreads?: number;
  /** a bundled worker file (Electron); default: the TypeScript entry through tsx */
  workerFilename?: string;
  /** worker environment (tests: BULLPEN_TRAIN_FAULT) */
  env?: Record<string, string>;
  /** checkpoints kept per run, most recent first (default 10; a snapshot is ~0.1–1 MB of JSON) */
  keepCheckpoints?: number;
  now?: () => Date;
  /**
   * The app (not the CLI): runs the library still shows as queued or running were cut off when the
   * app last ended, so they are marked failed ("interrupted") when the service starts.
   */
  recoverInterrupted?: boolean;
}

export interface StartOptions {
  signal?: AbortSignal;
  /** continue from this checkpoint (id in the library): its parameters warm-start the new run */
  resumeFrom?: string;
  onProgress?: (p: TrainingProgress) => void;
  onCheckpoint?: (c: { id: string; timesteps: number }) => void;
}

export interface RunHandle {
  id: string;
  /** the final run record (completed, cancelled or failed — a failed run resolves too); rejects only if the library cannot be written */
  done: Promise<RunRecord>;
  cancel(): void;
}

type Listener = (runId: string, p: TrainingProgress) => void;

export class TrainingService {
  readonly store: RunStore;
  private readonly pool: Piscina<TrainTask, TrainResult>;
  private readonly now: () => Date;
  private readonly keep: number;
  private readonly active = new Map<string, { cancel: Int32Array }>();
  private readonly listeners = new Set<Listener>();

  constructor(opts: TrainingServiceOptions) {
    this.store = opts.store;
    this.now = opts.now ?? (() => new Date());
    this.keep = opts.keepCheckpoints ?? 10;
    if (opts.recoverInterrupted) this.store.failInterrupted(this.now().toISOString());
    const threads = opts.maxThreads ?? 2;
    this.pool = new Piscina<TrainTask, TrainResult>({
      filename: opts.workerFilename ?? fileURLToPath(TS_TASK_ENTRY_URL),
      ...(opts.workerFilename ? {} : { argv: [TRAIN_WORKER_URL.href] }),
      minThreads: 0,
      maxThreads: threads,
      idleTimeout: 5_000,
      ...(opts.env ? { env: { ...process.env, ...opts.env } } : {}),
    });
  }

  /** Listen to every run's progress (the API pushes it to the UI). Returns an unsubscribe. */
  subscribe(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** Runs in progress (ids). */
  get running(): string[] {
    return [...this.active.keys()];
  }

  /**
   * Validates the job (throws naming the field, nothing is stored), records the run and queues it.
   */
  start(input: TrainSpecInput, opts: StartOptions = {}): RunHandle {
    const resolved = validateTrainSpec(input);
    let resume: unknown = null;
    if (opts.resumeFrom !== undefined) {
      const cp = this.store.checkpointSnapshot(opts.resumeFrom);
      if (!cp) throw new Error(`resumeFrom: no checkpoint "${opts.resumeFrom}" in this library`);
      const parent = this.store.getRun(cp.runId);
      if (parent && (parent.env !== resolved.spec.env || parent.algo !== resolved.spec.algo)) {
        throw new Error(`resumeFrom: checkpoint "${opts.resumeFrom}" is a ${parent.env}/${parent.algo} policy, not ${resolved.spec.env}/${resolved.spec.algo}`);
      }
      resume = cp.snapshot;
    }
    const id = randomUUID();
    const { spec } = resolved;
    this.store.createRun({
      id,
      env: spec.env,
      algo: spec.algo,
      seed: spec.seed,
      totalSteps: spec.steps,
      hyperparams: resolved.hyperparams,
      envConfig: resolved.envConfig,
      curriculum: spec.curriculum,
      resumedFrom: opts.resumeFrom ?? null,
      createdAt: this.now().toISOString(),
    });
    const cancel = new Int32Array(new SharedArrayBuffer(4));
    this.active.set(id, { cancel });
    const doCancel = (): void => {
      Atomics.store(cancel, 0, 1);
    };
    if (opts.signal) {
      if (opts.signal.aborted) doCancel();
      else opts.signal.addEventListener('abort', doCancel, { once: true });
    }
    const { port1, port2 } = new MessageChannel();
    let received = 0;
    let waiting: { n: number; resolve: () => void } | null = null;
    let started = false;
    port1.on('message', (msg: WorkerMessage) => {
      received++;
      try {
        if (!started) {
          started = true;
          this.store.markRunning(id, this.now().toISOString());
        }
        if (msg.type === 'progress') {
          const p = msg.progress;
          this.store.addMetrics(id, p.update, p.timesteps, { ...p });
          opts.onProgress?.(p);
          for (const l of this.listeners) l(id, p);
        } else {
          const cid = randomUUID();
          this.store.addCheckpointJson(id, cid, msg.timesteps, msg.snapshotJson, this.now().toISOString(), this.keep);
          opts.onCheckpoint?.({ id: cid, timesteps: msg.timesteps });
        }
      } catch (err) {
        // storage trouble must not take the host down; the run's end records what happened
        process.emitWarning(`training run ${id}: could not store a ${msg.type} message: ${(err as Error).message}`);
      }
      if (waiting && received >= waiting.n) waiting.resolve();
    });
    const drain = (n: number): Promise<void> =>
      received >= n
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const t = setTimeout(resolve, 5_000);
            waiting = {
              n,
              resolve: () => {
                clearTimeout(t);
                resolve();
              },
            };
          });
    const task: TrainTask = { runId: id, resolved, resume, cancel, port: port2 };
    const done = this.pool
      .run(task, { transferList: [port2] })
      .then(
        async (r) => {
          await drain(r.messages);
          if (!started) this.store.markRunning(id, this.now().toISOString());
          this.store.finish(id, r.status, this.now().toISOString(), { error: r.error, evaluation: r.evaluation, stepsDone: r.timesteps });
        },
        (err: unknown) => {
          const msg = err instanceof Error ? err.message : String(err);
          this.store.finish(id, 'failed', this.now().toISOString(), { error: `the training worker crashed: ${msg}` });
        },
      )
      .then(() => {
        port1.close();
        this.active.delete(id);
        opts.signal?.removeEventListener('abort', doCancel);
        return this.store.getRun(id)!;
      });
    return { id, done, cancel: doCancel };
  }

  /** Asks a run to stop at its next update (its checkpoints are kept). False when it is not running. */
  cancel(runId: string): boolean {
    const a = this.active.get(runId);
    if (!a) return false;
    Atomics.store(a.cancel, 0, 1);
    return true;
  }

  /** Stops every run and the pool. */
  async close(): Promise<void> {
    for (const a of this.active.values()) Atomics.store(a.cancel, 0, 1);
    await this.pool.close({ force: false });
  }
}
