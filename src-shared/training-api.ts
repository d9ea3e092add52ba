import { z } from 'zod';

/**
 * Training in the FloorApi (docs/API.md, docs/RL.md): start runs from presets, follow their progress
 * (pushed as `{ push: 'training' }`), compare, export, and deploy a checkpoint onto the live floor.
 *
 * The host validates a job fully (ranges, hyperparameters, env config) with the RL library's own
 * `validateTrainSpec`; the schemas here check only the shape, so the limits live in one place.
 */

export const TRAIN_RUN_STATUSES = ['queued', 'running', 'completed', 'cancelled', 'failed'] as const;
export const TrainRunStatus = z.enum(TRAIN_RUN_STATUSES);
export type TrainRunStatus = z.infer<typeof TrainRunStatus>;

/** A metric that is not a finite number yet (no finished episode, no update) travels as null (JSON has no NaN). */
const metric = z.number().nullable();

/** The figures of one update, as stored (training_metrics) and streamed (SB3's names). */
export const TRAINING_METRICS = [
  'ep_rew_mean',
  'ep_len_mean',
  'policy_gradient_loss',
  'value_loss',
  'entropy_loss',
  'approx_kl',
  'clip_fraction',
  'explained_variance',
  'fps',
  'learning_rate',
  'clip_range',
  'curriculum_level',
  'curriculum_window_mean',
] as const;
export const TrainingMetricName = z.enum(TRAINING_METRICS);
export type TrainingMetricName = z.infer<typeof TrainingMetricName>;

/** One update of a run: where it is, and its metrics. */
export const TrainingProgress = z.object({
  update: z.number().int().nonnegative(),
  timesteps: z.number().int().nonnegative(),
  total_steps: z.number().int().nonnegative(),
  episodes: z.number().int().nonnegative(),
  n_updates: z.number().int().nonnegative().nullable(),
  ep_rew_mean: metric,
  ep_len_mean: metric,
  policy_gradient_loss: metric,
  value_loss: metric,
  entropy_loss: metric,
  approx_kl: metric,
  clip_fraction: metric,
  explained_variance: metric,
  /** env steps per second */
  fps: metric,
  learning_rate: metric,
  clip_range: metric,
  /** the difficulty level this update trained at (0 without a curriculum) */
  curriculum_level: z.number().int().nonnegative(),
  /** the level's name (curriculum runs), else null */
  curriculum_name: z.string().nullable(),
  /** mean return of the last episodes at the level (the promotion test), else null */
  curriculum_window_mean: metric,
});
export type TrainingProgress = z.infer<typeof TrainingProgress>;

/**
 * A run's progress as pushed to clients: `status: 'queued'` when a run is started, `running` with
 * its latest update (a few per second per run at most), and one last message when it ends
 * (`completed`, `cancelled` or `failed`, with `error`) carrying the last update.
 */
export const TrainingPush = z.object({
  push: z.literal('training'),
  runId: z.string(),
  status: TrainRunStatus,
  progress: TrainingProgress.nullable(),
  error: z.string().nullable().optional(),
});
export type TrainingPush = z.infer<typeof TrainingPush>;

/** A training job (docs/RL.md, "Training runs"); the host fills in defaults and checks every value. */
export const TrainSpec = z
  .object({
    env: z.enum(['trading', 'desk']),
    algo: z.enum(['ppo', 'mappo']),
    steps: z.number(),
    seed: z.number().optional(),
    curriculum: z.boolean().optional(),
    hyperparams: z.record(z.string(), z.unknown()).optional(),
    envConfig: z.record(z.string(), z.unknown()).optional(),
    evalEpisodes: z.number().optional(),
    checkpointEvery: z.number().optional(),
  })
  .strict();
export type TrainSpec = z.infer<typeof TrainSpec>;

export const TrainingPreset = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  spec: TrainSpec,
});
export type TrainingPreset = z.infer<typeof TrainingPreset>;

/** A run as lists show it (no metrics). */
export const TrainingRunSummary = z.object({
  id: z.string(),
  env: z.enum(['trading', 'desk']),
  algo: z.enum(['ppo', 'mappo']),
  status: TrainRunStatus,
  seed: z.number().int(),
  totalSteps: z.number().int(),
  stepsDone: z.number().int(),
  curriculum: z.boolean(),
  /** the checkpoint this run was warm-started from */
  resumedFrom: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  error: z.string().nullable(),
  hyperparams: z.record(z.string(), z.unknown()),
  envConfig: z.record(z.string(), z.unknown()),
});
export type TrainingRunSummary = z.infer<typeof TrainingRunSummary>;

export const TrainingCheckpoint = z.object({ id: z.string(), timesteps: z.number().int(), createdAt: z.string() });
export type TrainingCheckpoint = z.infer<typeof TrainingCheckpoint>;

