/**
 * ScenarioRunner: schedules, runs, lists, cancels and reports crisis scenarios inside the engine.
 *
 * FOR THE SNAPSHOT/RESTORE ENGINEER: everything this runner owns is in `saveState()` (a plain,
 * JSON-able object: scheduled scenarios with each shock's runtime state, report accumulators, the live
 * parameters latencyTicks / dataNoise / adversarialRate / blackSwanRate, the random-shock counter and
 * the state of its RNG stream STREAM.scenario = 6) and comes back with `loadState(s)`. The per-tick
 * multipliers in `Engine.fx` (ShockEffects: typed arrays only) are recomputed at the start of every
 * tick from this state; `Engine.breakers` (Breakers) has its own saveState/loadState.
 *
 * Every change arrives as an Input (`scenario`, `cancelScenario`, `breakers`, `setParam`) applied at
 * a tick boundary, so a replay from seed + inputs reproduces a session with scenarios exactly. Random
 * shocks (difficulty levels' adversarial attacks and black swans) come from the runner's own stream,
 * drawn only while their rate is above zero: the other streams never move.
 *
 * Per tick (`beforeTick`, before the fundamental moves): random shocks may be scheduled; the effects
 * are reset to the base parameters; each scenario that reaches its start begins (its report starts
 * tracking); each shock that reaches its start fires its one-off action (jump, headline, fat finger,
 * venue going dark) and, while active, adds its multipliers and per-tick actions (drift, sell
 * programs, margin calls, contagion); a scenario whose last shock has ended emits its report.
 */
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { DecisionEvent } from '../../src-shared/events';
import type { Input, MarketParam } from '../../src-shared/inputs';
import {
  Scenario,
  resolveSymbols,
  type BreakerConfig,
  type ScenarioReport,
  type ScenarioState,
  type ShockInput,
  type ShockStatus,
} from '../../src-shared/scenario';
import { BUY, SELL } from './book';
import { MOMENTUM, NOISE } from './crowd';
import { DESK_CAPITAL } from './desks';
import type { Engine } from './engine';
import type { Hasher } from './hash';
import { Rng, STREAM } from './rng';
import { ShockEffects, accountFor, marketOrder } from './shocks';

export const SCENARIO_STREAM = STREAM.scenario;
/** ticks per floor minute (rates of random shocks are per floor minute) */
const MINUTE = 1200;
/** decision seqs kept per agent in a report */
const MAX_SEQS = 40;
/** ids of scenarios the runner schedules itself (random shocks) start here */
export const RANDOM_ID_BASE = 1_000_000_000;

interface ShockRun {
  index: number;
  startTick: number;
  /** exclusive */
  endTick: number;
  symbols: number[];
  venueMask: number;
  state: 'queued' | 'active' | 'ended' | 'cancelled';
  /** per target symbol: deleverage reference mark / contagion's previous source mark */
  ref: number[];
  /** per target symbol: margin-call tranches called */
  called: number[];
  /** per target symbol: quantity left to trade (sell programs, margin calls) */
  pending: number[];
  /** fractional carry of sell programs */
  carry: number[];
  source: number;
}

interface AgentTally {
  agent: number;
  buys: number;
  sells: number;
  holds: number;
  decisionSeqs: number[];
}

interface ScenarioRun {
  id: number;
  scenario: Scenario;
  startTick: number;
  endTick: number;
  state: 'queued' | 'active';
  shocks: ShockRun[];
  markStart: number[];
  minRel: number[];
  idxTrough: number;
  troughTick: number;
  recoverTick: number;
  deskStart: number[];
  deskPeak: number[];
  deskMaxDD: number[];
  haltsStart: number;
  agents: AgentTally[];
}

export interface RunnerParams {
  latencyTicks: number;
  dataNoise: number;
  adversarialRate: number;
  blackSwanRate: number;
}

interface RunnerState {
  runs: ScenarioRun[];
  params: RunnerParams;
  randomCount: number;
  rng: number[];
  fx: Record<string, number[] | boolean>;
  watching: boolean;
}

