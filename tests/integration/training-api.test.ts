import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResponseEnvelope, type AppInfo, type ApiErrorBody, type PushMessage } from '../../src-shared/api';
import { TrainingComparison, TrainingExport, TrainingPush, TrainingRunDetail, TrainingRunSummary, TrainingPreset } from '../../src-shared/training-api';
import { nodeWorkerFactory } from '../../src-main/host/node-worker';
import { createRouter, type Router } from '../../src-main/host/router';
import { SessionHost } from '../../src-main/host/session-host';
import { openLibrary, type Library } from '../../src-main/store/library';
import { RunStore } from '../../src-main/store/runs';
import { TrainingService } from '../../src-main/training/service';
import { validateTrainSpec } from '../../src-workers/rl/train-task';

/** training.* through the real router, a real TrainingService (Piscina pool) and a temp library; progress arrives as host pushes. */

let dir: string;
let lib: Library;
const hosts: SessionHost[] = [];
const services: TrainingService[] = [];
let nextId = 1;

interface Floor {
  router: Router;
  pushes: TrainingPush[];
  waiters: { pred: (p: TrainingPush) => boolean; resolve: (p: TrainingPush) => void }[];
}

function floor(opts: { training?: boolean; env?: Record<string, string> } = {}): Floor {
  const host = new SessionHost({ workerFactory: nodeWorkerFactory(), appVersion: 'test', log: () => undefined });
  hosts.push(host);
  const info: AppInfo = { name: 'Bullpen', version: 'test', transport: 'direct', dataDir: dir, dbPath: join(dir, 'library.sqlite') };
  let training: TrainingService | undefined;
  if (opts.training !== false) {
    training = new TrainingService({ store: new RunStore(lib.db), maxThreads: 2, ...(opts.env ? { env: opts.env } : {}) });
    services.push(training);
  }
  const f: Floor = { router: createRouter(host, info, undefined, { library: lib, ...(training ? { training } : {}) }), pushes: [], waiters: [] };
  host.onPush((msg: PushMessage) => {
    if (msg.push !== 'training') return;
    // every push matches the contract (the renderer may validate it)
    const p = TrainingPush.parse(JSON.parse(JSON.stringify(msg)));
    f.pushes.push(p);
    f.waiters = f.waiters.filter((w) => (w.pred(p) ? (w.resolve(p), false) : true));
  });
  return f;
}

function waitPush(f: Floor, pred: (p: TrainingPush) => boolean): Promise<TrainingPush> {
  const seen = f.pushes.find(pred);
  if (seen) return Promise.resolve(seen);
  return new Promise((resolve) => f.waiters.push({ pred, resolve }));
}

const ended = (runId: string) => (p: TrainingPush) => p.runId === runId && (p.status === 'completed' || p.status === 'cancelled' || p.status === 'failed');

async function raw(f: Floor, method: string, params: unknown = {}): Promise<ResponseEnvelope> {
  const text = JSON.stringify({ id: nextId++, method, params });
  return ResponseEnvelope.parse(await f.router.handle(text, Buffer.byteLength(text)));
}

async function call(f: Floor, method: string, params: unknown = {}): Promise<unknown> {
  const res = await raw(f, method, params);
  if (!res.ok) throw new Error(`${method}: ${res.error.code}: ${res.error.message}`);
  return res.result;
}

async function refusal(f: Floor, method: string, params: unknown): Promise<ApiErrorBody> {
  const res = await raw(f, method, params);
  if (res.ok) throw new Error(`${method} was accepted: ${JSON.stringify(res.result)}`);
  return res.error;
}

const SMALL = {
  env: 'trading',
  algo: 'ppo',
  steps: 512,
  seed: 8,
  hyperparams: { n_envs: 2, n_steps: 128, batch_size: 128, n_epochs: 2 },
  envConfig: { episodeSteps: 64, warmupTicks: 100 },
  evalEpisodes: 0,
  checkpointEvery: 1,
};

