/**
 * The observations of the trading environments, as functions of a live engine: the training envs
 * (market.ts, trading.ts, desk.ts) and a policy deployed onto the floor (sim/policy-agents.ts) build
 * them with this one code, so a deployed policy sees exactly what it was trained on.
 *
 * Only types are imported from the engine: the engine imports this module (through policy-agents),
 * and a runtime import back would be a cycle.
 */
import { REGIMES } from '../../../src-shared/roster';
import type { Engine } from '../../sim/engine';
import type { IndicatorSet } from '../../sim/indicators';

/** Number of market features `StepFeatures.write` writes (for a given lookback). */
export function marketFeatureCount(lookback: number): number {
  return lookback + 7 + REGIMES.length + 3;
}

/** Names of the market features, in order (for reasoning traces and docs). */
export function marketFeatureNames(lookback: number): string[] {
  const n: string[] = [];
  for (let i = lookback; i >= 1; i--) n.push(`return[t-${i - 1}]`);
  n.push('volume', 'rsi', 'macd/atr', 'bollinger %b', 'ema10-ema50/atr', 'adx', 'vol ratio');
  for (const r of REGIMES) n.push(`regime=${r}`);
  n.push('regime confidence', 'sentiment', 'sentiment change');
  return n;
}

const fin = (x: number): number => (Number.isFinite(x) ? x : 0);
const clamp = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);

/** The step-level history of one symbol the market features need: marks at step boundaries, step volume, sentiment change. */
export class StepFeatures {
  /** marks at the last `lookback + 1` step boundaries (ring) */
  readonly marks: Float64Array;
  head = 0;
  stepVolume = 0;
  avgVolume = 1;
  prevSentiment = 0;
  sentimentChange = 0;

  constructor(readonly lookback: number) {
    this.marks = new Float64Array(lookback + 1);
  }

  /** Starts the history at the engine's current state (no past returns yet); `avgVolume` is the step volume to compare against. */
  start(e: Engine, s: number, avgVolume: number): void {
    this.avgVolume = avgVolume;
    this.marks.fill(e.mark[s] as number);
    this.head = 0;
    this.prevSentiment = e.news.sentiment[s] as number;
    this.sentimentChange = 0;
    this.stepVolume = 0;
  }

  /** Records the end of one step: its volume, the mark and the sentiment now. */
  advance(e: Engine, s: number, volume: number): void {
    this.stepVolume = volume;
    this.avgVolume = 0.98 * this.avgVolume + 0.02 * Math.max(volume, 1);
    this.head = (this.head + 1) % this.marks.length;
    this.marks[this.head] = e.mark[s] as number;
    const sent = e.news.sentiment[s] as number;
    this.sentimentChange = sent - this.prevSentiment;
    this.prevSentiment = sent;
  }

  /** Writes the market features (see marketFeatureNames) at `out[off…]`; returns the next offset. */
  write(e: Engine, s: number, out: Float64Array, off: number): number {
    const L = this.lookback;
    const n = this.marks.length;
    let o = off;
    for (let i = L; i >= 1; i--) {
      const cur = this.marks[(this.head - i + 1 + n * 2) % n]!;
      const prev = this.marks[(this.head - i + n * 2) % n]!;
      out[o++] = clamp(fin(Math.log(cur / prev) * 100), -10, 10);
    }
    out[o++] = clamp(fin(Math.log1p(this.stepVolume / this.avgVolume)), 0, 5);
    o = writeIndicatorFeatures(out, o, e.symInd[s]!, e.regimes[s]!);
    out[o++] = fin(e.news.sentiment[s] as number);
    out[o++] = clamp(fin(this.sentimentChange * 5), -5, 5);
    return o;
  }
}

/** An agent account's state as the observations read it. */
export interface AccountView {
  /** position (units) in the traded symbol */
  position: number;
  cash: number;
  equity: number;
  /** equity at the start of the episode */
  startEquity: number;
  /** units in one lot */
  lotUnits: number;
}

export const TRADING_OWN_FEATURES = ['position', 'cash', 'pnl %', 'time left'] as const;

/** TradingEnv's own features (position, cash, P&L, time left) at `out[i…]`; returns the next offset. */
export function writeTradingOwn(out: Float64Array, i: number, acc: AccountView, capital: number, maxLots: number, t: number, episodeSteps: number): number {
  out[i++] = acc.position / (maxLots * acc.lotUnits);
  out[i++] = Math.max(-10, Math.min(10, acc.cash / capital - 1));
  out[i++] = Math.max(-10, Math.min(10, ((acc.equity - acc.startEquity) / capital) * 100));
  out[i++] = 1 - t / episodeSteps;
  return i;
}

/** TradingEnv's discrete/continuous action → the target position (units), within ±maxLots. */
export function tradingTargetUnits(action: number | ArrayLike<number>, pos: number, lotUnits: number, maxLots: number, sizes: readonly number[]): number {
  const maxU = maxLots * lotUnits;
  if (typeof action === 'number') {
    if (!Number.isInteger(action) || action < 0 || action > 2 * sizes.length) {
      throw new Error(`TradingEnv.step: action ${action} is not in Discrete(${1 + 2 * sizes.length})`);
    }
    if (action === 0) return pos;
    const k = sizes.length;
    const lots = action <= k ? sizes[action - 1]! : -sizes[action - k - 1]!;
    return Math.max(-maxU, Math.min(maxU, pos + lots * lotUnits));
  }
  const x = action[0]!;
  if (!Number.isFinite(x)) throw new Error(`TradingEnv.step: continuous action ${x} is not a number`);
  return Math.round(Math.max(-1, Math.min(1, x)) * maxLots) * lotUnits;
}