const DEFAULT_PARAMS: RunnerParams = { latencyTicks: 2, dataNoise: 0.0005, adversarialRate: 0, blackSwanRate: 0 };

function venueMaskOf(venues: 'all' | readonly string[]): number {
  if (venues === 'all') return 3;
  let m = 0;
  for (const v of venues) m |= v === 'NOVA' ? 1 : 2;
  return m;
}

export class ScenarioRunner {
  readonly fx: ShockEffects;
  params: RunnerParams = { ...DEFAULT_PARAMS };
  private runs: ScenarioRun[] = [];
  private randomCount = 0;
  private rng: Rng;
  /** true while any scenario is active (decisions are tallied) */
  watching = false;

  constructor(private readonly e: Engine, seed: number) {
    this.fx = new ShockEffects(e.S);
    this.rng = Rng.stream(seed, SCENARIO_STREAM);
  }

  // ---- inputs -----------------------------------------------------------------------------------

  /** Applies a scenario or cancelScenario input (invalid ones are refused with a warning alert). */
  apply(input: Extract<Input, { kind: 'scenario' | 'cancelScenario' }>): void {
    const e = this.e;
    if (input.kind === 'cancelScenario') {
      this.cancel(input.id, input.shock);
      return;
    }
    const start = input.startTick ?? e.tick;
    const refusal = this.check(input.id, start, input.scenario);
    if (refusal) {
      e.emit({ type: 'alert', severity: 'warning', source: 'scenario', message: `scenario "${input.scenario.name}" refused: ${refusal}` });
      return;
    }
    this.schedule(input.id, start, input.scenario);
  }

  /** Why a scenario cannot be scheduled, or null. */
  check(id: number, startTick: number, scenario: Scenario): string | null {
    if (this.runs.some((r) => r.id === id)) return `scenario id ${id} is already in use`;
    if (startTick < this.e.tick) return `start tick ${startTick} is in the past (now ${this.e.tick})`;
    const names = this.e.roster.symbols.map((s) => s.name);
    for (let i = 0; i < scenario.shocks.length; i++) {
      const sh = scenario.shocks[i]!;
      const r = resolveSymbols(sh.targets.symbols, names);
      if (typeof r === 'string') return `shocks.${i}.targets.symbols: ${r}`;
      if (sh.effect.kind === 'contagion') {
        const src = resolveSymbols([sh.effect.source], names);
        if (typeof src === 'string') return `shocks.${i}.effect.source: ${src}`;
      }
    }
    return null;
  }

  private schedule(id: number, startTick: number, scenario: Scenario): void {
    const e = this.e;
    const names = e.roster.symbols.map((s) => s.name);
    const shocks: ShockRun[] = scenario.shocks.map((sh, index) => {
      const symbols = resolveSymbols(sh.targets.symbols, names) as number[];
      const start = startTick + Math.round(sh.start * 20);
      const dur = Math.max(1, Math.round(sh.duration * 20));
      const source = sh.effect.kind === 'contagion' ? (resolveSymbols([sh.effect.source], names) as number[])[0]! : -1;
      return {
        index,
        startTick: start,
        endTick: start + dur,
        symbols,
        venueMask: venueMaskOf(sh.targets.venues),
        state: 'queued',
        ref: symbols.map(() => 0),
        called: symbols.map(() => 0),
        pending: symbols.map(() => 0),
        carry: symbols.map(() => 0),
        source,
      };
    });
    const endTick = shocks.reduce((m, s) => Math.max(m, s.endTick), startTick + 1);
    this.runs.push({
      id,
      scenario,
      startTick,
      endTick,
      state: 'queued',
      shocks,
      markStart: [],
      minRel: [],
      idxTrough: 1,
      troughTick: startTick,
      recoverTick: -1,
      deskStart: [],
      deskPeak: [],
      deskMaxDD: [],
      haltsStart: 0,
      agents: [],
    });
    e.emit({ type: 'scenario', phase: 'queued', scenarioId: id, name: scenario.name, message: `${scenario.name}: ${shocks.length} shock(s) from tick ${startTick} to ${endTick}`, report: null });
  }

