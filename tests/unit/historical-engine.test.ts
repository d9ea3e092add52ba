import { describe, expect, it } from 'vitest';
import { HISTORICAL_TICKS_PER_BAR, defaultSessionConfig, ticksPerSecond, type SessionConfig } from '../../src-shared/config';
import type { EngineEvent } from '../../src-shared/events';
import { Scenario } from '../../src-shared/scenario';
import type { HistoricalBars } from '../../src-shared/worker-protocol';
import { barPath, barRng } from '../../src-workers/sim/bar-path';
import { BUY } from '../../src-workers/sim/book';
import { Engine } from '../../src-workers/sim/engine';
import { restore, snapshot } from '../../src-workers/sim/snapshot';

const N = HISTORICAL_TICKS_PER_BAR;

interface HandBar {
  o: number;
  h: number;
  l: number;
  c: number;
}

/**
 * A handmade series around 1,000: each bar opens at the last close (plus a small gap every 7th bar),
 * moves by a fixed zig-zag, and spans `range` (fraction of the price) between its low and high.
 */
function handmade(count: number, range: number, start = 1000): HandBar[] {
  const out: HandBar[] = [];
  let prev = start;
  for (let i = 0; i < count; i++) {
    const o = i % 7 === 3 ? prev * 1.002 : prev;
    const c = o * (1 + 0.35 * range * Math.sin(i * 1.7));
    const h = Math.max(o, c) * (1 + 0.3 * range);
    const l = Math.min(o, c) * (1 - 0.3 * range);
    out.push({ o, h, l, c });
    prev = c;
  }
  return out;
}

function columns(bars: readonly HandBar[], name = 'BTC/USDT', barMs = 60_000): HistoricalBars {
  return {
    barMs,
    ts: Float64Array.from(bars, (_, i) => 1_700_000_000_000 + i * barMs),
    series: [
      {
        name,
        open: Float64Array.from(bars, (b) => b.o),
        high: Float64Array.from(bars, (b) => b.h),
        low: Float64Array.from(bars, (b) => b.l),
        close: Float64Array.from(bars, (b) => b.c),
        volume: Float64Array.from(bars, () => 10),
      },
    ],
  };
}