/** Names of TradingEnv's discrete actions (hold, buy k, sell k). */
export function tradingActionNames(sizes: readonly number[]): string[] {
  return ['hold', ...sizes.map((k) => `buy ${k}`), ...sizes.map((k) => `sell ${k}`)];
}

export const DESK_RISK_FEATURES = ['position', 'exposure', 'pnl %', 'drawdown %', 'vol ratio', 'regime confidence', 'limit', 'time left'] as const;

export function deskTraderFeatureNames(lookback: number): string[] {
  const n: string[] = [];
  for (let i = lookback; i >= 1; i--) n.push(`return[t-${i - 1}]`);
  n.push('sentiment', 'sentiment change', 'position', "analyst's view", 'limit', 'pnl %', 'time left');
  return n;
}

/** The state of the RL desk (DeskEnv) behind its three observations. */
export interface DeskView extends AccountView {
  mark: number;
  peak: number;
  limitLots: number;
  /** the analyst's view, −1 … 1 */
  view: number;
}

/**
 * DeskEnv's three observations (analyst, risk manager, trader) into `an`, `rk`, `tr`, from the
 * step features of the traded symbol and the desk's state.
 */
export function writeDeskObservations(
  e: Engine,
  s: number,
  f: StepFeatures,
  d: DeskView,
  capital: number,
  maxLots: number,
  t: number,
  episodeSteps: number,
  an: Float64Array,
  rk: Float64Array,
  tr: Float64Array,
): void {
  f.write(e, s, an, 0);
  const L = f.lookback;
  const maxU = maxLots * d.lotUnits;
  const posFrac = d.position / maxU;
  const eq = d.equity;
  const pnl = Math.max(-10, Math.min(10, ((eq - d.startEquity) / capital) * 100));
  const dd = d.peak > 0 ? Math.min(10, ((d.peak - eq) / d.peak) * 100) : 0;
  const ind = e.symInd[s]!;
  const volRatio = ind.longVar > 0 && Number.isFinite(ind.realisedVol) ? Math.max(-1, Math.min(4, ind.realisedVol / Math.sqrt(ind.longVar) - 1)) : 0;
  const reg = e.regimes[s]!;
  rk[0] = posFrac;
  rk[1] = Math.max(-10, Math.min(10, ((d.position * d.mark) / capital) * 10));
  rk[2] = pnl;
  rk[3] = dd;
  rk[4] = volRatio;
  rk[5] = Number.isFinite(reg.confidence) ? reg.confidence : 0;
  rk[6] = d.limitLots / maxLots;
  rk[7] = 1 - t / episodeSteps;
  // trader: the analyst part's first L entries are the step returns
  for (let i = 0; i < L; i++) tr[i] = an[i]!;
  const sentAt = L + 7 + REGIMES.length + 1;
  tr[L] = an[sentAt] ?? 0;
  tr[L + 1] = an[sentAt + 1] ?? 0;
  tr[L + 2] = posFrac;
  tr[L + 3] = d.view;
  tr[L + 4] = d.limitLots / maxLots;
  tr[L + 5] = pnl;
  tr[L + 6] = 1 - t / episodeSteps;
}

/** DeskEnv's joint action → the trader's target position (units) and the risk limit (lots). */
export function deskTarget(actions: ArrayLike<number>, pos: number, lotUnits: number, maxLots: number): { view: number; limitLots: number; target: number } {
  const rm = actions[1]!;
  const limitLots = rm === 0 ? 0 : rm === 1 ? Math.floor(maxLots / 2) : maxLots;
  const lim = limitLots * lotUnits;
  const target = Math.max(-lim, Math.min(lim, pos + (actions[2]! - 1) * lotUnits));
  return { view: actions[0]! - 1, limitLots, target };
}

/**
 * The indicator and regime part of a trading observation (RSI, MACD histogram / ATR, Bollinger %b,
 * EMA spread / ATR, ADX, volatility ratio, the regime one-hot and its confidence), written at `o`;
 * returns the next offset. Shared by the training envs, deployed policies and tournament entrants so a
 * policy sees the same features wherever it runs.
 */
export function writeIndicatorFeatures(out: Float64Array, o: number, ind: IndicatorSet, reg: { regime: number; confidence: number }): number {
  const atr = ind.atr.value;
  const okAtr = Number.isFinite(atr) && atr > 0;
  out[o++] = fin((ind.rsi.value - 50) / 50);
  out[o++] = okAtr ? clamp(fin(ind.macd.hist / atr), -5, 5) : 0;
  const w = ind.bb.upper - ind.bb.lower;
  out[o++] = w > 0 ? clamp(fin((ind.lastClose - ind.bb.lower) / w - 0.5), -2, 2) : 0;
  out[o++] = okAtr ? clamp(fin((ind.ema10.value - ind.ema50.value) / atr), -5, 5) : 0;
  out[o++] = clamp(fin(ind.dmi.adx / 50), 0, 2);
  out[o++] = ind.longVar > 0 ? clamp(fin(ind.realisedVol / Math.sqrt(ind.longVar) - 1), -1, 4) : 0;
  for (let r = 0; r < REGIMES.length; r++) out[o++] = reg.regime === r ? 1 : 0;
  out[o++] = fin(reg.confidence);
  return o;
}
