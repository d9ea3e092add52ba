import { describe, expect, it } from 'vitest';
import { TOURNAMENT_DESKS } from '../../src-shared/tournament-api';
import { LookAheadError, createCursor, type BarColumns, type BarView } from '../../src-workers/tournament/bars';
import { buildStrategy, simulate, type EntrantDesc } from '../../src-workers/tournament/run';
import type { Strategy } from '../../src-workers/tournament/strategy';
import { syntheticBars } from '../../src-workers/tournament/synthetic';

const ENTRANTS: EntrantDesc[] = [...TOURNAMENT_DESKS.map((desk) => ({ kind: 'desk' as const, desk })), { kind: 'buy-and-hold' }, { kind: 'random', seed: 5 }];
const OPTS = { capital: 100_000, feeBps: 2, slippage: true, shared: false };

function copyCols(c: BarColumns): BarColumns {
  return { ts: c.ts.slice(), open: c.open.slice(), high: c.high.slice(), low: c.low.slice(), close: c.close.slice(), volume: c.volume.slice() };
}

describe('look-ahead guard', () => {
  it('a huge move planted at bar t+1 changes no entrant\'s decisions or equity up to bar t (isolated and shared)', () => {
    const base = syntheticBars(1500, 11, { shared: false }).cols;
    const t = 1000;
    const planted = copyCols(base);
    // the next bar gaps up 60% on 50× the volume
    for (const k of ['open', 'high', 'low', 'close'] as const) planted[k][t + 1] = base[k][t + 1]! * 1.6;
    planted.volume[t + 1] = base.volume[t + 1]! * 50;
    for (const shared of [false, true]) {
      const a = simulate(base, ENTRANTS.map(buildStrategy), { ...OPTS, shared });
      const b = simulate(planted, ENTRANTS.map(buildStrategy), { ...OPTS, shared });
      for (let k = 0; k < ENTRANTS.length; k++) {
        expect(Array.from(b.decisions[k]!.subarray(0, t + 1)), `${ENTRANTS[k]!.kind} decisions, shared ${shared}`).toEqual(Array.from(a.decisions[k]!.subarray(0, t + 1)));
        expect(Array.from(b.equity[k]!.subarray(0, t + 1)), `${ENTRANTS[k]!.kind} equity`).toEqual(Array.from(a.equity[k]!.subarray(0, t + 1)));
        // …and the planted move does show from bar t+1 on for those holding a position into it
        if (a.accounts[k]!.units !== 0 && a.decisions[k]![t] !== 0) expect(b.equity[k]![t + 1]).not.toBe(a.equity[k]![t + 1]);
      }
    }
  });

  it('an adversarial strategy cannot read a bar after t, nor reach the columns, nor move its cursor', () => {
    const cols = syntheticBars(50, 2, { shared: false }).cols;
    const seen: string[] = [];
    const cheat: Strategy = {
      name: 'Cheat',
      kind: 'random',
      ref: null,
      decide(v: BarView) {
        for (const attempt of [() => v.close(-1), () => v.open(-1), () => v.close(0.5), () => v.high(v.t + 1)]) {
          try {
            attempt();
            seen.push('read');
          } catch (err) {
            seen.push(err instanceof LookAheadError ? 'refused' : 'other');
          }
        }
        const loose = v as unknown as Record<string, unknown>;
        if (loose.c !== undefined || loose.cols !== undefined || loose['#c'] !== undefined || Object.keys(v).length > 0) seen.push('leak');
        try {
          (v as unknown as { t: number }).t = v.t + 1;
        } catch {
          // a getter without a setter: assigning throws in strict mode
        }
        expect(v.close()).toBe(cols.close[v.t]);
        return 0;
      },
    };
    const r = simulate(cols, [cheat], OPTS);
    expect(r.cancelled).toBe(false);
    expect(seen.filter((s) => s !== 'refused')).toEqual([]);
    expect(seen.length).toBe(49 * 4);
  });

  it("the cursor shows bars 0…t only and counts back from t", () => {
    const cols = syntheticBars(10, 3, { shared: false }).cols;
    const { view, moveTo } = createCursor(cols);
    moveTo(4);
    expect(view.t).toBe(4);
    expect(view.length).toBe(5);
    expect(view.close()).toBe(cols.close[4]);
    expect(view.close(4)).toBe(cols.close[0]);
    expect(() => view.close(5)).toThrow(LookAheadError);
    expect(() => view.close(-1)).toThrow(/not visible at bar 4/);
  });
});
