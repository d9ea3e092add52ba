import type { MessagePort } from 'node:worker_threads';
import type { SessionConfig } from '../../src-shared/config';
import { columnsOf } from './bars';
import { runFloor, type FloorEntrant } from './floor-runner';
import { buildStrategy, scoreEntrant, simulate, type EntrantDesc, type EntrantRun } from './run';

/**
 * One Piscina task of a tournament: in isolated mode one entrant, in shared mode all of them, in
 * floor mode the desks and policies on one engine floor (`floor` set; floor-runner.ts). The
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
  /** floor mode: run the entrants (desks, policies) on one engine floor over these bars */
  floor?: { symbol: string; barMs: number; market: Extract<SessionConfig['market'], { kind: 'historical' }> };
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
  if (task.floor) return runFloorTask(task, cols, labels, task.floor);
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

function runFloorTask(task: TournamentTask, cols: ReturnType<typeof columnsOf>, labels: Uint8Array, floor: NonNullable<TournamentTask['floor']>): TournamentTaskResult {
  const entrants = task.entrants.map((d): FloorEntrant => {
    if (d.kind === 'desk') return d;
    if (d.kind === 'policy') return { kind: 'policy', id: d.id, runId: d.runId, name: d.name, snapshot: d.snapshot as Record<string, unknown>, envConfig: d.envConfig as Record<string, unknown> };
    throw new Error(`floor mode: a ${d.kind} entrant does not trade on the floor (it runs as in isolated mode)`);
  });
  let messages = 0;
  const out = runFloor(
    cols,
    labels,
    entrants,
    { ...floor, capital: task.capital, feeBps: task.feeBps, seed: task.seed, periodsPerYear: task.periodsPerYear, bootstrapSeeds: task.indices.map((i) => bootstrapSeed(task.seed, i)) },
    {
      onProgress: (done, total) => {
        const msg: TaskProgress = { type: 'progress', indices: task.indices, done, total };
        task.port.postMessage(msg);
        messages++;
      },
      cancelled: () => Atomics.load(task.cancel, 0) === 1,
    },
  );
  return out.cancelled ? { status: 'cancelled', runs: [], messages } : { status: 'completed', runs: out.runs, messages };
}
