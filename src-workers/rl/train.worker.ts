/**
 * The Piscina task entry of a training run (src-main/training/service.ts starts it). It builds the
 * env and the algorithm, trains in one pass, streams progress and checkpoints over the task's
 * MessagePort, stops at the next update when the host sets the shared cancel flag, and ends with a
 * held-out evaluation. A NaN in a loss ends the run 'failed' with the algorithm's message; the last
 * checkpoint posted stays the last good one. Self-contained (no imports from src-main), so
 * electron-vite can bundle it as a worker entry.
 *
 * Fault injection for tests: BULLPEN_TRAIN_FAULT=nan@K (poison the parameters after update K) or
 * crash@K (the worker thread exits after update K), optionally `:seed=S` (only runs with that seed).
 */
import { CURRICULUM_LEVELS, Curriculum } from './curriculum';
import { DeskEnv, type DeskEnvConfigInput } from './envs/desk';
import { TradingEnv, type TradingEnvConfigInput } from './envs/trading';
import { evaluateDesk, evaluateTrading, type EvaluationReport } from './evaluate';
import { MAPPO, type MAPPOConfigInput } from './mappo';
import { PPO } from './ppo';
import type { PPOConfigInput } from './config';
import type { TrainResult, TrainTask, TrainingProgress, WorkerMessage } from './train-task';
import type { UpdateMetrics } from './ppo';

function fault(seed: number): { kind: 'nan' | 'crash'; at: number } | null {
  const f = typeof process !== 'undefined' ? process.env.BULLPEN_TRAIN_FAULT : undefined;
  const m = f ? /^(nan|crash)@(\d+)(?::seed=(\d+))?$/.exec(f) : null;
  if (!m || (m[3] !== undefined && Number(m[3]) !== seed)) return null;
  return { kind: m[1] as 'nan' | 'crash', at: Number(m[2]) };
}

export default function train(task: TrainTask): TrainResult {
  const { spec, hyperparams, envConfig } = task.resolved;
  let seq = 0;
  const post = (msg: WorkerMessage): void => {
    task.port.postMessage(msg);
  };
  const inject = fault(spec.seed);
  let timesteps = 0;
  // curriculum: every env starts at beginner (or the level a resumed checkpoint reached)
  const curriculum = spec.curriculum ? new Curriculum((envConfig as { curriculum?: unknown }).curriculum ?? {}) : null;
  const resumedLevel = (task.resume as { training?: { curriculumLevel?: unknown } } | null)?.training?.curriculumLevel;
  if (curriculum && typeof resumedLevel === 'number') curriculum.startAt(resumedLevel);
  const levelEnvs: Array<{ setCurriculumLevel(level: number | null): void }> = [];
  const track = <E extends { setCurriculumLevel(level: number | null): void }>(e: E): E => {
    if (curriculum) e.setCurriculumLevel(curriculum.level);
    levelEnvs.push(e);
    return e;
  };
  try {
    if (spec.algo === 'ppo') {
      const envs: TradingEnv[] = [];
      const model = new PPO(
        () => {
          const e = track(new TradingEnv(envConfig as TradingEnvConfigInput));
          envs.push(e);
          return e;
        },
        hyperparams as PPOConfigInput,
      );
      if (task.resume !== null && task.resume !== undefined) model.loadSnapshot(task.resume);
      const status = loop(
        (onUpdate) => model.learn(spec.steps, { onUpdate }),
        () => withLevel(model.snapshot()),
        () => model.episodes,
        (m) => {
          if (inject?.kind === 'nan' && m.update === inject.at) model.policy.store.params.fill(NaN);
        },
      );
      timesteps = model.numTimesteps;
      const evaluation: EvaluationReport | null =
        status === 'completed' && spec.evalEpisodes > 0
          ? evaluateTrading(() => new TradingEnv(envConfig as TradingEnvConfigInput), (o) => {
              const a = model.predict(o, true);
              return envs[0]!.config.action === 'continuous' ? Float64Array.from(a) : a[0]!;
            }, { episodes: spec.evalEpisodes })
          : null;
      return { status, error: null, timesteps, evaluation, messages: seq };
    }
    const model = new MAPPO(() => track(new DeskEnv(envConfig as DeskEnvConfigInput)), hyperparams as MAPPOConfigInput);
    if (task.resume !== null && task.resume !== undefined) model.loadSnapshot(task.resume);
    const status = loop(
      (onUpdate) => model.learn(spec.steps, { onUpdate }),
      () => withLevel(model.snapshot()),
      () => model.episodes,
      (m) => {
        if (inject?.kind === 'nan' && m.update === inject.at) model.params.fill(NaN);
      },
    );
    timesteps = model.numTimesteps;
    const evaluation =
      status === 'completed' && spec.evalEpisodes > 0
        ? evaluateDesk(() => new DeskEnv(envConfig as DeskEnvConfigInput), (o) => model.predict(o, true), { episodes: spec.evalEpisodes })
        : null;
    return { status, error: null, timesteps, evaluation, messages: seq };
  } catch (err) {
    return { status: 'failed', error: err instanceof Error ? err.message : String(err), timesteps, evaluation: null, messages: seq };
  }

  /** the checkpoint remembers the curriculum level, so a resumed run carries on at it */
  function withLevel<T extends { training?: { curriculumLevel: number | null } }>(snap: T): T {
    if (snap.training) snap.training.curriculumLevel = curriculum ? curriculum.level : null;
    return snap;
  }

  function loop(
    learn: (onUpdate: (m: UpdateMetrics) => boolean) => void,
    snapshot: () => unknown,
    episodes: () => Array<{ ret: number }>,
    afterUpdate: (m: UpdateMetrics) => void,
  ): 'completed' | 'cancelled' {
    let cancelled = false;
    let lastCheckpoint = -1;
    let lastTimesteps = 0;
    let seen = 0;
    learn((m) => {
      timesteps = m.timesteps;
      lastTimesteps = m.timesteps;
      const eps = episodes();
      // the level this update trained at goes into its progress record; a promotion applies to the next markets built
      const level = curriculum ? curriculum.level : 0;
      const fresh = eps.slice(seen).map((e) => e.ret);
      seen = eps.length;
      if (curriculum && curriculum.observe(fresh, m.update, m.timesteps)) for (const e of levelEnvs) e.setCurriculumLevel(curriculum.level);
      const progress: TrainingProgress = {
        ...m,
        episodes: eps.length,
        curriculum_level: level,
        curriculum_name: curriculum ? CURRICULUM_LEVELS[level]! : null,
        curriculum_window_mean: curriculum ? curriculum.windowMean : null,
        total_steps: spec.steps,
      };
      post({ type: 'progress', seq: seq++, progress });
      if (m.update % spec.checkpointEvery === 0) {
        post({ type: 'checkpoint', seq: seq++, timesteps: m.timesteps, snapshotJson: JSON.stringify(snapshot()) });
        lastCheckpoint = m.timesteps;
      }
      if (inject?.kind === 'crash' && m.update === inject.at) process.exit(3);
      afterUpdate(m);
      if (Atomics.load(task.cancel, 0) !== 0) {
        cancelled = true;
        return false;
      }
      return true;
    });
    if (lastCheckpoint !== lastTimesteps) post({ type: 'checkpoint', seq: seq++, timesteps: lastTimesteps, snapshotJson: JSON.stringify(snapshot()) });
    return cancelled ? 'cancelled' : 'completed';
  }
}
