import { describe, expect, it } from 'vitest';
import { Rng } from '../../src-workers/rl/rng';
import { calmar, cagr, downsample, maxDrawdown, meanBlockLength, regimeBreakdown, returnsOf, sharpe, sharpeCI, sortino } from '../../src-workers/tournament/metrics';

/** equity from a list of per-bar returns, starting at 100 */
function curve(rets: number[]): number[] {
  const e = [100];
  for (const r of rets) e.push(e[e.length - 1]! * (1 + r));
  return e;
}

describe('tournament metrics', () => {
  it('a constant-growth curve has no drawdown, no Calmar and no Sortino, and returns exactly its growth', () => {
    const e = curve(Array(50).fill(0.01));
    expect(maxDrawdown(e)).toBe(0);
    expect(calmar(e, 252)).toBeNull();
    expect(sortino(returnsOf(e), 252)).toBeNull();
    expect(e[50]! / e[0]! - 1).toBeCloseTo(1.01 ** 50 - 1, 12);
    // constant returns have no variance: no Sharpe ratio, and no interval to draw one from
    expect(sharpe(returnsOf(e), 252)).toBeNull();
    expect(sharpeCI(returnsOf(e), 252, new Rng(1))).toEqual([null, null]);
  });

  it('computes Sharpe, Sortino, drawdown and Calmar of a known series by hand', () => {
    const r = [0.02, -0.01, 0.03, -0.02];
    const e = curve(r);
    // mean 0.005; sample variance ((0.015² + 0.015² + 0.025² + 0.025²) / 3) = 0.0017 / 3
    const sd = Math.sqrt(0.0017 / 3);
    expect(sharpe(returnsOf(e), 252)).toBeCloseTo((0.005 / sd) * Math.sqrt(252), 10);
    // downside deviation √((0.01² + 0.02²) / 4)
    expect(sortino(returnsOf(e), 252)).toBeCloseTo((0.005 / Math.sqrt(0.0005 / 4)) * Math.sqrt(252), 10);
    // peak 102 × 0.99 × 1.03 = 104.0094, trough × 0.98
    expect(maxDrawdown(e)).toBeCloseTo(0.02, 12);
    const growth = 1.02 * 0.99 * 1.03 * 0.98;
    expect(cagr(e, 252)).toBeCloseTo(growth ** (252 / 4) - 1, 10);
    expect(calmar(e, 252)).toBeCloseTo((growth ** (252 / 4) - 1) / 0.02, 8);
    // a drawdown is measured from the running peak, not the start
    expect(maxDrawdown([100, 120, 90, 130, 117])).toBeCloseTo(0.25, 12);
  });

  it("the Sharpe ratio's block-bootstrap interval contains the estimate, narrows with more data and is reproducible", () => {
    const rng = new Rng(7);
    const r = Array.from({ length: 2000 }, () => 0.0005 + 0.01 * rng.normal());
    const s = sharpe(r, 252)!;
    const ci = sharpeCI(r, 252, new Rng(42));
    expect(ci[0]!).toBeLessThan(s);
    expect(ci[1]!).toBeGreaterThan(s);
    expect(sharpeCI(r, 252, new Rng(42))).toEqual(ci);
    expect(sharpeCI(r, 252, new Rng(43))).not.toEqual(ci);
    const short = sharpeCI(r.slice(0, 200), 252, new Rng(42));
    expect(short[1]! - short[0]!).toBeGreaterThan(ci[1]! - ci[0]!);
    expect(meanBlockLength(2000)).toBe(13);
  });

  it('blocks keep autocorrelation: a trending (positively autocorrelated) series gets a wider interval than i.i.d. resampling gives', () => {
    const rng = new Rng(3);
    const r: number[] = [];
    let x = 0;
    for (let i = 0; i < 3000; i++) {
      x = 0.9 * x + 0.002 * rng.normal();
      r.push(0.0002 + x);
    }
    const block = sharpeCI(r, 252, new Rng(1), 1000, 0.95);
    const iid = sharpeCI(r, 252, new Rng(1), 1000, 0.95, 1);
    expect(block[1]! - block[0]!).toBeGreaterThan(1.5 * (iid[1]! - iid[0]!));
  });

  it('breaks returns down by the regime known at the previous bar', () => {
    const e = [100, 110, 99, 99, 108.9];
    // labels: bar 0 trending, 1 crisis, 2 ranging, 3 volatile (the last label is never used)
    const g = regimeBreakdown(e, [0, 3, 1, 2, 0], 252);
    expect(g.map((x) => [x.regime, x.bars])).toEqual([
      ['trending', 1],
      ['ranging', 1],
      ['volatile', 1],
      ['crisis', 1],
    ]);
    expect(g[0]!.totalReturn).toBeCloseTo(0.1, 12);
    expect(g[3]!.totalReturn).toBeCloseTo(-0.1, 12);
    expect(g[1]!.totalReturn).toBe(0);
    expect(g[2]!.totalReturn).toBeCloseTo(0.1, 12);
  });

  it('downsamples a long curve to at most 1000 points keeping the first and last bar', () => {
    const n = 260_001;
    const ts = Float64Array.from({ length: n }, (_, i) => i * 60_000);
    const eq = Float64Array.from({ length: n }, (_, i) => 100 + i);
    const d = downsample(ts, eq);
    expect(d.length).toBeLessThanOrEqual(1000);
    expect(d[0]).toEqual({ ts: 0, equity: 100 });
    expect(d[d.length - 1]).toEqual({ ts: (n - 1) * 60_000, equity: 100 + n - 1 });
    expect(downsample([1, 2, 3], [5, 6, 7])).toHaveLength(3);
  });
});
