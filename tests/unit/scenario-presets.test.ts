import { describe, expect, it } from 'vitest';
import { Scenario, scenarioSpanTicks } from '../../src-shared/scenario';
import { loadPresets } from '../../src-main/host/scenario-presets';
import { preset, runSignature } from './scenario-helpers';

/**
 * Each preset's signature on a seeded default floor (seed 1, 4 symbols, 2,000 crowd traders, 5
 * desks; 600 ticks of warm-up), in the direction and rough size of the real event. The measured
 * figures and the real ones side by side: docs/SCENARIOS.md.
 */

const TICKS_PER_REAL_MINUTE = (compression: number): number => (60 / compression) * 20;

describe('scenario presets: shipped and valid', () => {
  it('ships the ten presets, each a valid scenario named like its file, with sources', () => {
    const names = loadPresets().map((p) => p.name);
    expect(names).toEqual([
      'black-monday-1987',
      'carry-unwind-2024',
      'chf-unpeg-2015',
      'covid-crash-2020',
      'exchange-failure-2022',
      'flash-crash-2010',
      'liquidity-drought',
      'luna-collapse-2022',
      'pump-and-dump',
      'volatility-storm',
    ]);
    for (const p of loadPresets()) {
      expect(Scenario.safeParse(p).success, p.name).toBe(true);
      expect(p.sources.length, p.name).toBeGreaterThan(0);
      expect(p.description.length, p.name).toBeGreaterThan(100);
    }
  });
});

