import { Worker } from 'node:worker_threads';
import type { WorkerFactory } from './session-host';

/**
 * The sim worker under plain Node (CLI, browser-mode server, tests): the TypeScript entry run through
 * tsx. Node 20 does not apply `execArgv: ['--import', 'tsx']` hooks to a worker's own entry module,
 * so a tiny plain-JS bootstrap (ts-worker-entry.mjs) registers tsx inside the thread and then imports
 * the entry. The Electron main injects electron-vite's bundled worker path instead
 * (`bundledWorkerFactory`).
 */
export const SIM_WORKER_URL = new URL('../../src-workers/sim/sim.worker.ts', import.meta.url);
export const TS_WORKER_ENTRY_URL = new URL('./ts-worker-entry.mjs', import.meta.url);

export interface NodeWorkerOptions {
  /** environment of the worker (default: the host's); e.g. BULLPEN_SIM_CRASH_AT_TICK for tests */
  env?: NodeJS.ProcessEnv;
}

/** A worker running a TypeScript entry module under plain Node. */
export function tsWorker(entry: URL, opts: NodeWorkerOptions = {}): Worker {
  return new Worker(TS_WORKER_ENTRY_URL, { argv: [entry.href], ...(opts.env ? { env: opts.env } : {}) });
}

export function nodeWorkerFactory(opts: NodeWorkerOptions = {}): WorkerFactory {
  return () => tsWorker(SIM_WORKER_URL, opts);
}

/** A factory for a worker at a bundled path (Electron main: `import p from '...sim.worker.ts?modulePath'`). */
export function bundledWorkerFactory(path: string, opts: NodeWorkerOptions = {}): WorkerFactory {
  return () => new Worker(path, opts.env ? { env: opts.env } : {});
}
