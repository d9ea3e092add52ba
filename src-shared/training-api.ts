import { z } from 'zod';

/**
 * Training in the FloorApi (docs/API.md, docs/RL.md): start runs from presets, follow their progress
 * (pushed as `{ push: 'training' }`), compare, export, and deploy a checkpoint onto the live floor.
 */

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

/** A training run's progress as pushed to clients (one message per update). */
export const TrainingPush = z.object({ push: z.literal('training'), runId: z.string(), progress: z.record(z.string(), z.unknown()) });
export type TrainingPush = z.infer<typeof TrainingPush>;

export const trainingApiSchemas = {
  'training.deploy': { params: DeployRequest, result: DeployResult },
} as const;
export type TrainingMethod = keyof typeof trainingApiSchemas;
