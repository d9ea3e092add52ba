/**
 * The five desks as bar-driven strategies. Reused as they are from the engine: the personalities
 * (consensus method, conflict policy, analyst style, role weights, sizing — sim/desks.ts
 * PERSONALITIES), the consensus and conflict-resolution functions (`consensus`, `resolve`), the
 * TA-Lib-checked incremental indicators (sim/indicators.ts) and the regime detector (sim/regime.ts).
 *
 * The five roles' proposals are bar-level versions written here, because the engine's read the live
 * floor (order books on two venues, the fundamental value, the news process, four symbols) that a
 * bar series does not have. Each keeps its role's signals and weights where a bar has the input and
 * substitutes the nearest bar-level input where it has not:
 * - MarketAnalyst: the engine's signals (MACD/ATR, EMA10−EMA50/ATR, RSI, Bollinger %B, regime) with
 *   the style's weights; the valuation gap is measured against a slow EMA(100) of closes instead of
 *   the floor's fundamental value.
 * - RiskManager: VaR(95) over one bar, drawdown, position and concentration against the limits below,
 *   voting to reduce (a breach overrides the desk, as on the floor).
 * - NewsTrader: no headlines in bars — its "sentiment" is the tanh of an EMA of bar-return
 *   surprises (return / realised volatility), its "headline strength" the last surprise, decaying.
 * - ArbitrageHunter: no second venue — deviation from a rolling 20-bar VWAP (in ATRs) and the bar's
 *   close location value (buying pressure inside the bar) stand in for the venue premium and book imbalance.
 * - PortfolioBalancer: one instrument, so every portfolio method gives it weight 1: it pulls the position
 *   towards 30% of equity, as on the floor.
 * The ArbitrageHunter's own trade (on the floor: paired cross-venue orders, outside the desk's vote)
 * becomes a statistical-arbitrage sleeve outside the vote: when the close is more than ARB_ENTRY ATRs
 * from the 20-bar VWAP it fades the move with the base size, and closes when the gap is back within
 * ARB_EXIT ATRs. Every desk runs it, as every desk's hunter arbitrages on the floor; for the Arb Desk
 * (unanimous vote, risk-manager conflict policy: it rarely trades directionally) it is most of its trading.
 * Sizes are fractions of equity: a proposal's base size is the personality's sizing × 10 (the floor
 * spreads a desk over four symbols at ≤ 20% each; here one instrument may take the whole capital).
 * Not carried over: the floor's per-agent weight adaptation, stop-loss/take-profit on the average
 * cost, and the cross-venue arbitrage trade itself. A drawdown beyond the limit flattens the desk and
 * halts it for HALT_BARS bars, like the floor's desk halt.
 * Every indicator update is O(1) per bar (O(20) for the SMA/Bollinger windows).
 */
import { TOURNAMENT_DESK_NAMES, type TournamentDesk } from '../../src-shared/tournament-api';
import { PERSONALITIES, consensus, resolve, type Prop } from '../sim/desks';
import { Ema, IndicatorSet, Window } from '../sim/indicators';
import { R, RegimeDetector } from '../sim/regime';
import type { BarView } from './bars';
import { clamp, type AccountView, type Strategy } from './strategy';

export const DESK_LIMITS = {
  /** |position| / equity */
  maxPosition: 1,
  /** one-bar VaR(95) / equity */
  varLimit: 0.02,
  /** drawdown from the peak that flattens and halts the desk */
  drawdownLimit: 0.15,
} as const;
export const HALT_BARS = 20;
/** a proposal's base size = personality sizing × this (fraction of equity) */
export const SIZE_SCALE = 10;
/** the balancer's target weight (the floor's 0.3 × equity × portfolio weight, one instrument) */
const BALANCE_TARGET = 0.3;
/** the arbitrage sleeve's entry and exit: distance of the close from the 20-bar VWAP, in ATRs */
export const ARB_ENTRY = 2;
export const ARB_EXIT = 0.5;