  private cancel(id: number, shock: number | null): void {
    const e = this.e;
    const run = this.runs.find((r) => r.id === id);
    if (!run) {
      e.emit({ type: 'alert', severity: 'warning', source: 'scenario', message: `cancel refused: no queued or active scenario ${id}` });
      return;
    }
    if (shock !== null) {
      const sh = run.shocks[shock];
      if (!sh || sh.state === 'ended' || sh.state === 'cancelled') {
        e.emit({ type: 'alert', severity: 'warning', source: 'scenario', message: `cancel refused: scenario ${id} has no pending shock ${shock}` });
        return;
      }
      sh.state = 'cancelled';
      e.emit({ type: 'scenario', phase: 'cancelled', scenarioId: id, name: run.scenario.name, message: `shock ${shock} (${run.scenario.shocks[shock]!.effect.kind}) cancelled`, report: null });
      return;
    }
    for (const sh of run.shocks) if (sh.state === 'queued' || sh.state === 'active') sh.state = 'cancelled';
    this.finish(run, e.tick, true);
  }

  setParam(param: MarketParam, value: number): void {
    switch (param) {
      case 'latencyTicks':
        this.params.latencyTicks = value;
        break;
      case 'dataNoise':
        this.params.dataNoise = value;
        break;
      case 'adversarialRate':
        this.params.adversarialRate = value;
        break;
      case 'blackSwanRate':
        this.params.blackSwanRate = value;
        break;
      case 'mixNoise':
        this.fx.baseMix[0] = value;
        break;
      case 'mixMarketMaker':
        this.fx.baseMix[1] = value;
        break;
      case 'mixMomentum':
        this.fx.baseMix[2] = value;
        break;
      case 'mixValue':
        this.fx.baseMix[3] = value;
        break;
      default:
        break;
    }
  }

  // ---- the tick -----------------------------------------------------------------------------------

  beforeTick(t: number): void {
    const e = this.e;
    if (this.params.adversarialRate > 0 || this.params.blackSwanRate > 0) this.randomShocks(t);
    const fx = this.fx;
    fx.reset();
    let override: BreakerConfig | null = null;
    let overrideId = -1;
    let watching = false;
    if (this.runs.length > 0) {
      for (const run of [...this.runs]) {
        if (t < run.startTick) continue;
        if (run.state === 'queued') this.begin(run, t);
        this.track(run, t);
        let live = false;
        for (const sh of run.shocks) {
          if (sh.state === 'cancelled' || sh.state === 'ended') continue;
          if (t >= sh.endTick) {
            sh.state = 'ended';
            continue;
          }
          live = true;
          if (t < sh.startTick) continue;
          const shock = run.scenario.shocks[sh.index]!;
          if (sh.state === 'queued') {
            sh.state = 'active';
            this.fire(run, sh, t);
          }
          for (const s of sh.symbols) fx.apply(shock.effect, s, sh.venueMask);
          this.perTick(shock.effect, sh, t);
        }
        if (!live && t >= run.endTick) this.finish(run, t, false);
        else {
          watching = true;
          if (run.scenario.breakers) {
            override = run.scenario.breakers;
            overrideId = run.id;
          }
        }
      }
    }
    this.watching = watching;
    e.breakers.setOverride(e, overrideId, override);
    const sv = e.fundamental.symVol;
    for (let s = 0; s < e.S; s++) sv[s] = fx.vol[s] as number;
  }

  private begin(run: ScenarioRun, t: number): void {
    const e = this.e;
    run.state = 'active';
    run.markStart = Array.from(e.mark);
    run.minRel = run.markStart.map(() => 1);
    run.idxTrough = 1;
    run.troughTick = t;
    run.recoverTick = -1;
    run.deskStart = e.desks.info.map((d) => e.desks.deskEquity(e, d.index));
    run.deskPeak = [...run.deskStart];
    run.deskMaxDD = run.deskStart.map(() => 0);
    run.haltsStart = e.desks.halts;
    run.agents = [];
    e.emit({ type: 'scenario', phase: 'started', scenarioId: run.id, name: run.scenario.name, message: `${run.scenario.title ?? run.scenario.name} started`, report: null });
  }