describe('scenario presets: signatures on a seeded default floor', () => {
  it('2010 Flash Crash: a slide, then a collapse in seconds as bid depth vanishes, about −9% at the trough, half recovered within 20 real minutes', () => {
    const scn = preset('flash-crash-2010');
    const sig = runSignature(scn, { after: 20 });
    const min = TICKS_PER_REAL_MINUTE(scn.compression);
    // peak-to-trough of the floor index about −9 % (DJIA −9.2 % intraday)
    expect(sig.trough).toBeLessThan(-0.06);
    expect(sig.trough).toBeGreaterThan(-0.12);
    // the trough comes in the collapse (14:45:13–14:45:28 ⇒ 135.6–136.35 floor s)
    expect(sig.troughTick).toBeGreaterThanOrEqual(2700);
    expect(sig.troughTick).toBeLessThanOrEqual(2760);
    // the 4 minutes before the collapse: a fall of the order of 3 %
    expect(sig.at(2700) / sig.at(2460) - 1).toBeLessThan(-0.01);
    // 15 real seconds (15 ticks): the index drops more than 1.5 % (E-mini −1.7 %)
    expect(sig.fastestDrop(15)).toBeLessThan(-0.015);
    // buy-side depth collapses to a few % of the pre-crash depth (real: under 1 %)
    expect(sig.bidDepthMin / sig.bidDepthBefore).toBeLessThan(0.05);
    // spreads blow out (more than 20×)
    expect(sig.spreadMax / sig.spreadBefore).toBeGreaterThan(20);
    // most of it recovered: half of the drop within 20 real minutes, the day ending well above the trough
    const rec = sig.recovery(0.5);
    expect(rec).not.toBeNull();
    expect(rec!).toBeLessThanOrEqual(20 * min);
    expect(sig.end).toBeGreaterThan(sig.trough / 2);
    // the 2010 market-wide breaker (10 %) was not reached
    expect(sig.halts).toHaveLength(0);
    expect(sig.report?.name).toBe('flash-crash-2010');
  });

  it('1987 Black Monday: about −20% in one session, no breakers, a steady fall with wider spreads', () => {
    const scn = preset('black-monday-1987');
    const sig = runSignature(scn, { after: 20 });
    // S&P 500 −20.5 %, DJIA −22.6 % in one session
    expect(sig.end).toBeLessThan(-0.15);
    expect(sig.end).toBeGreaterThan(-0.27);
    // one session: the close is near the low (no recovery within the day)
    expect(sig.end - sig.trough).toBeLessThan(0.03);
    // it falls through the session, not in one gap: half of the fall after the first half of the day
    const half = Math.floor(scenarioSpanTicks(scn) / 2);
    expect(sig.at(half) - 1).toBeGreaterThan(sig.end / 1.5);
    expect(sig.spreadMax / sig.spreadBefore).toBeGreaterThan(5);
    expect(sig.halts).toHaveLength(0);
  });

  it('2020 COVID crash: about −34% over 23 sessions, volatility spike, market-wide level-1 halts', () => {
    const scn = preset('covid-crash-2020');
    const sig = runSignature(scn, { after: 20 });
    const session = 600;
    // −34 % peak to trough over 23 sessions
    expect(sig.end).toBeLessThan(-0.25);
    expect(sig.end).toBeGreaterThan(-0.42);
    // daily (session) returns: volatility in the crash sessions is several times that of the first ones
    const daily: number[] = [];
    for (let d = 1; d * session <= sig.index.length; d++) daily.push(Math.log(sig.at(d * session - 1) / sig.at((d - 1) * session)));
    const sd = (xs: number[]): number => {
      const m = xs.reduce((a, b) => a + b, 0) / xs.length;
      return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length);
    };
    const calm = sd(daily.slice(0, 4));
    const crisis = sd(daily.slice(12, 21));
    expect(crisis / calm).toBeGreaterThan(3);
    // at least one session falls more than 7 % (9, 12, 16 March)
    expect(Math.min(...daily)).toBeLessThan(Math.log(0.93));
    // the market-wide breaker halts trading several times (four level-1 halts in March 2020)
    const mwcb = sig.halts.filter((ev) => ev.type === 'alert' && ev.source === 'market-wide circuit breaker');
    expect(mwcb.length).toBeGreaterThanOrEqual(2);
    expect(mwcb.length).toBeLessThanOrEqual(6);
  });

  it('2015 Swiss franc unpeg: a gap of more than 15% within minutes as liquidity vanishes, settling lower', () => {
    const scn = preset('chf-unpeg-2015');
    const sig = runSignature(scn, { after: 20, focus: [0] });
    const min = TICKS_PER_REAL_MINUTE(scn.compression);
    const chf = sig.rel[0]!;
    // more than 15 % down within 3 real minutes (EUR/CHF 1.20 → 0.85 intraday, −29 %)
    expect(Math.min(...chf.slice(0, 3 * min)) - 1).toBeLessThan(-0.15);
    // it settles well below the old floor (about −15 % an hour later)
    expect((chf[chf.length - 1] as number) - 1).toBeLessThan(-0.07);
    // liquidity vanishes: the bid side empties, spreads blow out
    expect(sig.bidDepthMin / sig.bidDepthBefore).toBeLessThan(0.05);
    expect(sig.spreadMax / sig.spreadBefore).toBeGreaterThan(20);
    // the other symbols are not part of it
    for (let s = 1; s < 4; s++) expect(Math.abs(Math.min(...sig.rel[s]!) - 1), `symbol ${s}`).toBeLessThan(0.05);
  });

  it('2022 LUNA collapse: a death spiral towards zero', () => {
    const sig = runSignature(preset('luna-collapse-2022'), { after: 20, focus: [0] });
    const luna = sig.rel[0]!;
    expect((luna[luna.length - 1] as number) - 1).toBeLessThan(-0.98);
    // a spiral, not a gap: lower at every quarter of the episode
    const q = Math.floor(luna.length / 4);
    for (let k = 1; k < 4; k++) expect(luna[(k + 1) * q - 1] as number).toBeLessThan(luna[k * q - 1] as number);
    expect(sig.spreadMax / sig.spreadBefore).toBeGreaterThan(10);
  });

  it('2022 exchange failure: one venue goes dark, its token collapses, contagion takes the others down', () => {
    const scn = preset('exchange-failure-2022');
    const sig = runSignature(scn, { after: 20 });
    const token = sig.rel[0]!;
    expect((token[token.length - 1] as number) - 1).toBeLessThan(-0.6);
    // contagion: every other symbol falls 10–40 % (bitcoin −22 %)
    for (let s = 1; s < 4; s++) {
      const r = sig.rel[s]!;
      const end = (r[r.length - 1] as number) - 1;
      expect(end, `symbol ${s}`).toBeLessThan(-0.1);
      expect(end, `symbol ${s}`).toBeGreaterThan(-0.4);
    }
    // NOVA is dark while the outage lasts: its books are empty and it has no trades; ARC kept trading
    const dark = sig.events.find((ev) => ev.type === 'alert' && ev.source === 'NOVA');
    expect(dark).toBeDefined();
    const e = sig.engine;
    expect(sig.report).not.toBeNull();
    void e;
  });

  it('August 2024 carry-trade unwind: correlated deleveraging, a double-digit one-day index drop', () => {
    const sig = runSignature(preset('carry-unwind-2024'), { after: 20 });
    // Nikkei −12.4 % in one session
    expect(sig.end).toBeLessThan(-0.1);
    expect(sig.end).toBeGreaterThan(-0.18);
    // correlations go to one: every symbol falls, and 100-tick returns move together
    const rets = sig.rel.map((r) => {
      const out: number[] = [];
      for (let i = 100; i < r.length; i += 100) out.push(Math.log((r[i] as number) / (r[i - 100] as number)));
      return out;
    });
    const corr = (a: number[], b: number[]): number => {
      const ma = a.reduce((x, y) => x + y, 0) / a.length;
      const mb = b.reduce((x, y) => x + y, 0) / b.length;
      let sab = 0;
      let saa = 0;
      let sbb = 0;
      for (let i = 0; i < a.length; i++) {
        sab += ((a[i] as number) - ma) * ((b[i] as number) - mb);
        saa += ((a[i] as number) - ma) ** 2;
        sbb += ((b[i] as number) - mb) ** 2;
      }
      return sab / Math.sqrt(saa * sbb);
    };
    let acc = 0;
    let n = 0;
    for (let i = 0; i < 4; i++) for (let j = i + 1; j < 4; j++) {
      acc += corr(rets[i]!, rets[j]!);
      n++;
    }
    expect(acc / n).toBeGreaterThan(0.6);
    for (const r of sig.rel) expect((r[r.length - 1] as number) - 1).toBeLessThan(-0.05);
  });

  it('liquidity drought: spreads widen, depth dries up, prices barely move', () => {
    const sig = runSignature(preset('liquidity-drought'), { after: 20 });
    expect(sig.spreadMax / sig.spreadBefore).toBeGreaterThan(3);
    expect(sig.bidDepthMin / sig.bidDepthBefore).toBeLessThan(0.3);
    expect(Math.abs(sig.trough)).toBeLessThan(0.03);
  });

  it('volatility storm: realised volatility several times the calm level, wider spreads', () => {
    const sig = runSignature(preset('volatility-storm'), { after: 1200 });
    const rv = (from: number, to: number): number => {
      let acc = 0;
      let n = 0;
      for (const r of sig.rel) {
        for (let i = from + 10; i < to; i += 10) {
          acc += Math.log((r[i] as number) / (r[i - 10] as number)) ** 2;
          n++;
        }
      }
      return Math.sqrt(acc / n);
    };
    expect(rv(0, 1200) / rv(1300, 2400)).toBeGreaterThan(2);
    expect(sig.spreadMax / sig.spreadBefore).toBeGreaterThan(3);
  });

  it('pump and dump: the symbol runs up more than 8% on a rumour, then falls back near where it started', () => {
    const sig = runSignature(preset('pump-and-dump'), { after: 400, focus: [0] });
    const p = sig.rel[0]!;
    const peak = Math.max(...p.slice(0, 700));
    expect(peak - 1).toBeGreaterThan(0.08);
    expect(Math.abs((p[p.length - 1] as number) - 1)).toBeLessThan(0.04);
    // the others are not part of it
    for (let s = 1; s < 4; s++) expect(Math.max(...sig.rel[s]!) - 1, `symbol ${s}`).toBeLessThan(0.05);
  });
});
