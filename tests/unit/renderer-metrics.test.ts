import { describe, expect, it } from 'vitest';
import { defaultSessionConfig } from '../../src-shared/config';
import type { TradeEvent } from '../../src-shared/events';
import { Engine } from '../../src-workers/sim/engine';
import { DESK_CAPITAL as ENGINE_DESK_CAPITAL } from '../../src-workers/sim/desks';
import { countUpTo, DESK_CAPITAL, equityStats, samplesPerHour, TradeTally } from '../../src-renderer/metrics';

// The replay leaderboard's maths (src-renderer/metrics.ts): desk ratios from a recorded equity
// series and trade counts / win rates from recorded fills, checked by hand and against the engine.

/** Two-pass reference: mean / sample sd, mean / downside deviation, max drawdown. */
function reference(equity: number[], base: number, capital: number, perHour: number) {
  const r: number[] = [];
  let prev = base;
  let peak = base;
  let dd = 0;
  for (const e of equity) {
    r.push((e - prev) / capital);
    prev = e;
    peak = Math.max(peak, e);
    dd = Math.max(dd, (peak - e) / peak);
  }
  const mean = r.reduce((a, b) => a + b, 0) / r.length;
  const sd = Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / (r.length - 1));
  const down = Math.sqrt(r.reduce((a, b) => a + (b < 0 ? b * b : 0), 0) / r.length);
  return { sharpe: (mean / sd) * Math.sqrt(perHour), sortino: (mean / down) * Math.sqrt(perHour), maxDrawdown: dd };
}

describe('equityStats', () => {
  const perHour = samplesPerHour(20);

  it('scales per floor-hour: 20-tick samples at 50 ms ticks are 3,600 an hour', () => {
    expect(perHour).toBe(3600);
  });

  it('matches the two-pass definitions, counting from the capital', () => {
    const eq = [1_010_000, 990_000, 1_020_000, 1_005_000, 1_030_000];
    const s = equityStats(eq, eq.length, 1_000_000, 1_000_000, perHour);
    const ref = reference(eq, 1_000_000, 1_000_000, perHour);
    expect(s.samples).toBe(5);
    expect(s.sharpe).toBeCloseTo(ref.sharpe, 9);
    expect(s.sortino).toBeCloseTo(ref.sortino, 9);
    // from the 1.01 M peak down to 0.99 M
    expect(s.maxDrawdown).toBeCloseTo(20_000 / 1_010_000, 12);
    expect(s.maxDrawdown).toBeCloseTo(ref.maxDrawdown, 12);
  });

  it('uses only the first n samples (the moment shown)', () => {
    const eq = [1_000_500, 1_001_000, 900_000];
    const upTo2 = equityStats(eq, 2, 1_000_000, 1_000_000, perHour);
    expect(upTo2.maxDrawdown).toBe(0);
    expect(upTo2.samples).toBe(2);
    const all = equityStats(eq, 3, 1_000_000, 1_000_000, perHour);
    expect(all.maxDrawdown).toBeCloseTo(101_000 / 1_001_000, 12);
    expect(all.sharpe).toBeLessThan(0);
  });

  it('a fork (no known base) starts from its first sample', () => {
    const eq = [1_200_000, 1_212_000, 1_188_000];
    const s = equityStats(eq, 3, null, 1_000_000, perHour);
    expect(s.samples).toBe(2);
    expect(s.maxDrawdown).toBeCloseTo(24_000 / 1_212_000, 12);
  });

  it('gives 0, not NaN, for flat or too short series', () => {
    expect(equityStats([1_000_000, 1_000_000, 1_000_000], 3, 1_000_000, 1_000_000, perHour)).toEqual({ sharpe: 0, sortino: 0, maxDrawdown: 0, samples: 3 });
    expect(equityStats([], 0, 1_000_000, 1_000_000, perHour)).toEqual({ sharpe: 0, sortino: 0, maxDrawdown: 0, samples: 0 });
  });
});

describe('countUpTo', () => {
  it('counts the samples at or before a tick', () => {
    const t = [20, 40, 60, 80];
    expect(countUpTo(t, 0)).toBe(0);
    expect(countUpTo(t, 20)).toBe(1);
    expect(countUpTo(t, 59)).toBe(2);
    expect(countUpTo(t, 80)).toBe(4);
    expect(countUpTo(t, 1000)).toBe(4);
  });
});

describe('TradeTally', () => {
  it('counts a close and a win like the engine: buy 10 @ 100, sell 4 @ 101 (a win), sell 10 @ 99 (a loss, then short)', () => {
    const tally = new TradeTally([0, 0, 1], 1, 2);
    tally.add({ symbol: 0, price: 100, qty: 10, buyAgent: 0, sellAgent: -1 });
    tally.add({ symbol: 0, price: 101, qty: 4, buyAgent: -1, sellAgent: 0 }); // closes 4 at a profit
    tally.add({ symbol: 0, price: 99, qty: 10, buyAgent: -1, sellAgent: 0 }); // closes 6 at a loss, opens 4 short
    tally.add({ symbol: 0, price: 98, qty: 4, buyAgent: 2, sellAgent: -1 }); // desk 1 opens only
    expect(tally.desks[0]).toEqual({ trades: 3, closes: 2, wins: 1 });
    expect(tally.desks[1]).toEqual({ trades: 1, closes: 0, wins: 0 });
  });

  it('agrees with the engine’s desk metrics (trades, win rate) over a seeded run', () => {
    const e = new Engine(defaultSessionConfig({ seed: 5 }));
    const deskOf = Array.from({ length: e.agentsN }, (_, a) => Math.floor(a / 5));
    const tally = new TradeTally(deskOf, e.S, e.desks.D);
    let fills = 0;
    for (let t = 0; t < 3000; t++) {
      e.step();
      for (const ev of e.drainEvents()) {
        if (ev.type !== 'trade') continue;
        const tr = ev as Omit<TradeEvent, 'sessionId'>;
        if (tr.buyAgent < 0 && tr.sellAgent < 0) continue;
        tally.add(tr);
        fills++;
      }
    }
    expect(fills).toBeGreaterThan(20);
    const desks = e.desks.deskMetrics(e, e.tick);
    for (const m of desks) {
      const mine = tally.desks[m.desk];
      expect(mine?.trades).toBe(m.trades);
      const rate = mine && mine.closes > 0 ? mine.wins / mine.closes : 0;
      expect(rate).toBeCloseTo(m.winRate, 12);
    }
  });
});

describe('DESK_CAPITAL', () => {
  it('is the engine’s starting equity per desk (P&L = equity − capital)', () => {
    expect(DESK_CAPITAL).toBe(ENGINE_DESK_CAPITAL);
  });
});
