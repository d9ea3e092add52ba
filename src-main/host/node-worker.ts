import { Worker } from 'node:worker_threads';
import type { WorkerFactory } from './session-host';

/**
 * The sim worker under plain Node (CLI, browser-mode server, tests): the TypeScript entry run through
 * tsx. The Electron main injects electron-vite's bundled worker path instead.
 */
export const SIM_WORKER_URL = new URL('../../src-workers/sim/sim.worker.ts', import.meta.url);

export interface NodeWorkerOptions {
  /** environment of the worker (default: the host's); e.g. BULLPEN_SIM_CRASH_AT_TICK for tests */
  env?: NodeJS.ProcessEnv;
}

export function nodeWorkerFactory(opts: NodeWorkerOptions = {}): WorkerFactory {
  return () =>
    new Worker(SIM_WORKER_URL, {
      execArgv: ['--import', 'tsx'],
      ...(opts.env ? { env: opts.env } : {}),
    });
}

/** A factory for a worker at a bundled path (Electron main: `import p from '...sim.worker.ts?modulePath'`). */
export function bundledWorkerFactory(path: string, opts: NodeWorkerOptions = {}): WorkerFactory {
  return () => new Worker(path, opts.env ? { env: opts.env } : {});
}
