/**
 * Desks of featured agents. Each desk has a strategy personality and five agents, one per role
 * (index = desk × 5 + role, in ROLES order). About every DESK_PERIOD ticks (jittered from the
 * desk's own random stream, so desks do not beat in step with the bars) a desk looks at one symbol
 * (drawn from the same stream): each role proposes (action, size, confidence, with the signals it weighed), the desk
 * applies its consensus method (majority, confidence-weighted with a 70% threshold, or unanimous),
 * resolves a failed vote with its conflict policy (highest confidence, conservative HOLD, risk-manager
 * override, weighted average), lets a confident risk manager override, validates the result against
 * its risk limits, and sends the order (an immediate-or-cancel limit on the better venue). Every
 * member gets a decision event (trace + sentence) and the desk a coordination event.
 * Separately the ArbitrageHunters scan the venues every tick in turn and send paired orders when the
 * cross-venue spread beats fees and a latency buffer. Risk managers enforce stop-loss/take-profit,
 * raise VaR and drawdown alerts and halt their desk when the drawdown limit is hit.
 * Agent weights adapt: each proposal is scored against the move that followed it.
 */
import { ROLES, actionName, type Action, type DeskInfo, type Role } from '../../src-shared/roster';
import type { ConsensusMethod, ConsensusTrace, DecisionTrace, PolicyTrace } from '../../src-shared/events';
import { BUY, SELL } from './book';
import type { Engine } from './engine';
import type { Hasher } from './hash';
import { sentenceFromTrace } from './reasoning';
import { R } from './regime';
import type { Rng } from './rng';

export const DESK_PERIOD = 10;
export const ROLE_COUNT = ROLES.length;
export const DESK_CAPITAL = 1_000_000;
const AGENT_CAPITAL = DESK_CAPITAL / ROLE_COUNT;
/** ticks after which a proposal is scored for weight adaptation */
const EVAL_HORIZON = 200;
const EVAL_CAP = 256;
const WEIGHT_ETA = 0.08;
/** cycles per floor-hour, for scaling Sharpe/Sortino */
const CYCLES_PER_HOUR = 3_600_000 / 50 / DESK_PERIOD;

export const LIMITS = {
  /** |position value| / equity per symbol */
  maxPosition: 0.2,
  /** gross exposure / equity */
  maxLeverage: 1.5,
  /** one-minute VaR(95) / equity */
  varLimit: 0.02,
  /** drawdown from peak equity that halts the desk */
  drawdownLimit: 0.06,
  stopLoss: 0.015,
  takeProfit: 0.03,
} as const;
/** VaR horizon in bars (one floor-minute) */
const VAR_BARS = 120;
const HALT_TICKS = 600;
// arbitrage latency (ticks): the live parameter latencyTicks, ScenarioRunner.params (default 2)
const ARB_MAX_QTY = 60;

export type ConflictPolicy = 'highestConfidence' | 'conservative' | 'riskOverride' | 'weightedAverage';
export type PortfolioMethod = 'equalWeight' | 'minVariance' | 'riskParity' | 'maxSharpe';
type AnalystStyle = 'trend' | 'reversion' | 'blend';

interface Personality {
  name: string;
  personality: string;
  consensus: ConsensusMethod;
  conflict: ConflictPolicy;
  portfolio: PortfolioMethod;
  style: AnalystStyle;
  /** initial weights, ROLES order */
  weights: readonly number[];
  /** base trade size as a fraction of equity */
  sizing: number;
}

export const PERSONALITIES: readonly Personality[] = [
  { name: 'Trend Desk', personality: 'trend follower', consensus: 'majority', conflict: 'highestConfidence', portfolio: 'riskParity', style: 'trend', weights: [1.4, 1, 0.8, 0.6, 0.8], sizing: 0.02 },
  { name: 'Reversion Desk', personality: 'mean reversion', consensus: 'confidenceWeighted', conflict: 'weightedAverage', portfolio: 'minVariance', style: 'reversion', weights: [1.3, 1, 0.6, 1, 0.9], sizing: 0.015 },
  { name: 'Newsroom', personality: 'news-driven', consensus: 'majority', conflict: 'conservative', portfolio: 'equalWeight', style: 'blend', weights: [0.8, 1, 1.6, 0.6, 0.8], sizing: 0.02 },
  { name: 'Arb Desk', personality: 'cross-venue arbitrage', consensus: 'unanimous', conflict: 'riskOverride', portfolio: 'equalWeight', style: 'reversion', weights: [0.8, 1.2, 0.6, 1.6, 0.8], sizing: 0.01 },
  { name: 'Macro Desk', personality: 'balanced macro', consensus: 'confidenceWeighted', conflict: 'riskOverride', portfolio: 'maxSharpe', style: 'blend', weights: [1, 1.2, 1, 0.8, 1.2], sizing: 0.02 },
];

export function deskInfos(n: number): DeskInfo[] {
  const out: DeskInfo[] = [];
  for (let d = 0; d < n; d++) {
    const p = PERSONALITIES[d % PERSONALITIES.length] as Personality;
    const round = Math.floor(d / PERSONALITIES.length);
    out.push({ index: d, name: round === 0 ? p.name : `${p.name} ${round + 1}`, personality: p.personality, consensus: p.consensus });
  }
  return out;
}

export interface Sig {
  name: string;
  value: number;
  weight: number;
  vote: number;
}

export interface Prop {
  action: number;
  size: number;
  confidence: number;
  signals: Sig[];
  inputs: Record<string, number | string>;
  /** a deployed policy's proposal (policy-agents.ts): its trace goes into the decision */
  policy?: PolicyTrace;
}

export interface DeskRisk {
  equity: number;
  gross: number;
  var95: number;
  drawdown: number;
  concentration: number;
  leverage: number;
  correlation: number;
}

const clamp = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);
const r4 = (x: number): number => Math.round(x * 1e4) / 1e4;
const ACTION_OF = (code: number): Action => actionName(code);

