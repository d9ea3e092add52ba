import { describe, expect, it } from 'vitest';
import { autocorrelation, excessKurtosis, measureStylizedFacts } from '../../src-workers/sim/stylized';

describe('stylized facts of the simulated returns (seed 3, 4 symbols, 800 crowd, 20,000 ticks, 10-tick bars)', () => {
  const f = measureStylizedFacts({ seed: 3, symbols: 4, crowd: 800 }, 20_000);

  it('heavy tails: excess kurtosis clearly above 0 at one bar, smaller at 30 bars', () => {
    const k1 = f.kurtosis.find((k) => k.bars === 1)!.value;
    const k30 = f.kurtosis.find((k) => k.bars === 30)!.value;
    expect(k1).toBeGreaterThan(2);
    expect(k30).toBeLessThan(0.6 * k1);
  });

  it('no significant linear autocorrelation of returns beyond the first lag', () => {
    // lag 1 (half a second) may carry microstructure effects: bid-ask bounce, the book absorbing an order
    const beyond = f.acfReturns.slice(1, 20).map(Math.abs);
    expect(Math.max(...beyond)).toBeLessThan(0.06);
    expect(beyond.reduce((a, b) => a + b, 0) / beyond.length).toBeLessThan(f.bandAveraged);
  });

  it('volatility clusters: autocorrelation of absolute returns positive and slowly decaying over tens of lags', () => {
    const a = f.acfAbsReturns;
    for (let k = 1; k <= 30; k++) expect(a[k - 1]!, `lag ${k}`).toBeGreaterThan(f.bandAveraged);
    expect(a[0]!).toBeGreaterThan(0.12);
    expect(a[0]!).toBeGreaterThan(a[9]!);
    expect(a[9]!).toBeGreaterThan(a[29]!);
    // far above the (near zero) autocorrelation of the signed returns at the same lags
    expect(a.slice(1, 20).reduce((x, y) => x + y, 0)).toBeGreaterThan(10 * Math.abs(f.acfReturns.slice(1, 20).reduce((x, y) => x + y, 0)));
  });

  it('volume is correlated with volatility', () => {
    expect(f.volumeVolatility).toBeGreaterThan(0.2);
  });

  it('the statistics themselves: a normal sample has ~0 excess kurtosis, a spiky one a large one', () => {
    // deterministic pseudo-normal sample (sum of 12 uniforms from a fixed LCG)
    let x = 12345;
    const u = (): number => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const normal = Array.from({ length: 20000 }, () => Array.from({ length: 12 }, u).reduce((a, b) => a + b, 0) - 6);
    expect(Math.abs(excessKurtosis(normal))).toBeLessThan(0.15);
    const spiky = normal.map((v, i) => (i % 100 === 0 ? v * 8 : v));
    expect(excessKurtosis(spiky)).toBeGreaterThan(5);
    const alternating = Array.from({ length: 1000 }, (_, i) => (i % 2 === 0 ? 1 : -1));
    expect(autocorrelation(alternating, 1)).toBeCloseTo(-0.999, 3);
  });
});
