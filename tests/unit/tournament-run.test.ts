import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bar } from '../../src-shared/market-data';
import { upsertSeries, writeBars } from '../../src-main/store/bars';
import { openLibrary, type Library } from '../../src-main/store/library';
import { TournamentService } from '../../src-main/tournament/service';
import { BuyAndHold } from '../../src-workers/tournament/baselines';
import { PolicyStrategy } from '../../src-workers/tournament/policy';
import { TradingEnv } from '../../src-workers/rl/envs/trading';
import { PPO } from '../../src-workers/rl/ppo';
import { simulate } from '../../src-workers/tournament/run';
import { syntheticBars } from '../../src-workers/tournament/synthetic';

const KEY = { exchange: 'test', symbol: 'SYN', timeframe: '1m' };
let dir: string;
let lib: Library;
let svc: TournamentService;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bullpen-tournament-'));
  lib = openLibrary(join(dir, 'lib.db'));
  // a thin market (volume ~50 units a bar) so the entrants' orders are a real share of it
  const { cols } = syntheticBars(3000, 9, { volume: 50, shared: false });
  const bars: Bar[] = Array.from({ length: cols.ts.length }, (_, i) => ({ ts: cols.ts[i]!, open: cols.open[i]!, high: cols.high[i]!, low: cols.low[i]!, close: cols.close[i]!, volume: cols.volume[i]! }));
  upsertSeries(lib.db, KEY, { source: 'csv', name: 'synthetic', calendar: 'continuous', gaps: [], origin: 'test' });
  writeBars(lib.db, KEY, bars);
  svc = new TournamentService({ library: lib });
});

afterAll(async () => {
  await svc.close();
  lib.close();
  rmSync(dir, { recursive: true, force: true });
});

const board = (t: { leaderboard: { name: string; rank: number; metrics: unknown; regimes: unknown; equity: unknown }[] }): unknown => t.leaderboard.map((e) => [e.name, e.rank, e.metrics, e.regimes, e.equity]);