/** Online statistics of a return series (Welford) plus drawdown of the equity curve. */
class Perf {
  readonly n: Float64Array;
  readonly mean: Float64Array;
  readonly m2: Float64Array;
  readonly downSq: Float64Array;
  readonly prevEq: Float64Array;
  readonly peak: Float64Array;
  readonly maxDD: Float64Array;
  constructor(
    size: number,
    private readonly capital: number,
  ) {
    this.n = new Float64Array(size);
    this.mean = new Float64Array(size);
    this.m2 = new Float64Array(size);
    this.downSq = new Float64Array(size);
    this.prevEq = new Float64Array(size).fill(capital);
    this.peak = new Float64Array(size).fill(capital);
    this.maxDD = new Float64Array(size);
  }
  add(i: number, eq: number): void {
    const r = (eq - (this.prevEq[i] as number)) / this.capital;
    this.prevEq[i] = eq;
    const n = (this.n[i] as number) + 1;
    this.n[i] = n;
    const d = r - (this.mean[i] as number);
    this.mean[i] = (this.mean[i] as number) + d / n;
    this.m2[i] = (this.m2[i] as number) + d * (r - (this.mean[i] as number));
    if (r < 0) this.downSq[i] = (this.downSq[i] as number) + r * r;
    if (eq > (this.peak[i] as number)) this.peak[i] = eq;
    const dd = ((this.peak[i] as number) - eq) / (this.peak[i] as number);
    if (dd > (this.maxDD[i] as number)) this.maxDD[i] = dd;
  }
  sharpe(i: number): number {
    const n = this.n[i] as number;
    if (n < 2) return 0;
    const sd = Math.sqrt((this.m2[i] as number) / (n - 1));
    return sd > 0 ? ((this.mean[i] as number) / sd) * Math.sqrt(CYCLES_PER_HOUR) : 0;
  }
  sortino(i: number): number {
    const n = this.n[i] as number;
    if (n < 2) return 0;
    const dd = Math.sqrt((this.downSq[i] as number) / n);
    return dd > 0 ? ((this.mean[i] as number) / dd) * Math.sqrt(CYCLES_PER_HOUR) : 0;
  }
  /** more rows (new desks or agents), fresh */
  grow(size: number): void {
    const g = (x: Float64Array, fill: number): Float64Array => {
      const y = new Float64Array(size).fill(fill);
      y.set(x);
      return y;
    };
    Object.assign(this, {
      n: g(this.n, 0),
      mean: g(this.mean, 0),
      m2: g(this.m2, 0),
      downSq: g(this.downSq, 0),
      prevEq: g(this.prevEq, this.capital),
      peak: g(this.peak, this.capital),
      maxDD: g(this.maxDD, 0),
    });
  }
  hash(h: Hasher): void {
    h.arr(this.n).arr(this.mean).arr(this.m2).arr(this.downSq).arr(this.prevEq).arr(this.peak).arr(this.maxDD);
  }
}

export interface AgentMetrics {
  agent: number;
  desk: number;
  role: Role;
  weight: number;
  realisedPnl: number;
  unrealisedPnl: number;
  pnl: number;
  sharpe: number;
  sortino: number;
  maxDrawdown: number;
  winRate: number;
  trades: number;
  turnover: number;
  decisions: number;
}

export interface DeskMetrics {
  desk: number;
  name: string;
  equity: number;
  pnl: number;
  realisedPnl: number;
  unrealisedPnl: number;
  sharpe: number;
  sortino: number;
  maxDrawdown: number;
  winRate: number;
  trades: number;
  turnover: number;
  halted: boolean;
  var95: number;
  leverage: number;
  /** mean wall-clock time of one desk decision cycle, microseconds (not part of the state) */
  decisionLatencyUs: number;
  /** equity returns behind sharpe and sortino (one per decision cycle): few samples, noisy ratios */
  returnSamples: number;
}

export class Desks {
  readonly D: number;
  readonly A: number;
  readonly S: number;
  readonly info: DeskInfo[];
  readonly pers: Personality[];
  // agents
  readonly pos: Float64Array;
  readonly avg: Float64Array;
  readonly cash: Float64Array;
  readonly realised: Float64Array;
  readonly fees: Float64Array;
  readonly trades: Float64Array;
  readonly wins: Float64Array;
  readonly closes: Float64Array;
  readonly turnover: Float64Array;
  readonly action: Int8Array;
  readonly conf: Float32Array;
  readonly weight: Float64Array;
  readonly decisions: Float64Array;
  // desks: net position and its average cost per symbol (D × S)
  readonly dPos: Float64Array;
  readonly dAvg: Float64Array;
  readonly inputHalt: Uint8Array;
  readonly haltUntil: Int32Array;
  readonly cycle: Int32Array;
  /** tick of each desk's next decision cycle */
  readonly nextCycle: Int32Array;
  /** each desk's persistent valuation bias (log) */
  readonly valBias: Float64Array;
  readonly varFlag: Uint8Array;
  /** 1: a deployed policy drives this desk (policy-agents.ts): no rule-based cycle, no arbitrage scan */
  readonly driven: Uint8Array;
  readonly deskPerf: Perf;
  readonly agentPerf: Perf;
  // weight adaptation queue (per desk ring)
  readonly evTick: Int32Array;
  readonly evAgent: Int32Array;
  readonly evSym: Int32Array;
  readonly evSign: Int8Array;
  readonly evPx: Float64Array;
  readonly evHead: Int32Array;
  readonly evLen: Int32Array;
  floorHalt = false;
  signals = 0;
  halts = 0;
  // wall-clock only, never hashed
  private latencySum = new Float64Array(0);
  private latencyN = new Float64Array(0);

  constructor(
    desks: number,
    symbols: number,
    private readonly rngs: Rng[],
  ) {
    this.D = desks;
    this.A = desks * ROLE_COUNT;
    this.S = symbols;
    this.info = deskInfos(desks);
    this.pers = this.info.map((_, d) => PERSONALITIES[d % PERSONALITIES.length] as Personality);
    const A = this.A;
    this.pos = new Float64Array(A * symbols);
    this.avg = new Float64Array(A * symbols);
    this.cash = new Float64Array(A).fill(AGENT_CAPITAL);
    this.realised = new Float64Array(A);
    this.fees = new Float64Array(A);
    this.trades = new Float64Array(A);
    this.wins = new Float64Array(A);
    this.closes = new Float64Array(A);
    this.turnover = new Float64Array(A);
    this.action = new Int8Array(A);
    this.conf = new Float32Array(A);
    this.weight = new Float64Array(A);
    this.decisions = new Float64Array(A);
    for (let a = 0; a < A; a++) this.weight[a] = (this.pers[Math.floor(a / ROLE_COUNT)] as Personality).weights[a % ROLE_COUNT] as number;
    this.dPos = new Float64Array(desks * symbols);
    this.dAvg = new Float64Array(desks * symbols);
    this.inputHalt = new Uint8Array(desks);
    this.haltUntil = new Int32Array(desks);
    this.cycle = new Int32Array(desks);
    this.nextCycle = new Int32Array(desks);
    for (let d = 0; d < desks; d++) this.nextCycle[d] = (rngs[d] as Rng).int(DESK_PERIOD);
    this.valBias = new Float64Array(desks);
    for (let d = 0; d < desks; d++) this.valBias[d] = 0.0005 * (rngs[d] as Rng).normal();
    this.varFlag = new Uint8Array(desks);
    this.driven = new Uint8Array(desks);
    this.deskPerf = new Perf(desks, DESK_CAPITAL);
    this.agentPerf = new Perf(A, AGENT_CAPITAL);
    this.evTick = new Int32Array(desks * EVAL_CAP);
    this.evAgent = new Int32Array(desks * EVAL_CAP);
    this.evSym = new Int32Array(desks * EVAL_CAP);
    this.evSign = new Int8Array(desks * EVAL_CAP);
    this.evPx = new Float64Array(desks * EVAL_CAP);
    this.evHead = new Int32Array(desks);
    this.evLen = new Int32Array(desks);
    this.latencySum = new Float64Array(desks);
    this.latencyN = new Float64Array(desks);
  }

  halted(d: number, tick: number): boolean {
    return this.floorHalt || this.inputHalt[d] === 1 || tick < (this.haltUntil[d] as number);
  }

  // ---- accounting ------------------------------------------------------------------------------

