import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defaultSessionConfig } from '../../src-shared/config';
import type { EngineEvent } from '../../src-shared/events';
import { Input, type TimedInput } from '../../src-shared/inputs';
import {
  BreakerConfig,
  DIFFICULTIES,
  NO_BREAKERS,
  Scenario,
  describeIssues,
  type ScenarioInput,
} from '../../src-shared/scenario';
import { BUY } from '../../src-workers/sim/book';
import { MOMENTUM } from '../../src-workers/sim/crowd';
import { Engine } from '../../src-workers/sim/engine';
import { restore, snapshot } from '../../src-workers/sim/snapshot';
import { difficultyInputs, engineAtDifficulty } from '../../src-workers/sim/difficulty';

const small = { seed: 3, crowd: 600, desks: 2 } as const;

function engine(over: { seed?: number; crowd?: number; desks?: number; symbols?: number } = {}): Engine {
  return new Engine(defaultSessionConfig({ ...small, ...over }));
}

function run(e: Engine, n: number, sink?: EngineEvent[]): void {
  for (let i = 0; i < n; i++) {
    e.step();
    const evs = e.drainEvents();
    if (sink) for (const ev of evs) sink.push(ev);
  }
}

function scn(doc: Omit<ScenarioInput, 'name'> & { name?: string }): Scenario {
  return Scenario.parse({ name: 'test', ...doc });
}

function inject(e: Engine, s: Scenario, id = 1, startTick: number | null = null): void {
  e.applyInput({ kind: 'scenario', id, startTick, scenario: s });
}

describe('scenario documents: validation', () => {
  it('names the field and the rule it breaks, and parses a valid one with defaults', () => {
    const bad = Scenario.safeParse({
      name: 'Bad Name',
      shocks: [
        { start: 1, duration: -2, effect: { kind: 'gap', move: -0.1 } },
        { effect: { kind: 'deleverage', exposure: 10, firstCall: 0.2, lastCall: 0.1 } },
        { effect: { kind: 'meteor' } },
        { targets: { venues: ['LSE'] }, effect: { kind: 'volatility', multiplier: 2 } },
      ],
    });
    expect(bad.success).toBe(false);
    const msg = describeIssues(bad.error!);
    expect(msg).toMatch(/^name: use lower-case letters, digits and dashes/);
    expect(msg).toContain('shocks.0.duration: must be ≥ 0 seconds');
    expect(msg).toContain('shocks.1.effect.lastCall: lastCall must be ≥ firstCall');
    expect(msg).toMatch(/shocks\.2\.effect\.kind: /);
    expect(msg).toMatch(/shocks\.3\.targets\.venues: /);
    const ok = scn({ shocks: [{ effect: { kind: 'liquidity', depth: 0.5 } }] });
    expect(ok.shocks[0]!.targets).toEqual({ symbols: 'all', venues: 'all' });
    expect(ok.shocks[0]!.effect).toMatchObject({ kind: 'liquidity', depth: 0.5, spread: 1, pull: 0, rate: 1, value: 1, informed: 1 });
    expect(Scenario.safeParse({ name: 'x', shocks: [] }).success).toBe(false);
  });

  it('exports a JSON Schema (zod 4) and docs/SCENARIOS.md carries the current one', async () => {
    const schema = z.toJSONSchema(Scenario, { io: 'input' });
    expect(schema.type).toBe('object');
    const { readFileSync } = await import('node:fs');
    const doc = readFileSync(new URL('../../docs/SCENARIOS.md', import.meta.url), 'utf8');
    const m = /<!-- json-schema:start -->\s*```json\n([\s\S]*?)```\s*<!-- json-schema:end -->/.exec(doc);
    expect(m, 'docs/SCENARIOS.md has the JSON Schema block').not.toBeNull();
    expect(JSON.parse(m![1]!)).toEqual(JSON.parse(JSON.stringify(schema)));
  });

  it('scenario inputs are Inputs: validated at the boundary like the others', () => {
    const s = scn({ shocks: [{ effect: { kind: 'volatility', multiplier: 2 } }] });
    expect(Input.safeParse({ kind: 'scenario', id: 1, startTick: 5, scenario: s }).success).toBe(true);
    expect(Input.safeParse({ kind: 'cancelScenario', id: 1 }).success).toBe(true);
    expect(Input.safeParse({ kind: 'breakers', config: BreakerConfig.parse({}) }).success).toBe(true);
    expect(Input.safeParse({ kind: 'setParam', param: 'latencyTicks', value: 4 }).success).toBe(true);
    expect(Input.safeParse({ kind: 'scenario', id: -1, startTick: 5, scenario: s }).success).toBe(false);
  });
});

