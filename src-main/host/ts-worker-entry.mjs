// Worker-thread bootstrap for TypeScript entries under plain Node (CLI, browser mode, tests).
// Node 20 does not apply `--import tsx` hooks to a worker's own entry module ("Unknown file
// extension .ts"), so this plain-JS entry registers tsx inside the thread, then imports the
// TypeScript entry whose file URL is the worker's first argv.
import { register } from 'tsx/esm/api';

const entry = process.argv[2];
if (!entry) throw new Error('ts-worker-entry: no entry given (pass it as the worker argv)');
register();
await import(entry);