const SLUG_TO_PERSONALITY: Record<TournamentDesk, number> = { trend: 0, reversion: 1, newsroom: 2, arb: 3, macro: 4 };

type P = (typeof PERSONALITIES)[number];

function prop(): Prop {
  return { action: 0, size: 0, confidence: 0, signals: [], inputs: {} };
}

export class DeskStrategy implements Strategy {
  readonly kind = 'desk' as const;
  readonly name: string;
  readonly ref: string;
  private readonly p: P;
  private readonly ind = new IndicatorSet();
  private readonly regime = new RegimeDetector();
  private readonly fair = new Ema(100);
  private readonly pv = new Window(20);
  private readonly vv = new Window(20);
  private surpriseEma = 0;
  private fresh = 0;
  private haltLeft = 0;
  private peakReset = 0;
  /** the target weight the desk's votes have built, and the arbitrage sleeve's on top of it */
  private core = 0;
  private sleeve = 0;
  private readonly props: Prop[] = [prop(), prop(), prop(), prop(), prop()];
  private readonly weights: number[];
  /** bar index last fed to the indicators (the runner calls decide once per bar, in order) */
  private fed = -1;

  constructor(readonly desk: TournamentDesk) {
    this.p = PERSONALITIES[SLUG_TO_PERSONALITY[desk]]!;
    this.name = TOURNAMENT_DESK_NAMES[desk];
    this.ref = desk;
    this.weights = [...this.p.weights];
  }

  private feed(v: BarView): void {
    if (v.t === this.fed) return;
    this.fed = v.t;
    const o = v.open();
    const h = v.high();
    const l = v.low();
    const c = v.close();
    const vol = v.volume();
    const ind = this.ind;
    const prevClose = ind.lastClose;
    ind.update(o, h, l, c, vol);
    this.regime.update(ind);
    this.fair.update(c);
    this.pv.push(((h + l + c) / 3) * vol);
    this.vv.push(vol);
    if (v.t > 0 && ind.realisedVol > 0) {
      const z = Math.log(c / prevClose) / ind.realisedVol;
      this.surpriseEma += 0.1 * (z - this.surpriseEma);
      this.fresh = Math.max(this.fresh * 0.87, Math.min(3, Math.abs(z)) / 3);
    }
  }

  decide(v: BarView, acct: AccountView): number {
    this.feed(v);
    const w = acct.weight;
    // the floor's desk halt: a drawdown past the limit flattens the desk for HALT_BARS bars, then the
    // drawdown is measured from the equity at the restart
    const dd = this.peakReset > 0 ? Math.max(0, 1 - acct.equity / Math.max(this.peakReset, acct.equity)) : acct.drawdown;
    if (this.peakReset > 0 && acct.equity > this.peakReset) this.peakReset = acct.equity;
    if (this.haltLeft > 0) {
      this.haltLeft--;
      if (this.haltLeft === 0) this.peakReset = acct.equity;
      return 0;
    }
    if (dd > DESK_LIMITS.drawdownLimit) {
      this.haltLeft = HALT_BARS;
      this.core = 0;
      this.sleeve = 0;
      return 0;
    }
    const base = this.p.sizing * SIZE_SCALE;
    this.core = clamp(this.voted(this.core, w, dd, base), -DESK_LIMITS.maxPosition, DESK_LIMITS.maxPosition);
    this.arbSleeve(base);
    return clamp(this.core + this.sleeve, -DESK_LIMITS.maxPosition, DESK_LIMITS.maxPosition);
  }

