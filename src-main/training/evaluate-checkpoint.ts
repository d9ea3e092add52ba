import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DeployedPolicy } from '../../src-workers/rl/deploy';
import { DeskEnv, type DeskEnvConfigInput } from '../../src-workers/rl/envs/desk';
import { TradingEnv, type TradingEnvConfigInput } from '../../src-workers/rl/envs/trading';
import { HELD_OUT_SEED_BASE, evaluateDesk, evaluateTrading, type EvaluationReport } from '../../src-workers/rl/evaluate';
import { MAPPO, parseMAPPOSnapshot, type MAPPOConfigInput } from '../../src-workers/rl/mappo';
import type { RunStore } from '../store/runs';

/** A checkpoint to evaluate: its policy snapshot and the env config it was trained on. */
export interface LoadedCheckpoint {
  label: string;
  snapshot: unknown;
  env: 'trading' | 'desk';
  envConfig: Record<string, unknown>;
}

const ExportFile = z.object({
  format: z.literal('bullpen-training-run/1'),
  run: z.object({ env: z.enum(['trading', 'desk']), envConfig: z.record(z.string(), z.unknown()) }).passthrough(),
  checkpoint: z.object({ id: z.string(), snapshot: z.unknown() }).nullable(),
});
const SnapshotFormat = z.object({ format: z.enum(['bullpen-ppo-policy/1', 'bullpen-mappo-policy/1']) }).passthrough();

/**
 * `ref`: a checkpoint id in the library, a run id (its latest checkpoint), or a JSON file: a run
 * export (`bullpen-training-run/1`) or a bare policy snapshot (evaluated on the default env config).
 */
export function loadCheckpoint(ref: string, store: RunStore | null, readFile: (p: string) => string = (p) => readFileSync(p, 'utf8')): LoadedCheckpoint {
  if (store) {
    let cp = store.checkpointSnapshot(ref);
    let label = `checkpoint ${ref}`;
    if (!cp) {
      const last = store.getRun(ref) ? store.latestCheckpoint(ref) : null;
      if (last) {
        cp = store.checkpointSnapshot(last.id);
        label = `run ${ref}, checkpoint ${last.id} (${last.timesteps} steps)`;
      }
    }
    if (cp) {
      const run = store.getRun(cp.runId);
      if (!run) throw new Error(`checkpoint ${ref}: its run ${cp.runId} is missing from the library`);
      return { label, snapshot: cp.snapshot, env: run.env, envConfig: run.envConfig };
    }
  }
  let text: string;
  try {
    text = readFile(ref);
  } catch {
    throw new Error(`"${ref}" is neither a checkpoint or run id in the library nor a readable file`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`"${ref}" is not JSON: ${(err as Error).message}`);
  }
  const exp = ExportFile.safeParse(json);
  if (exp.success) {
    if (!exp.data.checkpoint) throw new Error(`"${ref}": the exported run has no checkpoint`);
    return { label: `${ref} (checkpoint ${exp.data.checkpoint.id})`, snapshot: exp.data.checkpoint.snapshot, env: exp.data.run.env, envConfig: exp.data.run.envConfig };
  }
  const snap = SnapshotFormat.safeParse(json);
  if (snap.success) return { label: ref, snapshot: json, env: snap.data.format === 'bullpen-ppo-policy/1' ? 'trading' : 'desk', envConfig: {} };
  throw new Error(`"${ref}" is not a Bullpen training export or policy snapshot`);
}

/** Evaluates a checkpoint's greedy policy on held-out markets against the baselines. */
export function evaluateCheckpoint(cp: LoadedCheckpoint, opts: { episodes: number; seedBase?: number }): EvaluationReport {
  const seedBase = opts.seedBase ?? HELD_OUT_SEED_BASE;
  if (cp.env === 'trading') {
    const policy = DeployedPolicy.fromSnapshot(cp.snapshot);
    const cfg = cp.envConfig as TradingEnvConfigInput;
    const continuous = policy.actionSpace.kind === 'box';
    return evaluateTrading(() => new TradingEnv(cfg), (o) => {
      const a = policy.decide(o).action;
      return continuous ? Float64Array.from(a) : a[0]!;
    }, { episodes: opts.episodes, seedBase });
  }
  const snap = parseMAPPOSnapshot(cp.snapshot, 'eval');
  const cfg = cp.envConfig as DeskEnvConfigInput;
  const model = new MAPPO(() => new DeskEnv(cfg), { ...(snap.config as MAPPOConfigInput), n_envs: 1, batch_size: 2, n_steps: 2 });
  model.loadSnapshot(cp.snapshot);
  return evaluateDesk(() => new DeskEnv(cfg), (o) => model.predict(o), { episodes: opts.episodes, seedBase });
}
