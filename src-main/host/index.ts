export { SessionHost } from './session-host';
export type { SessionHostOptions, SessionRecorder, WorkerFactory } from './session-host';
export { createRouter } from './router';
export type { Router } from './router';
export { nodeWorkerFactory, bundledWorkerFactory, tsWorker, SIM_WORKER_URL, TS_WORKER_ENTRY_URL } from './node-worker';
export type { NodeWorkerOptions } from './node-worker';
export { APP_VERSION } from './app-version';