  settle(a: number, s: number, side: number, qty: number, price: number, fee: number): void {
    const k = a * this.S + s;
    const p = this.pos[k] as number;
    const avg = this.avg[k] as number;
    if (p === 0 || Math.sign(p) === side) {
      const ap = Math.abs(p);
      this.avg[k] = (ap * avg + qty * price) / (ap + qty);
    } else {
      const closing = Math.min(qty, Math.abs(p));
      const pnl = closing * (price - avg) * Math.sign(p);
      this.realised[a] = (this.realised[a] as number) + pnl;
      this.closes[a] = (this.closes[a] as number) + 1;
      if (pnl > 0) this.wins[a] = (this.wins[a] as number) + 1;
      if (qty > closing) this.avg[k] = price;
      else if (closing === Math.abs(p)) this.avg[k] = 0;
    }
    this.pos[k] = p + side * qty;
    // the desk's own book (net of its members), for its stop-loss and take-profit
    const dk = Math.floor(a / ROLE_COUNT) * this.S + s;
    const dp = this.dPos[dk] as number;
    if (dp === 0 || Math.sign(dp) === side) this.dAvg[dk] = (Math.abs(dp) * (this.dAvg[dk] as number) + qty * price) / (Math.abs(dp) + qty);
    else if (qty > Math.abs(dp)) this.dAvg[dk] = price;
    else if (qty === Math.abs(dp)) this.dAvg[dk] = 0;
    this.dPos[dk] = dp + side * qty;
    this.cash[a] = (this.cash[a] as number) - side * qty * price - fee;
    this.fees[a] = (this.fees[a] as number) + fee;
    this.trades[a] = (this.trades[a] as number) + 1;
    this.turnover[a] = (this.turnover[a] as number) + (qty * price) / AGENT_CAPITAL;
  }

  agentEquity(e: Engine, a: number): number {
    let eq = this.cash[a] as number;
    for (let s = 0; s < this.S; s++) eq += (this.pos[a * this.S + s] as number) * (e.mark[s] as number);
    return eq;
  }

  agentExposure(e: Engine, a: number): number {
    let x = 0;
    for (let s = 0; s < this.S; s++) x += (this.pos[a * this.S + s] as number) * (e.mark[s] as number);
    return x;
  }

  deskPos(d: number, s: number): number {
    return this.dPos[d * this.S + s] as number;
  }

  deskEquity(e: Engine, d: number): number {
    let eq = 0;
    for (let r = 0; r < ROLE_COUNT; r++) eq += this.agentEquity(e, d * ROLE_COUNT + r);
    return eq;
  }

  /** Desk risk with an optional extra position `dq` in symbol `ds`. */
  deskRisk(e: Engine, d: number, ds = -1, dq = 0): DeskRisk {
    const S = this.S;
    const x = new Float64Array(S);
    let gross = 0;
    let maxAbs = 0;
    for (let s = 0; s < S; s++) {
      const v = (this.deskPos(d, s) + (s === ds ? dq : 0)) * (e.mark[s] as number);
      x[s] = v;
      gross += Math.abs(v);
      if (Math.abs(v) > maxAbs) maxAbs = Math.abs(v);
    }
    const equity = this.deskEquity(e, d);
    let pv = 0;
    let cs = 0;
    const focus = ds >= 0 ? ds : 0;
    for (let i = 0; i < S; i++) {
      for (let j = 0; j < S; j++) pv += (x[i] as number) * (x[j] as number) * (e.cov[i * S + j] as number);
      cs += (x[i] as number) * (e.cov[focus * S + i] as number);
    }
    const sdP = Math.sqrt(pv > 0 ? pv : 0);
    const varF = e.cov[focus * S + focus] as number;
    const correlation = sdP > 0 && varF > 0 ? clamp(cs / (sdP * Math.sqrt(varF)), -1, 1) : 0;
    const var95 = equity > 0 ? (1.645 * sdP * Math.sqrt(VAR_BARS)) / equity : 1;
    const peak = Math.max(this.deskPerf.peak[d] as number, equity);
    return {
      equity,
      gross,
      var95,
      drawdown: peak > 0 ? (peak - equity) / peak : 0,
      concentration: gross > 0 ? maxAbs / gross : 0,
      leverage: equity > 0 ? gross / equity : 0,
      correlation,
    };
  }

  // ---- the tick --------------------------------------------------------------------------------

  step(e: Engine, tick: number): void {
    if (this.D === 0) return;
    // one desk's ArbitrageHunter scans the venues each tick, in turn
    const ad = tick % this.D;
    // not on a policy's desk, nor when a deployed policy has taken over this desk's ArbitrageHunter
    if (!this.halted(ad, tick) && this.driven[ad] === 0 && !(e.policies.replacing && e.policies.drives(ad * ROLE_COUNT + 3))) this.arbitrage(e, ad, tick);
    for (let d = 0; d < this.D; d++) {
      if (tick < (this.nextCycle[d] as number) || this.driven[d] === 1) continue;
      this.nextCycle[d] = tick + DESK_PERIOD / 2 + (this.rngs[d] as Rng).int(DESK_PERIOD + 1);
      const t0 = performance.now();
      this.deskCycle(e, d, tick);
      this.latencySum[d] = (this.latencySum[d] as number) + (performance.now() - t0) * 1000;
      this.latencyN[d] = (this.latencyN[d] as number) + 1;
    }
  }

  private baseQty(e: Engine, d: number, s: number, equity: number): number {
    const px = e.mark[s] as number;
    return Math.max(1, Math.floor(((this.pers[d] as Personality).sizing * Math.max(equity, 0)) / px));
  }

