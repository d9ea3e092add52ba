// Piscina task bootstrap for TypeScript task modules under plain Node (CLI, browser mode, tests):
// registers tsx inside the worker thread, then re-exports the default export (the task handler) of
// the TypeScript module whose file URL is the worker's first argv. Under Electron the service is
// given electron-vite's bundled worker file instead and this file is not used.
import { register } from 'tsx/esm/api';

const entry = process.argv[2];
if (!entry) throw new Error('ts-task-entry: no entry given (pass it as the worker argv)');
register();
const mod = await import(entry);
export default mod.default;
