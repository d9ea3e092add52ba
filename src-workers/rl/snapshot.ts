import { z } from 'zod';
import type { PPOConfig } from './config';

/**
 * A trained policy as plain JSON-able data: enough to rebuild the network for inference or to
 * warm-start training (not a full resume: optimiser moments and env states are not included).
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