  private deskCycle(e: Engine, d: number, tick: number): void {
    const S = this.S;
    const s = (this.rngs[d] as Rng).int(S);
    this.cycle[d] = (this.cycle[d] as number) + 1;
    const halted = this.halted(d, tick);
    this.evaluate(e, d, tick);
    const risk = this.deskRisk(e, d);
    this.riskDuties(e, d, tick, risk);
    const haltedNow = this.halted(d, tick) || halted;

    const p = this.pers[d] as Personality;
    const base = this.baseQty(e, d, s, risk.equity);
    const props: Prop[] = [
      this.analyst(e, d, s, base),
      this.riskManager(e, d, s, risk),
      this.newsTrader(e, d, s, base, tick),
      this.arbHunter(e, d, s, base),
      this.balancer(e, d, s, risk.equity),
    ];
    const a0 = d * ROLE_COUNT;
    // agents a deployed policy drives propose what the policy wants (the rule-based proposal above still ran: same random draws)
    if (e.policies.replacing) {
      for (let r = 0; r < ROLE_COUNT; r++) {
        const pp = e.policies.propose(e, a0 + r, s);
        if (pp) props[r] = pp;
      }
    }
    for (let r = 0; r < ROLE_COUNT; r++) {
      const pr = props[r] as Prop;
      this.signals += pr.signals.length;
      this.decisions[a0 + r] = (this.decisions[a0 + r] as number) + 1;
      if (pr.action !== 0) this.queueEval(d, tick, a0 + r, s, pr.action, e.mark[s] as number);
    }

    // consensus
    const votes = props.map((pr, r) => ({ agent: a0 + r, action: ACTION_OF(pr.action), confidence: r4(pr.confidence), weight: r4(this.weight[a0 + r] as number) }));
    const { outcome, conflict } = consensus(p.consensus, props, votes.map((v) => v.weight));
    let decided = outcome ?? 0;
    let resolution: string | null = null;
    if (outcome === null) {
      const res = resolve(p.conflict, props, votes.map((v) => v.weight));
      decided = res.action;
      resolution = res.label;
    }
    // a confident risk manager overrides any directional outcome it disagrees with
    const rm = props[1] as Prop;
    let riskOverride = false;
    if (rm.confidence >= 0.75 && rm.action !== 0 && rm.action !== decided) {
      decided = rm.action;
      riskOverride = true;
    }
    // size: weight×confidence average of the agents proposing the decided action
    let size = 0;
    let cSum = 0;
    let wSum = 0;
    let n = 0;
    for (let r = 0; r < ROLE_COUNT; r++) {
      const pr = props[r] as Prop;
      if (pr.action !== decided) continue;
      const w = (this.weight[a0 + r] as number) * pr.confidence;
      size += w * pr.size;
      wSum += w;
      cSum += pr.confidence;
      n++;
    }
    size = riskOverride ? rm.size : wSum > 0 ? Math.round(size / wSum) : 0;
    const confidence = n > 0 ? cSum / n : riskOverride ? rm.confidence : 0.5;
    if (decided === 0) size = 0;

    // risk validation
    let finalAction = decided;
    let finalSize = size;
    let riskTrace: DecisionTrace['risk'] = null;
    if (decided !== 0) {
      const chk = this.riskCheck(e, d, s, decided, size, haltedNow, risk);
      riskTrace = { approved: chk.size > 0, reason: chk.reason, limits: chk.limits };
      finalSize = chk.size;
      if (chk.size <= 0) {
        finalAction = 0;
        finalSize = 0;
      }
    }

    // lead agent: most weight×confidence behind the final action (the risk manager when it overrode)
    let lead = a0 + 1;
    if (!riskOverride) {
      let best = -1;
      for (let r = 0; r < ROLE_COUNT; r++) {
        const pr = props[r] as Prop;
        const sc = pr.action === finalAction ? (this.weight[a0 + r] as number) * pr.confidence : -1;
        if (sc > best) {
          best = sc;
          lead = a0 + r;
        }
      }
    }
    if (finalAction !== 0 && finalSize > 0) this.sendIOC(e, lead, s, finalAction, finalSize);

    const cons: ConsensusTrace = {
      method: p.consensus,
      votes,
      outcome: outcome === null ? null : ACTION_OF(outcome),
      conflict,
      resolution,
      riskOverride,
      decided: ACTION_OF(decided),
    };
    const finalProp = { action: ACTION_OF(finalAction), symbol: s, size: finalSize, confidence: r4(clamp(confidence, 0, 1)) };
    for (let r = 0; r < ROLE_COUNT; r++) {
      const pr = props[r] as Prop;
      const a = a0 + r;
      this.action[a] = pr.action;
      this.conf[a] = pr.confidence;
      const trace: DecisionTrace = {
        inputs: { role: ROLES[r] as string, desk: (this.info[d] as DeskInfo).name, symbolName: e.symbolName(s), ...pr.inputs },
        signals: pr.signals.map((g) => ({ name: g.name, value: r4(g.value), weight: r4(g.weight), vote: r4(clamp(g.vote, -1, 1)) })),
        proposal: { action: ACTION_OF(pr.action), symbol: s, size: pr.size, confidence: r4(clamp(pr.confidence, 0, 1)) },
        risk: riskTrace,
        final: finalProp,
        consensus: cons,
        ...(pr.policy ? { policy: pr.policy } : {}),
      };
      e.emit({ type: 'decision', agent: a, role: ROLES[r] as Role, desk: d, trace, sentence: sentenceFromTrace(trace) });
    }
    e.emit({
      type: 'coordination',
      desk: d,
      symbol: s,
      method: p.consensus,
      votes,
      outcome: ACTION_OF(finalAction),
      conflict,
      resolution,
      riskOverride,
    });
    // equity samples for the performance metrics
    for (let r = 0; r < ROLE_COUNT; r++) this.agentPerf.add(a0 + r, this.agentEquity(e, a0 + r));
    this.deskPerf.add(d, this.deskEquity(e, d));
  }

  private riskCheck(e: Engine, d: number, s: number, side: number, size: number, halted: boolean, risk: DeskRisk): { size: number; reason: string; limits: Record<string, number> } {
    const px = e.mark[s] as number;
    const cur = this.deskPos(d, s);
    const limits: Record<string, number> = {
      maxPosition: LIMITS.maxPosition,
      maxLeverage: LIMITS.maxLeverage,
      varLimit: LIMITS.varLimit,
      var95: r4(risk.var95),
      leverage: r4(risk.leverage),
      drawdown: r4(risk.drawdown),
    };
    if (halted) return { size: 0, reason: 'desk halted', limits };
    if (e.symbolHalted(s)) return { size: 0, reason: 'symbol halted by its circuit breaker', limits };
    const reduces = cur !== 0 && Math.sign(cur) !== side;
    // a trade against the position may take it to flat, not beyond (a flip would be a new risk)
    if (reduces) return { size: Math.min(size, Math.abs(cur)), reason: 'reduces exposure', limits };
    const eq = Math.max(risk.equity, 1);
    const room = Math.floor((LIMITS.maxPosition * eq) / px - Math.abs(cur));
    const levRoom = Math.floor(((LIMITS.maxLeverage * eq - risk.gross) / px));
    let q = Math.min(size, room, levRoom);
    if (q <= 0) return { size: 0, reason: room <= 0 ? 'position limit reached' : 'leverage limit reached', limits };
    const after = this.deskRisk(e, d, s, side * q);
    limits.var95After = r4(after.var95);
    if (after.var95 > LIMITS.varLimit && after.var95 > risk.var95) {
      // shrink to what the VaR budget allows (VaR is linear in a single added position)
      const scale = risk.var95 < LIMITS.varLimit ? (LIMITS.varLimit - risk.var95) / (after.var95 - risk.var95) : 0;
      q = Math.floor(q * clamp(scale, 0, 1));
      if (q <= 0) return { size: 0, reason: 'VaR limit', limits };
      return { size: q, reason: 'resized to the VaR limit', limits };
    }
    return { size: q, reason: q < size ? 'resized to position limits' : 'within limits', limits };
  }

