/**
 * The latent market: per symbol a fundamental value following a jump-diffusion with stochastic
 * volatility and a common market factor (so symbols are correlated and volatility clusters), and a
 * news/sentiment process whose headlines carry a sign, a strength and a decaying effect.
 */
import type { Hasher } from './hash';
import type { Rng } from './rng';

/** Base per-tick volatility of log fundamental value (50 ms of floor time). */
export const BASE_VOL = 2.5e-4;
/** Share of each symbol's variance explained by the market factor (rho^2). */
export const MARKET_BETA = 0.55;
/** Persistence of log-volatility per tick (half-life ≈ 1,400 ticks ≈ 70 s of floor time). */
const VOL_PHI = 1 - 1 / 2000;
const VOL_ETA = 0.75 * Math.sqrt(1 - VOL_PHI * VOL_PHI);
const JUMP_P = 0.0004;
const JUMP_SIZE = 0.006;
const MARKET_JUMP_P = 0.00015;
const MARKET_JUMP_SIZE = 0.005;

export class Fundamental {
  readonly logF: Float64Array;
  /** per-symbol log-volatility deviation */
  readonly h: Float64Array;
  /** last tick's log return of each fundamental */
  readonly ret: Float64Array;
  /** the fundamental values themselves (exp of logF), kept in step */
  readonly F: Float64Array;
  hMarket = 0;
  volMult = 1;
  /** per symbol volatility multiplier set each tick by the scenario runner (1 = no shock) */
  readonly symVol: Float64Array;

  constructor(
    readonly n: number,
    startPrices: ArrayLike<number>,
    private readonly rng: Rng,
  ) {
    this.logF = new Float64Array(n);
    this.h = new Float64Array(n);
    this.ret = new Float64Array(n);
    this.F = new Float64Array(n);
    this.symVol = new Float64Array(n).fill(1);
    for (let s = 0; s < n; s++) {
      this.logF[s] = Math.log(startPrices[s] as number);
      this.F[s] = Math.exp(this.logF[s] as number);
    }
  }

  /** current per-tick volatility of symbol s */
  vol(s: number): number {
    return BASE_VOL * this.volMult * (this.symVol[s] as number) * Math.exp(0.6 * this.hMarket + 0.4 * (this.h[s] as number));
  }

  /** volatility relative to its long-run level (1 = normal) */
  volRatio(s: number): number {
    return Math.exp(0.6 * this.hMarket + 0.4 * (this.h[s] as number));
  }

  value(s: number): number {
    return this.F[s] as number;
  }

  step(): void {
    const rng = this.rng;
    this.hMarket = VOL_PHI * this.hMarket + VOL_ETA * rng.normal();
    const zm = rng.normal();
    const mJump = rng.chance(MARKET_JUMP_P * this.volMult) ? MARKET_JUMP_SIZE * rng.normal() : 0;
    const rho = Math.sqrt(MARKET_BETA);
    const idio = Math.sqrt(1 - MARKET_BETA);
    for (let s = 0; s < this.n; s++) {
      this.h[s] = VOL_PHI * (this.h[s] as number) + VOL_ETA * rng.normal();
      const sig = this.vol(s);
      let r = sig * (rho * zm + idio * rng.normal()) - 0.5 * sig * sig;
      if (rng.chance(JUMP_P)) r += JUMP_SIZE * rng.normal() * this.volRatio(s);
      r += mJump;
      this.ret[s] = r;
      this.logF[s] = (this.logF[s] as number) + r;
      this.F[s] = Math.exp(this.logF[s] as number);
    }
  }

  /** a news shock moves the fundamental (information arrives) */
  shock(s: number, logReturn: number): void {
    this.logF[s] = (this.logF[s] as number) + logReturn;
    this.F[s] = Math.exp(this.logF[s] as number);
  }

  hash(h: Hasher): void {
    h.arr(this.logF).arr(this.F).arr(this.h).arr(this.ret).num(this.hMarket).num(this.volMult);
  }
}

const SUBJECTS_POS = ['beats earnings estimates', 'wins a major contract', 'raises full-year guidance', 'announces a buyback', 'gets an analyst upgrade', 'reports record orders'];
const SUBJECTS_NEG = ['misses earnings estimates', 'loses a key customer', 'cuts guidance', 'faces a regulatory probe', 'gets an analyst downgrade', 'reports a supply disruption'];
const MARKET_POS = ['Central bank signals rate cuts', 'Inflation cools more than expected', 'Strong jobs report lifts markets', 'Trade deal agreed'];
const MARKET_NEG = ['Central bank signals more hikes', 'Inflation runs hot', 'Weak jobs report rattles markets', 'Trade talks collapse'];

export interface Headline {
  symbol: number | null;
  text: string;
  sentiment: number;
  strength: number;
}

/** Half-life of a headline's effect on sentiment, in ticks (20 s of floor time). */
export const NEWS_HALF_LIFE = 400;
const DECAY = Math.pow(0.5, 1 / NEWS_HALF_LIFE);
/** Headlines per tick at rate 1 (≈ one every 25 s of floor time). */
const NEWS_RATE = 0.002;

export class News {
  /** raw decayed news pressure per symbol; sentiment is tanh of it */
  readonly pressure: Float64Array;
  readonly sentiment: Float32Array;
  /** tick of the latest headline touching each symbol, -1 if none */
  readonly lastTick: Int32Array;
  readonly lastStrength: Float64Array;
  rateMult = 1;
  count = 0;

  constructor(
    readonly n: number,
    private readonly names: readonly string[],
    private readonly rng: Rng,
  ) {
    this.pressure = new Float64Array(n);
    this.sentiment = new Float32Array(n);
    this.lastTick = new Int32Array(n).fill(-1);
    this.lastStrength = new Float64Array(n);
  }

  /** Decays sentiment and maybe draws a headline; the caller applies its fundamental shock. */
  step(tick: number): Headline | null {
    for (let s = 0; s < this.n; s++) {
      this.pressure[s] = (this.pressure[s] as number) * DECAY;
      this.sentiment[s] = Math.tanh(this.pressure[s] as number);
    }
    const rng = this.rng;
    if (!rng.chance(NEWS_RATE * this.rateMult)) return null;
    const marketWide = rng.chance(0.3);
    const sign = rng.chance(0.5) ? 1 : -1;
    const strength = Math.min(1.5, 0.1 + rng.exp(0.45));
    let text: string;
    let symbol: number | null;
    if (marketWide) {
      const list = sign > 0 ? MARKET_POS : MARKET_NEG;
      text = list[rng.int(list.length)] as string;
      symbol = null;
      for (let s = 0; s < this.n; s++) this.touch(s, sign * strength * 0.6, strength, tick);
    } else {
      symbol = rng.int(this.n);
      const list = sign > 0 ? SUBJECTS_POS : SUBJECTS_NEG;
      text = `${this.names[symbol] as string} ${list[rng.int(list.length)] as string}`;
      this.touch(symbol, sign * strength, strength, tick);
    }
    this.count++;
    return { symbol, text, sentiment: Math.max(-1, Math.min(1, sign * Math.min(1, strength))), strength };
  }

  private touch(s: number, push: number, strength: number, tick: number): void {
    this.pressure[s] = (this.pressure[s] as number) + push;
    this.sentiment[s] = Math.tanh(this.pressure[s] as number);
    this.lastTick[s] = tick;
    this.lastStrength[s] = strength;
  }

  hash(h: Hasher): void {
    h.arr(this.pressure).arr(this.sentiment).arr(this.lastTick).arr(this.lastStrength).num(this.rateMult).int(this.count);
  }
}