/** One stored update: `update`, `timesteps`, and the metrics (null when not finite; `curriculum_name` is text). */
export const TrainingMetricRow = z.object({
  update: z.number().int(),
  timesteps: z.number().int(),
  metrics: z.record(z.string(), z.union([z.number(), z.string(), z.null()])),
});
export type TrainingMetricRow = z.infer<typeof TrainingMetricRow>;

export const TrainingRunDetail = z.object({
  run: TrainingRunSummary,
  /** the held-out evaluation report (docs/RL.md, "Evaluation"), once the run has one */
  evaluation: z.unknown(),
  metrics: z.array(TrainingMetricRow),
  checkpoints: z.array(TrainingCheckpoint),
});
export type TrainingRunDetail = z.infer<typeof TrainingRunDetail>;

/** Runs side by side, their metric series aligned on one step axis (null where a run has no update at that step). */
export const TrainingComparison = z.object({
  timesteps: z.array(z.number().int()),
  runs: z.array(
    z.object({
      run: TrainingRunSummary,
      /** the last update's metrics */
      last: z.record(z.string(), z.union([z.number(), z.string(), z.null()])).nullable(),
      evaluation: z.unknown(),
      series: z.record(z.string(), z.array(z.number().nullable())),
    }),
  ),
});
export type TrainingComparison = z.infer<typeof TrainingComparison>;

/** `bullpen-training-run/1`: the run, its metrics and its latest checkpoint (the same file `bullpen eval --export` writes). */
export const TrainingExport = z.object({
  format: z.literal('bullpen-training-run/1'),
  run: TrainingRunSummary.extend({ evaluation: z.unknown() }),
  metrics: z.array(TrainingMetricRow),
  checkpoint: z.object({ id: z.string(), timesteps: z.number().int(), snapshot: z.unknown() }).nullable(),
});
export type TrainingExport = z.infer<typeof TrainingExport>;

const runId = z.string().min(1).max(64);

export const TrainingStartParams = z
  .object({
    /** a preset's id (training.presets) … */
    preset: z.string().min(1).max(64).optional(),
    /** … or a full job */
    spec: TrainSpec.optional(),
    /** overrides of the preset's (or spec's) seed and steps */
    seed: z.number().optional(),
    steps: z.number().optional(),
    /** warm-start from this checkpoint (its parameters and observation statistics) */
    resumeFrom: z.string().min(1).max(64).optional(),
  })
  .strict()
  .refine((p) => (p.preset === undefined) !== (p.spec === undefined), { path: ['preset'], message: 'give either preset or spec (one of them)' });
export type TrainingStartParams = z.infer<typeof TrainingStartParams>;

/** Deploys a stored checkpoint onto the live floor: as a new desk, or in place of one featured agent. */
export const DeployRequest = z
  .object({
    checkpointId: z.string().min(1).max(64),
    as: z.enum(['desk', 'replace']),
    /** `replace`: the featured agent whose decisions the policy takes over */
    agent: z.number().int().nonnegative().optional(),
  })
  .strict()
  .refine((r) => r.as !== 'replace' || r.agent !== undefined, { path: ['agent'], message: 'replace needs the agent to replace' });
export type DeployRequest = z.infer<typeof DeployRequest>;

export const DeployResult = z.object({
  /** the tick the deployment takes effect */
  tick: z.number().int().nonnegative(),
  /** featured agent indices now driven by the policy */
  agents: z.array(z.number().int().nonnegative()),
  /** the desk they sit at */
  desk: z.number().int().nonnegative(),
});
export type DeployResult = z.infer<typeof DeployResult>;

export const trainingApiSchemas = {
  'training.presets': { params: z.object({}).strict(), result: z.array(TrainingPreset) },
  'training.start': { params: TrainingStartParams, result: TrainingRunSummary },
  'training.list': { params: z.object({ limit: z.number().int().min(1).max(1000).default(100) }).strict(), result: z.array(TrainingRunSummary) },
  'training.get': { params: z.object({ id: runId }).strict(), result: TrainingRunDetail },
  'training.cancel': { params: z.object({ id: runId }).strict(), result: TrainingRunSummary },
  'training.compare': {
    params: z
      .object({
        ids: z.array(runId).min(2).max(8),
        metrics: z.array(TrainingMetricName).min(1).max(TRAINING_METRICS.length).default(['ep_rew_mean']),
      })
      .strict(),
    result: TrainingComparison,
  },
  'training.export': {
    params: z
      .object({
        id: runId,
        /** a file on the host to write (never overwritten); without it the export comes back in the result */
        out: z.string().min(1).max(4096).optional(),
      })
      .strict(),
    result: z.object({ file: z.string().nullable(), export: TrainingExport.nullable() }),
  },
  'training.deploy': { params: DeployRequest, result: DeployResult },
} as const;
export type TrainingMethod = keyof typeof trainingApiSchemas;
