/**
 * Runs entrants over a bar series (docs/TOURNAMENTS.md). Bar by bar: after bar t's close each
 * strategy sees bars 0…t through its BarView and answers a target weight; the orders fill at bar
 * t+1's open (execution.ts); every account is marked at bar t+1's close. `isolated`: one entrant
 * per call (no interaction); `shared`: all entrants in one call, their net flow moving one impact term.
 */
import type { EntrantKind, EntrantMetrics, RegimeResult, TournamentDesk } from '../../src-shared/tournament-api';
import { Rng } from '../rl/rng';
import { createCursor, type BarColumns } from './bars';
import { BuyAndHold, RandomBaseline } from './baselines';
import { DeskStrategy } from './desks';
import { Account, nextImpact, slippageFraction } from './execution';
import { calmar, downsample, maxDrawdown, regimeBreakdown, returnsOf, sharpe, sharpeCI, sortino } from './metrics';
import { PolicyStrategy } from './policy';
import type { Strategy } from './strategy';

/** How an entrant is described across the thread boundary (plain data). */
export type EntrantDesc =
  | { kind: 'desk'; desk: TournamentDesk }
  | {
      kind: 'policy';
      id: string;
      name: string;
      snapshot: unknown;
      envConfig: unknown;
      /** the training run (floor mode's deploy input names it) */
      runId: string;
    }
  | { kind: 'buy-and-hold' }
  | { kind: 'random'; seed: number };

export function buildStrategy(d: EntrantDesc): Strategy {
  switch (d.kind) {
    case 'desk':
      return new DeskStrategy(d.desk);
    case 'policy':
      return new PolicyStrategy(d.name, d.id, d.snapshot, d.envConfig);
    case 'buy-and-hold':
      return new BuyAndHold();
    case 'random':
      return new RandomBaseline(d.seed);
  }
}

export interface SimOptions {
  capital: number;
  feeBps: number;
  slippage: boolean;
  /** one book for all (their net flow moves a shared impact term) */
  shared: boolean;
}

export interface SimHooks {
  /** bars done of the total, every PROGRESS_EVERY bars and at the end */
  onProgress?: (done: number, total: number) => void;
  /** polled every PROGRESS_EVERY bars; true stops the run */
  cancelled?: () => boolean;
}

export interface SimOutput {
  /** per entrant, equity at each bar's close */
  equity: Float64Array[];
  /** per entrant, the target weight decided after each bar's close (NaN after the last) */
  decisions: Float64Array[];
  accounts: Account[];
  /** per entrant: bars held with a position, and those on which equity rose */
  inMarket: Int32Array;
  wins: Int32Array;
  cancelled: boolean;
}

export const PROGRESS_EVERY = 4096;

export function simulate(cols: BarColumns, strategies: readonly Strategy[], opts: SimOptions, hooks: SimHooks = {}): SimOutput {
  const N = cols.close.length;
  const K = strategies.length;
  const { view, moveTo } = createCursor(cols);
  const accounts = strategies.map(() => new Account(opts.capital));
  const equity = strategies.map(() => new Float64Array(N));
  const decisions = strategies.map(() => new Float64Array(N).fill(NaN));
  const inMarket = new Int32Array(K);
  const wins = new Int32Array(K);
  const orders = new Float64Array(K);
  let impact = 0;
  let cancelled = false;
  if (N === 0) return { equity, decisions, accounts, inMarket, wins, cancelled };
  moveTo(0);
  for (let k = 0; k < K; k++) {
    accounts[k]!.mark(cols.close[0]!);
    equity[k]![0] = accounts[k]!.equity;
  }
  for (let t = 0; t < N - 1; t++) {
    const mark = cols.close[t]! * (1 + impact);
    let net = 0;
    for (let k = 0; k < K; k++) {
      const acct = accounts[k]!;
      const w = strategies[k]!.decide(view, acct);
      decisions[k]![t] = w;
      const q = acct.orderFor(w, mark);
      orders[k] = q;
      net += q;
    }
    const i = t + 1;
    if (opts.shared) impact = nextImpact(cols, i, impact, net);
    const ref = cols.open[i]! * (1 + impact);
    const close = cols.close[i]! * (1 + impact);
    for (let k = 0; k < K; k++) {
      const acct = accounts[k]!;
      const q = orders[k]!;
      if (q !== 0) acct.fill(q, ref, opts.slippage ? slippageFraction(cols, i, q) : 0, opts.feeBps);
      const prev = acct.equity;
      acct.mark(close);
      equity[k]![i] = acct.equity;
      if (acct.units !== 0) {
        inMarket[k] = inMarket[k]! + 1;
        if (acct.equity > prev) wins[k] = wins[k]! + 1;
      }
    }
    moveTo(i);
    if (i % PROGRESS_EVERY === 0) {
      hooks.onProgress?.(i + 1, N);
      if (hooks.cancelled?.()) {
        cancelled = true;
        break;
      }
    }
  }
  if (!cancelled) hooks.onProgress?.(N, N);
  return { equity, decisions, accounts, inMarket, wins, cancelled };
}

export interface ScoreOptions {
  periodsPerYear: number;
  /** seed of the bootstrap */
  seed: number;
  resamples?: number;
}

export interface EntrantRun {
  name: string;
  kind: EntrantKind;
  ref: string | null;
  metrics: EntrantMetrics;
  regimes: RegimeResult[];
  equity: { ts: number; equity: number }[];
}

/** The leaderboard row of entrant k of a simulation. */
export function scoreEntrant(cols: BarColumns, labels: Uint8Array, sim: SimOutput, k: number, s: Strategy, opts: ScoreOptions): EntrantRun {
  const eq = sim.equity[k]!;
  const acct = sim.accounts[k]!;
  const r = returnsOf(eq);
  const ppy = opts.periodsPerYear;
  const bars = Math.max(1, eq.length - 1);
  const inMarket = sim.inMarket[k]!;
  const metrics: EntrantMetrics = {
    totalReturn: eq[eq.length - 1]! / acct.capital - 1,
    sharpe: sharpe(r, ppy),
    sharpeCI: sharpeCI(r, ppy, new Rng(opts.seed), opts.resamples ?? 1000),
    sortino: sortino(r, ppy),
    maxDrawdown: maxDrawdown(eq),
    calmar: calmar(eq, ppy),
    winRate: inMarket > 0 ? sim.wins[k]! / inMarket : null,
    turnover: acct.traded / acct.capital,
    feesPaid: acct.fees,
    slippagePaid: acct.slippagePaid,
    trades: acct.trades,
    exposure: inMarket / bars,
    finalEquity: eq[eq.length - 1]!,
  };
  return { name: s.name, kind: s.kind, ref: s.ref, metrics, regimes: regimeBreakdown(eq, labels, ppy), equity: downsample(cols.ts, eq) };
}
