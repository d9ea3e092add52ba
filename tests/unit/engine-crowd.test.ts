import { describe, expect, it } from 'vitest';
import { defaultSessionConfig } from '../../src-shared/config';
import { CROWD_TYPES } from '../../src-shared/roster';
import { allocFrame } from '../../src-shared/frame';
import { BUY } from '../../src-workers/sim/book';
import { MM, NOISE, RATE } from '../../src-workers/sim/crowd';
import { Engine } from '../../src-workers/sim/engine';

describe('the crowd', () => {
  it('mixes the four kinds and lets any trader be inspected: type, position, P&L, last order and why', () => {
    const e = new Engine(defaultSessionConfig({ seed: 31, crowd: 3000 }));
    for (let t = 0; t < 400; t++) e.step();
    const counts = [0, 0, 0, 0];
    for (const t of e.roster.crowdTypes) counts[t]!++;
    // 42 / 10 / 20 / 28 % within sampling noise
    [0.42, 0.1, 0.2, 0.28].forEach((share, t) => expect(Math.abs(counts[t]! / 3000 - share)).toBeLessThan(0.03));
    const f = allocFrame({ symbols: e.S, agents: e.agentsN, crowd: 3000 });
    e.writeFrame(f);
    const seen = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const x = e.inspectCrowd(i);
      expect(x.type).toBe(CROWD_TYPES[e.roster.crowdTypes[i]!]);
      expect(x.position).toBeCloseTo(f.crowd.position[i]!, 3);
      expect(Math.fround(x.pnl)).toBeCloseTo(f.crowd.pnl[i]!, 0);
      expect(x.pnl).toBeCloseTo(x.cash + x.position * e.mark[x.symbol]!, 6);
      if (x.lastOrder) {
        seen.add(`${x.type}:${x.lastOrder.kind}`);
        expect(x.lastOrder.tick).toBeLessThan(400);
        if (x.lastOrder.price !== null) expect(x.lastOrder.price).toBeGreaterThan(0);
      }
      expect(x.why.length).toBeGreaterThan(10);
    }
    for (const k of ['noise:limit', 'noise:market', 'marketMaker:quote', 'momentum:market', 'value:limit']) expect(seen).toContain(k);
    const v = Array.from({ length: 3000 }, (_, i) => e.inspectCrowd(i)).find((x) => x.type === 'value' && x.lastOrder?.side === 'buy' && x.why.includes('below its estimate'));
    expect(v).toBeDefined();
    expect(() => e.inspectCrowd(3000)).toThrow(/does not exist/);
  });

  it('is woken by a seeded Poisson schedule: on average rate(type) × activity(symbol) per trader per tick', () => {
    const e = new Engine(defaultSessionConfig({ seed: 4, crowd: 5000 }));
    let expected = 0;
    for (let t = 0; t < 200; t++) {
      e.step();
      // e.activity now holds the activity this tick's schedule used
      for (let i = 0; i < 5000; i++) expected += RATE[e.crowd.type[i] as 0]! * e.activity[e.crowd.sym[i]!]!;
    }
    expect(expected).toBeGreaterThan(200 * 5000 * 0.07);
    expect(e.crowd.decisions / expected).toBeGreaterThan(0.97);
    expect(e.crowd.decisions / expected).toBeLessThan(1.03);
    // every trader decides at its own rhythm: the busiest are market makers
    const byType = [0, 0, 0, 0];
    const countByType = [0, 0, 0, 0];
    for (let i = 0; i < 5000; i++) {
      byType[e.crowd.type[i]!]! += e.crowd.decisionsBy[i]!;
      countByType[e.crowd.type[i]!]!++;
    }
    const perTrader = byType.map((d, t) => d / countByType[t]! / 200);
    expect(perTrader[MM]!).toBeGreaterThan(3 * perTrader[NOISE]!);
    const z = new Engine(defaultSessionConfig({ seed: 4, crowd: 0 }));
    for (let t = 0; t < 50; t++) z.step();
    expect(z.crowd.decisions).toBe(0);
    expect(z.trades).toBe(0);
  });

  it('market makers quote wider when volatility is higher, and skew their quotes against their inventory', () => {
    const halfSpreads = (vol: number): number => {
      const e = new Engine(defaultSessionConfig({ seed: 6, crowd: 2000 }));
      e.applyInput({ kind: 'setParam', param: 'volatility', value: vol });
      for (let t = 0; t < 700; t++) e.step();
      let sum = 0;
      let n = 0;
      for (let i = 0; i < 2000; i++) {
        if (e.crowd.type[i] !== MM || e.crowd.lastKind[i] !== 3) continue;
        sum += e.crowd.lastReasonValue[i]!;
        n++;
      }
      return sum / n;
    };
    const calm = halfSpreads(0.5);
    const wild = halfSpreads(6);
    expect(wild).toBeGreaterThan(1.5 * calm);

    const e = new Engine(defaultSessionConfig({ seed: 6, crowd: 2000 }));
    for (let t = 0; t < 100; t++) e.step();
    const i = Array.from(e.crowd.type.keys()).find((k) => e.crowd.type[k] === MM)!;
    const s = e.crowd.sym[i]!;
    const v = e.crowd.venue[i]!;
    const mid = e.venueMid(s, v);
    e.crowd.pos[i] = 0.8 * e.crowd.p1[i]!; // long, near its limit
    e.crowd.decide(e, i, MM, e.tick);
    const longCenter = e.crowd.lastPrice[i]!;
    e.crowd.pos[i] = -0.8 * e.crowd.p1[i]!;
    e.crowd.decide(e, i, MM, e.tick);
    const shortCenter = e.crowd.lastPrice[i]!;
    expect(longCenter).toBeLessThan(mid);
    expect(shortCenter).toBeGreaterThan(mid);
    // at its limit it only quotes the side that reduces the inventory
    e.crowd.pos[i] = e.crowd.p1[i]!;
    e.crowd.decide(e, i, MM, e.tick);
    expect(e.crowd.restA[i]).toBe(-1);
    expect(e.crowd.restB[i]).toBeGreaterThanOrEqual(0);
    expect(e.inspectCrowd(i).why).toContain('inventory at its limit');
  });

  it('takers pay the fee set by the feeBps input on the traded notional', () => {
    const e = new Engine(defaultSessionConfig({ seed: 2, crowd: 1000 }));
    for (let t = 0; t < 50; t++) e.step();
    e.applyInput({ kind: 'setParam', param: 'feeBps', value: 10 });
    const i = Array.from(e.crowd.type.keys()).find((k) => e.crowd.type[k] === NOISE)!;
    const s = e.crowd.sym[i]!;
    const book = e.books[s * 2]!;
    const ask = book.bestAsk() * e.tickSize[s]!;
    const cash0 = e.crowd.cash[i]!;
    const pos0 = e.crowd.pos[i]!;
    const q = Math.min(1, book.asks.bestQty());
    book.market(i, BUY, q);
    expect(e.crowd.pos[i]!).toBe(pos0 + q);
    expect(e.crowd.cash[i]!).toBeCloseTo(cash0 - q * ask - q * ask * 10e-4, 9);
  });

  it('scales to 100,000 traders', () => {
    const t0 = performance.now();
    const e = new Engine(defaultSessionConfig({ seed: 1, crowd: 100_000 }));
    for (let t = 0; t < 20; t++) e.step();
    const ms = performance.now() - t0;
    const f = allocFrame({ symbols: e.S, agents: e.agentsN, crowd: 100_000 });
    e.writeFrame(f);
    expect(e.crowd.decisions).toBeGreaterThan(20 * 3000);
    expect(e.pool.liveCount).toBeLessThanOrEqual(200_000);
    for (const x of f.symbols.last) expect(x).toBeGreaterThan(0);
    expect(f.crowd.pnl.every((x) => Number.isFinite(x))).toBe(true);
    expect(e.inspectCrowd(99_999).index).toBe(99_999);
    expect(ms).toBeLessThan(4000);
  });
});