  /** the desk's vote: the new core weight (the position outside the arbitrage sleeve) */
  private voted(core: number, w: number, dd: number, base: number): number {
    const props = this.props;
    this.analyst(props[0]!, base);
    this.riskManager(props[1]!, w, dd);
    this.newsTrader(props[2]!, base);
    this.arbHunter(props[3]!, base);
    this.balancer(props[4]!, w);

    const { outcome } = consensus(this.p.consensus, props, this.weights);
    let decided = outcome ?? resolve(this.p.conflict, props, this.weights).action;
    const rm = props[1]!;
    let riskOverride = false;
    if (rm.confidence >= 0.75 && rm.action !== 0 && rm.action !== decided) {
      decided = rm.action;
      riskOverride = true;
    }
    if (decided === 0) return core;
    let size = 0;
    let wSum = 0;
    for (let r = 0; r < 5; r++) {
      const pr = props[r]!;
      if (pr.action !== decided) continue;
      const k = this.weights[r]! * pr.confidence;
      size += k * pr.size;
      wSum += k;
    }
    size = riskOverride ? rm.size : wSum > 0 ? size / wSum : 0;
    return core + decided * this.riskCheck(w, decided, size);
  }

  private arbSleeve(base: number): void {
    const dev = this.vwapDeviation();
    if (Number.isNaN(dev)) return;
    if (this.sleeve === 0 && Math.abs(dev) > ARB_ENTRY) this.sleeve = -Math.sign(dev) * base;
    else if (this.sleeve !== 0 && (Math.abs(dev) < ARB_EXIT || Math.sign(dev) === Math.sign(this.sleeve))) this.sleeve = 0;
  }

  /** (close − 20-bar VWAP) / ATR; NaN while warming up */
  private vwapDeviation(): number {
    const atr = this.ind.atr.value;
    const vwap = this.vv.sum > 0 ? this.pv.sum / this.vv.sum : NaN;
    return atr > 0 && !Number.isNaN(vwap) ? (this.ind.lastClose - vwap) / atr : NaN;
  }

  /** the floor's risk validation on one instrument: reductions go at most to flat; additions stay within position and VaR limits */
  private riskCheck(w: number, side: number, size: number): number {
    if (w !== 0 && Math.sign(w) !== side) return Math.min(size, Math.abs(w));
    let q = Math.min(size, DESK_LIMITS.maxPosition - Math.abs(w));
    if (q <= 0) return 0;
    const vol = this.ind.realisedVol;
    if (vol > 0) {
      const after = 1.645 * vol * (Math.abs(w) + q);
      if (after > DESK_LIMITS.varLimit) q = Math.max(0, DESK_LIMITS.varLimit / (1.645 * vol) - Math.abs(w));
    }
    return q;
  }

  private analyst(out: Prop, base: number): void {
    const ind = this.ind;
    const atr = ind.atr.value;
    if (Number.isNaN(ind.macd.hist) || Number.isNaN(atr) || Number.isNaN(ind.dmi.adx) || !(atr > 0)) return hold(out, 0.2);
    const style = this.p.style;
    const adxScale = clamp(ind.dmi.adx / 25, 0.4, 1.6);
    const wT = (style === 'trend' ? 0.35 : style === 'reversion' ? 0.1 : 0.25) * adxScale;
    const wR = style === 'trend' ? 0.1 : style === 'reversion' ? 0.35 : 0.25;
    const wG = style === 'trend' ? 0.2 : 0.12;
    const wV = style === 'trend' ? 0.15 : style === 'reversion' ? 0.35 : 0.3;
    const c = ind.lastClose;
    const pctB = ind.bb.upper > ind.bb.lower ? (c - ind.bb.lower) / (ind.bb.upper - ind.bb.lower) : 0.5;
    const rg = this.regime.regime;
    const rv = rg === R.trendingUp || rg === R.breakout ? 1 : rg === R.trendingDown || rg === R.breakdown ? -1 : rg === R.recovery ? 0.5 : 0;
    const emaOk = !Number.isNaN(ind.ema50.value);
    const fair = this.fair.value;
    const gapAtr = Number.isNaN(fair) ? 0 : (fair - c) / atr;
    let s = 0;
    let ws = 0;
    const add = (weight: number, vote: number): void => {
      s += weight * clamp(vote, -1, 1);
      ws += weight;
    };
    add(wT, Math.tanh((2 * ind.macd.hist) / atr));
    add(emaOk ? wT : 0, emaOk ? Math.tanh((ind.ema10.value - ind.ema50.value) / atr) : 0);
    add(wR, (50 - ind.rsi.value) / 25);
    add(wR, (0.5 - pctB) * 2);
    add(wG, rv * this.regime.confidence);
    add(Number.isNaN(fair) ? 0 : wV, gapAtr / 2);
    decideInto(out, ws > 0 ? s / ws : 0, 0.2, base);
  }