describe('tournament runs', () => {
  it('the same spec and seed give the identical leaderboard; shared mode differs from isolated when entrants trade', async () => {
    const spec = { series: KEY, seed: 4, capital: 1_000_000, feeBps: 2 };
    const a = await svc.start(spec).done;
    const b = await svc.start(spec).done;
    expect(a.status).toBe('completed');
    expect(a.leaderboard.map((e) => e.name).sort()).toEqual(['Arb Desk', 'Buy & hold', 'Macro Desk', 'Newsroom', 'Random', 'Reversion Desk', 'Trend Desk']);
    expect(a.leaderboard.map((e) => e.rank)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(board(b)).toEqual(board(a));
    expect(a.mode).toBe('isolated');
    const s = await svc.start({ ...spec, mode: 'shared' }).done;
    expect(s.mode).toBe('shared');
    const ret = (t: typeof a, name: string): number => t.leaderboard.find((e) => e.name === name)!.metrics.totalReturn;
    for (const name of ['Trend Desk', 'Random', 'Buy & hold']) expect(ret(s, name), name).not.toBe(ret(a, name));
    // another seed: another random baseline
    const c = await svc.start({ ...spec, seed: 5 }).done;
    expect(ret(c, 'Random')).not.toBe(ret(a, 'Random'));
    expect(ret(c, 'Trend Desk')).toBe(ret(a, 'Trend Desk'));
    // the stored leaderboard is best Sharpe first and says which Sharpe ratios are indistinguishable from zero
    const sharpes = a.leaderboard.map((e) => e.metrics.sharpe ?? -Infinity);
    expect([...sharpes].sort((x, y) => y - x)).toEqual(sharpes);
    for (const e of a.leaderboard) {
      const [lo, hi] = e.metrics.sharpeCI;
      expect(e.distinguishable).toBe(lo !== null && hi !== null && (lo > 0 || hi < 0));
    }
    expect(svc.list().map((t) => t.id)).toContain(a.id);
    const csv = svc.export(a.id, 'csv').content.trim().split('\n');
    expect(csv).toHaveLength(8);
    expect(csv[1]!.split(',').slice(0, 2)).toEqual(['1', a.leaderboard[0]!.name]);
  }, 60_000);

  it("buy-and-hold's return is the series' return from its first fill minus the fee (slippage off)", async () => {
    const t = await svc.start({ series: KEY, feeBps: 10, slippage: false, desks: [] }).done;
    const bh = t.leaderboard.find((e) => e.kind === 'buy-and-hold')!;
    const rows = lib.db.prepare(`SELECT open, close FROM bars WHERE exchange = 'test' ORDER BY ts`).all() as { open: number; close: number }[];
    // decided after bar 0, bought at bar 1's open with all the capital; the 10 bps fee comes out of cash
    const expected = rows[rows.length - 1]!.close / rows[1]!.open - 1 - 10 / 1e4;
    expect(bh.metrics.totalReturn).toBeCloseTo(expected, 10);
    expect(bh.metrics.trades).toBe(1);
    expect(bh.metrics.feesPaid).toBeCloseTo(100_000 * (10 / 1e4), 6);
    expect(t.leaderboard).toHaveLength(2);
  }, 30_000);

  it('fills at the next open, pays slippage that grows with size against the bar volume', () => {
    const { cols } = syntheticBars(200, 1, { volume: 100, shared: false });
    // ~100 units a bar at ~100: 10 buys 0.1% of a bar, 10,000 all of it
    const small = simulate(cols, [new BuyAndHold()], { capital: 10, feeBps: 0, slippage: true, shared: false });
    const big = simulate(cols, [new BuyAndHold()], { capital: 10_000, feeBps: 0, slippage: true, shared: false });
    const cost = (s: typeof small): number => s.accounts[0]!.slippagePaid / s.accounts[0]!.capital;
    expect(cost(big)).toBeGreaterThan(10 * cost(small));
    // the fill price sits at bar 1's open plus slippage, not at bar 0's close
    const a = small.accounts[0]!;
    const paid = (a.capital - a.cash) / a.units;
    expect(paid).toBeGreaterThanOrEqual(cols.open[1]!);
    expect(paid).toBeLessThan(cols.open[1]! * 1.01);
  });

  it('an RL checkpoint trades the bars from the trading env\'s observation, deterministically; a mismatched config is refused', () => {
    const envConfig = { crowd: 16, desks: 1, episodeSteps: 32, warmupTicks: 20, lookback: 4, sizes: [1, 2] };
    const snap = new PPO(() => new TradingEnv(envConfig), { n_envs: 1, n_steps: 32, batch_size: 32, n_epochs: 1, seed: 3, kernel: 'js', normalize: { norm_obs: true, norm_reward: false } })
      .learn(64)
      .snapshot();
    const { cols } = syntheticBars(600, 4, { shared: false });
    const run = (): ReturnType<typeof simulate> => simulate(cols, [new PolicyStrategy('Policy', 'cp', snap, envConfig)], { capital: 100_000, feeBps: 1, slippage: true, shared: false });
    const a = run();
    const b = run();
    expect(Array.from(b.decisions[0]!)).toEqual(Array.from(a.decisions[0]!));
    // discrete actions move the target weight in steps of sizes[i] / maxLots (default 4 lots)
    const steps = new Set(Array.from(a.decisions[0]!.subarray(0, 599)).map((w) => Math.round(w * 4 * 1e9) / 1e9));
    for (const w of steps) expect(Number.isInteger(w) && Math.abs(w) <= 4, String(w)).toBe(true);
    expect(steps.size).toBeGreaterThan(1);
    expect(a.accounts[0]!.trades).toBeGreaterThan(0);
    expect(() => new PolicyStrategy('Policy', 'cp', snap, { ...envConfig, lookback: 8 })).toThrow(/observes \d+ values, a trading-env policy with lookback 8 observes/);
  }, 30_000);

  it('refuses a bad spec naming the field, storing nothing', () => {
    const before = svc.list().length;
    expect(() => svc.start({ series: KEY, feeBps: -1 })).toThrow(/feeBps: /);
    expect(() => svc.start({ series: KEY, desks: ['trend', 'moon'] as never })).toThrow(/desks\.1: /);
    expect(() => svc.start({ series: { exchange: 'x', symbol: 'Y', timeframe: '1d' } })).toThrow(/^series: no stored series "x:Y:1d"/);
    expect(() => svc.start({ series: KEY, since: '2030-01-01' })).toThrow(/^since\/until: 0 bars/);
    expect(() => svc.start({ series: KEY, since: '2024-02-01', until: '2024-01-01' })).toThrow(/until: until must be after since/);
    expect(() => svc.start({ series: KEY, policies: ['nope'] })).toThrow(/^policies\.0: no checkpoint "nope"/);
    expect(svc.list().length).toBe(before);
  });
});
