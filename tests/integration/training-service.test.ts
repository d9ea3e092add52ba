import { afterAll, describe, expect, it } from 'vitest';
import { openLibrary } from '../../src-main/store/library';
import { RunStore } from '../../src-main/store/runs';
import { TrainingService } from '../../src-main/training/service';
import type { TrainingProgress } from '../../src-workers/rl/train-task';
import { parseSnapshot } from '../../src-workers/rl/snapshot';

const SMALL_ENV = { episodeSteps: 64, warmupTicks: 100 };
const tradingJob = (steps = 1024, extra: Record<string, unknown> = {}) => ({
  env: 'trading' as const,
  algo: 'ppo' as const,
  steps,
  seed: 3,
  hyperparams: { n_envs: 2, n_steps: 128, batch_size: 128, n_epochs: 2 },
  envConfig: SMALL_ENV,
  evalEpisodes: 2,
  checkpointEvery: 2,
  ...extra,
});
const deskJob = (steps = 1024) => ({
  env: 'desk' as const,
  algo: 'mappo' as const,
  steps,
  seed: 4,
  hyperparams: { n_envs: 2, n_steps: 128, batch_size: 128, n_epochs: 2 },
  envConfig: SMALL_ENV,
  evalEpisodes: 2,
  checkpointEvery: 2,
});

const lib = openLibrary(':memory:');
const store = new RunStore(lib.db);
const services: TrainingService[] = [];
function service(env?: Record<string, string>): TrainingService {
  const s = new TrainingService({ store, maxThreads: 2, ...(env ? { env } : {}) });
  services.push(s);
  return s;
}
afterAll(async () => {
  await Promise.all(services.map((s) => s.close()));
  lib.close();
});