  private index(run: ScenarioRun): number {
    const e = this.e;
    let acc = 0;
    for (let s = 0; s < e.S; s++) acc += Math.log((e.mark[s] as number) / (run.markStart[s] as number));
    return Math.exp(acc / e.S);
  }

  private track(run: ScenarioRun, t: number): void {
    const e = this.e;
    for (let s = 0; s < e.S; s++) {
      const rel = (e.mark[s] as number) / (run.markStart[s] as number);
      if (rel < (run.minRel[s] as number)) run.minRel[s] = rel;
    }
    const idx = this.index(run);
    if (idx < run.idxTrough) {
      run.idxTrough = idx;
      run.troughTick = t;
      run.recoverTick = -1;
    } else if (run.recoverTick < 0 && run.idxTrough < 0.999 && idx >= 1 - (1 - run.idxTrough) / 2) run.recoverTick = t;
    for (let d = 0; d < run.deskStart.length; d++) {
      const eq = e.desks.deskEquity(e, d);
      if (eq > (run.deskPeak[d] as number)) run.deskPeak[d] = eq;
      const dd = 1 - eq / (run.deskPeak[d] as number);
      if (dd > (run.deskMaxDD[d] as number)) run.deskMaxDD[d] = dd;
    }
  }

  private finish(run: ScenarioRun, t: number, cancelled: boolean): void {
    const e = this.e;
    this.runs = this.runs.filter((r) => r !== run);
    if (run.state === 'queued') {
      e.emit({ type: 'scenario', phase: 'cancelled', scenarioId: run.id, name: run.scenario.name, message: `${run.scenario.name} cancelled before it started`, report: null });
      return;
    }
    const report: ScenarioReport = {
      scenarioId: run.id,
      name: run.scenario.name,
      startTick: run.startTick,
      endTick: t,
      cancelled,
      indexTrough: run.idxTrough - 1,
      indexEnd: this.index(run) - 1,
      recoverTicks: run.recoverTick >= 0 ? run.recoverTick - run.troughTick : null,
      perSymbol: e.roster.symbols.map((sym) => ({
        symbol: sym.index,
        name: sym.name,
        peakToTrough: (run.minRel[sym.index] as number) - 1,
        end: (e.mark[sym.index] as number) / (run.markStart[sym.index] as number) - 1,
      })),
      desks: e.desks.info.map((d) => ({
        desk: d.index,
        name: d.name,
        // a desk deployed while the scenario ran (training.deploy) started from its capital
        pnlImpact: e.desks.deskEquity(e, d.index) - (run.deskStart[d.index] ?? DESK_CAPITAL),
        maxDrawdown: run.deskMaxDD[d.index] ?? 0,
      })),
      halts: e.desks.halts - run.haltsStart,
      agents: [...run.agents].sort((a, b) => a.agent - b.agent),
    };
    const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
    e.emit({
      type: 'scenario',
      phase: cancelled ? 'cancelled' : 'ended',
      scenarioId: run.id,
      name: run.scenario.name,
      message: `${run.scenario.name} ${cancelled ? 'cancelled' : 'ended'}: index trough ${pct(report.indexTrough)}, end ${pct(report.indexEnd)}, ${report.halts} halt(s)`,
      report,
    });
  }

