import { describe, expect, it } from 'vitest';
import { defaultSessionConfig } from '../../src-shared/config';
import { allocFrame } from '../../src-shared/frame';
import type { DecisionEvent, DecisionTrace } from '../../src-shared/events';
import { Engine } from '../../src-workers/sim/engine';
import { consensus, resolve, targetWeights, type Prop } from '../../src-workers/sim/desks';
import { fmt, sentenceFromTrace } from '../../src-workers/sim/reasoning';

type Decision = Omit<DecisionEvent, 'sessionId'>;

function collect(seed: number, ticks: number, crowd = 800): { e: Engine; decisions: Decision[]; all: ReturnType<Engine['drainEvents']> } {
  const e = new Engine(defaultSessionConfig({ seed, crowd }));
  const all: ReturnType<Engine['drainEvents']> = [];
  for (let t = 0; t < ticks; t++) {
    e.step();
    all.push(...e.drainEvents());
  }
  return { e, decisions: all.filter((x): x is Decision => x.type === 'decision'), all };
}

/** Every number a trace holds, as the sentence would print it (confidences also as percentages). */
function traceNumbers(t: DecisionTrace): Set<string> {
  const out = new Set<string>();
  const walk = (v: unknown, key: string): void => {
    if (typeof v === 'number') {
      out.add(fmt(v));
      if (key === 'confidence') out.add(fmt(v * 100));
    } else if (Array.isArray(v)) v.forEach((x) => walk(x, key));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk(t, '');
  return out;
}

function traceStrings(t: DecisionTrace): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(t);
  // longest first so that names containing other names are removed whole
  return out.filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
}

