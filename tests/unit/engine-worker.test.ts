import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultSessionConfig } from '../../src-shared/config';
import type { HostToSim, SimToHost } from '../../src-shared/worker-protocol';

const WORKER_URL = new URL('../../src-workers/sim/sim.worker.ts', import.meta.url).href;
// On Node 20 `execArgv: ['--import', 'tsx']` does not reach a worker's own module loader (the .ts
// entry fails with ERR_UNKNOWN_FILE_EXTENSION), so the worker is started from a tiny eval'd bootstrap
// that registers tsx's loader inside the thread and then imports the TypeScript entry.
const require = createRequire(import.meta.url);
const tsxPkgPath = require.resolve('tsx/package.json');
const tsxPkg = require(tsxPkgPath) as { exports: Record<string, { import: { default: string } }> };
const TSX_API = new URL(tsxPkg.exports['./esm/api']!.import.default, pathToFileURL(tsxPkgPath)).href;
const BOOTSTRAP = `import(${JSON.stringify(TSX_API)}).then((m) => { m.register(); return import(${JSON.stringify(WORKER_URL)}); })`;

const workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.terminate()));
});

function spawn(env: Record<string, string> = {}): { send: (m: HostToSim) => void; next: (pred: (m: SimToHost) => boolean) => Promise<SimToHost>; all: SimToHost[] } {
  const w = new Worker(BOOTSTRAP, { eval: true, env: { ...process.env, ...env } });
  workers.push(w);
  const all: SimToHost[] = [];
  const waiters: Array<{ pred: (m: SimToHost) => boolean; resolve: (m: SimToHost) => void }> = [];
  w.on('message', (m: SimToHost) => {
    all.push(m);
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (waiters[i]!.pred(m)) waiters.splice(i, 1)[0]!.resolve(m);
    }
  });
  return {
    send: (m) => w.postMessage(m),
    next: (pred) => {
      const seen = all.find(pred);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.push({ pred, resolve }));
    },
    all,
  };
}

describe('sim worker', () => {
  it('builds the engine, streams batches at max speed, applies inputs at a tick boundary and stops', async () => {
    const w = spawn();
    w.send({ type: 'init', config: defaultSessionConfig({ seed: 4, crowd: 300, symbols: 2 }) });
    const ready = await w.next((m) => m.type === 'ready');
    expect(ready.type === 'ready' && ready.roster.symbols.length).toBe(2);
    w.send({ type: 'speed', speed: 'max' });
    w.send({ type: 'run' });
    const b = await w.next((m) => m.type === 'batch' && m.batch.toTick >= 50);
    if (b.type !== 'batch') throw new Error('unreachable');
    const { batch } = b;
    const ticks = batch.toTick - batch.fromTick + 1;
    expect(batch.seriesLast.length).toBe(ticks * 2);
    expect(batch.latest.tick).toBe(batch.toTick);
    expect(batch.latest.agents.position.length).toBe(25);
    for (const x of batch.seriesLast) expect(x).toBeGreaterThan(0);
    w.send({ type: 'input', id: 7, input: { kind: 'halt', desk: 0, halted: true } });
    const acc = await w.next((m) => m.type === 'inputAccepted');
    expect(acc).toMatchObject({ type: 'inputAccepted', id: 7 });
    const applied = await w.next((m) => m.type === 'batch' && m.batch.events.some((e) => e.type === 'input'));
    if (applied.type !== 'batch' || acc.type !== 'inputAccepted') throw new Error('unreachable');
    const ev = applied.batch.events.find((e) => e.type === 'input')!;
    expect(ev.tick).toBe(acc.tick);
    // consecutive batches tile the ticks with no gap
    const batches = w.all.filter((m): m is Extract<SimToHost, { type: 'batch' }> => m.type === 'batch');
    for (let i = 1; i < batches.length; i++) expect(batches[i]!.batch.fromTick).toBe(batches[i - 1]!.batch.toTick + 1);
    w.send({ type: 'stop' });
    const stopped = await w.next((m) => m.type === 'stopped');
    expect(stopped.type === 'stopped' && stopped.tick).toBeGreaterThanOrEqual(50);
  });

  it('reports an engine fault as an error message (test hook BULLPEN_SIM_CRASH_AT_TICK)', async () => {
    const w = spawn({ BULLPEN_SIM_CRASH_AT_TICK: '40' });
    w.send({ type: 'init', config: defaultSessionConfig({ seed: 1, crowd: 100, symbols: 1, desks: 1 }) });
    await w.next((m) => m.type === 'ready');
    w.send({ type: 'speed', speed: 'max' });
    w.send({ type: 'run' });
    const err = await w.next((m) => m.type === 'error');
    expect(err).toMatchObject({ type: 'error', message: 'simulated engine fault at tick 40' });
    expect(err.type === 'error' && err.stack).toContain('simulated engine fault');
  });
});
