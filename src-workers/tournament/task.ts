import type { MessagePort } from 'node:worker_threads';
import { columnsOf } from './bars';
import { buildStrategy, scoreEntrant, simulate, type EntrantDesc, type EntrantRun } from './run';

/**
 * One Piscina task of a tournament: in isolated mode one entrant, in shared mode all of them. The
 * bars and their regime labels arrive as SharedArrayBuffers (no copy per task); progress goes back
 * over `port`; `cancel[0] = 1` stops the task at its next progress point.
 */
export interface TournamentTask {
  bars: SharedArrayBuffer;
  n: number;
  labels: SharedArrayBuffer;
  entrants: EntrantDesc[];
  /** position of each entrant in the tournament (progress and bootstrap seeds) */
  indices: number[];
  capital: number;
  feeBps: number;
  slippage: boolean;
  shared: boolean;
  periodsPerYear: number;
  seed: number;
  cancel: Int32Array;
  port: MessagePort;
}

export interface TaskProgress {
  type: 'progress';
  indices: number[];
  done: number;
  total: number;
}

export interface TournamentTaskResult {
  status: 'completed' | 'cancelled';
  runs: EntrantRun[];
  /** messages posted on the port (the service waits for all before finishing) */
  messages: number;
}

/** Bootstrap seed of entrant i: distinct per entrant, fixed by the tournament seed. */
export function bootstrapSeed(seed: number, index: number): number {
  return (seed * 31 + 1009 * (index + 1)) | 0;
}

export function runTournamentTask(task: TournamentTask): TournamentTaskResult {
  const cols = columnsOf(task.bars, task.n);
  const labels = new Uint8Array(task.labels, 0, task.n);
  const strategies = task.entrants.map(buildStrategy);
  let messages = 0;
  const sim = simulate(
    cols,
    strategies,
    { capital: task.capital, feeBps: task.feeBps, slippage: task.slippage, shared: task.shared },
    {
      onProgress: (done, total) => {
        const msg: TaskProgress = { type: 'progress', indices: task.indices, done, total };
        task.port.postMessage(msg);
        messages++;
      },
      cancelled: () => Atomics.load(task.cancel, 0) === 1,
    },
  );
  if (sim.cancelled) return { status: 'cancelled', runs: [], messages };
  const runs = strategies.map((s, k) => scoreEntrant(cols, labels, sim, k, s, { periodsPerYear: task.periodsPerYear, seed: bootstrapSeed(task.seed, task.indices[k]!) }));
  return { status: 'completed', runs, messages };
}