describe('the engine refuses what it cannot apply', () => {
  it('an unknown symbol, a start in the past or a reused id: a warning alert, nothing scheduled', () => {
    const e = engine();
    run(e, 20);
    const evs: EngineEvent[] = [];
    inject(e, scn({ shocks: [{ targets: { symbols: ['NOPE'] }, effect: { kind: 'volatility', multiplier: 2 } }] }), 1);
    e.applyInput({ kind: 'scenario', id: 2, startTick: 3, scenario: scn({ shocks: [{ effect: { kind: 'volatility', multiplier: 2 } }] }) });
    inject(e, scn({ shocks: [{ duration: 5, effect: { kind: 'volatility', multiplier: 2 } }] }), 3);
    inject(e, scn({ shocks: [{ effect: { kind: 'volatility', multiplier: 2 } }] }), 3);
    evs.push(...e.drainEvents());
    const alerts = evs.filter((ev) => ev.type === 'alert' && ev.source === 'scenario').map((ev) => (ev.type === 'alert' ? ev.message : ''));
    expect(alerts).toHaveLength(3);
    expect(alerts[0]).toMatch(/unknown symbol "NOPE" \(this session has BPX, ORCA, KITE, LUMA\)/);
    expect(alerts[1]).toMatch(/start tick 3 is in the past \(now 20\)/);
    expect(alerts[2]).toMatch(/scenario id 3 is already in use/);
    expect(e.scenarios.list()).toHaveLength(1);
  });
});