  private riskManager(out: Prop, w: number, dd: number): void {
    const dir = Math.sign(w);
    const vol = this.ind.realisedVol;
    const varUse = vol > 0 ? (1.645 * vol * Math.abs(w)) / DESK_LIMITS.varLimit : 0;
    const ddUse = dd / DESK_LIMITS.drawdownLimit;
    const posUse = Math.abs(w) / DESK_LIMITS.maxPosition;
    // one instrument: the book is fully concentrated and correlated with itself
    const score =
      0.35 * clamp(-dir * clamp(varUse - 0.6, 0, 1) * 2, -1, 1) +
      0.25 * clamp(-dir * clamp(ddUse - 0.5, 0, 1) * 2, -1, 1) +
      0.2 * clamp(-dir * clamp(posUse - 0.8, 0, 1) * 5, -1, 1) +
      0.1 * clamp(-dir * clamp(posUse - 0.8, 0, 1) * 5, -1, 1) +
      0.1 * -dir;
    const breach = Math.max(varUse, posUse);
    if (dir !== 0 && breach > 1) {
      out.action = -dir;
      out.size = Math.abs(w) * (1 - 1 / breach);
      out.confidence = clamp(0.8 + 0.05 * (breach - 1), 0.8, 0.99);
      return;
    }
    if (dir !== 0 && Math.abs(score) > 0.2) {
      out.action = -dir;
      out.size = Math.abs(w) * clamp(Math.abs(score), 0, 1);
      out.confidence = clamp(0.5 + Math.abs(score) / 2, 0, 0.99);
      return;
    }
    hold(out, clamp(0.35 + 0.3 * Math.max(varUse, ddUse, posUse), 0, 0.7));
  }

  private newsTrader(out: Prop, base: number): void {
    const sent = Math.tanh(this.surpriseEma);
    const score = 0.7 * sent + 0.3 * Math.sign(sent) * Math.min(1, this.fresh);
    decideInto(out, score, 0.2, base);
  }

  private arbHunter(out: Prop, base: number): void {
    const ind = this.ind;
    const d = this.vwapDeviation();
    const dev = Number.isNaN(d) ? 0 : d;
    const range = ind.lastHigh - ind.lastLow;
    const clv = range > 0 ? (ind.lastClose - ind.lastLow - (ind.lastHigh - ind.lastClose)) / range : 0;
    decideInto(out, 0.7 * clamp(-Math.tanh(dev / 2), -1, 1) + 0.3 * clv, 0.4, base);
  }

  private balancer(out: Prop, w: number): void {
    const drift = w - BALANCE_TARGET;
    if (Math.abs(drift) > 0.04) {
      out.action = drift > 0 ? -1 : 1;
      out.size = Math.abs(drift) / 2;
      out.confidence = clamp(0.3 + Math.abs(drift) * 5, 0, 0.9);
      return;
    }
    hold(out, clamp(0.6 - Math.abs(drift) * 10, 0.2, 0.6));
  }
}

function hold(out: Prop, confidence: number): void {
  out.action = 0;
  out.size = 0;
  out.confidence = confidence;
}

/** The engine's `decide`: a weighted score beyond ±threshold is an action, its size the confidence share of the base. */
function decideInto(out: Prop, score: number, threshold: number, base: number): void {
  if (Math.abs(score) > threshold) {
    const confidence = clamp(0.35 + Math.abs(score), 0, 0.95);
    out.action = score > 0 ? 1 : -1;
    out.size = base * confidence;
    out.confidence = confidence;
    return;
  }
  hold(out, clamp(0.5 - Math.abs(score), 0.1, 0.5));
}
