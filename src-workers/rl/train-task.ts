/**
 * A training job as the host hands it to the pool (train.worker.ts) and as the CLI and the API
 * describe it: which environment and algorithm, how many steps, the seed, hyperparameters and
 * environment config. `validateTrainSpec` refuses anything invalid with a message naming the field,
 * before any worker starts.
 */
import { z } from 'zod';
import { parsePPOConfig, type PPOConfigInput } from './config';
import { parseDeskEnvConfig } from './envs/desk';
import { parseTradingEnvConfig } from './envs/trading';
import { parseMAPPOConfig, type MAPPOConfigInput } from './mappo';
import type { EvaluationReport } from './evaluate';
import type { UpdateMetrics } from './ppo';

export const trainSpecSchema = z
  .object({
    env: z.enum(['trading', 'desk']),
    algo: z.enum(['ppo', 'mappo']),
    steps: z.number().int().min(1).max(1_000_000_000),
    seed: z.number().int().min(0).max(0x7fff_ffff).default(0),
    /**
     * Curriculum training (curriculum.ts): markets from beginner up to master, promoted when the mean
     * return over a window of episodes holds a per-level threshold; its settings are the env config's
     * `curriculum` field.
     */
    curriculum: z.boolean().default(false),
    /** PPO or MAPPO hyperparameters (SB3 names); missing ones take the env's defaults (DEFAULT_HYPERPARAMS) */
    hyperparams: z.record(z.string(), z.unknown()).default({}),
    envConfig: z.record(z.string(), z.unknown()).default({}),
    /** held-out evaluation episodes after training (0: none) */
    evalEpisodes: z.number().int().min(0).max(1000).default(10),
    /** a checkpoint every this many updates (and one at the end) */
    checkpointEvery: z.number().int().min(1).max(1_000_000).default(10),
  })
  .strict()
  .superRefine((s, ctx) => {
    const ok = (s.env === 'trading' && s.algo === 'ppo') || (s.env === 'desk' && s.algo === 'mappo');
    if (!ok) ctx.addIssue({ code: 'custom', path: ['algo'], message: `${s.algo} does not train the ${s.env} env (trading: ppo; desk: mappo)` });
  });
export type TrainSpecInput = z.input<typeof trainSpecSchema>;
export type TrainSpec = z.output<typeof trainSpecSchema>;

/** Defaults that suit the trading envs (they differ from SB3's generic ones). */
export const DEFAULT_HYPERPARAMS: { trading: PPOConfigInput; desk: MAPPOConfigInput } = {
  trading: {
    n_envs: 4,
    n_steps: 256,
    batch_size: 256,
    n_epochs: 10,
    gamma: 0.9,
    ent_coef: 0.005,
    learning_rate: 3e-4,
    normalize: { norm_obs: false, norm_reward: true },
  },
  desk: { n_envs: 4, n_steps: 128, batch_size: 256, n_epochs: 5, gamma: 0.9, ent_coef: 0.01, learning_rate: 5e-4 },
};

/** The resolved job: spec + full hyperparameters (with the seed) + full env config. */
export interface ResolvedSpec {
  spec: TrainSpec;
  hyperparams: Record<string, unknown>;
  envConfig: Record<string, unknown>;
}

/** Validates a job; throws an Error whose message names the offending field. */
export function validateTrainSpec(input: unknown): ResolvedSpec {
  const r = trainSpecSchema.safeParse(input);
  if (!r.success) {
    const msgs = r.error.issues.map((i) => `${i.path.join('.') || (i as { keys?: string[] }).keys?.join(', ') || '(spec)'}: ${i.message}`);
    throw new Error(`Invalid training job — ${msgs.join('; ')}`);
  }
  const spec = r.data;
  const hp = { ...DEFAULT_HYPERPARAMS[spec.env], ...spec.hyperparams, seed: spec.seed };
  const hyperparams = spec.algo === 'ppo' ? (parsePPOConfig(hp) as unknown as Record<string, unknown>) : (parseMAPPOConfig(hp) as unknown as Record<string, unknown>);
  const envConfig = spec.env === 'trading' ? (parseTradingEnvConfig(spec.envConfig) as unknown as Record<string, unknown>) : (parseDeskEnvConfig(spec.envConfig) as unknown as Record<string, unknown>);
  return { spec, hyperparams, envConfig };
}

/** Progress of a run, as streamed to the host (and on to the UI and the CLI). */
export interface TrainingProgress extends UpdateMetrics {
  episodes: number;
  /** the difficulty level this update trained at (0 beginner … 3 master; 0 without a curriculum) */
  curriculum_level: number;
  /** its name (curriculum runs), else null */
  curriculum_name: string | null;
  /** mean return of the last `window` episodes at the level (NaN until the window is full), else null */
  curriculum_window_mean: number | null;
  total_steps: number;
}

/** Messages from a training worker to the host (over the task's MessagePort). */
export type WorkerMessage =
  | { type: 'progress'; seq: number; progress: TrainingProgress }
  /** the snapshot as JSON text: serialised in the worker, so the host's thread only stores a string */
  | { type: 'checkpoint'; seq: number; timesteps: number; snapshotJson: string };

export interface TrainResult {
  status: 'completed' | 'cancelled' | 'failed';
  error: string | null;
  timesteps: number;
  evaluation: EvaluationReport | null;
  /** messages posted on the port (the host waits for all of them before closing the run) */
  messages: number;
}

/** What the host sends to the pool. The port and the cancel flag cross the thread boundary. */
export interface TrainTask {
  runId: string;
  resolved: ResolvedSpec;
  /** a checkpoint snapshot to continue from (warm start), or null */
  resume: unknown;
  /** Int32Array over a SharedArrayBuffer: [0] = 1 asks the run to stop at the next update */
  cancel: Int32Array;
  /** a worker_threads MessagePort (only postMessage is used here) */
  port: { postMessage(message: unknown): void };
}