describe('TrainingService (Piscina pool)', () => {
  it('runs a PPO trading run and a MAPPO desk run at once, streaming progress, storing metrics, checkpoints and the evaluation, without blocking the main thread', async () => {
    const svc = service();
    const progress: TrainingProgress[] = [];
    const seen = new Set<string>();
    svc.subscribe((id) => seen.add(id));
    // the "floor": a timer on the main thread must keep firing while both runs train
    let maxGap = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const t = performance.now();
      maxGap = Math.max(maxGap, t - last);
      last = t;
    }, 10);
    const a = svc.start(tradingJob(1024), { onProgress: (p) => progress.push(p) });
    const b = svc.start(deskJob(1024));
    expect(svc.running.sort()).toEqual([a.id, b.id].sort());
    const [ra, rb] = await Promise.all([a.done, b.done]);
    clearInterval(timer);
    expect(ra.status, ra.error ?? '').toBe('completed');
    expect(rb.status, rb.error ?? '').toBe('completed');
    expect(seen).toEqual(new Set([a.id, b.id]));
    expect(maxGap).toBeLessThan(500);
    // progress carries every figure the UI and the CLI show
    expect(progress.length).toBe(4);
    for (const key of ['timesteps', 'episodes', 'ep_rew_mean', 'policy_gradient_loss', 'value_loss', 'entropy_loss', 'approx_kl', 'clip_fraction', 'explained_variance', 'fps', 'curriculum_level']) {
      expect(progress[3], key).toHaveProperty(key);
    }
    expect(progress[3]!.timesteps).toBe(1024);
    expect(progress[3]!.episodes).toBeGreaterThan(0);
    for (const r of [ra, rb]) {
      expect(r.stepsDone).toBe(1024);
      expect(store.metrics(r.id).map((m) => m.update)).toEqual([1, 2, 3, 4]);
      expect(store.checkpoints(r.id).map((c) => c.timesteps)).toEqual([512, 1024]);
      const ev = r.evaluation as { contenders: { name: string; meanReturn: number; ci95: number[] }[] };
      expect(ev.contenders.map((c) => c.name).slice(0, 3)).toEqual([r.env === 'trading' ? 'agent' : 'agent desk', 'buy-and-hold', 'random']);
      expect(ev.contenders.length).toBe(5); // + the two rule-based desks
    }
    expect(ra.hyperparams).toMatchObject({ n_envs: 2, seed: 3, gamma: 0.9 });
    // the stored checkpoint is a valid policy snapshot
    const cp = store.latestCheckpoint(ra.id)!;
    expect(parseSnapshot(store.checkpointSnapshot(cp.id)!.snapshot).numTimesteps).toBe(1024);
    // compare and export
    const cmp = store.compareRuns([ra.id, rb.id]);
    expect(cmp.map((c) => c.algo)).toEqual(['ppo', 'mappo']);
    expect(store.exportRun(ra.id)!.checkpoint!.timesteps).toBe(1024);
  }, 60_000);

  it('refuses invalid hyperparameters with a message naming the field, storing nothing', () => {
    const svc = service();
    const before = store.listRuns().length;
    expect(() => svc.start(tradingJob(1024, { hyperparams: { batch_size: 1 } }))).toThrow(/batch_size/);
    expect(() => svc.start(tradingJob(1024, { hyperparams: { n_step: 8 } }))).toThrow(/n_step/);
    expect(() => svc.start(tradingJob(1024, { envConfig: { lotFraction: 2 } }))).toThrow(/lotFraction/);
    expect(() => svc.start({ ...deskJob(), algo: 'ppo' })).toThrow(/algo: ppo does not train the desk env/);
    expect(store.listRuns().length).toBe(before);
  });

  it('cancels a run through its AbortSignal at the next update and keeps its checkpoints; resumes from one', async () => {
    const svc = service();
    const ac = new AbortController();
    const h = svc.start(tradingJob(1_000_000, { checkpointEvery: 1, evalEpisodes: 0 }), { signal: ac.signal, onProgress: (p) => p.update >= 2 && ac.abort() });
    const r = await h.done;
    expect(r.status).toBe('cancelled');
    expect(r.stepsDone).toBeLessThan(1_000_000);
    const cps = store.checkpoints(h.id);
    expect(cps.length).toBeGreaterThanOrEqual(2);
    expect(cps.length).toBeLessThanOrEqual(10); // the service keeps the 10 most recent
    const resumed = svc.start(tradingJob(256, { evalEpisodes: 0 }), { resumeFrom: cps[cps.length - 1]!.id });
    const rr = await resumed.done;
    expect(rr.status).toBe('completed');
    expect(rr.resumedFrom).toBe(cps[cps.length - 1]!.id);
    expect(() => svc.start(deskJob(), { resumeFrom: cps[0]!.id })).toThrow(/trading\/ppo policy/);
  }, 60_000);

  it('a NaN in the loss fails the run with a clear error and keeps the last good checkpoint', async () => {
    const svc = service({ BULLPEN_TRAIN_FAULT: 'nan@2' });
    const r = await svc.start(tradingJob(4096, { checkpointEvery: 1, evalEpisodes: 0 })).done;
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/^PPO: the loss is NaN at update 3/);
    const cps = store.checkpoints(r.id);
    expect(cps.map((c) => c.timesteps)).toEqual([256, 512]);
    // the last checkpoint is the good one (taken before the parameters were poisoned)
    expect(() => parseSnapshot(store.checkpointSnapshot(cps[1]!.id)!.snapshot)).not.toThrow();
  }, 60_000);

  it('a crashed training worker marks its run failed and the pool carries on', async () => {
    const svc = service({ BULLPEN_TRAIN_FAULT: 'crash@1:seed=99' });
    const bad = svc.start(tradingJob(4096, { seed: 99, evalEpisodes: 0 }));
    const good = svc.start(tradingJob(512, { evalEpisodes: 0 }));
    const [r, ok] = await Promise.all([bad.done, good.done]);
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/^the training worker crashed: /);
    expect(ok.status).toBe('completed');
    // the pool replaces the dead worker: the next run trains
    const next = await svc.start(tradingJob(256, { evalEpisodes: 0 })).done;
    expect(next.status).toBe('completed');
  }, 60_000);

  it('RunStore keeps the most recent checkpoints and fails runs a dead process left running', () => {
    const run = store.createRun({ id: 'r-keep', env: 'trading', algo: 'ppo', seed: 1, totalSteps: 10, hyperparams: {}, envConfig: {}, curriculum: false, resumedFrom: null, createdAt: '2026-01-01T00:00:00Z' });
    expect(run.status).toBe('queued');
    for (const t of [1, 2, 3]) store.addCheckpoint('r-keep', `c${t}`, t, { t, x: NaN }, '2026-01-01T00:00:00Z', 2);
    expect(store.checkpoints('r-keep').map((c) => c.id)).toEqual(['c2', 'c3']);
    expect(store.checkpointSnapshot('c3')!.snapshot).toEqual({ t: 3, x: null });
    store.markRunning('r-keep', '2026-01-01T00:00:01Z');
    expect(store.failInterrupted('2026-01-01T00:00:02Z')).toBeGreaterThanOrEqual(1);
    expect(store.getRun('r-keep')).toMatchObject({ status: 'failed', error: 'interrupted: the app ended while the run was in progress' });
  });

  it('the app marks runs a dead process left running as failed when its training service starts', async () => {
    store.createRun({ id: 'r-cut', env: 'trading', algo: 'ppo', seed: 1, totalSteps: 10, hyperparams: {}, envConfig: {}, curriculum: false, resumedFrom: null, createdAt: '2026-01-01T00:00:00Z' });
    store.markRunning('r-cut', '2026-01-01T00:00:01Z');
    const cli = new TrainingService({ store, maxThreads: 1 });
    expect(store.getRun('r-cut')!.status).toBe('running');
    const app = new TrainingService({ store, maxThreads: 1, recoverInterrupted: true });
    expect(store.getRun('r-cut')).toMatchObject({ status: 'failed', error: 'interrupted: the app ended while the run was in progress' });
    await Promise.all([cli.close(), app.close()]);
  });
});
