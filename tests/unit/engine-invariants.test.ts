import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultSessionConfig } from '../../src-shared/config';
import { allocFrame } from '../../src-shared/frame';
import { Engine } from '../../src-workers/sim/engine';

describe('engine invariants', () => {
  it('never produces a NaN or non-positive price, over random configs and inputs', () => {
    fc.assert(
      fc.property(
        fc.record({
          seed: fc.integer({ min: 0, max: 0xffff_ffff }),
          symbols: fc.integer({ min: 1, max: 6 }),
          crowd: fc.integer({ min: 0, max: 800 }),
          desks: fc.integer({ min: 1, max: 7 }),
          vol: fc.double({ min: 0, max: 20, noNaN: true }),
          liq: fc.double({ min: 0, max: 5, noNaN: true }),
          fee: fc.double({ min: 0, max: 100, noNaN: true }),
          shockAt: fc.integer({ min: 0, max: 250 }),
        }),
        (p) => {
          const e = new Engine(defaultSessionConfig({ seed: p.seed, symbols: p.symbols, crowd: p.crowd, desks: p.desks }));
          const f = allocFrame({ symbols: p.symbols, agents: e.agentsN, crowd: p.crowd });
          for (let t = 0; t < 300; t++) {
            if (t === p.shockAt) {
              e.applyInput({ kind: 'setParam', param: 'volatility', value: p.vol });
              e.applyInput({ kind: 'setParam', param: 'liquidity', value: p.liq });
              e.applyInput({ kind: 'setParam', param: 'feeBps', value: p.fee });
            }
            e.step();
            for (const ev of e.drainEvents()) {
              if (ev.type === 'trade') expect(ev.price > 0 && Number.isFinite(ev.price)).toBe(true);
              if (ev.type === 'order' && ev.price !== null) expect(ev.price).toBeGreaterThan(0);
            }
          }
          e.writeFrame(f);
          const cols = [f.symbols.last, f.symbols.bid, f.symbols.ask, f.symbols.open];
          for (const c of cols) for (const x of c) expect(Number.isFinite(x) && x > 0).toBe(true);
          for (const x of e.mark) expect(Number.isFinite(x) && x > 0).toBe(true);
          for (const x of f.agents.pnl) expect(Number.isFinite(x)).toBe(true);
          for (const x of f.crowd.pnl) expect(Number.isFinite(x)).toBe(true);
        },
      ),
      { numRuns: 12, seed: 20261121 },
    );
  });

  it('books never stay crossed within a venue and resting orders are bounded by the crowd', () => {
    const e = new Engine(defaultSessionConfig({ seed: 77, crowd: 1500 }));
    for (let t = 0; t < 1500; t++) {
      e.step();
      for (const b of e.books) {
        const bid = b.bestBid();
        const ask = b.bestAsk();
        if (bid > 0 && ask > 0) expect(bid).toBeLessThan(ask);
      }
    }
    e.drainEvents();
    expect(e.pool.liveCount).toBeLessThanOrEqual(2 * 1500);
  });
});

describe('circuit breaker', () => {
  it('halts a symbol that moves more than 5% within its window: an error alert, then no trades in it until the halt ends', () => {
    const e = new Engine(defaultSessionConfig({ seed: 3, crowd: 1000 }), { allTradeEvents: true });
    e.applyInput({ kind: 'setParam', param: 'volatility', value: 20 });
    let halt: { tick: number; symbol: number } | null = null;
    const tradesBySymbolTick: Array<{ tick: number; symbol: number }> = [];
    // what the floor shows: the frame's per-symbol halted column, per tick
    const frame = allocFrame({ symbols: 4, agents: e.agentsN, crowd: e.crowdN });
    const haltedAt: number[][] = [];
    for (let t = 0; t < 600; t++) {
      e.step();
      e.writeFrame(frame);
      haltedAt.push(Array.from(frame.symbols.halted));
      for (const ev of e.drainEvents()) {
        if (ev.type === 'trade') tradesBySymbolTick.push({ tick: ev.tick, symbol: ev.symbol });
        if (!halt && ev.type === 'alert' && ev.source === 'circuit breaker') {
          const name = ev.message.split(' ')[0]!;
          halt = { tick: ev.tick, symbol: e.roster.symbols.findIndex((s) => s.name === name) };
          expect(ev.severity).toBe('error');
          expect(ev.message).toMatch(/moved -?\d+\.\d% within 1200 ticks: trading halted for 200 ticks/);
        }
      }
    }
    expect(halt).not.toBeNull();
    const h = halt!;
    const during = tradesBySymbolTick.filter((x) => x.symbol === h.symbol && x.tick > h.tick && x.tick <= h.tick + 200);
    expect(during).toHaveLength(0);
    const others = tradesBySymbolTick.filter((x) => x.symbol !== h.symbol && x.tick > h.tick && x.tick <= h.tick + 200);
    expect(others.length).toBeGreaterThan(0);
    const after = tradesBySymbolTick.filter((x) => x.symbol === h.symbol && x.tick > h.tick + 200);
    if (h.tick + 260 < 600) expect(after.length).toBeGreaterThan(0);
    expect(e.metrics().floor.halts).toBeGreaterThan(0);
    // the frame says the symbol is halted on both venues for exactly the halt, and trading before it
    // (haltedAt[k] is the frame after the tick whose events carry tick k)
    expect(haltedAt[h.tick - 1]?.[h.symbol]).toBe(0);
    for (let k = h.tick; k < Math.min(600, h.tick + 200); k++) expect(haltedAt[k]?.[h.symbol], `tick ${k}`).toBe(3);
    if (h.tick + 200 < 600) expect(haltedAt[h.tick + 200]?.[h.symbol]).toBe(0);
  });
});

describe('engine construction', () => {
  it('refuses a config outside the shared limits', () => {
    const ok = defaultSessionConfig({ seed: 1 });
    expect(() => new Engine({ ...ok, symbols: 0 })).toThrow();
    expect(() => new Engine({ ...ok, crowd: 100_001 })).toThrow();
    expect(() => new Engine({ ...ok, desks: 21 })).toThrow();
    const big = new Engine({ ...ok, symbols: 32, crowd: 0, desks: 1 }).roster;
    expect(big.symbols).toHaveLength(32);
    // 32 distinct tickers, none of them a venue's name
    const names = big.symbols.map((s) => s.name);
    expect(new Set(names).size).toBe(32);
    for (const v of big.venues) expect(names).not.toContain(v);
  });
});
