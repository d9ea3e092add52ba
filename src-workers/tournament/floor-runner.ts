/**
 * Floor mode (docs/TOURNAMENTS.md, "Modes"): the entrant desks and RL policies trade on one real
 * engine floor in historical mode, over the tournament's bars, so their orders move the same books.
 *
 * One engine (src-workers/sim) is built on the tournament's series (one symbol; each bar a seeded
 * path of HISTORICAL_TICKS_PER_BAR ticks), with FLOOR_CROWD crowd traders and the five desks. At tick
 * 0, before the first step: the fee is set (`setParam feeBps`), the desks that did not enter are
 * halted (`halt`: they never trade, their accounts stay cash), and each policy is deployed as its
 * own desk (`deploy`, as: 'desk'). The engine then runs to the end of the data. At the end of every
 * bar each entrant desk's equity is sampled and scaled to the tournament's capital (a desk starts
 * with DESK_CAPITAL: equity × capital / DESK_CAPITAL, so returns are the desk's own); the leaderboard
 * metrics come from those curves (metrics.ts), turnover, trades and fees from the engine's accounts,
 * slippage from the desk's fills against the historical path's price at the fill's tick.
 */
import { HISTORICAL_TICKS_PER_BAR, type SessionConfig } from '../../src-shared/config';
import type { DeployInput, Input } from '../../src-shared/inputs';
import type { EntrantMetrics, TournamentDesk } from '../../src-shared/tournament-api';
import { TOURNAMENT_DESKS } from '../../src-shared/tournament-api';
import type { HistoricalBars } from '../../src-shared/worker-protocol';
import { Rng } from '../rl/rng';
import { DESK_CAPITAL, ROLE_COUNT } from '../sim/desks';
import { Engine } from '../sim/engine';
import type { BarColumns } from './bars';
import { calmar, downsample, maxDrawdown, regimeBreakdown, returnsOf, sharpe, sharpeCI, sortino } from './metrics';
import type { EntrantRun } from './run';

/** Crowd traders on a tournament floor: enough for a two-sided book around the synthetic quotes, cheap to step. */
export const FLOOR_CROWD = 500;

/** An entrant of the floor: one of the five desks, or a trading-env policy deployed as a desk. */
export type FloorEntrant =
  | { kind: 'desk'; desk: TournamentDesk }
  | { kind: 'policy'; id: string; runId: string; name: string; snapshot: Record<string, unknown>; envConfig: Record<string, unknown> };

export interface FloorOptions {
  /** the floor's symbol name (the series' symbol) and bar length */
  symbol: string;
  barMs: number;
  /** config.market of the session (the series and period; the bars themselves are `cols`) */
  market: Extract<SessionConfig['market'], { kind: 'historical' }>;
  capital: number;
  feeBps: number;
  seed: number;
  periodsPerYear: number;
  /** bootstrap seed per entrant */
  bootstrapSeeds: number[];
  crowd?: number;
  resamples?: number;
}

export interface FloorHooks {
  onProgress?: (done: number, total: number) => void;
  cancelled?: () => boolean;
}

export interface FloorOutput {
  cancelled: boolean;
  runs: EntrantRun[];
  /** per entrant, the scaled equity at each bar's end (for tests and checks) */
  equity: Float64Array[];
  /** engine ticks run */
  ticks: number;
}

/** The engine inputs applied at tick 0: fee, halts of the desks that did not enter, deployments. */
export function floorInputs(entrants: readonly FloorEntrant[], feeBps: number): Input[] {
  const chosen = new Set(entrants.flatMap((e) => (e.kind === 'desk' ? [e.desk] : [])));
  const inputs: Input[] = [{ kind: 'setParam', param: 'feeBps', value: feeBps }];
  TOURNAMENT_DESKS.forEach((d, i) => {
    if (!chosen.has(d)) inputs.push({ kind: 'halt', desk: i, halted: true });
  });
  for (const e of entrants) if (e.kind === 'policy') inputs.push(deployInputOf(e));
  return inputs;
}

export function deployInputOf(e: Extract<FloorEntrant, { kind: 'policy' }>): DeployInput {
  return { kind: 'deploy', as: 'desk', agent: null, checkpointId: e.id, runId: e.runId, label: e.name, env: 'trading', envConfig: e.envConfig, snapshot: e.snapshot };
}