  /** Stop-loss / take-profit, VaR alerts and the drawdown halt. */
  private riskDuties(e: Engine, d: number, tick: number, risk: DeskRisk): void {
    const info = this.info[d] as DeskInfo;
    if (risk.var95 > LIMITS.varLimit && !this.varFlag[d]) {
      this.varFlag[d] = 1;
      e.emit({ type: 'alert', severity: 'warning', source: info.name, message: `VaR(95) ${(risk.var95 * 100).toFixed(2)}% of equity breaches the ${(LIMITS.varLimit * 100).toFixed(0)}% limit` });
    } else if (risk.var95 < 0.8 * LIMITS.varLimit) this.varFlag[d] = 0;
    if (tick >= (this.haltUntil[d] as number) && risk.drawdown > LIMITS.drawdownLimit && !this.floorHalt) {
      this.haltUntil[d] = tick + HALT_TICKS;
      this.halts++;
      // a fresh risk budget after the halt: the drawdown is measured from here
      this.deskPerf.peak[d] = risk.equity;
      e.emit({ type: 'alert', severity: 'critical', source: info.name, message: `drawdown ${(risk.drawdown * 100).toFixed(1)}% hit the ${(LIMITS.drawdownLimit * 100).toFixed(0)}% limit: desk halted for ${HALT_TICKS} ticks` });
    }
    if (this.halted(d, tick)) return;
    // stop-loss and take-profit on the desk's net position (its members' positions can offset)
    for (let s = 0; s < this.S; s++) {
      const k = d * this.S + s;
      const p = this.dPos[k] as number;
      if (p === 0 || e.symbolHalted(s)) continue;
      const ret = ((e.mark[s] as number) / (this.dAvg[k] as number) - 1) * Math.sign(p);
      if (ret < -LIMITS.stopLoss) {
        this.closeDesk(e, d, s, Math.abs(p));
        e.emit({ type: 'alert', severity: 'info', source: info.name, message: `stop-loss: closing ${Math.abs(p)} ${e.symbolName(s)} at ${(ret * 100).toFixed(2)}%` });
      } else if (ret > LIMITS.takeProfit) {
        const q = Math.max(1, Math.floor(Math.abs(p) / 2));
        this.closeDesk(e, d, s, q);
        e.emit({ type: 'alert', severity: 'info', source: info.name, message: `take-profit: taking ${q} ${e.symbolName(s)} off at +${(ret * 100).toFixed(2)}%` });
      }
    }
  }

  /** Reduces the desk's net position by `qty`, through the members holding it (largest first). */
  private closeDesk(e: Engine, d: number, s: number, qty: number): void {
    const p = this.dPos[d * this.S + s] as number;
    const dir = Math.sign(p);
    const order = [0, 1, 2, 3, 4]
      .map((r) => d * ROLE_COUNT + r)
      .filter((a) => Math.sign(this.pos[a * this.S + s] as number) === dir)
      .sort((x, y) => Math.abs(this.pos[y * this.S + s] as number) - Math.abs(this.pos[x * this.S + s] as number) || x - y);
    let left = qty;
    for (const a of order) {
      if (left <= 0) break;
      const q = Math.min(left, Math.abs(this.pos[a * this.S + s] as number));
      this.sendIOC(e, a, s, -dir, q);
      left -= q;
    }
  }


  /** An immediate-or-cancel limit on the venue with the better price, up to 0.1% through the touch. */
  sendIOC(e: Engine, a: number, s: number, side: number, qty: number, venue = -1): void {
    if (qty <= 0) return;
    const b0 = e.books[s * 2]!;
    const b1 = e.books[s * 2 + 1]!;
    let v = venue;
    if (v < 0) {
      if (side === BUY) {
        const x0 = b0.bestAsk();
        const x1 = b1.bestAsk();
        v = x0 === 0 ? 1 : x1 === 0 ? 0 : x1 < x0 ? 1 : 0;
      } else {
        v = b1.bestBid() > b0.bestBid() ? 1 : 0;
      }
    }
    const book = v === 0 ? b0 : b1;
    const touch = side === BUY ? book.bestAsk() : book.bestBid();
    const ts = e.tickSize[s] as number;
    const ref = touch > 0 ? touch : Math.round((e.mark[s] as number) / ts);
    let limit = side === BUY ? Math.ceil(ref * 1.001) : Math.floor(ref * 0.999);
    if (limit < 1) limit = 1;
    e.agentOrder(a, s, v, side, limit, qty);
  }

  // ---- the five roles -------------------------------------------------------------------------

  private analyst(e: Engine, d: number, s: number, base: number): Prop {
    const ind = e.symInd[s]!;
    const regime = e.regimes[s]!;
    const inputs: Record<string, number | string> = { price: r4(e.mark[s] as number), bars: ind.bars };
    if (Number.isNaN(ind.macd.hist) || Number.isNaN(ind.atr.value) || Number.isNaN(ind.dmi.adx) || !(ind.atr.value > 0)) {
      inputs.status = 'warming up';
      return { action: 0, size: 0, confidence: 0.2, signals: [], inputs };
    }
    const style = (this.pers[d] as Personality).style;
    const adxScale = clamp(ind.dmi.adx / 25, 0.4, 1.6);
    const wT = (style === 'trend' ? 0.35 : style === 'reversion' ? 0.1 : 0.25) * adxScale;
    const wR = style === 'trend' ? 0.1 : style === 'reversion' ? 0.35 : 0.25;
    const wG = style === 'trend' ? 0.2 : 0.12;
    const wV = style === 'trend' ? 0.15 : style === 'reversion' ? 0.35 : 0.3;
    // the desk's valuation model: the fundamental value seen through the desk's own bias and a fresh
    // estimation error each cycle (both from the desk's random stream)
    const fair = (e.fundamental.F[s] as number) * Math.exp((this.valBias[d] as number) + e.scenarios.params.dataNoise * (this.rngs[d] as Rng).normal());
    const gapBps = Math.log(fair / (e.mark[s] as number)) * 1e4;
    inputs.fairValue = r4(fair);
    const atr = ind.atr.value;
    const pctB = ind.bb.upper > ind.bb.lower ? (ind.lastClose - ind.bb.lower) / (ind.bb.upper - ind.bb.lower) : 0.5;
    const rg = regime.regime;
    const rv = rg === R.trendingUp || rg === R.breakout ? 1 : rg === R.trendingDown || rg === R.breakdown ? -1 : rg === R.recovery ? 0.5 : 0;
    inputs.regime = regimeName(rg);
    inputs.regimeConfidence = r4(regime.confidence);
    inputs.adx = r4(ind.dmi.adx);
    const signals: Sig[] = [
      { name: 'MACD histogram/ATR', value: ind.macd.hist / atr, weight: wT, vote: Math.tanh((2 * ind.macd.hist) / atr) },
      { name: 'EMA10-EMA50 spread/ATR', value: Number.isNaN(ind.ema50.value) ? 0 : (ind.ema10.value - ind.ema50.value) / atr, weight: Number.isNaN(ind.ema50.value) ? 0 : wT, vote: Number.isNaN(ind.ema50.value) ? 0 : Math.tanh((ind.ema10.value - ind.ema50.value) / atr) },
      { name: 'RSI14', value: ind.rsi.value, weight: wR, vote: clamp((50 - ind.rsi.value) / 25, -1, 1) },
      { name: 'Bollinger %B', value: pctB, weight: wR, vote: clamp((0.5 - pctB) * 2, -1, 1) },
      { name: 'regime', value: regime.confidence, weight: wG, vote: rv * regime.confidence },
      { name: 'valuation gap (bps)', value: gapBps, weight: wV, vote: clamp(gapBps / 15, -1, 1) },
    ];
    return decide(signals, 0.2, base, inputs);
  }