describe('metrics', () => {
  it('per floor, desk and agent, consistent with what happened', () => {
    const e = new Engine(defaultSessionConfig({ seed: 17, crowd: 1000 }), { allTradeEvents: true });
    let trades = 0;
    let events = 0;
    let headlines = 0;
    for (let t = 0; t < 1000; t++) {
      e.step();
      for (const ev of e.drainEvents()) {
        events++;
        if (ev.type === 'trade') trades++;
        if (ev.type === 'headline') headlines++;
      }
    }
    const m = e.metrics();
    expect(m.floor.ticks).toBe(1000);
    expect(m.floor.trades).toBe(trades);
    expect(m.floor.events).toBe(events);
    expect(m.floor.headlines).toBe(headlines);
    expect(m.floor.eventRate).toBeCloseTo(events / 50, 9);
    expect(m.floor.orders).toBeGreaterThan(m.floor.crowdDecisions * 0.5);
    expect(m.floor.signals).toBeGreaterThan(0);
    expect(m.desks).toHaveLength(5);
    expect(m.agents).toHaveLength(25);
    for (const d of m.desks) {
      const mine = m.agents.filter((a) => a.desk === d.desk);
      expect(d.pnl).toBeCloseTo(mine.reduce((x, a) => x + a.pnl, 0), 6);
      expect(d.trades).toBe(mine.reduce((x, a) => x + a.trades, 0));
      for (const k of ['sharpe', 'sortino', 'maxDrawdown', 'winRate', 'turnover', 'var95', 'leverage', 'decisionLatencyUs'] as const) expect(Number.isFinite(d[k])).toBe(true);
      expect(d.realisedPnl + d.unrealisedPnl).toBeCloseTo(d.pnl, 6);
      expect(d.decisionLatencyUs).toBeGreaterThan(0);
    }
    for (const a of m.agents) {
      expect(a.winRate).toBeGreaterThanOrEqual(0);
      expect(a.winRate).toBeLessThanOrEqual(1);
      expect(a.decisions).toBeGreaterThan(0);
    }
    // somebody traded and the frame's P&L column is the metrics' P&L
    expect(m.agents.some((a) => a.trades > 0)).toBe(true);
    const f = allocFrame({ symbols: e.S, agents: 25, crowd: 1000 });
    e.writeFrame(f);
    for (const a of m.agents) expect(f.agents.pnl[a.agent]!).toBeCloseTo(a.pnl, 6);
  });
});
