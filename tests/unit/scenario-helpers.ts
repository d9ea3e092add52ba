/**
 * Helpers of the scenario tests: run a scenario on a seeded default floor and measure its signature
 * (index path, peak-to-trough, speed, recovery, spread and depth, halts, the report).
 */
import { defaultSessionConfig, type SessionConfigInput } from '../../src-shared/config';
import type { EngineEvent } from '../../src-shared/events';
import type { Input } from '../../src-shared/inputs';
import { Scenario, scenarioSpanTicks, type ScenarioReport } from '../../src-shared/scenario';
import { BUY } from '../../src-workers/sim/book';
import { Engine } from '../../src-workers/sim/engine';
import { findPreset } from '../../src-main/host/scenario-presets';

export function preset(name: string): Scenario {
  const p = findPreset(name);
  if (!p) throw new Error(`no preset ${name}`);
  return p;
}

export interface Signature {
  engine: Engine;
  /** floor index (geometric mean of marks / marks at injection) per tick from injection */
  index: number[];
  /** per symbol mark / mark at injection, per tick */
  rel: number[][];
  /** index trough − 1 (negative for a fall) */
  trough: number;
  troughTick: number;
  /** largest index fall within `window` ticks (negative) */
  fastestDrop: (window: number) => number;
  /** ticks from the trough until the index regained `share` of its drop, or null */
  recovery: (share: number) => number | null;
  /** total resting bid quantity (5 best levels, both venues, all symbols): mean before, min during */
  bidDepthBefore: number;
  bidDepthMin: number;
  /** mean relative spread over books: before, max of the 20-tick means during */
  spreadBefore: number;
  spreadMax: number;
  halts: EngineEvent[];
  events: EngineEvent[];
  report: ScenarioReport | null;
  end: number;
  /** rel at a tick offset for symbol s */
  at: (tick: number, s?: number) => number;
}

function bidDepth(e: Engine, symbols: readonly number[]): number {
  let q = 0;
  for (const s of symbols) for (const v of [0, 1]) q += e.books[s * 2 + v]!.depth(BUY, 5);
  return q;
}

/** mean relative spread of the symbols' books (an empty side counts as a 5 % spread) */
function spread(e: Engine, symbols: readonly number[]): number {
  let acc = 0;
  let n = 0;
  for (const b of symbols.flatMap((s) => [s * 2, s * 2 + 1])) {
    const book = e.books[b]!;
    const bb = book.bestBid();
    const ba = book.bestAsk();
    if (bb > 0 && ba > 0) {
      acc += (ba - bb) / ((ba + bb) / 2);
      n++;
    } else {
      acc += 0.05;
      n++;
    }
  }
  return n > 0 ? acc / n : 0;
}

export interface RunOptions {
  seed?: number;
  config?: SessionConfigInput;
  warmup?: number;
  /** ticks to run after the scenario's span */
  after?: number;
  before?: Input[];
  /** symbols whose depth and spread are measured (default: all) */
  focus?: number[];
}

export function runSignature(scn: Scenario, o: RunOptions = {}): Signature {
  const e = new Engine(defaultSessionConfig({ seed: o.seed ?? 1, ...(o.config ?? {}) }));
  const warmup = o.warmup ?? 600;
  const focus = o.focus ?? Array.from({ length: e.S }, (_, s) => s);
  let depthAcc = 0;
  let spreadAcc = 0;
  for (let t = 0; t < warmup; t++) {
    e.step();
    e.drainEvents();
    if (t >= warmup - 200) {
      depthAcc += bidDepth(e, focus);
      spreadAcc += spread(e, focus);
    }
  }
  for (const inp of o.before ?? []) e.applyInput(inp);
  const start = Array.from(e.mark);
  e.applyInput({ kind: 'scenario', id: 1, startTick: e.tick, scenario: scn });
  const span = scenarioSpanTicks(scn) + (o.after ?? 0);
  const index: number[] = [];
  const rel: number[][] = start.map(() => []);
  const events: EngineEvent[] = [];
  let depthMin = Infinity;
  let spreadMax = 0;
  let spreadWin = 0;
  for (let t = 0; t < span; t++) {
    e.step();
    for (const ev of e.drainEvents()) if (ev.type !== 'trade' && ev.type !== 'order' && ev.type !== 'coordination') events.push(ev);
    let acc = 0;
    for (let s = 0; s < e.S; s++) {
      const r = (e.mark[s] as number) / (start[s] as number);
      rel[s]!.push(r);
      acc += Math.log(r);
    }
    index.push(Math.exp(acc / e.S));
    depthMin = Math.min(depthMin, bidDepth(e, focus));
    spreadWin += spread(e, focus);
    if ((t + 1) % 20 === 0) {
      spreadMax = Math.max(spreadMax, spreadWin / 20);
      spreadWin = 0;
    }
  }
  let trough = Infinity;
  let troughTick = 0;
  index.forEach((x, i) => {
    if (x < trough) {
      trough = x;
      troughTick = i;
    }
  });
  const reportEv = events.find((ev) => ev.type === 'scenario' && (ev.phase === 'ended' || ev.phase === 'cancelled'));
  return {
    engine: e,
    index,
    rel,
    trough: trough - 1,
    troughTick,
    fastestDrop: (w: number) => {
      let worst = 0;
      for (let i = w; i < index.length; i++) worst = Math.min(worst, (index[i] as number) / (index[i - w] as number) - 1);
      return worst;
    },
    recovery: (share: number) => {
      const target = 1 - (1 - trough) * (1 - share);
      for (let i = troughTick; i < index.length; i++) if ((index[i] as number) >= target) return i - troughTick;
      return null;
    },
    bidDepthBefore: depthAcc / 200,
    bidDepthMin: depthMin,
    spreadBefore: spreadAcc / 200,
    spreadMax,
    halts: events.filter((ev) => ev.type === 'alert' && /circuit breaker/.test(ev.source)),
    events,
    report: reportEv && reportEv.type === 'scenario' ? reportEv.report : null,
    end: (index[index.length - 1] as number) - 1,
    at: (tick: number, s?: number) => (s === undefined ? (index[Math.min(tick, index.length - 1)] as number) : (rel[s]![Math.min(tick, index.length - 1)] as number)),
  };
}

export function summary(sig: Signature): string {
  const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;
  return [
    `trough ${pct(sig.trough)} at +${sig.troughTick}`,
    `end ${pct(sig.end)}`,
    `fastest 15t ${pct(sig.fastestDrop(15))}, 80t ${pct(sig.fastestDrop(80))}`,
    `recover½ ${sig.recovery(0.5)}`,
    `bid depth ${sig.bidDepthBefore.toFixed(0)} → min ${sig.bidDepthMin.toFixed(0)} (${pct(sig.bidDepthMin / sig.bidDepthBefore)})`,
    `spread ${pct(sig.spreadBefore)} → max ${pct(sig.spreadMax)}`,
    `halts ${sig.halts.length}`,
  ].join(' | ');
}