describe('shock kinds act through the engine', () => {
  it('gap: a jump moves the fundamental by exactly the move; linear spreads it over the duration', () => {
    const a = engine();
    const b = engine();
    run(a, 50);
    run(b, 50);
    inject(a, scn({ shocks: [{ targets: { symbols: ['BPX'] }, effect: { kind: 'gap', move: -0.1 } }, { duration: 0.25, targets: { symbols: [1] }, effect: { kind: 'gap', move: 0.05, shape: 'linear' } }] }));
    run(a, 10);
    run(b, 10);
    expect(a.fundamental.F[0]! / b.fundamental.F[0]!).toBeCloseTo(0.9, 10);
    expect(a.fundamental.F[1]! / b.fundamental.F[1]!).toBeCloseTo(1.05, 10);
    expect(a.fundamental.F[2]! / b.fundamental.F[2]!).toBeCloseTo(1, 12);
  });

  it('volatility: multiplies the fundamental volatility while active, overlapping shocks compose', () => {
    const e = engine();
    run(e, 10);
    const base = e.fundamental.vol(0) / e.fundamental.volRatio(0);
    inject(e, scn({ shocks: [{ duration: 1, effect: { kind: 'volatility', multiplier: 2 } }, { start: 0.5, duration: 1, effect: { kind: 'volatility', multiplier: 3 } }] }));
    const mult = (): number => e.fundamental.vol(0) / e.fundamental.volRatio(0) / base;
    run(e, 5);
    expect(mult()).toBeCloseTo(2, 12);
    run(e, 10);
    expect(mult()).toBeCloseTo(6, 12);
    run(e, 10);
    expect(mult()).toBeCloseTo(3, 12);
    run(e, 20);
    expect(mult()).toBeCloseTo(1, 12);
  });

  it('liquidity: market makers quote smaller and wider; pulls empty the touch', () => {
    const a = engine();
    const b = engine();
    run(a, 100);
    run(b, 100);
    inject(a, scn({ shocks: [{ duration: 10, effect: { kind: 'liquidity', depth: 0.1, spread: 4, pull: 0.5 } }] }));
    let spA = 0;
    let spB = 0;
    let dA = 0;
    let dB = 0;
    for (let i = 0; i < 150; i++) {
      a.step();
      b.step();
      a.drainEvents();
      b.drainEvents();
      for (let s = 0; s < 4; s++) {
        for (const [e, acc] of [[a, 0], [b, 1]] as const) {
          const bk = e.books[s * 2]!;
          const sp = bk.bestAsk() > 0 && bk.bestBid() > 0 ? bk.bestAsk() - bk.bestBid() : 0;
          const d = bk.depth(BUY, 5);
          if (acc === 0) {
            spA += sp;
            dA += d;
          } else {
            spB += sp;
            dB += d;
          }
        }
      }
    }
    expect(spA / spB).toBeGreaterThan(2);
    expect(dA / dB).toBeLessThan(0.5);
    expect(a.inspectCrowd(a.crowd.byType[1]![0]!).why).toMatch(/quoting both sides|pulled both quotes|inventory/);
  });

  it('news: a headline event, sentiment pressure on the targets and an information shock', () => {
    const a = engine();
    const b = engine();
    run(a, 30);
    run(b, 30);
    const evs: EngineEvent[] = [];
    inject(a, scn({ shocks: [{ targets: { symbols: ['KITE'] }, effect: { kind: 'news', headline: 'KITE recalls its product', sentiment: -0.8, strength: 1.5 } }] }));
    run(a, 1, evs);
    run(b, 1);
    const hl = evs.find((ev) => ev.type === 'headline');
    expect(hl).toMatchObject({ type: 'headline', symbol: 2, text: 'KITE recalls its product', sentiment: -0.8 });
    expect(a.news.sentiment[2]!).toBeLessThan(b.news.sentiment[2]! - 0.5);
    expect(a.fundamental.F[2]! / b.fundamental.F[2]!).toBeCloseTo(1 - 0.8 * 1.5 * 0.006, 10);
  });

  it('outage: a dark venue loses its orders and trades nothing; the other keeps trading and sets the mark', () => {
    const e = engine();
    run(e, 100);
    const evs: EngineEvent[] = [];
    inject(e, scn({ shocks: [{ duration: 10, targets: { venues: ['NOVA'] }, effect: { kind: 'outage', mode: 'dark' } }] }));
    const novaTrades = e.books.filter((_, b) => b % 2 === 0).map((bk) => bk.trades);
    const arcTrades = e.books.filter((_, b) => b % 2 === 1).map((bk) => bk.trades);
    run(e, 1, evs);
    for (let s = 0; s < 4; s++) expect(e.books[s * 2]!.levels(BUY) + e.books[s * 2]!.levels(-1)).toBe(0);
    run(e, 150, evs);
    e.books.forEach((bk, b) => {
      if (b % 2 === 0) expect(bk.trades).toBe(novaTrades[b >> 1]);
    });
    expect(e.books.filter((_, b) => b % 2 === 1).reduce((acc, bk, s) => acc + bk.trades - arcTrades[s]!, 0)).toBeGreaterThan(50);
    expect(e.symbolHalted(0)).toBe(false);
    expect(evs.some((ev) => ev.type === 'alert' && ev.source === 'NOVA' && /NOVA down for 10\.00 s: all symbols/.test(ev.message))).toBe(true);
    // after it, NOVA fills again
    run(e, 100);
    expect(e.books[0]!.levels(BUY)).toBeGreaterThan(0);
  });

  it('a halt shock on both venues halts the symbol for the desks and the crowd too', () => {
    const e = engine();
    run(e, 50);
    inject(e, scn({ shocks: [{ duration: 5, targets: { symbols: ['ORCA'] }, effect: { kind: 'outage', mode: 'halt' } }] }));
    run(e, 1);
    expect(e.symbolHalted(1)).toBe(true);
    expect(e.symbolHalted(0)).toBe(false);
    // listed as halts in force (scenario.active), one per venue, with the tick they end
    expect(e.scenarios.state().halts.map((h) => [h.scope, h.symbol, h.venue, h.untilTick])).toEqual([
      ['venue', 1, 0, 150],
      ['venue', 1, 1, 150],
    ]);
    const trades = e.books[2]!.trades + e.books[3]!.trades;
    run(e, 90);
    expect(e.books[2]!.trades + e.books[3]!.trades).toBe(trades);
    run(e, 20);
    expect(e.symbolHalted(1)).toBe(false);
  });

  it('fat finger: one huge market order walks the book (bounded by its collar)', () => {
    const e = new Engine(defaultSessionConfig({ ...small }), { allTradeEvents: true });
    run(e, 100);
    const before = e.mark[0]!;
    const vol0 = e.books[0]!.volume;
    inject(e, scn({ shocks: [{ targets: { symbols: [0], venues: ['NOVA'] }, effect: { kind: 'fatFinger', side: 'sell', qty: 5000, collar: 0.02 } }] }));
    const evs: EngineEvent[] = [];
    run(e, 1, evs);
    expect(e.books[0]!.volume - vol0).toBeGreaterThan(100);
    // its fills walk far below the mark it started from, but stay within the collar of the touch
    const fills = evs.filter((ev) => ev.type === 'trade' && ev.symbol === 0 && ev.venue === 0 && ev.side === 'sell').map((ev) => (ev.type === 'trade' ? ev.price : 0));
    const low = Math.min(...fills);
    expect(low / before).toBeLessThan(0.995);
    expect(low / before).toBeGreaterThan(0.975);
  });

  it('contagion: the targets follow the source with its beta', () => {
    const a = engine();
    const b = engine();
    run(a, 50);
    run(b, 50);
    inject(a, scn({ shocks: [{ targets: { symbols: [0] }, effect: { kind: 'gap', move: -0.2 } }, { duration: 10, targets: { symbols: [0, 1] }, effect: { kind: 'contagion', source: 'BPX', beta: 0.5 } }] }));
    run(a, 200);
    run(b, 200);
    const src = Math.log(a.mark[0]! / b.mark[0]!);
    const tgt = Math.log(a.fundamental.F[1]! / b.fundamental.F[1]!);
    expect(src).toBeLessThan(-0.1);
    expect(tgt / src).toBeGreaterThan(0.3);
    expect(tgt / src).toBeLessThan(0.7);
    expect(Math.abs(Math.log(a.fundamental.F[2]! / b.fundamental.F[2]!))).toBeLessThan(1e-9);
  });

  it('deleverage: margin calls fire tranche by tranche as the price falls, forced sales push it further', () => {
    const a = engine();
    const b = engine();
    run(a, 100);
    run(b, 100);
    inject(a, scn({ shocks: [{ targets: { symbols: [0] }, effect: { kind: 'gap', move: -0.03 } }, { duration: 20, targets: { symbols: [0] }, effect: { kind: 'deleverage', exposure: 3000, tranches: 10, firstCall: 0.005, lastCall: 0.05, sellTicks: 10, collar: 0.005 } }] }));
    inject(b, scn({ shocks: [{ targets: { symbols: [0] }, effect: { kind: 'gap', move: -0.03 } }] }));
    run(a, 400);
    run(b, 400);
    let minA = Infinity;
    let minB = Infinity;
    // compare the paths: the cascade takes A lower than the gap alone took B
    for (let i = 1; i < 200; i++) {
      minA = Math.min(minA, a.midAgo(0, i));
      minB = Math.min(minB, b.midAgo(0, i));
    }
    const sellers = Array.from(a.crowd.byType[MOMENTUM]!).filter((i) => a.crowd.sym[i] === 0);
    const forced = sellers.reduce((acc, i) => acc + Math.min(0, a.crowd.pos[i]!), 0);
    expect(forced).toBeLessThan(-1000);
    expect(minA).toBeLessThan(minB);
  });

  it('herding: momentum traders wake (and trade) many times more often', () => {
    const a = engine();
    const b = engine();
    run(a, 100);
    run(b, 100);
    const m0a = Array.from(a.crowd.byType[MOMENTUM]!).reduce((acc, i) => acc + a.crowd.decisionsBy[i]!, 0);
    const m0b = Array.from(b.crowd.byType[MOMENTUM]!).reduce((acc, i) => acc + b.crowd.decisionsBy[i]!, 0);
    inject(a, scn({ shocks: [{ duration: 10, effect: { kind: 'herding', multiplier: 8 } }] }));
    run(a, 200);
    run(b, 200);
    const da = Array.from(a.crowd.byType[MOMENTUM]!).reduce((acc, i) => acc + a.crowd.decisionsBy[i]!, 0) - m0a;
    const db = Array.from(b.crowd.byType[MOMENTUM]!).reduce((acc, i) => acc + b.crowd.decisionsBy[i]!, 0) - m0b;
    expect(da / db).toBeGreaterThan(4);
  });
});

