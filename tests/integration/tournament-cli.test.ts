import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'bullpen-tournament-cli-'));
const db = join(dir, 'lib.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function bullpen(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/bullpen.mjs', '--db', db, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const ENTRANTS = ['Trend Desk', 'Reversion Desk', 'Newsroom', 'Arb Desk', 'Macro Desk', 'Buy & hold', 'Random'];

describe('bullpen tournament', () => {
  it('runs the seven entrants on the bundled S&P 500 with a progress bar, prints the leaderboard, and lists, shows and exports it', () => {
    const r = bullpen('tournament', '--since', '2019-01-01', '--until', '2020-01-01', '--seed', '3');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^tournament: 100% bars 1,764\/1,764 {2}entrants done 7\/7$/m);
    const out = r.stdout;
    expect(out).toMatch(/^isolated mode: each entrant alone against the historical path$/m);
    expect(out).toMatch(/^bundled:SP500:1d, 2019-01-02 … 2019-12-31, 252 bars; capital 100,000, fee 1 bps, slippage on, seed 3$/m);
    for (const name of ENTRANTS) expect(out, name).toMatch(new RegExp(`^ +[1-7]  ${name.replace('&', '\\&')} +-?\\d+\\.\\d\\d% +-?\\d+\\.\\d\\d \\[-?\\d+\\.\\d\\d, -?\\d+\\.\\d\\d\\]`, 'm'));
    expect(out).toMatch(/^by regime \(return; Sharpe\) — bars: trending \d+, ranging \d+, volatile \d+, crisis \d+$/m);
    const id = /^tournament ([0-9a-f-]{36}) — /m.exec(out)![1]!;

    const list = bullpen('tournament', 'list');
    expect(list.status, list.stderr).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`^${id} .* completed +isolated +bundled:SP500:1d +252 bars +7 entrants +winner: `, 'm'));
    const show = bullpen('tournament', 'show', id, '--json');
    expect(show.status, show.stderr).toBe(0);
    const t = JSON.parse(show.stdout) as { leaderboard: { name: string; rank: number }[]; mode: string };
    expect(t.mode).toBe('isolated');
    expect(t.leaderboard.map((e) => e.name).sort()).toEqual([...ENTRANTS].sort());
    const file = join(dir, 'board.csv');
    const ex = bullpen('tournament', 'export', id, '--format', 'csv', '--out', file);
    expect(ex.status, ex.stderr).toBe(0);
    const csv = readFileSync(file, 'utf8').trim().split('\n');
    expect(csv[0]).toMatch(/^rank,entrant,kind,ref,mode,total_return,sharpe,sharpe_ci_low,sharpe_ci_high,distinguishable_from_zero,/);
    expect(csv.slice(1).map((l) => l.split(',')[1])).toEqual(t.leaderboard.map((e) => e.name));
  }, 90_000);

  it('runs shared mode and says so; refuses bad input naming the field', () => {
    const s = bullpen('tournament', '--since', '2019-06-01', '--until', '2019-09-01', '--mode', 'shared', '--entrants', 'trend,arb', '--json');
    expect(s.status, s.stderr).toBe(0);
    const t = JSON.parse(s.stdout) as { mode: string; leaderboard: { name: string }[] };
    expect(t.mode).toBe('shared');
    expect(t.leaderboard.map((e) => e.name).sort()).toEqual(['Arb Desk', 'Buy & hold', 'Random', 'Trend Desk']);
    const bad = bullpen('tournament', '--fee-bps', '-3');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^bullpen tournament: Invalid tournament spec — feeBps: /m);
    const ent = bullpen('tournament', '--entrants', 'trend,moon');
    expect(ent.status).toBe(1);
    expect(ent.stderr).toMatch(/--entrants: "moon" is not a desk/);
    const ser = bullpen('tournament', '--series', 'binance:BTC/USDT:1m');
    expect(ser.status).toBe(1);
    expect(ser.stderr).toMatch(/^bullpen tournament: series: no stored series "binance:BTC\/USDT:1m" in this library/m);
    const pol = bullpen('tournament', '--policy', 'no-such-checkpoint');
    expect(pol.stderr).toMatch(/policies\.0: no checkpoint "no-such-checkpoint"/);
    expect(bullpen('tournament', 'show', 'nope').stderr).toMatch(/no tournament "nope"/);
  }, 90_000);
});