  private riskManager(e: Engine, d: number, s: number, risk: DeskRisk): Prop {
    const pos = this.deskPos(d, s);
    const dir = Math.sign(pos);
    const inputs: Record<string, number | string> = {
      position: pos,
      equity: Math.round(risk.equity),
      var95: r4(risk.var95),
      drawdown: r4(risk.drawdown),
      concentration: r4(risk.concentration),
      leverage: r4(risk.leverage),
      correlation: r4(risk.correlation),
    };
    const varUse = risk.var95 / LIMITS.varLimit;
    const ddUse = risk.drawdown / LIMITS.drawdownLimit;
    const posUse = (Math.abs(pos) * (e.mark[s] as number)) / (LIMITS.maxPosition * Math.max(risk.equity, 1));
    const levUse = risk.leverage / LIMITS.maxLeverage;
    const signals: Sig[] = [
      { name: 'VaR95 / limit', value: varUse, weight: 0.35, vote: -dir * clamp(varUse - 0.6, 0, 1) * 2 },
      { name: 'drawdown / limit', value: ddUse, weight: 0.25, vote: -dir * clamp(ddUse - 0.5, 0, 1) * 2 },
      { name: 'position / limit', value: posUse, weight: 0.2, vote: -dir * clamp(posUse - 0.8, 0, 1) * 5 },
      { name: 'leverage / limit', value: levUse, weight: 0.1, vote: -dir * clamp(levUse - 0.8, 0, 1) * 5 },
      { name: 'correlation with book', value: risk.correlation, weight: 0.1, vote: -dir * clamp(risk.correlation - 0.5, 0, 0.5) * 2 },
    ];
    for (const g of signals) g.vote = clamp(g.vote, -1, 1);
    // a hard breach of a limit: reduce back inside it, confidently enough to override the desk
    const breach = Math.max(varUse, posUse, levUse);
    if (dir !== 0 && breach > 1) {
      inputs.breach = r4(breach);
      const size = Math.max(1, Math.ceil(Math.abs(pos) * (1 - 1 / breach)));
      return { action: -dir, size, confidence: clamp(0.8 + 0.05 * (breach - 1), 0.8, 0.99), signals, inputs };
    }
    let score = 0;
    let wsum = 0;
    for (const g of signals) {
      score += g.weight * g.vote;
      wsum += g.weight;
    }
    score /= wsum;
    if (dir !== 0 && Math.abs(score) > 0.2) {
      const size = Math.max(1, Math.round(Math.abs(pos) * clamp(Math.abs(score), 0, 1)));
      return { action: -dir, size, confidence: clamp(0.5 + Math.abs(score) / 2, 0, 0.99), signals, inputs };
    }
    const usage = Math.max(varUse, ddUse, posUse);
    return { action: 0, size: 0, confidence: clamp(0.35 + 0.3 * usage, 0, 0.7), signals, inputs };
  }

  private newsTrader(e: Engine, d: number, s: number, base: number, tick: number): Prop {
    void d;
    const sent = e.news.sentiment[s] as number;
    const last = e.news.lastTick[s] as number;
    const age = last < 0 ? -1 : tick - last;
    const fresh = last < 0 ? 0 : (e.news.lastStrength[s] as number) * Math.pow(0.5, age / 400);
    const inputs: Record<string, number | string> = { sentiment: r4(sent), headlineAgeTicks: age };
    const signals: Sig[] = [
      { name: 'sentiment', value: sent, weight: 0.7, vote: sent },
      { name: 'headline strength (decayed)', value: fresh, weight: 0.3, vote: Math.sign(sent) * Math.min(1, fresh) },
    ];
    return decide(signals, 0.2, base, inputs);
  }

  private arbHunter(e: Engine, d: number, s: number, base: number): Prop {
    void d;
    const ind = e.symInd[s]!;
    const b0 = e.books[s * 2]!;
    const b1 = e.books[s * 2 + 1]!;
    const mid = e.mark[s] as number;
    const ts = e.tickSize[s] as number;
    const premium = (e.venueMid(s, 1) - e.venueMid(s, 0)) / mid;
    const bidD = b0.depth(BUY, 5) + b1.depth(BUY, 5);
    const askD = b0.depth(SELL, 5) + b1.depth(SELL, 5);
    const imb = bidD + askD > 0 ? (bidD - askD) / (bidD + askD) : 0;
    const atr = ind.atr.value;
    const vw = ind.vwap();
    const dev = atr > 0 && !Number.isNaN(vw) ? (mid - vw) / atr : 0;
    const inputs: Record<string, number | string> = { venuePremiumBps: r4(premium * 1e4), tickSize: ts, bookImbalance: r4(imb) };
    const signals: Sig[] = [
      { name: 'VWAP deviation/ATR', value: dev, weight: 0.7, vote: -Math.tanh(dev / 2) },
      { name: 'order book imbalance', value: imb, weight: 0.3, vote: imb },
    ];
    // its edge is the paired trade; in the desk's directional vote it speaks only on clear dislocations
    return decide(signals, 0.4, base, inputs);
  }

  private balancer(e: Engine, d: number, s: number, equity: number): Prop {
    const S = this.S;
    const method = (this.pers[d] as Personality).portfolio;
    const w = targetWeights(method, S, e.cov, e.meanRet);
    const target = 0.3 * Math.max(equity, 0) * (w[s] as number);
    const px = e.mark[s] as number;
    const cur = this.deskPos(d, s) * px;
    const drift = equity > 0 ? (cur - target) / equity : 0;
    const inputs: Record<string, number | string> = { method, targetWeight: r4(w[s] as number), targetValue: Math.round(target), currentValue: Math.round(cur) };
    const signals: Sig[] = [{ name: 'drift from target', value: drift, weight: 1, vote: clamp(-drift / 0.05, -1, 1) }];
    if (Math.abs(drift) > 0.04) {
      const size = Math.max(1, Math.floor((Math.abs(drift) * equity) / px / 2));
      return { action: drift > 0 ? -1 : 1, size, confidence: clamp(0.3 + Math.abs(drift) * 5, 0, 0.9), signals, inputs };
    }
    return { action: 0, size: 0, confidence: clamp(0.6 - Math.abs(drift) * 10, 0.2, 0.6), signals, inputs };
  }

  // ---- arbitrage -------------------------------------------------------------------------------