describe('live control: queue, list, cancel, report', () => {
  it('lists queued and active shocks with their remaining time; cancels one shock or a whole scenario', () => {
    const e = engine();
    run(e, 10);
    const evs: EngineEvent[] = [];
    inject(e, scn({ name: 'later', shocks: [{ start: 2, duration: 3, effect: { kind: 'volatility', multiplier: 2 } }, { start: 1, duration: 1, effect: { kind: 'herding', multiplier: 2 } }] }), 7, 30);
    inject(e, scn({ name: 'now', shocks: [{ duration: 10, effect: { kind: 'liquidity', depth: 0.5 } }] }), 8);
    let list = e.scenarios.list();
    expect(list.map((s) => [s.scenario, s.shock, s.state, s.remainingTicks])).toEqual([
      ['later', 0, 'queued', 60],
      ['later', 1, 'queued', 40],
      ['now', 0, 'active', 200],
    ]);
    run(e, 30, evs);
    list = e.scenarios.list();
    expect(list.find((s) => s.scenario === 'now')).toMatchObject({ state: 'active', remainingTicks: 170 });
    expect(list.find((s) => s.scenario === 'later' && s.shock === 0)).toMatchObject({ state: 'queued', remainingTicks: 30 });
    e.applyInput({ kind: 'cancelScenario', id: 7, shock: 0 });
    expect(e.scenarios.list().filter((s) => s.scenarioId === 7).map((s) => s.shock)).toEqual([1]);
    e.applyInput({ kind: 'cancelScenario', id: 8, shock: null });
    e.applyInput({ kind: 'cancelScenario', id: 99, shock: null });
    evs.push(...e.drainEvents());
    expect(e.scenarios.list().map((s) => s.scenarioId)).toEqual([7]);
    const cancelled = evs.filter((ev) => ev.type === 'scenario' && ev.phase === 'cancelled');
    expect(cancelled).toHaveLength(2);
    const whole = cancelled.find((ev) => ev.type === 'scenario' && ev.scenarioId === 8);
    expect(whole && whole.type === 'scenario' && whole.report?.cancelled).toBe(true);
    expect(evs.some((ev) => ev.type === 'alert' && /no queued or active scenario 99/.test(ev.message))).toBe(true);
    run(e, 100, evs);
    expect(e.scenarios.list()).toHaveLength(0);
  });

  it('reports per-desk P&L impact and drawdown, halts, and which agents acted, each by its decision event seq', () => {
    const e = engine({ desks: 3 });
    run(e, 200);
    const evs: EngineEvent[] = [];
    inject(e, scn({ name: 'drop', shocks: [{ duration: 30, effect: { kind: 'gap', move: -0.08, shape: 'linear' } }, { duration: 30, effect: { kind: 'volatility', multiplier: 3 } }] }));
    run(e, 620, evs);
    const end = evs.find((ev) => ev.type === 'scenario' && ev.phase === 'ended');
    expect(end).toBeDefined();
    const r = end!.type === 'scenario' ? end!.report! : null;
    expect(r).not.toBeNull();
    expect(r!.desks).toHaveLength(3);
    expect(r!.indexTrough).toBeLessThan(-0.04);
    for (const d of r!.desks) expect(d.maxDrawdown).toBeGreaterThanOrEqual(0);
    const bySeq = new Map(evs.filter((ev) => ev.type === 'decision').map((ev) => [ev.seq, ev]));
    let linked = 0;
    for (const a of r!.agents) {
      for (const seq of a.decisionSeqs) {
        const ev = bySeq.get(seq);
        expect(ev, `seq ${seq}`).toBeDefined();
        if (ev && ev.type === 'decision') {
          expect(ev.agent).toBe(a.agent);
          expect(ev.trace.final.action).not.toBe('hold');
          expect(ev.tick).toBeGreaterThanOrEqual(r!.startTick);
          linked++;
        }
      }
    }
    expect(linked).toBeGreaterThan(0);
    expect(r!.perSymbol.map((s) => s.name)).toEqual(['BPX', 'ORCA', 'KITE', 'LUMA']);
  });
});