describe('desk decisions and their reasoning', () => {
  const { e, decisions, all } = collect(21, 2500);

  it('every desk member gets a decision with a full trace each cycle, and the desk a coordination event', () => {
    const coord = all.filter((x) => x.type === 'coordination');
    expect(coord.length).toBeGreaterThanOrEqual(5 * 240);
    const cycles = decisions.filter((d) => d.trace.consensus);
    expect(cycles.length).toBe(coord.length * 5);
    for (const d of cycles.slice(0, 200)) {
      const c = d.trace.consensus!;
      expect(c.votes).toHaveLength(5);
      expect(c.votes.map((v) => v.agent)).toEqual([0, 1, 2, 3, 4].map((r) => d.desk * 5 + r));
      // my own vote is my proposal
      const mine = c.votes.find((v) => v.agent === d.agent)!;
      expect(mine.action).toBe(d.trace.proposal.action);
      expect(d.trace.inputs.role).toBe(d.role);
      expect(d.trace.inputs.desk).toBe(e.roster.desks[d.desk]!.name);
    }
    // all three consensus methods and several conflict resolutions occur on a default floor
    expect(new Set(coord.map((c) => c.type === 'coordination' && c.method))).toEqual(new Set(['majority', 'confidenceWeighted', 'unanimous']));
    const resolutions = new Set(coord.map((c) => (c.type === 'coordination' ? (c.resolution ?? '').split(' (')[0] : '')));
    for (const r of ['highest confidence', 'conservative bias', 'risk-manager override', 'weighted average']) expect(resolutions).toContain(r);
    // desks do trade: some decisions end in an order
    expect(decisions.some((d) => d.trace.final.action !== 'hold' && d.trace.consensus)).toBe(true);
  });

  it('sentences never claim anything the trace does not hold', () => {
    expect(decisions.length).toBeGreaterThan(1000);
    const problems: string[] = [];
    const check = (ok: boolean, what: string, s: string): void => {
      if (!ok) problems.push(`${what}: ${s}`);
    };
    for (const d of decisions) {
      const t = d.trace;
      const s = d.sentence;
      check(s === sentenceFromTrace(t), 'not built from the trace', s);
      // actions: the first is the proposal, the one after "final:" is the final action
      const words = s.match(/\b(BUY|SELL|HOLD)\b/g) ?? [];
      check(words[0] === t.proposal.action.toUpperCase(), 'proposal action', s);
      check(s.includes(`final: ${t.final.action.toUpperCase()}`), 'final action', s);
      if (t.consensus?.outcome) check(s.includes(`voted ${t.consensus.outcome.toUpperCase()} by ${t.consensus.method}`), 'vote outcome', s);
      if (t.consensus && !t.consensus.outcome) check(s.includes(`${t.consensus.method} vote failed`), 'failed vote', s);
      check(s.includes('overrode') === (t.consensus?.riskOverride === true), 'override claim', s);
      check(/risk vetoed/i.test(s) === (t.risk !== null && !t.risk.approved), 'veto claim', s);
      check(/risk approved/i.test(s) === (t.risk !== null && t.risk.approved), 'approval claim', s);
      check(s.includes(String(t.inputs.symbolName)), 'symbol', s);
      // numbers: strip every string the trace holds (names, reasons…), then each number left must be one of the trace's
      let rest = s;
      for (const str of traceStrings(t)) rest = rest.split(str).join(' ');
      const nums = traceNumbers(t);
      for (const n of rest.match(/-?\d+(\.\d+)?/g) ?? []) check(nums.has(n), `number ${n} not in the trace`, s);
      // words: with the trace's strings and the sentence template removed, nothing is left but punctuation
      const template = /\b(on|proposes|at|confidence|weight|and|The|desk's|desk|voted|by|vote|failed|resolved|to|the|risk|manager|overrode|it|approved|vetoed|Risk|final|BUY|SELL|HOLD)\b/g;
      const leftover = rest.replace(/-?\d+(\.\d+)?/g, ' ').replace(template, ' ').replace(/[\s.,:;()%]+/g, '');
      check(leftover === '', `unexplained words "${leftover}"`, s);
    }
    expect(problems.slice(0, 5)).toEqual([]);
  });

  it('the sentence is a function of the trace alone: change the trace, the sentence changes with it', () => {
    const d = decisions.find((x) => x.trace.proposal.action !== 'hold' && x.trace.signals.length > 0)!;
    const t: DecisionTrace = structuredClone(d.trace);
    const before = sentenceFromTrace(t);
    t.proposal.size = 4321;
    t.signals[0]!.name = 'made-up signal';
    t.signals[0]!.weight = 99;
    const after = sentenceFromTrace(t);
    expect(after).not.toBe(before);
    expect(after).toContain('4321');
    expect(after).toContain('made-up signal');
    const manual: DecisionTrace = {
      inputs: { role: 'NewsTrader', desk: 'Newsroom', symbolName: 'ORCA' },
      signals: [{ name: 'sentiment', value: 0.61, weight: 0.7, vote: 0.61 }],
      proposal: { action: 'buy', symbol: 1, size: 120, confidence: 0.8 },
      risk: { approved: false, reason: 'position limit reached', limits: {} },
      final: { action: 'hold', symbol: 1, size: 0, confidence: 0.8 },
      consensus: { method: 'majority', votes: [], outcome: 'buy', conflict: null, resolution: null, riskOverride: false, decided: 'buy' },
    };
    expect(sentenceFromTrace(manual)).toBe(
      'NewsTrader on Newsroom proposes BUY 120 ORCA at 80% confidence: sentiment 0.61 (weight 0.7). ' +
        'The desk voted BUY by majority; risk vetoed it (position limit reached); final: HOLD.',
    );
  });

  it('agent weights adapt to realised performance, and the votes show the current weights', () => {
    const w0 = [1.4, 1, 0.8, 0.6, 0.8];
    const moved = Array.from(e.desks.weight.subarray(0, 5)).filter((w, r) => Math.abs(w - w0[r]!) > 1e-9).length;
    expect(moved).toBeGreaterThanOrEqual(3);
    for (const w of e.desks.weight) expect(w >= 0.25 && w <= 4).toBe(true);
    const last = [...all].reverse().find((x) => x.type === 'coordination' && x.desk === 0);
    if (last?.type !== 'coordination') throw new Error('no coordination event');
    for (const v of last.votes) expect(v.weight).toBeCloseTo(e.desks.weight[v.agent]!, 3);
    // the scoring rule itself: a proposal that the market proved right gains weight, a wrong one loses it
    const f = new Engine(defaultSessionConfig({ seed: 2, crowd: 0, desks: 1 }));
    const before = f.desks.weight[0]!;
    f.desks.queueEval(0, 0, 0, 0, 1, f.mark[0]!);
    f.desks.queueEval(0, 0, 2, 0, -1, f.mark[0]!);
    const w2 = f.desks.weight[2]!;
    f.mark[0] = f.mark[0]! * 1.01;
    f.desks.evaluate(f, 0, 500);
    expect(f.desks.weight[0]!).toBeGreaterThan(before);
    expect(f.desks.weight[2]!).toBeLessThan(w2);
  });

  it('arbitrage hunters send paired orders when the venues cross by more than fees and latency', () => {
    const arb = decisions.filter((d) => d.role === 'ArbitrageHunter' && !d.trace.consensus);
    const ordersAt = new Map<number, typeof all>();
    for (const x of all) if (x.type === 'order') ordersAt.set(x.tick, [...(ordersAt.get(x.tick) ?? []), x]);
    expect(arb.length).toBeGreaterThan(0);
    for (const d of arb) {
      const net = d.trace.signals[0]!.value;
      expect(net).toBeGreaterThan(0);
      const i = d.trace.inputs;
      expect(Number(i.grossBps) - Number(i.feesBps) - Number(i.latencyBufferBps)).toBeCloseTo(net, 3);
      expect(Number(i.sellPrice)).toBeGreaterThan(Number(i.buyPrice));
      const orders = (ordersAt.get(d.tick) ?? []).filter((x) => x.type === 'order' && x.agent === d.agent && x.symbol === d.trace.proposal.symbol && x.seq < d.seq).slice(-2);
      expect(orders.map((o) => (o.type === 'order' ? `${o.side}@${o.venue}` : ''))).toEqual(
        i.buyVenue === 'NOVA' ? ['buy@0', 'sell@1'] : ['buy@1', 'sell@0'],
      );
    }
  });
});

describe('venues', () => {
  it('the two venues drift apart and arbitrage pulls them together', () => {
    const basis = (arbitrage: boolean): { meanBps: number; crossed: number } => {
      const e = new Engine(defaultSessionConfig({ seed: 9, crowd: 1000 }));
      // halting every desk silences its ArbitrageHunter too
      if (!arbitrage) for (let d = 0; d < 5; d++) e.applyInput({ kind: 'halt', desk: d, halted: true });
      let sum = 0;
      let n = 0;
      let crossed = 0;
      for (let t = 0; t < 2500; t++) {
        e.step();
        e.drainEvents();
        if (t < 300) continue;
        for (let s = 0; s < e.S; s++) {
          sum += Math.abs(Math.log(e.venueMid(s, 0) / e.venueMid(s, 1)));
          n++;
          const [b0, b1] = [e.books[s * 2]!, e.books[s * 2 + 1]!];
          if ((b1.bestAsk() > 0 && b0.bestBid() > b1.bestAsk()) || (b0.bestAsk() > 0 && b1.bestBid() > b0.bestAsk())) crossed++;
        }
      }
      return { meanBps: (sum / n) * 1e4, crossed: crossed / n };
    };
    const free = basis(false);
    const arbed = basis(true);
    expect(free.meanBps).toBeGreaterThan(1);
    expect(arbed.meanBps).toBeLessThan(0.85 * free.meanBps);
    expect(arbed.crossed).toBeLessThan(0.8 * free.crossed);
  });
});

describe('risk management', () => {
  it('a desk pushed past its position limit gets a risk-manager SELL, a VaR alert, and its buys vetoed', () => {
    const e = new Engine(defaultSessionConfig({ seed: 8, crowd: 800, desks: 1, symbols: 1 }));
    for (let t = 0; t < 50; t++) e.step();
    e.drainEvents();
    // the desk's analyst is handed (on credit) a position worth 3× the desk's equity
    const px = e.mark[0]!;
    const qty = Math.floor((3_000_000 / px) | 0);
    e.desks.settle(0, 0, 1, qty, px, 0);
    const evs: ReturnType<Engine['drainEvents']> = [];
    for (let t = 0; t < 40; t++) {
      e.step();
      evs.push(...e.drainEvents());
    }
    const alerts = evs.filter((x) => x.type === 'alert');
    expect(alerts.some((a) => a.type === 'alert' && a.severity === 'warning' && a.message.startsWith('VaR(95)'))).toBe(true);
    const rm = evs.filter((x) => x.type === 'decision' && x.role === 'RiskManager' && x.trace.consensus);
    expect(rm.length).toBeGreaterThan(0);
    const first = rm[0]!;
    if (first.type !== 'decision') throw new Error('unreachable');
    expect(first.trace.proposal.action).toBe('sell');
    expect(first.trace.proposal.confidence).toBeGreaterThanOrEqual(0.75);
    expect(first.trace.final.action).toBe('sell');
    expect(first.trace.risk).toMatchObject({ approved: true, reason: 'reduces exposure' });
    expect(Number(first.trace.inputs.leverage)).toBeGreaterThan(1.5);
    // the desk sold
    expect(e.desks.deskPos(0, 0)).toBeLessThan(qty);
  });

  it('stop-loss acts on the desk net position: a losing net long is closed, offsetting members are left alone', () => {
    const run = (offset: boolean): { alerts: string[]; pos: number } => {
      const e = new Engine(defaultSessionConfig({ seed: 8, crowd: 800, desks: 1, symbols: 1 }));
      for (let t = 0; t < 50; t++) e.step();
      e.drainEvents();
      // bought 300 at 3% over the market: 2.9% under water
      e.desks.settle(0, 0, 1, 300, e.mark[0]! * 1.03, 0);
      if (offset) e.desks.settle(4, 0, -1, 300, e.mark[0]! * 1.03, 0);
      const alerts: string[] = [];
      for (let t = 0; t < 15; t++) {
        e.step();
        for (const ev of e.drainEvents()) if (ev.type === 'alert') alerts.push(ev.message);
      }
      return { alerts, pos: e.desks.deskPos(0, 0) };
    };
    const lone = run(false);
    expect(lone.alerts.some((m) => /^stop-loss: closing 300 BPX at -2\.\d\d%$/.test(m))).toBe(true);
    expect(lone.pos).toBeLessThan(300);
    const hedged = run(true);
    expect(hedged.alerts.filter((m) => m.startsWith('stop-loss'))).toEqual([]);
  });

  it('hitting the drawdown limit halts the desk with a critical alert; its agents show as halted', () => {
    const e = new Engine(defaultSessionConfig({ seed: 8, crowd: 800, desks: 2, symbols: 1 }));
    for (let t = 0; t < 50; t++) e.step();
    e.drainEvents();
    // desk 1's balancer pays 10% of the desk's capital over the market for a position
    const px = e.mark[0]!;
    e.desks.settle(9, 0, 1, 1000, px, 100_000);
    const evs: ReturnType<Engine['drainEvents']> = [];
    for (let t = 0; t < 20; t++) {
      e.step();
      evs.push(...e.drainEvents());
    }
    const crit = evs.filter((x) => x.type === 'alert' && x.severity === 'critical');
    expect(crit).toHaveLength(1);
    expect(crit[0]!.type === 'alert' && crit[0]!.source).toBe('Reversion Desk');
    const f = allocFrame({ symbols: 1, agents: 10, crowd: 800 });
    e.writeFrame(f);
    expect(Array.from(f.agents.halted)).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    expect(e.metrics().floor.halts).toBe(1);
    expect(e.metrics().desks[1]!.halted).toBe(true);
    // while halted, nothing desk 1 decides reaches the market
    const later = evs.filter((x) => x.type === 'order' && x.agent >= 5 && x.tick > crit[0]!.tick);
    expect(later).toHaveLength(0);
  });
});

describe('consensus methods and conflict resolution', () => {
  const P = (action: number, confidence: number): Prop => ({ action, confidence, size: 10, signals: [], inputs: {} });
  const ones = [1, 1, 1, 1, 1];

  it('majority needs more than half of the weight', () => {
    expect(consensus('majority', [P(1, 0.5), P(1, 0.5), P(1, 0.5), P(0, 0.5), P(-1, 0.5)], ones)).toEqual({ outcome: 1, conflict: null });
    expect(consensus('majority', [P(1, 0.5), P(1, 0.5), P(-1, 0.5), P(-1, 0.5), P(0, 0.5)], ones).outcome).toBeNull();
    // weights count: two heavy sellers outvote three light buyers
    expect(consensus('majority', [P(1, 0.5), P(1, 0.5), P(1, 0.5), P(-1, 0.5), P(-1, 0.5)], [0.5, 0.5, 0.5, 2, 2]).outcome).toBe(-1);
  });

  it('confidence-weighted needs a 70% share of weight × confidence', () => {
    // buy share = 0.8·3 / (0.8·3 + 1.0) = 70.6% → passes
    expect(consensus('confidenceWeighted', [P(1, 0.8), P(1, 0.8), P(1, 0.8), P(-1, 0.5), P(-1, 0.5)], ones).outcome).toBe(1);
    const r = consensus('confidenceWeighted', [P(1, 0.7), P(1, 0.7), P(1, 0.7), P(-1, 0.5), P(-1, 0.5)], ones);
    expect(r.outcome).toBeNull();
    expect(r.conflict).toBe('below the 70% threshold (top share 68%)');
  });

  it('unanimous needs every member', () => {
    expect(consensus('unanimous', [P(-1, 0.1), P(-1, 0.9), P(-1, 0.5), P(-1, 0.5), P(-1, 0.5)], ones).outcome).toBe(-1);
    expect(consensus('unanimous', [P(-1, 0.1), P(-1, 0.9), P(-1, 0.5), P(-1, 0.5), P(0, 0.5)], ones)).toEqual({ outcome: null, conflict: 'not unanimous' });
  });

  it('conflict policies: highest confidence, conservative HOLD, risk-manager override, weighted average', () => {
    const props = [P(1, 0.6), P(-1, 0.55), P(1, 0.9), P(-1, 0.3), P(0, 0.4)];
    expect(resolve('highestConfidence', props, ones)).toEqual({ action: 1, label: 'highest confidence (NewsTrader)' });
    expect(resolve('conservative', props, ones).action).toBe(0);
    expect(resolve('riskOverride', props, ones)).toEqual({ action: -1, label: 'risk-manager override' });
    // net = (0.6 − 0.55 + 0.9 − 0.3) / 2.75 = 0.236 → below 0.25 → HOLD; doubling the first agent's weight tips it
    expect(resolve('weightedAverage', props, ones).action).toBe(0);
    expect(resolve('weightedAverage', props, [2, 1, 1, 1, 1]).action).toBe(1);
  });

  it('portfolio methods: equal weight, min variance, risk parity and max Sharpe', () => {
    const cov = new Float64Array([4, 0, 0, 1]);
    const mean = new Float64Array([0.4, -0.1]);
    expect(Array.from(targetWeights('equalWeight', 2, cov, mean))).toEqual([0.5, 0.5]);
    expect(Array.from(targetWeights('minVariance', 2, cov, mean))).toEqual([0.2, 0.8]);
    const rp = targetWeights('riskParity', 2, cov, mean);
    expect(rp[0]).toBeCloseTo(1 / 3, 12);
    expect(Array.from(targetWeights('maxSharpe', 2, cov, mean))).toEqual([1, 0]);
  });
});
