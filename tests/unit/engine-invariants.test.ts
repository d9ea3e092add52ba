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