  /** One-off action when a shock starts. */
  private fire(run: ScenarioRun, sh: ShockRun, t: number): void {
    const e = this.e;
    const shock = run.scenario.shocks[sh.index]!;
    const k = shock.effect;
    e.emit({ type: 'scenario', phase: 'shock', scenarioId: run.id, name: run.scenario.name, message: `shock ${sh.index} (${shock.label ?? k.kind}) started, until tick ${sh.endTick}`, report: null });
    switch (k.kind) {
      case 'gap':
        if (k.shape === 'jump') for (const s of sh.symbols) e.fundamental.shock(s, Math.log1p(k.move));
        break;
      case 'news': {
        const impact = k.impact ?? k.sentiment * k.strength * 0.006;
        const news = e.news;
        for (const s of sh.symbols) {
          news.pressure[s] = (news.pressure[s] as number) + k.sentiment * k.strength;
          news.sentiment[s] = Math.tanh(news.pressure[s] as number);
          news.lastTick[s] = t;
          news.lastStrength[s] = k.strength;
          e.fundamental.shock(s, Math.log1p(impact));
        }
        e.emit({ type: 'headline', symbol: sh.symbols.length === 1 ? (sh.symbols[0] as number) : null, text: k.headline, sentiment: k.sentiment, strength: k.strength });
        break;
      }
      case 'outage': {
        const venues = [0, 1].filter((v) => sh.venueMask & (1 << v));
        if (k.mode === 'dark') for (const s of sh.symbols) for (const v of venues) this.wipeBook(s, v);
        const syms = sh.symbols.length === e.S ? 'all symbols' : sh.symbols.map((s) => e.symbolName(s)).join(', ');
        const vn = venues.map((v) => e.venueName(v)).join(' and ');
        const secs = ((sh.endTick - sh.startTick) * 0.05).toFixed(2);
        e.emit({
          type: 'alert',
          severity: 'critical',
          source: k.mode === 'dark' ? vn : 'trading halt',
          message: k.mode === 'dark' ? `${vn} down for ${secs} s: ${syms} cannot trade there, resting orders lost` : `trading halt on ${vn} for ${secs} s: ${syms}`,
        });
        break;
      }
      case 'fatFinger':
        if (shock.duration === 0) {
          const side = k.side === 'buy' ? BUY : SELL;
          sh.symbols.forEach((s, j) => {
            const acct = accountFor(e, s, NOISE, run.id + j);
            for (let v = 0; v < 2; v++) if (sh.venueMask & (1 << v)) marketOrder(e, acct, s, v, side, k.qty, k.collar);
          });
        }
        break;
      case 'deleverage':
        sh.symbols.forEach((s, j) => {
          sh.ref[j] = e.mark[s] as number;
        });
        break;
      case 'contagion':
        sh.ref[0] = e.mark[sh.source] as number;
        break;
      default:
        break;
    }
  }

  /** Per-tick action of an active shock. */
  private perTick(k: Scenario['shocks'][number]['effect'], sh: ShockRun, t: number): void {
    const e = this.e;
    const dur = sh.endTick - sh.startTick;
    switch (k.kind) {
      case 'gap':
        if (k.shape === 'linear') for (const s of sh.symbols) e.fundamental.shock(s, Math.log1p(k.move) / dur);
        break;
      case 'fatFinger': {
        if (dur <= 1) break;
        const side = k.side === 'buy' ? BUY : SELL;
        sh.symbols.forEach((s, j) => {
          sh.carry[j] = (sh.carry[j] as number) + k.qty / dur;
          const q = Math.floor(sh.carry[j] as number);
          if (q <= 0) return;
          sh.carry[j] = (sh.carry[j] as number) - q;
          const v = this.pickVenue(sh.venueMask, t + j);
          marketOrder(e, accountFor(e, s, NOISE, sh.index + j), s, v, side, q, k.collar);
        });
        break;
      }
      case 'deleverage': {
        const n = k.tranches;
        const trancheQty = k.exposure / n;
        const rate = trancheQty / k.sellTicks;
        const side = k.side === 'long' ? SELL : BUY;
        sh.symbols.forEach((s, j) => {
          const ref = sh.ref[j] as number;
          const m = e.mark[s] as number;
          const adverse = k.side === 'long' ? 1 - m / ref : m / ref - 1;
          while ((sh.called[j] as number) < n) {
            const c = sh.called[j] as number;
            const level = n === 1 ? k.firstCall : k.firstCall + ((k.lastCall - k.firstCall) * c) / (n - 1);
            if (adverse < level) break;
            sh.called[j] = c + 1;
            sh.pending[j] = (sh.pending[j] as number) + trancheQty;
          }
          const pend = sh.pending[j] as number;
          if (pend <= 0) return;
          const q = Math.max(1, Math.round(Math.min(pend, rate)));
          const v = this.pickVenue(sh.venueMask, t + j);
          const left = marketOrder(e, accountFor(e, s, MOMENTUM, sh.index + j), s, v, side, q, k.collar);
          sh.pending[j] = Math.max(0, pend - (q - left));
        });
        break;
      }
      case 'contagion': {
        const m = e.mark[sh.source] as number;
        const r = Math.log(m / (sh.ref[0] as number));
        sh.ref[0] = m;
        if (r !== 0) for (const s of sh.symbols) if (s !== sh.source) e.fundamental.shock(s, k.beta * r);
        break;
      }
      default:
        break;
    }
  }