/** Runs the floor over the bars and scores every entrant. Throws when a policy does not fit the floor. */
export function runFloor(cols: BarColumns, labels: Uint8Array, entrants: readonly FloorEntrant[], opts: FloorOptions, hooks: FloorHooks = {}): FloorOutput {
  const N = cols.close.length;
  const K = entrants.length;
  const bars: HistoricalBars = {
    barMs: opts.barMs,
    ts: cols.ts,
    series: [{ name: opts.symbol, open: cols.open, high: cols.high, low: cols.low, close: cols.close, volume: cols.volume }],
  };
  const e = new Engine({ seed: opts.seed, symbols: 1, crowd: opts.crowd ?? FLOOR_CROWD, desks: TOURNAMENT_DESKS.length, speed: 'max', market: opts.market }, { historical: bars });
  for (const input of floorInputs(entrants, opts.feeBps)) {
    const before = e.desks.D;
    e.applyInput(input);
    if (input.kind === 'deploy' && e.desks.D === before) {
      const refusal = e.drainEvents().find((ev) => ev.type === 'alert' && ev.source === 'training');
      throw new Error(`policy ${input.checkpointId} could not be deployed on the floor: ${refusal && refusal.type === 'alert' ? refusal.message : 'refused'}`);
    }
  }
  e.drainEvents();
  // entrant k's desk: the five desks in TOURNAMENT_DESKS order, then the deployed policies in order
  let next = TOURNAMENT_DESKS.length;
  const deskOf = entrants.map((en) => (en.kind === 'desk' ? TOURNAMENT_DESKS.indexOf(en.desk) : next++));
  const deskAt = new Map(deskOf.map((d, k) => [d, k]));
  const scale = opts.capital / DESK_CAPITAL;
  const equity = entrants.map(() => new Float64Array(N));
  const inMarket = new Int32Array(K);
  const wins = new Int32Array(K);
  const held = new Uint8Array(K);
  const slip = new Float64Array(K);
  const cursor = e.historical!.cursor;
  const every = Math.max(1, Math.floor(N / 200));
  let done = 0;
  let cancelled = false;
  while (!e.finished) {
    e.step();
    const events = e.drainEvents();
    for (const ev of events) {
      if (ev.type !== 'trade') continue;
      const path = e.fundamental.F[ev.symbol]!;
      const buyer = ev.buyAgent >= 0 ? deskAt.get(Math.floor(ev.buyAgent / ROLE_COUNT)) : undefined;
      const seller = ev.sellAgent >= 0 ? deskAt.get(Math.floor(ev.sellAgent / ROLE_COUNT)) : undefined;
      if (buyer !== undefined) slip[buyer] = slip[buyer]! + ev.qty * (ev.price - path);
      if (seller !== undefined) slip[seller] = slip[seller]! + ev.qty * (path - ev.price);
    }
    if (cursor.bar <= done) continue;
    // bar `i` has ended: sample every entrant
    const i = done;
    done = cursor.bar;
    for (let k = 0; k < K; k++) {
      const d = deskOf[k]!;
      const eq = e.desks.deskEquity(e, d) * scale;
      const prev = i > 0 ? equity[k]![i - 1]! : opts.capital;
      equity[k]![i] = eq;
      const now = e.desks.deskPos(d, 0) !== 0 ? 1 : 0;
      // in the market during bar i: a position held into it or out of it
      if (now === 1 || held[k] === 1) {
        inMarket[k] = inMarket[k]! + 1;
        if (eq > prev) wins[k] = wins[k]! + 1;
      }
      held[k] = now;
    }
    if (done % every === 0 || done === N) {
      hooks.onProgress?.(done, N);
      if (hooks.cancelled?.()) {
        cancelled = true;
        break;
      }
    }
  }
  if (cancelled) return { cancelled, runs: [], equity, ticks: e.tick };
  if (done !== N) throw new Error(`the floor stopped after ${done} of ${N} bars (${e.tick} ticks, ${HISTORICAL_TICKS_PER_BAR} a bar)`);
  const ppy = opts.periodsPerYear;
  const runs = entrants.map((en, k): EntrantRun => {
    const d = deskOf[k]!;
    const eq = equity[k]!;
    const r = returnsOf(eq);
    let fees = 0;
    let trades = 0;
    let turnover = 0;
    for (let a = d * ROLE_COUNT; a < (d + 1) * ROLE_COUNT; a++) {
      fees += e.desks.fees[a]!;
      trades += e.desks.trades[a]!;
      turnover += e.desks.turnover[a]!;
    }
    const metrics: EntrantMetrics = {
      totalReturn: eq[N - 1]! / opts.capital - 1,
      sharpe: sharpe(r, ppy),
      sharpeCI: sharpeCI(r, ppy, new Rng(opts.bootstrapSeeds[k]!), opts.resamples ?? 1000),
      sortino: sortino(r, ppy),
      maxDrawdown: maxDrawdown(eq),
      calmar: calmar(eq, ppy),
      winRate: inMarket[k]! > 0 ? wins[k]! / inMarket[k]! : null,
      // the engine's agent turnover is traded value / the agent's capital: the desk's is their mean
      turnover: turnover / ROLE_COUNT,
      feesPaid: fees * scale,
      slippagePaid: slip[k]! * scale,
      trades,
      exposure: inMarket[k]! / N,
      finalEquity: eq[N - 1]!,
    };
    const name = en.kind === 'desk' ? e.desks.info[d]!.name : en.name;
    const ref = en.kind === 'desk' ? en.desk : en.id;
    return { name, kind: en.kind, ref, metrics, regimes: regimeBreakdown(eq, labels, ppy), equity: downsample(cols.ts, eq) };
  });
  return { cancelled: false, runs, equity, ticks: e.tick };
}
