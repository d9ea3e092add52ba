import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('docs/RL.md example', () => {
  it('`node --import tsx src-workers/rl/examples/mean-reversion.ts` trains a custom Env from a plain Node script', { timeout: 90_000 }, () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'src-workers/rl/examples/mean-reversion.ts'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 85_000,
    });
    const m = /mean return (-?[\d.]+) before → (-?[\d.]+) after training/.exec(out);
    expect(m, out).not.toBeNull();
    expect(Number(m![2])).toBeGreaterThan(10);
    expect(Number(m![2])).toBeGreaterThan(Number(m![1]) + 10);
    expect(out).toContain('buy at −1σ: 2, sell at +1σ: 0');
  });
});

describe('docs/RL.md snippet', () => {
  it('the "my-train.ts" script in docs/RL.md runs as documented and learns its task', { timeout: 90_000 }, () => {
    const md = readFileSync(join(root, 'docs/RL.md'), 'utf8');
    const m = /```ts\n(\/\/ my-train\.ts[\s\S]*?)```/.exec(md);
    expect(m).not.toBeNull();
    // the doc imports './src-workers/rl' from the repository root; run it from a temp folder instead
    const src = m![1]!.replace("from './src-workers/rl'", `from '${pathToFileURL(join(root, 'src-workers/rl/index.ts')).href}'`);
    const dir = mkdtempSync(join(tmpdir(), 'rl-doc-'));
    try {
      writeFileSync(join(dir, 'my-train.ts'), src);
      const out = execFileSync(process.execPath, ['--import', 'tsx', join(dir, 'my-train.ts')], { cwd: root, encoding: 'utf8', timeout: 85_000 });
      expect(out.trim().split('\n').at(-1)).toBe('[ 50, 50, 50, 50, 50 ]');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('PPO in a worker thread', () => {
  it('trains inside a worker_threads Worker (WebAssembly kernel) and posts metrics and a snapshot back', { timeout: 60_000 }, async () => {
    // the worker loads the library the way a training pool would: no Node APIs needed inside it
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      (async () => {
        const { register } = await import('tsx/esm/api');
        register();
        const rl = await import(workerData.entry);
        const model = new rl.PPO(() => new rl.CartPole(), { n_envs: 8, n_steps: 32, batch_size: 256, n_epochs: 20, gamma: 0.98, gae_lambda: 0.8, learning_rate: 'lin_0.001', clip_range: 'lin_0.2', seed: 0 });
        model.learn(5120, { onUpdate: (m) => { parentPort.postMessage({ metrics: m }); } });
        parentPort.postMessage({ kernel: model.kernel.name, snapshot: model.snapshot() });
      })().catch((e) => parentPort.postMessage({ error: String((e && e.stack) || e) }));
    `;
    const entry = pathToFileURL(`${root}src-workers/rl/index.ts`).href;
    const w = new Worker(code, { eval: true, workerData: { entry } });
    const updates: number[] = [];
    const done = await new Promise<{ kernel?: string; snapshot?: { params: number[]; numTimesteps: number }; error?: string }>((resolve, reject) => {
      w.on('message', (m: { metrics?: { timesteps: number }; kernel?: string; error?: string }) => {
        if (m.metrics) updates.push(m.metrics.timesteps);
        else resolve(m);
      });
      w.on('error', reject);
    });
    await w.terminate();
    expect(done.error).toBeUndefined();
    expect(done.kernel).toBe('wasm-simd-f32');
    expect(updates).toHaveLength(20);
    expect(done.snapshot!.numTimesteps).toBe(5120);
    expect(done.snapshot!.params.every(Number.isFinite)).toBe(true);
  });
});