  private pickVenue(mask: number, t: number): number {
    if (mask === 1) return 0;
    if (mask === 2) return 1;
    return t & 1;
  }

  /** A venue goes dark: every resting order on that book is lost. */
  private wipeBook(s: number, v: number): void {
    const e = this.e;
    const book = e.books[s * 2 + v]!;
    const ids: number[] = [];
    book.forEachOrder(BUY, (id) => ids.push(id));
    book.forEachOrder(SELL, (id) => ids.push(id));
    for (const id of ids) {
      const owner = e.pool.owner[id] as number;
      e.cancelOrder(id);
      if (owner < e.crowdN) e.crowd.orderDone(owner, id);
    }
  }

  /** Adversarial attacks and black swans at the difficulty's rates (own RNG stream). */
  private randomShocks(t: number): void {
    const e = this.e;
    const rng = this.rng;
    const names = e.roster.symbols.map((s) => s.name);
    const make = (name: string, shocks: ShockInput[]): void => {
      const id = RANDOM_ID_BASE + this.randomCount++;
      this.schedule(id, t, Scenario.parse({ name, description: 'drawn at random by the difficulty level', shocks }));
    };
    if (this.params.adversarialRate > 0 && rng.chance(this.params.adversarialRate / MINUTE)) {
      const sym = names[rng.int(names.length)] as string;
      if (rng.chance(0.5)) {
        make('adversarial-fat-finger', [{ targets: { symbols: [sym] }, effect: { kind: 'fatFinger', side: rng.chance(0.5) ? 'buy' : 'sell', qty: 200 + rng.int(800), collar: 0.05 } }]);
      } else {
        const up = rng.chance(0.5);
        make('adversarial-rumour', [
          { targets: { symbols: [sym] }, effect: { kind: 'news', headline: `Unconfirmed: ${sym} ${up ? 'takeover bid rumoured' : 'accounting irregularities rumoured'}`, sentiment: up ? 0.8 : -0.8, strength: 1, impact: 0 } },
          { duration: 20, targets: { symbols: [sym] }, effect: { kind: 'herding', multiplier: 6 } },
        ]);
      }
    }
    if (this.params.blackSwanRate > 0 && rng.chance(this.params.blackSwanRate / MINUTE)) {
      const move = -(0.03 + 0.07 * rng.next());
      make('black-swan', [
        { effect: { kind: 'gap', move } },
        { duration: 30, effect: { kind: 'liquidity', depth: 0.2, spread: 3, pull: 0.3 } },
        { duration: 30, effect: { kind: 'volatility', multiplier: 3 } },
      ]);
    }
  }

  onDecision(ev: Pick<DecisionEvent, 'agent' | 'seq' | 'trace'>): void {
    const action = ev.trace.final.action;
    for (const run of this.runs) {
      if (run.state !== 'active') continue;
      let tally = run.agents.find((a) => a.agent === ev.agent);
      if (!tally) {
        tally = { agent: ev.agent, buys: 0, sells: 0, holds: 0, decisionSeqs: [] };
        run.agents.push(tally);
      }
      if (action === 'buy') tally.buys++;
      else if (action === 'sell') tally.sells++;
      else tally.holds++;
      if (action !== 'hold' && tally.decisionSeqs.length < MAX_SEQS) tally.decisionSeqs.push(ev.seq);
    }
  }

