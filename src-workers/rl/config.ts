import { z } from 'zod';

/**
 * PPO hyperparameters, named as in Stable-Baselines3 / rl-baselines3-zoo. Defaults are SB3's.
 * A schedule is a constant, the zoo's string `"lin_0.001"` (linear from 0.001 to 0 over the run),
 * or `{ schedule: 'linear', initial, final }`.
 */
const positive = z.number().positive().finite();

export const scheduleSchema = z.union([
  positive,
  z.string().regex(/^lin_\d*\.?\d+(e-?\d+)?$/, 'a schedule string looks like "lin_0.001"'),
  z.object({ schedule: z.literal('linear'), initial: positive, final: z.number().min(0).finite().default(0) }).strict(),
]);
export type ScheduleInput = z.input<typeof scheduleSchema>;

const hidden = z.array(z.number().int().min(1).max(4096)).max(8);

export const policyKwargsSchema = z
  .object({
    net_arch: z.union([hidden, z.object({ pi: hidden, vf: hidden }).strict()]).default([64, 64]),
    activation_fn: z.enum(['tanh', 'relu']).default('tanh'),
    share_layers: z.boolean().default(false),
    log_std_init: z.number().finite().default(0),
    ortho_init: z.boolean().default(true),
  })
  .strict();

export const normalizeSchema = z
  .object({
    norm_obs: z.boolean().default(true),
    norm_reward: z.boolean().default(true),
    clip_obs: positive.default(10),
    clip_reward: positive.default(10),
    epsilon: positive.default(1e-8),
  })
  .strict();

export const ppoConfigSchema = z
  .object({
    n_envs: z.number().int().min(1).max(4096).default(1),
    n_steps: z.number().int().min(1).default(2048),
    batch_size: z.number().int().min(2).default(64),
    n_epochs: z.number().int().min(1).default(10),
    gamma: z.number().min(0).max(1).default(0.99),
    gae_lambda: z.number().min(0).max(1).default(0.95),
    clip_range: scheduleSchema.default(0.2),
    clip_range_vf: scheduleSchema.nullable().default(null),
    normalize_advantage: z.boolean().default(true),
    ent_coef: z.number().min(0).finite().default(0),
    vf_coef: z.number().min(0).finite().default(0.5),
    max_grad_norm: positive.default(0.5),
    learning_rate: scheduleSchema.default(3e-4),
    target_kl: positive.nullable().default(null),
    /** VecNormalize (zoo's `normalize`): false, true (defaults) or options */
    normalize: z.union([z.boolean(), normalizeSchema]).default(false),
    policy_kwargs: policyKwargsSchema.default({
      net_arch: [64, 64],
      activation_fn: 'tanh',
      share_layers: false,
      log_std_init: 0,
      ortho_init: true,
    }),
    seed: z.number().int().default(0),
    /** numerical kernel: 'js' (plain JS, f64), 'js-f32', 'wasm' (WebAssembly SIMD, f32) or 'auto' */
    kernel: z.enum(['auto', 'js', 'js-f32', 'wasm']).default('auto'),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.batch_size > c.n_steps * c.n_envs) {
      ctx.addIssue({
        code: 'custom',
        path: ['batch_size'],
        message: `must be at most n_steps × n_envs = ${c.n_steps * c.n_envs}`,
      });
    }
  });

export type PPOConfigInput = z.input<typeof ppoConfigSchema>;
export type PPOConfig = z.output<typeof ppoConfigSchema>;

/** Validates hyperparameters; throws an Error naming every offending field. */
export function parsePPOConfig(input: unknown): PPOConfig {
  const r = ppoConfigSchema.safeParse(input ?? {});
  if (r.success) return r.data;
  const msgs = r.error.issues.map((i) => {
    const field = i.path.length > 0 ? i.path.join('.') : i.code === 'unrecognized_keys' ? (i as { keys?: string[] }).keys?.join(', ') ?? '?' : '(config)';
    return `${field}: ${i.message}`;
  });
  return fail(msgs);
}

function fail(msgs: string[]): never {
  throw new Error(`Invalid PPO hyperparameters — ${msgs.join('; ')}`);
}

export type Schedule = (progressRemaining: number) => number;

/** progressRemaining goes from 1 (start) to 0 (end of training), as in SB3. */
export function toSchedule(s: ScheduleInput): Schedule {
  if (typeof s === 'number') return () => s;
  if (typeof s === 'string') {
    const v = Number(s.slice(4));
    return (p) => p * v;
  }
  const initial = s.initial;
  const fin = s.final ?? 0;
  return (p) => fin + p * (initial - fin);
}
