import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'bullpen-train-cli-'));
const db = join(dir, 'lib.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function bullpen(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/bullpen.mjs', '--db', db, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('bullpen train / eval', () => {
  it('trains a MAPPO desk with a progress report, stores the run, and evaluates its checkpoint on held-out markets', () => {
    const t = bullpen('train', '--env', 'desk', '--steps', '512', '--seed', '2', '--hyperparams', '{"n_envs":2,"n_steps":64,"batch_size":128,"n_epochs":2}', '--env-config', '{"episodeSteps":64,"warmupTicks":100}', '--eval-episodes', '2', '--json');
    expect(t.status, t.stderr).toBe(0);
    expect(t.stderr).toMatch(/train: 100% steps 512\/512 {2}ep \d+ {2}return \S+ {2}pg \S+ {2}vf \S+ {2}ent \S+ {2}kl \S+ {2}clip \S+ {2}ev \S+ {2}\d+ steps\/s {2}level 0/);
    const run = JSON.parse(t.stdout) as { id: string; status: string; env: string; algo: string; seed: number; curriculum: boolean; checkpoint: { id: string; timesteps: number }; evaluation: { contenders: { name: string }[] } };
    expect(run).toMatchObject({ status: 'completed', env: 'desk', algo: 'mappo', seed: 2, curriculum: false });
    expect(run.checkpoint.timesteps).toBe(512);
    expect(run.evaluation.contenders.map((c) => c.name).slice(0, 3)).toEqual(['agent desk', 'buy-and-hold', 'random']);
    const exportFile = join(dir, 'run.json');
    const e = bullpen('eval', run.checkpoint.id, '--episodes', '2', '--export', exportFile);
    expect(e.status, e.stderr).toBe(0);
    expect(e.stdout).toMatch(/^held-out markets: 2 \(seeds 1073741824…1073741825\), 64 steps each$/m);
    for (const row of ['agent desk', 'buy-and-hold', 'random', 'desk: Trend Desk', 'desk: Reversion Desk']) expect(e.stdout).toMatch(new RegExp(`^${row} +-?\\d+\\.\\d\\d% +\\[`, 'm'));
    const exported = JSON.parse(readFileSync(exportFile, 'utf8')) as { format: string; metrics: unknown[] };
    expect(exported.format).toBe('bullpen-training-run/1');
    expect(exported.metrics.length).toBe(4);
    // compare: the stored checkpoint and the exported run file, on the same held-out markets
    const c = bullpen('eval', run.checkpoint.id, exportFile, '--episodes', '2');
    expect(c.status, c.stderr).toBe(0);
    expect(c.stdout).toMatch(/^comparison on the same 2 held-out markets:$/m);
    const rows = c.stdout.split('comparison')[1]!.trim().split('\n').slice(2);
    expect(rows).toHaveLength(2);
    expect(rows[0]!.replace(/^\S.*?\s{2,}/, '')).toBe(rows[1]!.replace(/^\S.*?\s{2,}/, '')); // the same policy scores the same
  }, 90_000);

  it('trains through the curriculum: the level is in the progress line and the stored learning curve', () => {
    const t = bullpen('train', '--env', 'trading', '--steps', '256', '--seed', '4', '--curriculum', '--hyperparams', '{"n_envs":2,"n_steps":32,"batch_size":64,"n_epochs":1}', '--env-config', '{"crowd":16,"desks":1,"episodeSteps":16,"warmupTicks":20,"curriculum":{"window":2,"thresholds":[-1e9,-1e9,-1e9]}}', '--eval-episodes', '0', '--json');
    expect(t.status, t.stderr).toBe(0);
    expect(t.stderr).toMatch(/steps\/s {2}level beginner$/m);
    expect(t.stderr).toMatch(/steps\/s {2}level (intermediate|expert|master)$/m);
    const run = JSON.parse(t.stdout) as { id: string; curriculum: boolean };
    expect(run.curriculum).toBe(true);
    const file = join(dir, 'curriculum-run.json');
    const e = bullpen('eval', run.id, '--episodes', '1', '--export', file);
    expect(e.status, e.stderr).toBe(0);
    const levels = (JSON.parse(readFileSync(file, 'utf8')) as { metrics: { metrics: { curriculum_level: number; curriculum_name: string } }[] }).metrics.map((m) => m.metrics.curriculum_level);
    expect(levels).toHaveLength(4);
    expect(levels[0]).toBe(0);
    expect(levels.at(-1)).toBeGreaterThan(0);
  }, 60_000);

  it('refuses invalid hyperparameters naming the field, and an unknown checkpoint', () => {
    const t = bullpen('train', '--env', 'trading', '--steps', '100', '--hyperparams', '{"gamma":2}');
    expect(t.status).toBe(1);
    expect(t.stderr).toMatch(/^bullpen train: Invalid PPO hyperparameters — gamma: /m);
    // curriculum settings are validated like the rest of the env config
    const c = bullpen('train', '--env', 'trading', '--steps', '100', '--curriculum', '--env-config', '{"curriculum":{"window":0}}');
    expect(c.status).toBe(1);
    expect(c.stderr).toMatch(/Invalid trading env config — curriculum\.window: /);
    const e = bullpen('eval', 'no-such-checkpoint');
    expect(e.status).toBe(1);
    expect(e.stderr).toMatch(/"no-such-checkpoint" is neither a checkpoint or run id in the library nor a readable file/);
  }, 60_000);
});
