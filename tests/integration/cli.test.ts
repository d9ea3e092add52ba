import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** The `bullpen` CLI exactly as `npx bullpen` runs it: bin/bullpen.mjs registering tsx, no build step. */
function bullpen(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/bullpen.mjs', ...args], { encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('bullpen CLI', () => {
  it('lists every subcommand with a one-line description', () => {
    const r = bullpen('--help');
    expect(r.status).toBe(0);
    for (const cmd of ['sim', 'replay', 'verify', 'export', 'train', 'data', 'tournament', 'bench', 'serve']) {
      expect(r.stdout, cmd).toMatch(new RegExp(`^  ${cmd}( \\[options\\])? +\\S.*$`, 'm'));
    }
    expect(r.stdout).toContain('--db <file>');
  });

  it('bench prints only JSON lines on stdout, one figure each', () => {
    const r = bullpen('bench', '--only', 'host', '--seconds', '0.5');
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    const figures = lines.map((l) => JSON.parse(l) as { name: string; value: number; unit: string });
    expect(figures.map((f) => f.name)).toEqual(['host.frame_batches_per_s', 'host.ticks_per_s_max', 'host.events_per_s', 'host.events_pushed_per_s']);
    for (const f of figures) {
      expect(Object.keys(f)).toEqual(['name', 'value', 'unit']);
      expect(f.value).toBeGreaterThan(0);
    }
    // a batch per ~33 ms: never more than ~30 per second however fast the ticks run
    expect(figures[0]?.value).toBeLessThanOrEqual(35);
    expect(figures[1]?.value).toBeGreaterThan(figures[0]?.value ?? 0);
  });
});