describe('circuit breakers', () => {
  it('market-wide levels halt every symbol once per window; the last level for the rest of the window', () => {
    const e = engine();
    run(e, 50);
    e.applyInput({ kind: 'breakers', config: BreakerConfig.parse({ symbol: { enabled: false }, market: { levels: [0.03, 0.06, 0.1], windowTicks: 4000, haltTicks: 50 } }) });
    const evs: EngineEvent[] = [];
    inject(e, scn({ shocks: [{ duration: 60, effect: { kind: 'gap', move: -0.15, shape: 'linear' } }] }));
    run(e, 1500, evs);
    const alerts = evs.filter((ev) => ev.type === 'alert' && ev.source === 'market-wide circuit breaker').map((ev) => (ev.type === 'alert' ? ev.message : ''));
    expect(alerts.length).toBe(3);
    expect(alerts[0]).toMatch(/^level 1 \(3%\)/);
    expect(alerts[2]).toMatch(/^level 3 \(10%\).*rest of the session window/);
    expect(e.symbolHalted(0)).toBe(true);
    expect(e.breakers.halts.some((h) => h.scope === 'market')).toBe(true);
  });

  it('breakers on one venue only halt that venue; the other keeps trading', () => {
    const e = engine();
    run(e, 50);
    e.applyInput({ kind: 'breakers', config: BreakerConfig.parse({ symbol: { move: 0.02 }, market: { enabled: false }, venues: ['NOVA'] }) });
    const evs: EngineEvent[] = [];
    inject(e, scn({ shocks: [{ targets: { symbols: [0] }, effect: { kind: 'gap', move: -0.06 } }] }));
    run(e, 60, evs);
    expect(evs.some((ev) => ev.type === 'alert' && ev.source === 'circuit breaker' && /BPX/.test(ev.message))).toBe(true);
    expect(e.bookHalted(0, 0)).toBe(true);
    expect(e.bookHalted(0, 1)).toBe(false);
    const nova = e.books[0]!.trades;
    const arc = e.books[1]!.trades;
    run(e, 60);
    expect(e.books[0]!.trades).toBe(nova);
    expect(e.books[1]!.trades).toBeGreaterThan(arc);
  });

  it('a scenario imposes its episode’s rules while it runs, and the floor’s come back after (re-referenced)', () => {
    const e = engine();
    run(e, 50);
    const evs: EngineEvent[] = [];
    inject(e, Scenario.parse({ name: 'no-rules', breakers: NO_BREAKERS, shocks: [{ duration: 10, effect: { kind: 'gap', move: -0.12, shape: 'linear' } }] }));
    run(e, 100, evs);
    expect(e.breakers.overrideId).toBe(1);
    run(e, 400, evs);
    expect(e.breakers.overrideId).toBe(-1);
    expect(evs.filter((ev) => ev.type === 'alert' && /circuit breaker/.test(ev.source))).toHaveLength(0);
  });
});