  private arbitrage(e: Engine, d: number, tick: number): void {
    void tick;
    const a = d * ROLE_COUNT + 3;
    const fee = e.takerFeeBps * 1e-4;
    for (let s = 0; s < this.S; s++) {
      const b0 = e.books[s * 2]!;
      const b1 = e.books[s * 2 + 1]!;
      const bid0 = b0.bestBid();
      const ask0 = b0.bestAsk();
      const bid1 = b1.bestBid();
      const ask1 = b1.bestAsk();
      if (bid0 === 0 || ask0 === 0 || bid1 === 0 || ask1 === 0 || e.symbolHalted(s)) continue;
      const ts = e.tickSize[s] as number;
      const mid = e.mark[s] as number;
      const latency = 0.5 * Math.sqrt(e.ewVar[s] as number) * Math.sqrt(e.scenarios.params.latencyTicks);
      let buyV = -1;
      let gross = 0;
      if (bid1 > ask0) {
        buyV = 0;
        gross = ((bid1 - ask0) * ts) / mid;
      } else if (bid0 > ask1) {
        buyV = 1;
        gross = ((bid0 - ask1) * ts) / mid;
      }
      if (buyV < 0) continue;
      const net = gross - 2 * fee - latency;
      if (net <= 0) continue;
      const buyBook = buyV === 0 ? b0 : b1;
      const sellBook = buyV === 0 ? b1 : b0;
      const qty = Math.min(ARB_MAX_QTY, buyBook.asks.bestQty(), sellBook.bids.bestQty());
      if (qty < 1) continue;
      const buyPx = buyBook.bestAsk();
      const sellPx = sellBook.bestBid();
      this.signals++;
      this.decisions[a] = (this.decisions[a] as number) + 1;
      e.agentOrder(a, s, buyV, BUY, buyPx, qty);
      e.agentOrder(a, s, 1 - buyV, SELL, sellPx, qty);
      this.action[a] = 1;
      this.conf[a] = clamp(0.5 + net * 1e3, 0, 0.99);
      const trace: DecisionTrace = {
        inputs: {
          role: 'ArbitrageHunter',
          desk: (this.info[d] as DeskInfo).name,
          symbolName: e.symbolName(s),
          buyVenue: e.venueName(buyV),
          sellVenue: e.venueName(1 - buyV),
          buyPrice: r4(buyPx * ts),
          sellPrice: r4(sellPx * ts),
          grossBps: r4(gross * 1e4),
          feesBps: r4(2 * fee * 1e4),
          latencyBufferBps: r4(latency * 1e4),
        },
        signals: [{ name: 'cross-venue spread net of fees and latency (bps)', value: r4(net * 1e4), weight: 1, vote: 1 }],
        proposal: { action: 'buy', symbol: s, size: qty, confidence: r4(this.conf[a] as number) },
        risk: { approved: true, reason: 'paired orders are market-neutral', limits: { maxQty: ARB_MAX_QTY } },
        final: { action: 'buy', symbol: s, size: qty, confidence: r4(this.conf[a] as number) },
        consensus: null,
      };
      e.emit({ type: 'decision', agent: a, role: 'ArbitrageHunter', desk: d, trace, sentence: sentenceFromTrace(trace) });
    }
  }

  // ---- weight adaptation -----------------------------------------------------------------------

  queueEval(d: number, tick: number, a: number, s: number, sign: number, px: number): void {
    let len = this.evLen[d] as number;
    const head = this.evHead[d] as number;
    if (len === EVAL_CAP) {
      // full: drop the oldest
      this.evHead[d] = (head + 1) % EVAL_CAP;
      len--;
    }
    const k = d * EVAL_CAP + (((this.evHead[d] as number) + len) % EVAL_CAP);
    this.evTick[k] = tick;
    this.evAgent[k] = a;
    this.evSym[k] = s;
    this.evSign[k] = sign;
    this.evPx[k] = px;
    this.evLen[d] = len + 1;
  }

  /** Scores matured proposals: weight × exp(η · signed return / typical move), kept in [0.25, 4]. */
  evaluate(e: Engine, d: number, tick: number): void {
    while ((this.evLen[d] as number) > 0) {
      const k = d * EVAL_CAP + (this.evHead[d] as number);
      if (tick - (this.evTick[k] as number) < EVAL_HORIZON) break;
      const s = this.evSym[k] as number;
      const a = this.evAgent[k] as number;
      const r = Math.log((e.mark[s] as number) / (this.evPx[k] as number));
      const typical = Math.sqrt(e.ewVar[s] as number) * Math.sqrt(EVAL_HORIZON) + 1e-9;
      const score = clamp(((this.evSign[k] as number) * r) / typical, -3, 3);
      this.weight[a] = clamp((this.weight[a] as number) * Math.exp(WEIGHT_ETA * score), 0.25, 4);
      this.evHead[d] = ((this.evHead[d] as number) + 1) % EVAL_CAP;
      this.evLen[d] = (this.evLen[d] as number) - 1;
    }
  }

  // ---- metrics ---------------------------------------------------------------------------------

  agentMetrics(e: Engine): AgentMetrics[] {
    const out: AgentMetrics[] = [];
    for (let a = 0; a < this.A; a++) {
      const eq = this.agentEquity(e, a);
      const pnl = eq - AGENT_CAPITAL;
      const realised = (this.realised[a] as number) - (this.fees[a] as number);
      out.push({
        agent: a,
        desk: Math.floor(a / ROLE_COUNT),
        role: ROLES[a % ROLE_COUNT] as Role,
        weight: this.weight[a] as number,
        realisedPnl: realised,
        unrealisedPnl: pnl - realised,
        pnl,
        sharpe: this.agentPerf.sharpe(a),
        sortino: this.agentPerf.sortino(a),
        maxDrawdown: this.agentPerf.maxDD[a] as number,
        winRate: (this.closes[a] as number) > 0 ? (this.wins[a] as number) / (this.closes[a] as number) : 0,
        trades: this.trades[a] as number,
        turnover: this.turnover[a] as number,
        decisions: this.decisions[a] as number,
      });
    }
    return out;
  }

  deskMetrics(e: Engine, tick: number): DeskMetrics[] {
    const agents = this.agentMetrics(e);
    return this.info.map((info, d) => {
      const mine = agents.slice(d * ROLE_COUNT, d * ROLE_COUNT + ROLE_COUNT);
      const sum = (f: (m: AgentMetrics) => number): number => mine.reduce((acc, m) => acc + f(m), 0);
      const closes = this.closes.slice(d * ROLE_COUNT, d * ROLE_COUNT + ROLE_COUNT).reduce((x, y) => x + y, 0);
      const wins = this.wins.slice(d * ROLE_COUNT, d * ROLE_COUNT + ROLE_COUNT).reduce((x, y) => x + y, 0);
      const risk = this.deskRisk(e, d);
      return {
        desk: d,
        name: info.name,
        equity: risk.equity,
        pnl: risk.equity - DESK_CAPITAL,
        realisedPnl: sum((m) => m.realisedPnl),
        unrealisedPnl: sum((m) => m.unrealisedPnl),
        sharpe: this.deskPerf.sharpe(d),
        sortino: this.deskPerf.sortino(d),
        returnSamples: this.deskPerf.n[d] as number,
        maxDrawdown: this.deskPerf.maxDD[d] as number,
        winRate: closes > 0 ? wins / closes : 0,
        trades: sum((m) => m.trades),
        turnover: sum((m) => m.turnover) / ROLE_COUNT,
        halted: this.halted(d, tick),
        var95: risk.var95,
        leverage: risk.leverage,
        decisionLatencyUs: (this.latencyN[d] as number) > 0 ? (this.latencySum[d] as number) / (this.latencyN[d] as number) : 0,
      };
    });
  }

