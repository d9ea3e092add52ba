import { writeFileSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { formatReport, type EvaluationReport } from '../../../src-workers/rl/evaluate';
import type { TrainingProgress } from '../../../src-workers/rl/train-task';
import { RunStore } from '../../store/runs';
import { evaluateCheckpoint, loadCheckpoint } from '../../training/evaluate-checkpoint';
import { TrainingService } from '../../training/service';
import { openLibraryOf } from './recording-common';

/**
 * `bullpen train`: one training run in the Piscina pool, stored in the library (run, metrics,
 * checkpoints), with a progress bar on stderr and the final held-out evaluation on stdout.
 * `bullpen eval CHECKPOINT`: evaluates a stored checkpoint (or an exported run / snapshot file) on
 * held-out markets against buy-and-hold, random and the rule-based desks.
 */

function intArg(name: string, min: number, max: number): (v: string) => number {
  return (v: string): number => {
    if (!/^\d+$/.test(v.trim())) throw new InvalidArgumentError(`${name} must be a whole number, got "${v}".`);
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be from ${min} to ${max}, got ${v}.`);
    return n;
  };
}

function jsonObject(name: string): (v: string) => Record<string, unknown> {
  return (v: string) => {
    let x: unknown;
    try {
      x = JSON.parse(v);
    } catch {
      throw new InvalidArgumentError(`${name} must be a JSON object, got "${v}".`);
    }
    if (x === null || typeof x !== 'object' || Array.isArray(x)) throw new InvalidArgumentError(`${name} must be a JSON object.`);
    return x as Record<string, unknown>;
  };
}

interface TrainOpts {
  env: 'trading' | 'desk';
  algo?: 'ppo' | 'mappo';
  steps: number;
  seed: number;
  curriculum?: boolean;
  hyperparams?: Record<string, unknown>;
  envConfig?: Record<string, unknown>;
  evalEpisodes: number;
  resume?: string;
  json?: boolean;
}

function progressLine(p: TrainingProgress, tty: boolean, width = 30): string {
  const pct = Math.min(100, Math.floor((p.timesteps / p.total_steps) * 100));
  const f = (x: number, d = 3): string => (Number.isFinite(x) ? x.toFixed(d) : '—');
  const stats = `steps ${p.timesteps}/${p.total_steps}  ep ${p.episodes}  return ${f(p.ep_rew_mean)}  pg ${f(p.policy_gradient_loss, 4)}  vf ${f(p.value_loss, 4)}  ent ${f(-p.entropy_loss)}  kl ${f(p.approx_kl, 4)}  clip ${f(p.clip_fraction)}  ev ${f(p.explained_variance, 2)}  ${p.fps.toFixed(0)} steps/s  level ${p.curriculum_name ?? p.curriculum_level}`;
  if (!tty) return `train: ${pct}% ${stats}\n`;
  const fill = Math.round((pct / 100) * width);
  return `\r\x1b[2K[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${String(pct).padStart(3)}%  ${stats}`;
}

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train a reinforcement-learning agent headless (stored in the library)')
    .requiredOption('--env <name>', 'trading (single agent, PPO) or desk (analyst, risk manager, trader; MAPPO)', (v) => {
      if (v !== 'trading' && v !== 'desk') throw new InvalidArgumentError(`--env must be trading or desk, got "${v}".`);
      return v;
    })
    .option('--algo <name>', 'ppo (trading) or mappo (desk); default: the env\'s', (v) => {
      if (v !== 'ppo' && v !== 'mappo') throw new InvalidArgumentError(`--algo must be ppo or mappo, got "${v}".`);
      return v;
    })
    .requiredOption('--steps <n>', 'environment steps to train', intArg('--steps', 1, 1_000_000_000))
    .option('--seed <n>', 'seed of the run (its only source of randomness)', intArg('--seed', 0, 0x7fff_ffff), 0)
    .option('--curriculum', 'train through the difficulty levels, beginner to master (settings: --env-config \'{"curriculum":{"window":20,"thresholds":[0,0,0]}}\')')
    .option('--hyperparams <json>', 'hyperparameters (SB3 names), e.g. \'{"learning_rate":0.001}\'', jsonObject('--hyperparams'))
    .option('--env-config <json>', 'environment config, e.g. \'{"reward":"pnl_risk"}\'', jsonObject('--env-config'))
    .option('--eval-episodes <n>', 'held-out evaluation episodes at the end (0: none)', intArg('--eval-episodes', 0, 1000), 10)
    .option('--resume <checkpoint>', 'continue from a checkpoint id in the library (its parameters, optimiser state and curriculum level)')
    .option('--json', 'print the final run record as JSON instead of the report')
    .action(async (opts: TrainOpts, cmd: Command) => {
      const algo = opts.algo ?? (opts.env === 'trading' ? 'ppo' : 'mappo');
      const lib = openLibraryOf(cmd);
      const store = new RunStore(lib.db);
      const svc = new TrainingService({ store, maxThreads: 1 });
      const tty = process.stderr.isTTY === true;
      let lastPct = -10;
      let handle;
      try {
        handle = svc.start(
          {
            env: opts.env,
            algo,
            steps: opts.steps,
            seed: opts.seed,
            curriculum: opts.curriculum === true,
            hyperparams: opts.hyperparams ?? {},
            envConfig: opts.envConfig ?? {},
            evalEpisodes: opts.evalEpisodes,
          },
          {
            ...(opts.resume ? { resumeFrom: opts.resume } : {}),
            onProgress: (p) => {
              const pct = Math.floor((p.timesteps / p.total_steps) * 100);
              if (tty || pct >= lastPct + 10 || p.timesteps >= p.total_steps) {
                if (!tty) lastPct = pct - (pct % 10);
                process.stderr.write(progressLine(p, tty));
              }
            },
          },
        );
      } catch (err) {
        process.stderr.write(`bullpen train: ${(err as Error).message}\n`);
        process.exitCode = 1;
        await svc.close();
        lib.close();
        return;
      }
      const stop = (): void => {
        process.stderr.write('\nbullpen train: stopping at the next update (Ctrl-C again to quit at once)…\n');
        handle.cancel();
        process.once('SIGINT', () => process.exit(130));
      };
      process.once('SIGINT', stop);
      process.stderr.write(`bullpen train: run ${handle.id} (${opts.env}/${algo}, ${opts.steps} steps, seed ${opts.seed})\n`);
      const run = await handle.done;
      process.off('SIGINT', stop);
      if (tty) process.stderr.write('\n');
      const cp = store.latestCheckpoint(run.id);
      if (opts.json) process.stdout.write(JSON.stringify({ ...run, checkpoint: cp }) + '\n');
      else {
        process.stdout.write(`run ${run.id}: ${run.status}, ${run.stepsDone} steps${cp ? `, last checkpoint ${cp.id}` : ''}\n`);
        if (run.error) process.stdout.write(`error: ${run.error}\n`);
        if (run.evaluation) process.stdout.write(formatReport(run.evaluation as EvaluationReport) + '\n');
      }
      if (run.status === 'failed') process.exitCode = 1;
      await svc.close();
      lib.close();
    });
}

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description('evaluate trained checkpoints on held-out markets against buy-and-hold, random and the rule-based desks')
    .argument('<checkpoint...>', 'checkpoint ids or run ids in the library, or exported run / policy snapshot JSON files; several are compared on the same markets')
    .option('--episodes <n>', 'held-out markets (one episode each)', intArg('--episodes', 1, 10_000), 20)
    .option('--seed-base <n>', 'first held-out market seed (training markets use seeds below 2^30)', intArg('--seed-base', 0, 0xffff_ffff), 1 << 30)
    .option('--json', 'print the report(s) as JSON')
    .option('--export <file>', 'also write the run (metrics + latest checkpoint) of the first checkpoint to this JSON file')
    .action((refs: string[], opts: { episodes: number; seedBase: number; json?: boolean; export?: string }, cmd: Command) => {
      const lib = openLibraryOf(cmd);
      try {
        const store = new RunStore(lib.db);
        const loaded = refs.map((ref) => loadCheckpoint(ref, store));
        const reports = loaded.map((cp) => {
          process.stderr.write(`bullpen eval: ${cp.label}, ${cp.env} env, ${opts.episodes} held-out markets\n`);
          return { label: cp.label, report: evaluateCheckpoint(cp, { episodes: opts.episodes, seedBase: opts.seedBase }) };
        });
        if (opts.json) process.stdout.write(JSON.stringify(reports.length === 1 ? reports[0]!.report : reports) + '\n');
        else {
          for (const r of reports) process.stdout.write((reports.length > 1 ? `${r.label}\n` : '') + formatReport(r.report) + '\n');
          if (reports.length > 1) process.stdout.write(compareTable(reports) + '\n');
        }
        if (opts.export) {
          const ref = refs[0]!;
          const runId = store.checkpointSnapshot(ref)?.runId ?? (store.getRun(ref) ? ref : null);
          if (!runId) throw new Error('--export needs a checkpoint or run in the library');
          writeFileSync(opts.export, JSON.stringify(store.exportRun(runId)));
        }
      } catch (err) {
        process.stderr.write(`bullpen eval: ${(err as Error).message}\n`);
        process.exitCode = 1;
      } finally {
        lib.close();
      }
    });
}

/** The agents of several checkpoints side by side (same held-out markets). */
function compareTable(reports: { label: string; report: EvaluationReport }[]): string {
  const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;
  const lines = [`comparison on the same ${reports[0]!.report.seeds.length} held-out markets:`, `${'checkpoint'.padEnd(48)} ${'mean return'.padStart(11)} ${'95% CI'.padStart(21)} ${'Sharpe'.padStart(7)} ${'max DD'.padStart(7)}`];
  for (const r of reports) {
    const a = r.report.contenders[0]!;
    const label = r.label.length > 48 ? `${r.label.slice(0, 45)}...` : r.label;
    lines.push(`${label.padEnd(48)} ${pct(a.meanReturn).padStart(11)} ${`[${pct(a.ci95[0])}, ${pct(a.ci95[1])}]`.padStart(21)} ${a.meanSharpe.toFixed(2).padStart(7)} ${pct(a.meanMaxDrawdown).padStart(7)}`);
  }
  return lines.join('\n');
}