describe('determinism, replay and snapshots', () => {
  const plan: TimedInput[] = [];

  function scripted(): { e: Engine; hashes: string[]; inputs: TimedInput[] } {
    const e = engine();
    const hashes: string[] = [];
    const inputs: TimedInput[] = [];
    const script: Record<number, Input[]> = {
      40: [{ kind: 'scenario', id: 1, startTick: 60, scenario: Scenario.parse({ name: 'mix', shocks: [{ duration: 5, effect: { kind: 'liquidity', depth: 0.3, pull: 0.4 } }, { start: 1, duration: 4, effect: { kind: 'herding', multiplier: 5 } }, { start: 2, targets: { symbols: [1] }, effect: { kind: 'fatFinger', side: 'buy', qty: 800 } }, { duration: 6, effect: { kind: 'deleverage', exposure: 500 } }] }) }],
      90: [{ kind: 'setParam', param: 'mixMomentum', value: 2 }, { kind: 'setParam', param: 'latencyTicks', value: 6 }],
      150: [{ kind: 'cancelScenario', id: 1, shock: 1 }],
      200: [{ kind: 'setParam', param: 'adversarialRate', value: 30 }, { kind: 'setParam', param: 'blackSwanRate', value: 10 }],
    };
    for (let t = 0; t < 700; t++) {
      for (const inp of script[t] ?? []) e.applyInput(inp);
      e.step();
      for (const ev of e.drainEvents()) if (ev.type === 'input') inputs.push({ tick: ev.tick, input: Input.parse(ev.input) });
      if (t % 50 === 0) hashes.push(e.stateHash());
    }
    hashes.push(e.stateHash());
    return { e, hashes, inputs };
  }

  it('same seed + same scenario inputs at the same ticks ⇒ bit-identical state; a replay of the recorded inputs too', () => {
    const a = scripted();
    const b = scripted();
    expect(b.hashes).toEqual(a.hashes);
    // random shocks were drawn (difficulty rates) from the scenario stream
    expect(a.e.scenarios.saveState()).toMatchObject({ randomCount: expect.any(Number) });
    expect((a.e.scenarios.saveState() as { randomCount: number }).randomCount).toBeGreaterThan(0);
    // replay: only the recorded input events, re-applied at their ticks
    const r = engine();
    let k = 0;
    for (let t = 0; t < 700; t++) {
      while (k < a.inputs.length && a.inputs[k]!.tick === t) r.applyInput(a.inputs[k++]!.input);
      r.step();
      r.drainEvents();
    }
    expect(r.stateHash()).toBe(a.hashes[a.hashes.length - 1]);
    void plan;
  });

  it('without scenario inputs the draws of the other streams do not change (the scenario stream is separate)', () => {
    const a = engine();
    const b = engine();
    run(a, 300);
    b.applyInput({ kind: 'setParam', param: 'latencyTicks', value: 2 });
    run(b, 300);
    expect(Array.from(a.fundamental.F)).toEqual(Array.from(b.fundamental.F));
    expect(a.news.count).toBe(b.news.count);
  });

  it('saveState/loadState: an engine restored mid-scenario continues bit-identically', () => {
    const e = engine();
    run(e, 50);
    inject(e, Scenario.parse({ name: 'snap', breakers: NO_BREAKERS, shocks: [{ duration: 10, effect: { kind: 'deleverage', exposure: 800 } }, { duration: 10, effect: { kind: 'gap', move: -0.05, shape: 'linear' } }, { start: 5, duration: 5, targets: { venues: ['ARC'] }, effect: { kind: 'outage' } }] }));
    e.applyInput({ kind: 'setParam', param: 'adversarialRate', value: 20 });
    run(e, 130);
    const state = JSON.parse(JSON.stringify(e.scenarios.saveState())) as unknown;
    const bytes = snapshot(e);
    const r = restore(bytes, e.config);
    expect(r.stateHash()).toBe(e.stateHash());
    run(e, 200);
    run(r, 200);
    expect(r.stateHash()).toBe(e.stateHash());
    // the runner's own state is plain JSON and loads back
    const f = engine();
    f.scenarios.loadState(state);
    expect(f.scenarios.list().length).toBeGreaterThan(0);
  });
});

