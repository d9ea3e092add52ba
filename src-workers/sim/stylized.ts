/**
 * Stylized facts of returns: the statistics used to check that the simulated market looks like a real
 * one (heavy tails, no linear autocorrelation beyond the first lags, volatility clustering, volume
 * correlated with volatility). Used by the tests and by docs/MARKET.md's figures.
 */
import { defaultSessionConfig, type SessionConfigInput } from '../../src-shared/config';
import { Engine } from './engine';

export function logReturns(prices: ArrayLike<number>, step: number): number[] {
  const out: number[] = [];
  for (let i = step; i < prices.length; i += step) out.push(Math.log((prices[i] as number) / (prices[i - step] as number)));
  return out;
}

function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return xs.length > 0 ? s / xs.length : 0;
}

/** Excess kurtosis (0 for a normal distribution). */
export function excessKurtosis(xs: readonly number[]): number {
  const m = mean(xs);
  let m2 = 0;
  let m4 = 0;
  for (const x of xs) {
    const d = x - m;
    m2 += d * d;
    m4 += d * d * d * d;
  }
  m2 /= xs.length;
  m4 /= xs.length;
  return m2 > 0 ? m4 / (m2 * m2) - 3 : 0;
}

export function autocorrelation(xs: readonly number[], lag: number): number {
  const m = mean(xs);
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    const d = (xs[i] as number) - m;
    den += d * d;
    if (i >= lag) num += d * ((xs[i - lag] as number) - m);
  }
  return den > 0 ? num / den : 0;
}

export function correlation(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  const ma = mean(a.slice(0, n));
  const mb = mean(b.slice(0, n));
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const x = (a[i] as number) - ma;
    const y = (b[i] as number) - mb;
    sab += x * y;
    saa += x * x;
    sbb += y * y;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

function standardise(xs: readonly number[]): number[] {
  const m = mean(xs);
  const sd = Math.sqrt(mean(xs.map((x) => (x - m) * (x - m))));
  return xs.map((x) => (sd > 0 ? (x - m) / sd : 0));
}

export interface StylizedFacts {
  ticks: number;
  symbols: number;
  barTicks: number;
  /** bar returns per symbol */
  samples: number;
  /** pooled (per-symbol standardised) excess kurtosis by horizon in bars */
  kurtosis: Array<{ bars: number; value: number }>;
  /** symbol-averaged autocorrelation of bar returns, lags 1..maxLag */
  acfReturns: number[];
  /** symbol-averaged autocorrelation of absolute bar returns, lags 1..maxLag */
  acfAbsReturns: number[];
  /** symbol-averaged correlation of bar volume with absolute bar return */
  volumeVolatility: number;
  /** 2/√n band for one symbol's autocorrelations */
  band: number;
  /** 2/√(n·symbols) band for the symbol-averaged autocorrelations */
  bandAveraged: number;
}

/**
 * Runs a seeded session and measures its stylized facts on a price sampled every bar: the last-trade
 * price (default) or the mark (the mean of the two venues' mid-quotes).
 */
export function measureStylizedFacts(config: SessionConfigInput, ticks: number, barTicks = 10, maxLag = 50, horizons = [1, 5, 30], price: 'last' | 'mid' = 'last'): StylizedFacts {
  const e = new Engine(defaultSessionConfig(config));
  const S = e.S;
  const prices: Float64Array[] = Array.from({ length: S }, () => new Float64Array(ticks + 1));
  const vol: Float64Array[] = Array.from({ length: S }, () => new Float64Array(ticks + 1));
  const src = price === 'last' ? e.last : e.mark;
  for (let s = 0; s < S; s++) prices[s]![0] = src[s] as number;
  for (let t = 1; t <= ticks; t++) {
    e.step();
    e.drainEvents();
    for (let s = 0; s < S; s++) {
      prices[s]![t] = src[s] as number;
      vol[s]![t] = e.tickVolume[s] as number;
    }
  }
  const kurtosis = horizons.map((h) => {
    const pooled: number[] = [];
    for (let s = 0; s < S; s++) pooled.push(...standardise(logReturns(prices[s]!, barTicks * h)));
    return { bars: h, value: excessKurtosis(pooled) };
  });
  const acfReturns: number[] = [];
  const acfAbsReturns: number[] = [];
  const perSymbol = Array.from({ length: S }, (_, s) => logReturns(prices[s]!, barTicks));
  for (let k = 1; k <= maxLag; k++) {
    acfReturns.push(mean(perSymbol.map((r) => autocorrelation(r, k))));
    acfAbsReturns.push(mean(perSymbol.map((r) => autocorrelation(r.map(Math.abs), k))));
  }
  const vv = perSymbol.map((r, s) => {
    const v: number[] = [];
    for (let i = 0; i < r.length; i++) {
      let x = 0;
      for (let t = i * barTicks + 1; t <= (i + 1) * barTicks; t++) x += vol[s]![t] as number;
      v.push(x);
    }
    return correlation(v, r.map(Math.abs));
  });
  const n = perSymbol[0]!.length;
  return {
    ticks,
    symbols: S,
    barTicks,
    samples: n,
    kurtosis,
    acfReturns,
    acfAbsReturns,
    volumeVolatility: mean(vv),
    band: 2 / Math.sqrt(n),
    bandAveraged: 2 / Math.sqrt(n * S),
  };
}
