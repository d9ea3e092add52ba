import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bar } from '../../src-shared/market-data';
import type { TournamentResult } from '../../src-shared/tournament-api';
import { PPO } from '../../src-workers/rl/ppo';
import { TradingEnv } from '../../src-workers/rl/envs/trading';
import { syntheticBars } from '../../src-workers/tournament/synthetic';
import { leaderboardCsv } from '../../src-main/tournament/export';
import { formatLeaderboard } from '../../src-main/tournament/format';
import { TournamentService, taskGroups } from '../../src-main/tournament/service';
import { upsertSeries, writeBars } from '../../src-main/store/bars';
import { openLibrary, type Library } from '../../src-main/store/library';
import { RunStore } from '../../src-main/store/runs';

/** Floor mode (docs/TOURNAMENTS.md, "Modes"): desks and policies on one engine floor in historical mode. */

const KEY = { exchange: 'test', symbol: 'SYN', timeframe: '1m' };
const BARS = 40;
const envConfig = { crowd: 16, desks: 1, episodeSteps: 32, warmupTicks: 20, lookback: 4, sizes: [1, 2] };
let dir: string;
let lib: Library;
let svc: TournamentService;
let checkpoint: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bullpen-tournament-floor-'));
  lib = openLibrary(join(dir, 'lib.db'));
  const { cols } = syntheticBars(BARS, 11, { volume: 500, shared: false });
  const bars: Bar[] = Array.from({ length: BARS }, (_, i) => ({ ts: cols.ts[i]!, open: cols.open[i]!, high: cols.high[i]!, low: cols.low[i]!, close: cols.close[i]!, volume: cols.volume[i]! }));
  upsertSeries(lib.db, KEY, { source: 'csv', name: 'synthetic', calendar: 'continuous', gaps: [], origin: 'test' });
  writeBars(lib.db, KEY, bars);
  // a tiny trading-env policy, trained in-process and stored as a checkpoint
  const snap = new PPO(() => new TradingEnv(envConfig), { n_envs: 1, n_steps: 32, batch_size: 32, n_epochs: 1, seed: 3, ent_coef: 0.05, kernel: 'js', normalize: { norm_obs: true, norm_reward: false } })
    .learn(64)
    .snapshot();
  const runs = new RunStore(lib.db);
  runs.createRun({ id: 'run-floor-1', env: 'trading', algo: 'ppo', seed: 3, totalSteps: 64, hyperparams: {}, envConfig, curriculum: false, resumedFrom: null, createdAt: '2026-01-01T00:00:00Z' });
  checkpoint = runs.addCheckpoint('run-floor-1', 'cp-floor-1', 64, snap, '2026-01-01T00:00:01Z').id;
  svc = new TournamentService({ library: lib });
});

afterAll(async () => {
  await svc.close();
  lib.close();
  rmSync(dir, { recursive: true, force: true });
});

const board = (t: TournamentResult): unknown => t.leaderboard.map((e) => [e.name, e.rank, e.metrics, e.regimes, e.equity]);
const row = (t: TournamentResult, name: string): TournamentResult['leaderboard'][number] => {
  const r = t.leaderboard.find((e) => e.name === name);
  if (!r) throw new Error(`no entrant ${name} in ${t.leaderboard.map((e) => e.name).join(', ')}`);
  return r;
};