describe('difficulty levels', () => {
  it('four levels with the documented numbers, turned into inputs the engine applies', () => {
    expect(Object.values(DIFFICULTIES).map((d) => [d.name, d.volatility, d.dataNoise, d.desks, d.adversarial, d.blackSwans])).toEqual([
      ['beginner', 0.1, 0.05, 2, false, false],
      ['intermediate', 0.3, 0.15, 5, false, false],
      ['expert', 0.5, 0.25, 10, true, false],
      ['master', 0.8, 0.4, 20, true, true],
    ]);
    const e = engine();
    for (const inp of difficultyInputs(DIFFICULTIES.master)) e.applyInput(inp);
    const st = e.scenarios.state();
    expect(st.params.volatility).toBeCloseTo(2.5, 12);
    expect(st.params.dataNoise).toBeCloseTo(0.004, 12);
    expect(st.params.adversarialRate).toBe(0.5);
    expect(st.params.blackSwanRate).toBe(0.1);
    const b = engine();
    for (const inp of difficultyInputs(DIFFICULTIES.beginner)) b.applyInput(inp);
    expect(b.scenarios.state().params).toMatchObject({ volatility: 0.75, dataNoise: 0.0005, adversarialRate: 0, blackSwanRate: 0 });
  });

  it('an engine at a level (what the RL environments use): its desks, and at master random shocks arrive', () => {
    const e = engineAtDifficulty('master', { seed: 2, crowd: 400, symbols: 2 });
    expect(e.desks.D).toBe(20);
    const evs: EngineEvent[] = [];
    run(e, 6000, evs);
    const names = evs.filter((ev) => ev.type === 'scenario' && ev.phase === 'queued').map((ev) => (ev.type === 'scenario' ? ev.name : ''));
    expect(names.length).toBeGreaterThan(0);
    expect(names.some((n) => n.startsWith('adversarial-'))).toBe(true);
    expect(engineAtDifficulty('beginner').desks.D).toBe(2);
  });
});