function config(seed = 7): SessionConfig {
  return defaultSessionConfig({ seed, crowd: 800, desks: 5, symbols: 1, market: { kind: 'historical', series: [{ exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' }] } });
}

function run(e: Engine, n: number, sink?: EngineEvent[]): void {
  for (let i = 0; i < n; i++) {
    e.step();
    const evs = e.drainEvents();
    if (sink) sink.push(...evs);
  }
}

describe('bar path', () => {
  it('starts at the open, ends at the close and touches the high and the low, never leaving them', () => {
    const out = new Float64Array(N);
    for (let bar = 0; bar < 50; bar++) {
      barPath(101, 104.5, 99.25, 103, N, barRng(11, bar), out);
      expect(out[0]).toBe(101);
      expect(out[N - 1]).toBe(103);
      expect(Math.max(...out)).toBe(104.5);
      expect(Math.min(...out)).toBe(99.25);
    }
  });

  it('is the same for the same seed and bar, and differs for another seed', () => {
    const a = new Float64Array(N);
    const b = new Float64Array(N);
    const c = new Float64Array(N);
    barPath(101, 104.5, 99.25, 103, N, barRng(11, 5), a);
    barPath(101, 104.5, 99.25, 103, N, barRng(11, 5), b);
    barPath(101, 104.5, 99.25, 103, N, barRng(12, 5), c);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });
});

describe('historical engine', () => {
  it('takes symbol names and start prices from the series, and paces one bar per bar length / speed', () => {
    const e = new Engine(config(), { historical: columns(handmade(5, 0.004, 43_210.57)) });
    expect(e.roster.symbols).toEqual([{ index: 0, name: 'BTC/USDT', startPrice: 43_210.57, tickSize: 0.01 }]);
    // a 1-minute bar at 100× takes 0.6 s: 60 ticks in 0.6 s
    expect(ticksPerSecond(e.config.market, 100)).toBeCloseTo(N / 0.6, 9);
    expect(ticksPerSecond(defaultSessionConfig().market, 2)).toBe(40);
  });

  it('refuses a historical config without its bars', () => {
    expect(() => new Engine(config())).toThrow(/needs its bars/);
  });

  it('the floor price follows the bars: each bar ends at its close within a spread, and never leaves its range by more than one', () => {
    const bars = handmade(40, 0.006);
    const e = new Engine(config(), { historical: columns(bars) });
    const h = e.historical!;
    let worstEnd = 0;
    let worstOut = 0;
    for (const [i, b] of bars.entries()) {
      for (let k = 0; k < N; k++) {
        run(e, 1);
        const spread = 2 * h.halfSpread(e, 0) + 2 * e.tickSize[0]!;
        const m = e.mark[0]!;
        worstOut = Math.max(worstOut, (b.l - m) / spread, (m - b.h) / spread);
      }
      // the path itself ends exactly on the close; the floor's mark within the synthetic spread
      expect(e.fundamental.F[0]).toBeCloseTo(b.c, 9);
      const spread = 2 * h.halfSpread(e, 0) + 2 * e.tickSize[0]!;
      worstEnd = Math.max(worstEnd, Math.abs(e.mark[0]! - b.c) / spread);
      expect(e.tick).toBe((i + 1) * N);
    }
    expect(worstEnd).toBeLessThanOrEqual(1);
    expect(worstOut).toBeLessThanOrEqual(1);
    // the crowd keeps trading and the desks keep deciding
    expect(e.crowd.decisions).toBeGreaterThan(1000);
    expect(e.desks.signals).toBeGreaterThan(0);
  });

  it('a desk pays more slippage for a larger order, and more in a more volatile market', () => {
    // the same moment (a snapshot) twice: one small and one large buy through the desk's own IOC route
    const slippage = (bars: HandBar[], qty: number): number => {
      const cfg = config(3);
      const opts = { historical: columns(bars) };
      const base = new Engine(cfg, opts);
      run(base, 10 * N + 25);
      const e = restore(snapshot(base), cfg, opts);
      const ask = e.books[0]!.bestAsk() * e.tickSize[0]!;
      const mid = e.venueMid(0, 0);
      e.desks.sendIOC(e, 0, 0, BUY, qty, 0);
      let cost = 0;
      let filled = 0;
      for (const ev of e.drainEvents()) {
        if (ev.type === 'trade' && ev.buyAgent === 0) {
          cost += ev.price * ev.qty;
          filled += ev.qty;
        }
      }
      // (the desk's IOC goes at most 0.1 % through the touch: a large order may fill only in part)
      expect(filled).toBeGreaterThanOrEqual(Math.min(qty, 150));
      expect(cost / filled).toBeGreaterThanOrEqual(ask - 1e-9);
      return cost / filled / mid - 1;
    };
    const calm = handmade(20, 0.004);
    const wild = handmade(20, 0.02);
    const small = slippage(calm, 5);
    const large = slippage(calm, 400);
    expect(small).toBeGreaterThan(0);
    expect(large).toBeGreaterThan(small * 1.5);
    expect(slippage(wild, 5)).toBeGreaterThan(small * 2);
    expect(slippage(wild, 400)).toBeGreaterThan(large * 2);
  });

  it('is deterministic: the same seed gives the same state hash, another seed another intra-bar path', () => {
    const bars = handmade(6, 0.01);
    const path = (seed: number): { hash: string; f: number[] } => {
      const e = new Engine(config(seed), { historical: columns(bars) });
      const f: number[] = [];
      for (let t = 0; t < 6 * N; t++) {
        run(e, 1);
        f.push(e.fundamental.F[0]!);
      }
      return { hash: e.stateHash(), f };
    };
    const a = path(1);
    const b = path(1);
    const c = path(2);
    expect(a.hash).toBe(b.hash);
    expect(a.f).toEqual(b.f);
    expect(c.hash).not.toBe(a.hash);
    // the bars' ends agree (the data), the paths inside them do not (the seed)
    for (let i = 0; i < 6; i++) expect(c.f[(i + 1) * N - 1]).toBeCloseTo(a.f[(i + 1) * N - 1]!, 9);
    expect(c.f.slice(0, N - 1)).not.toEqual(a.f.slice(0, N - 1));
  });

  it('snapshots restore exactly (the bars stay out of the snapshot and come from the options)', () => {
    const cfg = config(5);
    const opts = { historical: columns(handmade(8, 0.008)) };
    const a = new Engine(cfg, opts);
    run(a, 3 * N + 17);
    const bytes = snapshot(a);
    const b = restore(bytes, cfg, opts);
    run(a, 2 * N);
    run(b, 2 * N);
    expect(b.stateHash()).toBe(a.stateHash());
  });

  it('ends cleanly when the data runs out: an alert, and no further ticks', () => {
    const bars = handmade(3, 0.005);
    const e = new Engine(config(), { historical: columns(bars) });
    const evs: EngineEvent[] = [];
    run(e, 3 * N - 1, evs);
    expect(e.finished).toBe(false);
    run(e, 1, evs);
    expect(e.finished).toBe(true);
    const ended = evs.filter((ev) => ev.type === 'alert' && ev.source === 'historical data');
    expect(ended).toHaveLength(1);
    expect(ended[0]).toMatchObject({ tick: 3 * N - 1, severity: 'info' });
    expect(ended[0]!.type === 'alert' && ended[0]!.message).toMatch(/historical data ended: all 3 bars replayed/);
    const hash = e.stateHash();
    run(e, 10, evs);
    expect(e.tick).toBe(3 * N);
    expect(e.stateHash()).toBe(hash);
  });

  it('scenarios act on top of the data: a gap shifts the rest of the path', () => {
    const bars = handmade(6, 0.005);
    const cfg = config(9);
    const a = new Engine(cfg, { historical: columns(bars) });
    const b = new Engine(cfg, { historical: columns(bars) });
    run(a, N + 5);
    run(b, N + 5);
    const gap = Scenario.parse({ name: 'gap', shocks: [{ effect: { kind: 'gap', move: -0.1 } }] });
    a.applyInput({ kind: 'scenario', id: 1, startTick: null, scenario: gap });
    run(a, 2 * N);
    run(b, 2 * N);
    expect(a.fundamental.F[0]! / b.fundamental.F[0]!).toBeCloseTo(0.9, 9);
    expect(a.mark[0]! / b.mark[0]!).toBeLessThan(0.91);
  });
});

describe('look-ahead guard', () => {
  it('nothing an agent can read before bar t reflects a jump planted in bar t', () => {
    const T = 12;
    const plain = handmade(20, 0.006);
    const planted = plain.map((b, i) => (i >= T ? { o: b.o * 3, h: b.h * 3, l: b.l * 3, c: b.c * 3 } : b));
    const cfg = config(4);
    const a = new Engine(cfg, { historical: columns(plain) });
    const b = new Engine(cfg, { historical: columns(planted) });
    // the bars are not reachable from the engine's object graph: the cursor holds them in private fields
    for (const v of Object.values(a.historical!.cursor)) expect(ArrayBuffer.isView(v) && (v as Float64Array).length >= 20).toBe(false);
    const evA: EngineEvent[] = [];
    const evB: EngineEvent[] = [];
    for (let t = 0; t < T * N; t++) {
      run(a, 1, evA);
      run(b, 1, evB);
      expect(b.stateHash()).toBe(a.stateHash());
    }
    // every decision (with the indicator inputs its trace shows) and every order and trade up to bar t
    expect(evA.filter((e) => e.type === 'decision').length).toBeGreaterThan(0);
    expect(JSON.stringify(evB)).toBe(JSON.stringify(evA));
    // and the whole engine state, byte for byte, is the same on the eve of the jump (but the desks'
    // wall-clock latency measurement, which is no simulation state)
    for (const e of [a, b]) (e.desks as unknown as { latencySum: Float64Array }).latencySum.fill(0);
    expect(Buffer.from(snapshot(b)).equals(Buffer.from(snapshot(a)))).toBe(true);
    // the jump arrives with its bar
    run(a, 1);
    run(b, 1);
    expect(b.fundamental.F[0]! / a.fundamental.F[0]!).toBeCloseTo(3, 6);
  });
});