describe('floor-mode tournaments', () => {
  it('the chosen desks and a deployed policy trade on one floor; the baselines run alone and say so; same seed, same result', async () => {
    const spec = { series: KEY, mode: 'floor' as const, desks: ['trend' as const, 'macro' as const], policies: [checkpoint], capital: 250_000, feeBps: 3, seed: 7 };
    const a = await svc.start(spec).done;
    expect(a.status, a.error ?? '').toBe('completed');
    expect(a.mode).toBe('floor');
    expect(a.leaderboard.map((e) => e.name).sort()).toEqual(['Buy & hold', 'Macro Desk', 'Policy cp-floor', 'Random', 'Trend Desk']);
    // a desk not chosen does not enter
    expect(a.leaderboard.some((e) => e.name === 'Reversion Desk' || e.name === 'Arb Desk' || e.name === 'Newsroom')).toBe(false);
    const policy = row(a, 'Policy cp-floor');
    expect(policy.kind).toBe('policy');
    expect(policy.ref).toBe(checkpoint);
    // it acted on the floor: its desk's account traded
    expect(policy.metrics.trades).toBeGreaterThan(0);
    for (const name of ['Trend Desk', 'Macro Desk']) {
      const m = row(a, name).metrics;
      expect(m.trades, name).toBeGreaterThan(0);
      // the engine's taker fee is the tournament's: every desk fill takes liquidity, so fees = traded value × 3 bp
      expect(m.feesPaid / (m.turnover * spec.capital * 3e-4), name).toBeCloseTo(1, 6);
      expect(row(a, name).note ?? null).toBeNull();
      // one point per bar (downsampled below 1,000), scaled to the tournament's capital
      expect(row(a, name).equity).toHaveLength(BARS);
      expect(Math.abs(m.finalEquity / spec.capital - 1)).toBeLessThan(0.2);
    }
    for (const name of ['Buy & hold', 'Random']) expect(row(a, name).note).toMatch(/^not on the floor/);
    expect(a.leaderboard.map((e) => e.rank)).toEqual([1, 2, 3, 4, 5]);

    const b = await svc.start(spec).done;
    expect(board(b)).toEqual(board(a));

    // the baselines ran exactly as in isolated mode; the desks did not
    const iso = await svc.start({ ...spec, mode: 'isolated' }).done;
    expect(row(a, 'Buy & hold').metrics).toEqual(row(iso, 'Buy & hold').metrics);
    expect(row(a, 'Random').metrics).toEqual(row(iso, 'Random').metrics);
    expect(row(a, 'Trend Desk').metrics.totalReturn).not.toBe(row(iso, 'Trend Desk').metrics.totalReturn);

    // another seed: another floor (the crowd, the bar paths)
    const c = await svc.start({ ...spec, seed: 8 }).done;
    expect(row(c, 'Trend Desk').metrics.totalReturn).not.toBe(row(a, 'Trend Desk').metrics.totalReturn);

    // the CLI table and the CSV say which mode and which rows did not share the floor
    const text = formatLeaderboard(svc.get(a.id)!);
    expect(text).toMatch(/^floor mode: /m);
    expect(text).toMatch(/Buy & hold †/);
    const csv = svc.export(a.id, 'csv').content.trim().split('\n');
    expect(csv[0]!.split(',').at(-1)).toBe('note');
    const bh = csv.find((l) => l.split(',')[1] === 'Buy & hold')!;
    expect(bh.split(',')[4]).toBe('floor');
    expect(bh).toMatch(/not on the floor/);
    expect(leaderboardCsv(iso)).not.toMatch(/not on the floor/);
    expect(svc.list().find((t) => t.id === a.id)?.mode).toBe('floor');
  }, 60_000);

  it('reports progress in bars and can be cancelled', async () => {
    const seen: number[] = [];
    const h = svc.start({ series: KEY, mode: 'floor', desks: ['trend'] }, (ps) => seen.push(ps[0]!.done));
    h.cancel();
    const t = await h.done;
    expect(t.status).toBe('cancelled');
    expect(t.leaderboard).toHaveLength(0);
    const done = await svc.start({ series: KEY, mode: 'floor', desks: ['trend'] }, (ps) => seen.push(ps[0]!.done)).done;
    expect(done.progress).toBeNull();
    expect(seen.at(-1)).toBe(BARS);
  }, 30_000);

  it('runs the floor as one task and each baseline as its own', () => {
    expect(taskGroups('floor', ['desk', 'desk', 'policy', 'buy-and-hold', 'random'])).toEqual([
      { indices: [0, 1, 2], floor: true },
      { indices: [3], floor: false },
      { indices: [4], floor: false },
    ]);
    expect(taskGroups('floor', ['buy-and-hold', 'random']).every((g) => !g.floor)).toBe(true);
  });

  it('refuses a fee beyond the engine\'s range and a policy that does not fit the floor, storing nothing', () => {
    const before = svc.list().length;
    expect(() => svc.start({ series: KEY, mode: 'floor', feeBps: 150 })).toThrow(/feeBps: .*100 bp/);
    const runs = new RunStore(lib.db);
    const snap = runs.checkpointSnapshot(checkpoint)!.snapshot;
    runs.createRun({ id: 'run-floor-2', env: 'trading', algo: 'ppo', seed: 3, totalSteps: 64, hyperparams: {}, envConfig: { ...envConfig, symbol: 2 }, curriculum: false, resumedFrom: null, createdAt: '2026-01-01T00:00:00Z' });
    runs.addCheckpoint('run-floor-2', 'cp-floor-2', 64, snap, '2026-01-01T00:00:01Z');
    expect(() => svc.start({ series: KEY, mode: 'floor', policies: ['cp-floor-2'] })).toThrow(/^policies\.0: checkpoint "cp-floor-2" does not fit a tournament floor: the policy trades symbol 2/);
    expect(svc.list().length).toBe(before);
  });
});
