/**
 * Leaderboard metrics of one equity curve (one value per bar, marked at the close), docs/TOURNAMENTS.md:
 * - returns r_i = e_i / e_{i−1} − 1, one per bar after the first;
 * - Sharpe = mean(r) / sd(r) (sample, n − 1) × √(bars per year); Sortino = mean(r) / √mean(min(r, 0)²) × √(bars per year);
 *   null when the denominator is 0 (a flat curve);
 * - max drawdown: the largest fall from a running peak, as a fraction of that peak;
 * - Calmar = annualised growth (CAGR over the bars' span) / max drawdown (null without a drawdown);
 * - the Sharpe ratio's 95% interval: a stationary bootstrap (Politis & Romano 1994) — resampled series
 *   built from blocks of consecutive returns (wrapping round) whose lengths are geometric with mean
 *   ⌈n^{1/3}⌉ — because bar returns are autocorrelated (volatility clusters) and an i.i.d. bootstrap
 *   would understate the uncertainty. Percentile interval over `resamples` resamples, seeded. Each resample
 *   costs O(n / block) thanks to prefix sums of r and r².
 * - regime breakdown: the return of bar i belongs to the regime labelled at bar i − 1 (what was known
 *   when the position was held into bar i).
 * Written here rather than taken from a library: no maintained npm package does a seeded stationary
 * bootstrap, and the rest is a few sums.
 */
import { TOURNAMENT_REGIMES, type RegimeResult } from '../../src-shared/tournament-api';
import type { Rng } from '../rl/rng';

export function returnsOf(equity: ArrayLike<number>): Float64Array {
  const n = equity.length - 1;
  const r = new Float64Array(Math.max(0, n));
  for (let i = 1; i <= n; i++) {
    const prev = equity[i - 1]!;
    r[i - 1] = prev > 0 ? equity[i]! / prev - 1 : 0;
  }
  return r;
}

function meanSd(r: ArrayLike<number>): { mean: number; sd: number } {
  const n = r.length;
  if (n < 2) return { mean: n === 1 ? r[0]! : 0, sd: 0 };
  let s = 0;
  for (let i = 0; i < n; i++) s += r[i]!;
  const mean = s / n;
  let q = 0;
  for (let i = 0; i < n; i++) {
    const d = r[i]! - mean;
    q += d * d;
  }
  return { mean, sd: Math.sqrt(q / (n - 1)) };
}

/** sd below this (relative to nothing: returns are fractions) counts as a flat series */
const FLAT = 1e-14;

export function sharpe(r: ArrayLike<number>, periodsPerYear: number): number | null {
  const { mean, sd } = meanSd(r);
  return sd > FLAT ? (mean / sd) * Math.sqrt(periodsPerYear) : null;
}

export function sortino(r: ArrayLike<number>, periodsPerYear: number): number | null {
  const n = r.length;
  if (n < 2) return null;
  let s = 0;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const x = r[i]!;
    s += x;
    if (x < 0) d += x * x;
  }
  const dd = Math.sqrt(d / n);
  return dd > FLAT ? (s / n / dd) * Math.sqrt(periodsPerYear) : null;
}

export function maxDrawdown(equity: ArrayLike<number>): number {
  let peak = -Infinity;
  let mdd = 0;
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i]!;
    if (e > peak) peak = e;
    const dd = peak > 0 ? (peak - e) / peak : 0;
    if (dd > mdd) mdd = dd;
  }
  return mdd;
}

/** Annualised growth rate over the curve's span (bars − 1 periods). */
export function cagr(equity: ArrayLike<number>, periodsPerYear: number): number {
  const n = equity.length - 1;
  if (n < 1) return 0;
  const g = equity[n]! / equity[0]!;
  return g > 0 ? Math.pow(g, periodsPerYear / n) - 1 : -1;
}

export function calmar(equity: ArrayLike<number>, periodsPerYear: number): number | null {
  const mdd = maxDrawdown(equity);
  return mdd > 0 ? cagr(equity, periodsPerYear) / mdd : null;
}

/** Mean block length of the stationary bootstrap for n returns: ⌈n^{1/3}⌉. */
export function meanBlockLength(n: number): number {
  return Math.max(1, Math.ceil(Math.cbrt(n)));
}

/**
 * 95% (or `level`) percentile interval of the annualised Sharpe ratio by a stationary block bootstrap.
 * [null, null] for a flat series (no Sharpe ratio to resample).
 */
export function sharpeCI(r: ArrayLike<number>, periodsPerYear: number, rng: Rng, resamples = 1000, level = 0.95, block = meanBlockLength(r.length)): [number | null, number | null] {
  const n = r.length;
  if (n < 2 || sharpe(r, periodsPerYear) === null) return [null, null];
  const S = new Float64Array(n + 1);
  const Q = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    const x = r[i]!;
    S[i + 1] = S[i]! + x;
    Q[i + 1] = Q[i]! + x * x;
  }
  const logq = Math.log(1 - 1 / block);
  const ann = Math.sqrt(periodsPerYear);
  const out = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    let left = n;
    let s = 0;
    let q = 0;
    while (left > 0) {
      const start = rng.int(n);
      // geometric length ≥ 1 with mean `block` (block 1: every draw is its own block)
      let len = block > 1 ? 1 + Math.floor(Math.log(1 - rng.uniform()) / logq) : 1;
      if (len > left) len = left;
      const end = start + len;
      if (end <= n) {
        s += S[end]! - S[start]!;
        q += Q[end]! - Q[start]!;
      } else {
        s += S[n]! - S[start]! + S[end - n]!;
        q += Q[n]! - Q[start]! + Q[end - n]!;
      }
      left -= len;
    }
    const mean = s / n;
    const v = (q - n * mean * mean) / (n - 1);
    out[b] = v > 0 ? (mean / Math.sqrt(v)) * ann : 0;
  }
  out.sort();
  const lo = Math.floor(((1 - level) / 2) * (resamples - 1));
  const hi = Math.ceil((1 - (1 - level) / 2) * (resamples - 1));
  return [out[lo]!, out[hi]!];
}

/** Each regime's bars, compounded return and Sharpe ratio (labels: one per bar, TOURNAMENT_REGIMES indices). */
export function regimeBreakdown(equity: ArrayLike<number>, labels: ArrayLike<number>, periodsPerYear: number): RegimeResult[] {
  const r = returnsOf(equity);
  const groups: number[][] = TOURNAMENT_REGIMES.map(() => []);
  for (let i = 0; i < r.length; i++) groups[labels[i]!]!.push(r[i]!);
  return TOURNAMENT_REGIMES.map((regime, k) => {
    const g = groups[k]!;
    let growth = 1;
    for (const x of g) growth *= 1 + x;
    return { regime, bars: g.length, totalReturn: growth - 1, sharpe: g.length >= 2 ? sharpe(g, periodsPerYear) : null };
  });
}

/** At most `max` points of the curve, evenly strided, always with the first and last bar. */
export function downsample(ts: ArrayLike<number>, equity: ArrayLike<number>, max = 1000): { ts: number; equity: number }[] {
  const n = equity.length;
  const out: { ts: number; equity: number }[] = [];
  if (n === 0) return out;
  const stride = Math.max(1, Math.ceil((n - 1) / (max - 1)));
  for (let i = 0; i < n - 1; i += stride) out.push({ ts: ts[i]!, equity: equity[i]! });
  out.push({ ts: ts[n - 1]!, equity: equity[n - 1]! });
  return out;
}
