import { writeFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { ApiError, type TrainingComparison, type TrainingMethod, type TrainingRunSummary, type TrainSpec } from '../../../src-shared';
import { validateTrainSpec } from '../../../src-workers/rl/train-task';
import type { RunRecord, RunStore } from '../../store/runs';
import { deployCheckpoint } from '../../training/deploy';
import type { TrainingService } from '../../training/service';
import { need } from '../services';
import { TRAINING_PRESETS } from './training-presets';
import { TrainingPusher } from './training-push';
import type { HandlersFor, RouteContext } from './types';

/**
 * training.*: runs in the library's training pool (docs/RL.md, "Training runs"), their progress
 * pushed to every client (training-push.ts), and deployment of a checkpoint onto the live floor.
 */

function summary(r: RunRecord): TrainingRunSummary {
  return {
    id: r.id,
    env: r.env,
    algo: r.algo,
    status: r.status,
    seed: r.seed,
    totalSteps: r.totalSteps,
    stepsDone: r.stepsDone,
    curriculum: r.curriculum,
    resumedFrom: r.resumedFrom,
    createdAt: r.createdAt,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    error: r.error,
    hyperparams: r.hyperparams,
    envConfig: r.envConfig,
  };
}

/** Where each validator's field names live in the job. */
const FIELD_PREFIX: Record<string, string> = {
  'training job': '',
  'PPO hyperparameters': 'hyperparams.',
  'MAPPO hyperparameters': 'hyperparams.',
  'trading env config': 'envConfig.',
  'desk env config': 'envConfig.',
};

/**
 * A refused job as bad_request: the RL library's message names the fields ("Invalid PPO
 * hyperparameters — gamma: Too big: …"); the issues repeat them with their place in the job.
 */
export function refusedJob(err: unknown): ApiError {
  const message = err instanceof Error ? err.message : String(err);
  const m = /^Invalid (.+?) — ([\s\S]*)$/.exec(message);
  const prefix = m ? FIELD_PREFIX[m[1]!] : undefined;
  if (!m || prefix === undefined) return new ApiError({ code: 'bad_request', message });
  const issues = m[2]!.split('; ').map((part) => {
    const i = part.indexOf(': ');
    return i < 0 ? { path: prefix.replace(/\.$/, '') || '(spec)', message: part } : { path: `${prefix}${part.slice(0, i)}`, message: part.slice(i + 2) };
  });
  return new ApiError({ code: 'bad_request', message, issues });
}

function noRun(id: string): ApiError {
  return new ApiError({ code: 'bad_request', message: `No training run "${id}" in this library.`, issues: [{ path: 'id', message: 'no such run' }] });
}

function runOf(store: RunStore, id: string): RunRecord {
  const r = store.getRun(id);
  if (!r) throw noRun(id);
  return r;
}

export function trainingRoutes(ctx: RouteContext): HandlersFor<TrainingMethod> {
  const pusher = new TrainingPusher((msg) => ctx.host.publish(msg));
  const subscribed = new WeakSet<TrainingService>();
  const svc = (): TrainingService => {
    const s = need(ctx.services.training, 'Training');
    if (!subscribed.has(s)) {
      subscribed.add(s);
      s.subscribe((runId, p) => pusher.progress(runId, p));
    }
    return s;
  };
  // progress of runs started before the first training call is pushed too
  if (ctx.services.training) svc();

  return {
    'training.presets': () => [...TRAINING_PRESETS],

    'training.start': (p) => {
      const s = svc();
      let spec: TrainSpec;
      if (p.preset !== undefined) {
        const preset = TRAINING_PRESETS.find((x) => x.id === p.preset);
        if (!preset) {
          throw new ApiError({
            code: 'bad_request',
            message: `Unknown training preset "${p.preset}" (known: ${TRAINING_PRESETS.map((x) => x.id).join(', ')}).`,
            issues: [{ path: 'preset', message: 'unknown preset' }],
          });
        }
        spec = preset.spec;
      } else spec = p.spec!;
      const job = { ...spec, ...(p.seed !== undefined ? { seed: p.seed } : {}), ...(p.steps !== undefined ? { steps: p.steps } : {}) };
      try {
        validateTrainSpec(job);
      } catch (err) {
        throw refusedJob(err);
      }
      let handle;
      try {
        handle = s.start(job, p.resumeFrom !== undefined ? { resumeFrom: p.resumeFrom } : {});
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        if (message.startsWith('resumeFrom:')) throw new ApiError({ code: 'bad_request', message, issues: [{ path: 'resumeFrom', message: message.slice(12) }] });
        throw err;
      }
      pusher.queued(handle.id);
      const id = handle.id;
      void handle.done.then(
        (r) => pusher.ended(id, r.status, r.error),
        (err: unknown) => pusher.ended(id, 'failed', `the run could not be stored: ${err instanceof Error ? err.message : String(err)}`),
      );
      return summary(runOf(s.store, id));
    },

    'training.list': (p) => svc().store.listRuns(p.limit).map(summary),

    'training.get': (p) => {
      const store = svc().store;
      const run = runOf(store, p.id);
      return { run: summary(run), evaluation: run.evaluation, metrics: store.metrics(run.id), checkpoints: store.checkpoints(run.id).map((c) => ({ id: c.id, timesteps: c.timesteps, createdAt: c.createdAt })) };
    },

    'training.cancel': (p) => {
      const s = svc();
      const run = runOf(s.store, p.id);
      if (!s.cancel(run.id)) {
        throw new ApiError({ code: 'bad_request', message: `Training run "${run.id}" is not in progress here (it is ${run.status}).`, issues: [{ path: 'id', message: `run is ${run.status}` }] });
      }
      return summary(runOf(s.store, run.id));
    },

    'training.compare': (p) => {
      const store = svc().store;
      const runs = p.ids.map((id) => runOf(store, id));
      const rows = runs.map((r) => store.metrics(r.id));
      const timesteps = [...new Set(rows.flatMap((m) => m.map((x) => x.timesteps)))].sort((a, b) => a - b);
      const out: TrainingComparison = {
        timesteps,
        runs: runs.map((run, k) => {
          const byStep = new Map(rows[k]!.map((x) => [x.timesteps, x.metrics]));
          const series: Record<string, (number | null)[]> = {};
          for (const name of p.metrics) {
            series[name] = timesteps.map((t) => {
              const v = byStep.get(t)?.[name];
              return typeof v === 'number' ? v : null;
            });
          }
          const m = rows[k]!;
          return { run: summary(run), last: m.length ? m[m.length - 1]!.metrics : null, evaluation: run.evaluation, series };
        }),
      };
      return out;
    },

    'training.export': (p) => {
      const store = svc().store;
      const data = store.exportRun(p.id);
      if (!data) throw noRun(p.id);
      if (p.out === undefined) return { file: null, export: data };
      if (!isAbsolute(p.out)) throw new ApiError({ code: 'bad_request', message: `out must be an absolute path, got "${p.out}".`, issues: [{ path: 'out', message: 'not an absolute path' }] });
      try {
        writeFileSync(p.out, JSON.stringify(data), { flag: 'wx' });
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        const why = e.code === 'EEXIST' ? 'the file exists (it is never overwritten)' : e.message;
        throw new ApiError({ code: 'bad_request', message: `Could not write ${p.out}: ${why}.`, issues: [{ path: 'out', message: why }] });
      }
      return { file: p.out, export: null };
    },

    'training.deploy': (p) => deployCheckpoint(ctx.host, svc().store, p, { isLive: ctx.isLive }),
  };
}