let f: Floor;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bullpen-train-api-'));
  lib = openLibrary(join(dir, 'library.sqlite'), { appVersion: 'test' });
  f = floor();
});
afterAll(async () => {
  await Promise.all(services.map((s) => s.close()));
  await Promise.all(hosts.map((h) => h.dispose()));
  lib.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('training API', () => {
  it('starts a preset run, pushes its progress and end, and serves list, get, compare and export', async () => {
    const presets = TrainingPreset.array().parse(await call(f, 'training.presets'));
    expect(presets.map((p) => p.name)).toEqual(expect.arrayContaining(['Trading trader (PPO)', 'Desk of three (MAPPO)', 'Trading with curriculum']));
    // every preset is a job the trainer accepts as it is
    for (const p of presets) expect(() => validateTrainSpec(p.spec), p.id).not.toThrow();

    const a = TrainingRunSummary.parse(await call(f, 'training.start', { preset: 'quick-look', steps: 1024, seed: 5 }));
    expect(a).toMatchObject({ env: 'trading', algo: 'ppo', seed: 5, totalSteps: 1024, status: 'queued' });
    const b = TrainingRunSummary.parse(await call(f, 'training.start', { spec: SMALL }));
    const endA = await waitPush(f, ended(a.id));
    const endB = await waitPush(f, ended(b.id));
    expect(endA.status, endA.error ?? '').toBe('completed');
    expect(endB.status, endB.error ?? '').toBe('completed');

    // pushes: queued first, then progress in step order, then the end carrying the last update
    const mine = f.pushes.filter((p) => p.runId === a.id);
    expect(mine[0]).toMatchObject({ status: 'queued', progress: null });
    const running = mine.filter((p) => p.status === 'running');
    expect(running.length).toBeGreaterThanOrEqual(1);
    const steps = running.map((p) => p.progress!.timesteps);
    expect(steps).toEqual([...steps].sort((x, y) => x - y));
    expect(mine[mine.length - 1]).toBe(endA);
    expect(endA.progress).toMatchObject({ timesteps: 1024, total_steps: 1024, update: 4, curriculum_level: 0 });
    expect(endA.progress!.episodes).toBeGreaterThan(0);
    expect(typeof endA.progress!.fps).toBe('number');

    const list = TrainingRunSummary.array().parse(await call(f, 'training.list', {}));
    expect(list.map((r) => r.id)).toEqual(expect.arrayContaining([a.id, b.id]));
    expect(list.find((r) => r.id === a.id)).toMatchObject({ status: 'completed', stepsDone: 1024 });

    const got = TrainingRunDetail.parse(await call(f, 'training.get', { id: a.id }));
    expect(got.metrics.map((m) => m.timesteps)).toEqual([256, 512, 768, 1024]);
    expect(got.metrics[3]!.metrics.ep_rew_mean).toBe(endA.progress!.ep_rew_mean);
    expect(got.checkpoints.map((c) => c.timesteps)).toEqual([512, 1024]);
    expect((got.evaluation as { contenders: { name: string }[] }).contenders[0]!.name).toBe('agent');

    // compare: one step axis; run b (512 steps) has no updates past 512
    const cmp = TrainingComparison.parse(await call(f, 'training.compare', { ids: [a.id, b.id], metrics: ['ep_rew_mean', 'value_loss'] }));
    expect(cmp.timesteps).toEqual([256, 512, 768, 1024]);
    expect(cmp.runs.map((r) => r.run.id)).toEqual([a.id, b.id]);
    expect(cmp.runs[0]!.series.value_loss).toEqual(got.metrics.map((m) => m.metrics.value_loss));
    expect(cmp.runs[1]!.series.ep_rew_mean!.slice(2)).toEqual([null, null]);
    expect(cmp.runs[1]!.series.value_loss![1]).toEqual(expect.any(Number));

    // export: in the answer, or to a new file (never overwritten)
    const ex = (await call(f, 'training.export', { id: a.id })) as { file: string | null; export: unknown };
    const data = TrainingExport.parse(ex.export);
    expect(ex.file).toBeNull();
    expect(data.checkpoint!.timesteps).toBe(1024);
    expect(data.metrics).toHaveLength(4);
    const out = join(dir, 'run-a.json');
    expect(await call(f, 'training.export', { id: a.id, out })).toEqual({ file: out, export: null });
    expect(TrainingExport.parse(JSON.parse(readFileSync(out, 'utf8'))).run.id).toBe(a.id);
    expect(await refusal(f, 'training.export', { id: a.id, out })).toMatchObject({ code: 'bad_request', message: expect.stringMatching(/exists/) });
    expect(await refusal(f, 'training.export', { id: a.id, out: 'relative.json' })).toMatchObject({ code: 'bad_request', issues: [{ path: 'out' }] });

    // resume from a checkpoint: a new run that records where it started
    const resumed = TrainingRunSummary.parse(await call(f, 'training.start', { spec: { ...SMALL, steps: 256 }, resumeFrom: got.checkpoints[1]!.id }));
    expect(resumed.resumedFrom).toBe(got.checkpoints[1]!.id);
    expect((await waitPush(f, ended(resumed.id))).status).toBe('completed');
    expect(await refusal(f, 'training.start', { spec: SMALL, resumeFrom: 'nope' })).toMatchObject({ code: 'bad_request', issues: [{ path: 'resumeFrom' }] });
  }, 120_000);

  it('refuses bad jobs with bad_request naming the field, storing nothing', async () => {
    const before = (await call(f, 'training.list', {})) as unknown[];
    const gamma = await refusal(f, 'training.start', { spec: { ...SMALL, hyperparams: { gamma: 2 } } });
    expect(gamma.code).toBe('bad_request');
    expect(gamma.message).toMatch(/gamma/);
    expect(gamma.issues).toEqual([{ path: 'hyperparams.gamma', message: expect.stringMatching(/<=1/) }]);
    const typo = await refusal(f, 'training.start', { spec: { ...SMALL, hyperparams: { n_step: 64 } } });
    expect(typo.issues?.[0]?.path).toBe('hyperparams.n_step');
    expect(typo.message).toMatch(/n_step/);
    expect((await refusal(f, 'training.start', { spec: { ...SMALL, envConfig: { lotFraction: 2 } } })).issues?.[0]?.path).toBe('envConfig.lotFraction');
    expect((await refusal(f, 'training.start', { preset: 'quick-look', steps: 0 })).issues?.[0]?.path).toBe('steps');
    expect((await refusal(f, 'training.start', { spec: { ...SMALL, algo: 'mappo' } })).issues?.[0]).toMatchObject({ path: 'algo' });
    expect((await refusal(f, 'training.start', { preset: 'nope' })).issues).toEqual([{ path: 'preset', message: 'unknown preset' }]);
    expect((await refusal(f, 'training.start', { preset: 'quick-look', spec: SMALL })).code).toBe('bad_request');
    expect((await refusal(f, 'training.start', { spec: { ...SMALL, learning_rate: 1 } })).code).toBe('bad_request');
    expect((await refusal(f, 'training.get', { id: 'missing' })).issues).toEqual([{ path: 'id', message: 'no such run' }]);
    expect((await refusal(f, 'training.compare', { ids: ['only-one'] })).code).toBe('bad_request');
    expect(((await call(f, 'training.list', {})) as unknown[]).length).toBe(before.length);
  });

  it('cancels a run at its next update; its checkpoints stay; a second cancel is refused', async () => {
    const r = TrainingRunSummary.parse(await call(f, 'training.start', { spec: { ...SMALL, steps: 1_000_000 } }));
    await waitPush(f, (p) => p.runId === r.id && p.status === 'running');
    const c = TrainingRunSummary.parse(await call(f, 'training.cancel', { id: r.id }));
    expect(c.id).toBe(r.id);
    const end = await waitPush(f, ended(r.id));
    expect(end.status).toBe('cancelled');
    expect(end.progress!.timesteps).toBeLessThan(1_000_000);
    const got = TrainingRunDetail.parse(await call(f, 'training.get', { id: r.id }));
    expect(got.run.status).toBe('cancelled');
    expect(got.checkpoints.length).toBeGreaterThanOrEqual(1);
    expect((await refusal(f, 'training.cancel', { id: r.id })).message).toMatch(/cancelled/);
  }, 60_000);

  it('a NaN in a loss ends the run failed with the error in its last push; the host keeps serving', async () => {
    const g = floor({ env: { BULLPEN_TRAIN_FAULT: 'nan@2' } });
    const r = TrainingRunSummary.parse(await call(g, 'training.start', { spec: { ...SMALL, steps: 2048 } }));
    const end = await waitPush(g, ended(r.id));
    expect(end.status).toBe('failed');
    expect(end.error).toMatch(/^PPO: the loss is NaN at update 3/);
    const got = TrainingRunDetail.parse(await call(g, 'training.get', { id: r.id }));
    expect(got.checkpoints.map((c) => c.timesteps)).toEqual([256, 512]);
    expect(await call(g, 'session.status')).toMatchObject({ health: 'idle' });
  }, 60_000);

  it('without a training pool (no library) every training method says so', async () => {
    const g = floor({ training: false });
    const e = await refusal(g, 'training.list', {});
    expect(e).toMatchObject({ code: 'internal', message: expect.stringMatching(/Training is not available/) });
  });
});