  /**
   * Adds one desk (five agent accounts, index D) for a deployed policy to drive: it runs no
   * rule-based cycle and no arbitrage scan, and draws nothing from the desks' random streams, so the
   * other desks see the same draws. Agent indices of the existing desks do not move.
   */
  addDesk(name: string, personality: string): number {
    const d = this.D;
    const D = d + 1;
    const A = D * ROLE_COUNT;
    const S = this.S;
    type Arr = Float64Array | Float32Array | Int32Array | Int8Array | Uint8Array;
    const grow = <T extends Arr>(x: T, n: number, fill = 0): T => {
      const y = new (x.constructor as new (n: number) => T)(n);
      y.set(x as unknown as ArrayLike<number>);
      if (fill !== 0) y.fill(fill, x.length);
      return y;
    };
    const weight = grow(this.weight, A, 1);
    Object.assign(this, {
      D,
      A,
      pos: grow(this.pos, A * S),
      avg: grow(this.avg, A * S),
      cash: grow(this.cash, A, AGENT_CAPITAL),
      realised: grow(this.realised, A),
      fees: grow(this.fees, A),
      trades: grow(this.trades, A),
      wins: grow(this.wins, A),
      closes: grow(this.closes, A),
      turnover: grow(this.turnover, A),
      action: grow(this.action, A),
      conf: grow(this.conf, A),
      weight,
      decisions: grow(this.decisions, A),
      dPos: grow(this.dPos, D * S),
      dAvg: grow(this.dAvg, D * S),
      inputHalt: grow(this.inputHalt, D),
      haltUntil: grow(this.haltUntil, D),
      cycle: grow(this.cycle, D),
      nextCycle: grow(this.nextCycle, D, 0x7fffffff),
      valBias: grow(this.valBias, D),
      varFlag: grow(this.varFlag, D),
      driven: grow(this.driven, D, 1),
      evTick: grow(this.evTick, D * EVAL_CAP),
      evAgent: grow(this.evAgent, D * EVAL_CAP),
      evSym: grow(this.evSym, D * EVAL_CAP),
      evSign: grow(this.evSign, D * EVAL_CAP),
      evPx: grow(this.evPx, D * EVAL_CAP),
      evHead: grow(this.evHead, D),
      evLen: grow(this.evLen, D),
      latencySum: grow(this.latencySum, D),
      latencyN: grow(this.latencyN, D),
    });
    this.deskPerf.grow(D);
    this.agentPerf.grow(A);
    this.info.push({ index: d, name, personality, consensus: 'majority' });
    this.pers.push({ name, personality, consensus: 'majority', conflict: 'highestConfidence', portfolio: 'equalWeight', style: 'blend', weights: [1, 1, 1, 1, 1], sizing: 0.02 });
    return d;
  }

  hash(h: Hasher): void {
    h.arr(this.pos).arr(this.avg).arr(this.dPos).arr(this.dAvg).arr(this.cash).arr(this.realised).arr(this.fees).arr(this.trades).arr(this.wins).arr(this.closes);
    h.arr(this.turnover).arr(this.action).arr(this.conf).arr(this.weight).arr(this.decisions);
    h.arr(this.inputHalt).arr(this.haltUntil).arr(this.cycle).arr(this.nextCycle).arr(this.valBias).arr(this.varFlag);
    this.deskPerf.hash(h);
    this.agentPerf.hash(h);
    h.arr(this.evTick).arr(this.evAgent).arr(this.evSym).arr(this.evSign).arr(this.evPx).arr(this.evHead).arr(this.evLen);
    h.int(this.floorHalt ? 1 : 0).int(this.signals).int(this.halts);
    for (const r of this.rngs) h.arr(r.state()).num(r.spareValue());
  }
}

function regimeName(i: number): string {
  for (const [k, v] of Object.entries(R)) if (v === i) return k;
  return 'undetermined';
}

/** Weighted vote of signals → action beyond ±threshold, confidence from the score's size. */
function decide(signals: Sig[], threshold: number, base: number, inputs: Record<string, number | string>): Prop {
  let score = 0;
  let wsum = 0;
  for (const g of signals) {
    g.vote = clamp(g.vote, -1, 1);
    score += g.weight * g.vote;
    wsum += g.weight;
  }
  score = wsum > 0 ? score / wsum : 0;
  inputs.score = r4(score);
  if (Math.abs(score) > threshold) {
    const confidence = clamp(0.35 + Math.abs(score), 0, 0.95);
    return { action: score > 0 ? 1 : -1, size: Math.max(1, Math.round(base * confidence)), confidence, signals, inputs };
  }
  return { action: 0, size: 0, confidence: clamp(0.5 - Math.abs(score), 0.1, 0.5), signals, inputs };
}

/** The desk's consensus method: an outcome, or null with the reason the vote failed. */
export function consensus(method: ConsensusMethod, props: readonly Prop[], weights: readonly number[]): { outcome: number | null; conflict: string | null } {
  const tally = [0, 0, 0]; // sell, hold, buy
  let total = 0;
  for (let r = 0; r < props.length; r++) {
    const pr = props[r] as Prop;
    const w = method === 'confidenceWeighted' ? (weights[r] as number) * pr.confidence : (weights[r] as number);
    tally[pr.action + 1] = (tally[pr.action + 1] as number) + w;
    total += w;
  }
  let best = 1;
  for (let k = 0; k < 3; k++) if ((tally[k] as number) > (tally[best] as number)) best = k;
  const share = total > 0 ? (tally[best] as number) / total : 0;
  if (method === 'unanimous') {
    const first = (props[0] as Prop).action;
    return props.every((p) => p.action === first) ? { outcome: first, conflict: null } : { outcome: null, conflict: 'not unanimous' };
  }
  if (method === 'majority') {
    return share > 0.5 ? { outcome: best - 1, conflict: null } : { outcome: null, conflict: `no majority (top share ${Math.round(share * 100)}%)` };
  }
  return share >= 0.7 ? { outcome: best - 1, conflict: null } : { outcome: null, conflict: `below the 70% threshold (top share ${Math.round(share * 100)}%)` };
}

/** Conflict resolution policies. */
export function resolve(policy: ConflictPolicy, props: readonly Prop[], weights: readonly number[]): { action: number; label: string } {
  switch (policy) {
    case 'conservative':
      return { action: 0, label: 'conservative bias (HOLD)' };
    case 'riskOverride':
      return { action: (props[1] as Prop).action, label: 'risk-manager override' };
    case 'highestConfidence': {
      let best = 0;
      for (let r = 1; r < props.length; r++) if ((props[r] as Prop).confidence > (props[best] as Prop).confidence) best = r;
      return { action: (props[best] as Prop).action, label: `highest confidence (${ROLES[best]})` };
    }
    default: {
      let num = 0;
      let den = 0;
      for (let r = 0; r < props.length; r++) {
        const pr = props[r] as Prop;
        const w = (weights[r] as number) * pr.confidence;
        num += w * pr.action;
        den += w;
      }
      const net = den > 0 ? num / den : 0;
      return { action: Math.abs(net) > 0.25 ? Math.sign(net) : 0, label: 'weighted average' };
    }
  }
}

/** Portfolio construction over the EWMA covariance (long-only weights summing to 1). */
export function targetWeights(method: PortfolioMethod, S: number, cov: Float64Array, mean: Float64Array): Float64Array {
  const w = new Float64Array(S);
  let sum = 0;
  for (let s = 0; s < S; s++) {
    const v = cov[s * S + s] as number;
    let x: number;
    if (!(v > 0) || method === 'equalWeight') x = 1;
    else if (method === 'minVariance') x = 1 / v;
    else if (method === 'riskParity') x = 1 / Math.sqrt(v);
    else x = Math.max(0, (mean[s] as number) / v);
    w[s] = x;
    sum += x;
  }
  for (let s = 0; s < S; s++) w[s] = sum > 0 ? (w[s] as number) / sum : 1 / S;
  return w;
}
