import { z } from 'zod';
import type { PPOConfig } from './config';
import type { NormStats } from './normalize';
import type { RngState } from './rng';

/**
 * What a checkpoint needs beyond the policy to continue training where it stopped: Adam's moments
 * and step count, the training generator, the update counters, the normalisation statistics and the
 * curriculum level. Absent in older snapshots (they load as a warm start).
 */
export interface TrainingState {
  adam: { t: number; m: number[]; v: number[] };
  rng: RngState;
  updates: number;
  gradSteps: number;
  /** VecNormalize (PPO) — or MAPPO's return statistics in `ret` — when the run normalises */
  norm: NormStats | null;
  /** the curriculum level reached (curriculum runs) */
  curriculumLevel: number | null;
}

const finiteArr = z.array(z.number().finite());
const rmsSchema = z.object({ mean: finiteArr, var: finiteArr, count: z.number().finite() });
export const trainingStateSchema = z.object({
  adam: z.object({ t: z.number().int().min(0), m: finiteArr, v: finiteArr }),
  rng: z.object({ words: z.array(z.number().int()), spare: z.number().finite(), hasSpare: z.boolean() }),
  updates: z.number().int().min(0),
  gradSteps: z.number().int().min(0),
  norm: z.object({ obs: rmsSchema, ret: rmsSchema, returns: finiteArr }).nullable(),
  curriculumLevel: z.number().int().min(0).nullable(),
});

/**
 * A trained policy as plain JSON-able data: enough to rebuild the network for inference, and with
 * `training` (checkpoints) to resume training with the optimiser's state (env states are not included).
 */
export interface PolicySnapshot {
  format: 'bullpen-ppo-policy/1';
  config: PPOConfig;
  obsDim: number;
  actionSpace: { kind: 'discrete'; n: number } | { kind: 'multi-discrete'; nvec: number[] } | { kind: 'box'; low: number[]; high: number[] };
  /** every parameter (actor, critic, log-std) in the network's flat order */
  params: number[];
  /** observation normalisation, when the run used it */
  obsNorm: { mean: number[]; var: number[]; clip: number; epsilon: number } | null;
  numTimesteps: number;
  training?: TrainingState;
}

const finiteArray = z.array(z.number().finite());
export const policySnapshotSchema = z.object({
  format: z.literal('bullpen-ppo-policy/1'),
  config: z.record(z.string(), z.unknown()),
  obsDim: z.number().int().min(1),
  actionSpace: z.union([
    z.object({ kind: z.literal('discrete'), n: z.number().int().min(1) }),
    z.object({ kind: z.literal('multi-discrete'), nvec: z.array(z.number().int().min(1)) }),
    // JSON writes ±Infinity as null
    z.object({
      kind: z.literal('box'),
      low: z.array(z.number().nullable()).transform((a) => a.map((v) => v ?? -Infinity)),
      high: z.array(z.number().nullable()).transform((a) => a.map((v) => v ?? Infinity)),
    }),
  ]),
  params: finiteArray,
  obsNorm: z.object({ mean: finiteArray, var: finiteArray, clip: z.number(), epsilon: z.number() }).nullable(),
  numTimesteps: z.number().int().min(0),
  training: trainingStateSchema.optional(),
});


export type ValidSnapshot = z.output<typeof policySnapshotSchema>;

/** Validates a snapshot (e.g. read back from storage); throws naming the first bad field. */
export function parseSnapshot(input: unknown, who = 'snapshot'): ValidSnapshot {
  const parsed = policySnapshotSchema.safeParse(input);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new Error(`${who}: not a valid policy snapshot — ${i.path.join('.') || '(root)'}: ${i.message}`);
  }
  return parsed.data;
}
