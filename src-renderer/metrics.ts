import { TICK_MS } from '../src-shared/config';

/**
 * Desk metrics from a recording (pure; replayMetrics.ts feeds it): the same definitions as the
 * engine's own desk metrics (src-workers/sim/desks.ts, `Perf` and `settle`), applied to what a
 * recording keeps — desk equity sampled every few ticks and the featured agents' trades — so a
 * replay's leaderboard shows the moment shown with the numbers a live floor would.
 */

/** Every desk starts with this much equity (the engine's DESK_CAPITAL; the contract carries equity, not capital). */
export const DESK_CAPITAL = 1_000_000;
/** Ratios over less floor time than this are noise and shown as "—" (live: 30 decision cycles of 10 ticks). */
export const MIN_RATIO_TICKS = 300;

export interface EquityStats {
  /** mean / standard deviation of the sample-to-sample returns, scaled to one floor-hour */
  sharpe: number;
  /** mean / downside deviation, scaled to one floor-hour */
  sortino: number;
  /** largest fall from a peak, as a share of that peak */
  maxDrawdown: number;
  /** returns behind the ratios */
  samples: number;
}

/** Return samples per floor-hour when equity is sampled every `sampleTicks` ticks. */
export function samplesPerHour(sampleTicks: number): number {
  return 3_600_000 / TICK_MS / Math.max(1, sampleTicks);
}

/**
 * Sharpe, Sortino and maximum drawdown of an equity series (oldest first; the first `n` values).
 * `base`: the equity before the first sample (the desk's capital for a session recorded from its
 * start; null: the first sample is the base and adds no return). Returns are changes relative to
 * `capital`, as the engine computes them.
 */
export function equityStats(equity: ArrayLike<number>, n: number, base: number | null, capital: number, perHour: number): EquityStats {
  let prev = base ?? equity[0] ?? 0;
  let peak = prev;
  let count = 0;
  let mean = 0;
  let m2 = 0;
  let downSq = 0;
  let maxDD = 0;
  const m = Math.min(n, equity.length);
  for (let i = base === null ? 1 : 0; i < m; i++) {
    const eq = equity[i] ?? prev;
    const r = (eq - prev) / capital;
    prev = eq;
    count++;
    const d = r - mean;
    mean += d / count;
    m2 += d * (r - mean);
    if (r < 0) downSq += r * r;
    if (eq > peak) peak = eq;
    const dd = peak > 0 ? (peak - eq) / peak : 0;
    if (dd > maxDD) maxDD = dd;
  }
  const scale = Math.sqrt(perHour);
  const sd = count >= 2 ? Math.sqrt(m2 / (count - 1)) : 0;
  const dsd = count >= 2 ? Math.sqrt(downSq / count) : 0;
  return {
    sharpe: sd > 0 ? (mean / sd) * scale : 0,
    sortino: dsd > 0 ? (mean / dsd) * scale : 0,
    maxDrawdown: maxDD,
    samples: count,
  };
}

/** How many samples of an ascending tick list are at or before `tick` (binary search). */
export function countUpTo(ticks: ArrayLike<number>, tick: number): number {
  let lo = 0;
  let hi = ticks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((ticks[mid] ?? Infinity) <= tick) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface TradeLike {
  symbol: number;
  price: number;
  qty: number;
  /** featured agent index of the buyer / seller, -1 for the crowd */
  buyAgent: number;
  sellAgent: number;
}

export interface DeskTally {
  trades: number;
  /** closing trades (ones that reduced a position) and those that made money */
  closes: number;
  wins: number;
}

/**
 * Trades, closes and wins per desk, counted like the engine's `settle`: every fill an agent takes
 * part in is a trade; a fill against the agent's open position closes (part of) it, and wins when
 * it closes at a better price than the position's average cost.
 */
export class TradeTally {
  private readonly pos: Float64Array;
  private readonly avg: Float64Array;
  readonly desks: DeskTally[];

  constructor(
    private readonly deskOf: ArrayLike<number>,
    private readonly symbols: number,
    desks: number,
  ) {
    this.pos = new Float64Array(deskOf.length * symbols);
    this.avg = new Float64Array(deskOf.length * symbols);
    this.desks = Array.from({ length: desks }, () => ({ trades: 0, closes: 0, wins: 0 }));
  }

  add(t: TradeLike): void {
    if (t.buyAgent >= 0) this.settle(t.buyAgent, t.symbol, 1, t.qty, t.price);
    if (t.sellAgent >= 0) this.settle(t.sellAgent, t.symbol, -1, t.qty, t.price);
  }

  private settle(a: number, s: number, side: 1 | -1, qty: number, price: number): void {
    if (a >= this.deskOf.length || s < 0 || s >= this.symbols) return;
    const desk = this.desks[this.deskOf[a] ?? -1];
    if (!desk) return;
    const k = a * this.symbols + s;
    const p = this.pos[k] ?? 0;
    const avg = this.avg[k] ?? 0;
    if (p === 0 || Math.sign(p) === side) {
      const ap = Math.abs(p);
      this.avg[k] = (ap * avg + qty * price) / (ap + qty);
    } else {
      const closing = Math.min(qty, Math.abs(p));
      const pnl = closing * (price - avg) * Math.sign(p);
      desk.closes++;
      if (pnl > 0) desk.wins++;
      if (qty > closing) this.avg[k] = price;
      else if (closing === Math.abs(p)) this.avg[k] = 0;
    }
    this.pos[k] = p + side * qty;
    desk.trades++;
  }
}