  // ---- views --------------------------------------------------------------------------------------

  /** Queued and active shocks with their remaining time. */
  list(): ShockStatus[] {
    const t = this.e.tick;
    const out: ShockStatus[] = [];
    for (const run of this.runs) {
      for (const sh of run.shocks) {
        if (sh.state === 'ended' || sh.state === 'cancelled' || t >= sh.endTick) continue;
        const queued = t < sh.startTick;
        const shock = run.scenario.shocks[sh.index]!;
        out.push({
          scenarioId: run.id,
          scenario: run.scenario.name,
          shock: sh.index,
          kind: shock.effect.kind,
          label: shock.label ?? null,
          state: queued ? 'queued' : 'active',
          startTick: sh.startTick,
          endTick: sh.endTick,
          remainingTicks: queued ? sh.startTick - t : sh.endTick - t,
        });
      }
    }
    return out;
  }

  get scheduled(): number {
    return this.runs.length;
  }

  /** Venue outages and trading halts of active shocks, as halts. */
  private outages(t: number): ScenarioState['halts'] {
    const out: ScenarioState['halts'] = [];
    for (const run of this.runs) {
      for (const sh of run.shocks) {
        const shock = run.scenario.shocks[sh.index]!;
        if (shock.effect.kind !== 'outage' || sh.state !== 'active' || t >= sh.endTick) continue;
        for (const s of sh.symbols) {
          for (let v = 0; v < 2; v++) {
            if (sh.venueMask & (1 << v)) out.push({ scope: 'venue', symbol: s, venue: v, untilTick: sh.endTick, reason: `${run.scenario.name}: ${shock.label ?? (shock.effect.mode === 'dark' ? 'venue down' : 'trading halt')}` });
          }
        }
      }
    }
    return out;
  }

  /** Scheduled shocks, halts in force, breaker rules and live parameters (the API's scenario.active). */
  state(): ScenarioState {
    const e = this.e;
    const t = e.tick;
    const mix = this.fx.baseMix;
    return {
      tick: t,
      shocks: this.list(),
      halts: [...e.breakers.halts.filter((h) => h.untilTick > t), ...this.outages(t)],
      breakers: e.breakers.config,
      breakersFrom: e.breakers.overrideId,
      params: {
        volatility: e.fundamental.volMult,
        liquidity: e.liquidity,
        newsRate: e.news.rateMult,
        feeBps: e.takerFeeBps,
        latencyTicks: this.params.latencyTicks,
        dataNoise: this.params.dataNoise,
        crowdMix: { noise: mix[0] as number, marketMaker: mix[1] as number, momentum: mix[2] as number, value: mix[3] as number },
        adversarialRate: this.params.adversarialRate,
        blackSwanRate: this.params.blackSwanRate,
      },
    };
  }

  // ---- snapshot / hash ------------------------------------------------------------------------------

  saveState(): unknown {
    const st: RunnerState = {
      runs: structuredClone(this.runs),
      params: { ...this.params },
      randomCount: this.randomCount,
      rng: [...this.rng.state()],
      fx: this.fx.save(),
      watching: this.watching,
    };
    return st;
  }

  loadState(state: unknown): void {
    const st = state as RunnerState;
    if (!st || !Array.isArray(st.runs) || !Array.isArray(st.rng)) throw new Error('ScenarioRunner.loadState: not a runner state');
    this.runs = structuredClone(st.runs).map((r) => ({ ...r, scenario: Scenario.parse(r.scenario) }));
    this.params = { ...DEFAULT_PARAMS, ...st.params };
    this.randomCount = st.randomCount;
    this.rng = new Rng(xoroshiro128plusFromState(st.rng));
    this.fx.load(st.fx);
    this.watching = st.watching;
  }

  hash(h: Hasher): void {
    h.str(JSON.stringify(this.runs)).str(JSON.stringify(this.params)).int(this.randomCount).arr(this.rng.state()).int(this.watching ? 1 : 0);
    this.fx.hash(h);
  }
}
