/**
 * Incremental technical indicators, one bar at a time, following TA-Lib's definitions (default
 * compatibility mode) exactly: SMA; EMA seeded with the SMA of its first `period` values; RSI, ATR and
 * ADX/DMI with Wilder smoothing and TA-Lib's seeding; MACD(12/26/9) with TA-Lib's alignment (both EMAs
 * seeded at bar slow-1, the fast one with the SMA of the last `fast` closes); Bollinger bands on a
 * population standard deviation. Each update is O(1) (O(period) only at a seed). Values are NaN
 * during the warm-up, where TA-Lib returns nothing.
 */
import type { Hasher } from './hash';

const isZero = (v: number): boolean => v > -1e-8 && v < 1e-8;

/** Fixed-size window of the latest values with a running sum (re-summed at every wrap to stop drift). */
export class Window {
  readonly buf: Float64Array;
  count = 0;
  pos = 0;
  sum = 0;
  sumSq = 0;
  constructor(readonly n: number) {
    this.buf = new Float64Array(n);
  }
  push(x: number): void {
    const old = this.buf[this.pos] as number;
    if (this.count >= this.n) {
      this.sum -= old;
      this.sumSq -= old * old;
    } else this.count++;
    this.buf[this.pos] = x;
    this.sum += x;
    this.sumSq += x * x;
    this.pos++;
    if (this.pos === this.n) {
      this.pos = 0;
      // exact re-sum once per wrap: cancels floating-point drift of the running sums
      let s = 0;
      let q = 0;
      for (let i = 0; i < this.n; i++) {
        const v = this.buf[i] as number;
        s += v;
        q += v * v;
      }
      if (this.count >= this.n) {
        this.sum = s;
        this.sumSq = q;
      }
    }
  }
  full(): boolean {
    return this.count >= this.n;
  }
  /** i = 0 is the newest value */
  back(i: number): number {
    let k = this.pos - 1 - i;
    if (k < 0) k += this.n;
    return this.buf[k] as number;
  }
  hash(h: Hasher): void {
    h.arr(this.buf).int(this.count).int(this.pos).num(this.sum).num(this.sumSq);
  }
}

export class Sma {
  readonly w: Window;
  value = NaN;
  constructor(readonly period: number) {
    this.w = new Window(period);
  }
  update(x: number): number {
    this.w.push(x);
    if (this.w.full()) {
      // TA-Lib sums the window fresh for each output
      let s = 0;
      for (let i = 0; i < this.period; i++) s += this.w.buf[i] as number;
      this.value = s / this.period;
    }
    return this.value;
  }
  hash(h: Hasher): void {
    this.w.hash(h);
    h.num(this.value);
  }
}

export class Ema {
  value = NaN;
  private n = 0;
  private seed = 0;
  readonly k: number;
  constructor(readonly period: number) {
    this.k = 2 / (period + 1);
  }
  update(x: number): number {
    if (this.n < this.period) {
      this.seed += x;
      this.n++;
      if (this.n === this.period) this.value = this.seed / this.period;
      return this.value;
    }
    this.value = (x - this.value) * this.k + this.value;
    return this.value;
  }
  /** starts the recursion from a given seed value (TA-Lib MACD alignment) */
  seedWith(v: number): void {
    this.n = this.period;
    this.value = v;
  }
  hash(h: Hasher): void {
    h.num(this.value).int(this.n).num(this.seed);
  }
}

export class Rsi {
  value = NaN;
  private prev = NaN;
  private n = 0;
  private gain = 0;
  private loss = 0;
  constructor(readonly period = 14) {}
  update(x: number): number {
    if (this.n === 0) {
      this.prev = x;
      this.n = 1;
      return NaN;
    }
    const d = x - this.prev;
    this.prev = x;
    const p = this.period;
    if (this.n <= p) {
      if (d < 0) this.loss -= d;
      else this.gain += d;
      this.n++;
      if (this.n === p + 1) {
        this.gain /= p;
        this.loss /= p;
        this.value = this.out();
      }
      return this.value;
    }
    this.gain *= p - 1;
    this.loss *= p - 1;
    if (d < 0) this.loss -= d;
    else this.gain += d;
    this.gain /= p;
    this.loss /= p;
    this.value = this.out();
    return this.value;
  }
  private out(): number {
    const t = this.gain + this.loss;
    return isZero(t) ? 0 : 100 * (this.gain / t);
  }
  hash(h: Hasher): void {
    h.num(this.value).num(this.prev).int(this.n).num(this.gain).num(this.loss);
  }
}

export function trueRange(high: number, low: number, prevClose: number): number {
  let tr = high - low;
  const a = Math.abs(high - prevClose);
  const b = Math.abs(low - prevClose);
  if (a > tr) tr = a;
  if (b > tr) tr = b;
  return tr;
}

export class Atr {
  value = NaN;
  private prevClose = NaN;
  private n = 0;
  private acc = 0;
  constructor(readonly period = 14) {}
  update(high: number, low: number, close: number): number {
    if (this.n === 0) {
      this.prevClose = close;
      this.n = 1;
      return NaN;
    }
    const tr = trueRange(high, low, this.prevClose);
    this.prevClose = close;
    const p = this.period;
    if (this.n <= p) {
      this.acc += tr;
      this.n++;
      if (this.n === p + 1) this.value = this.acc / p;
      return this.value;
    }
    this.value = (this.value * (p - 1) + tr) / p;
    return this.value;
  }
  hash(h: Hasher): void {
    h.num(this.value).num(this.prevClose).int(this.n).num(this.acc);
  }
}

/** Wilder's directional movement system: +DI, -DI, DX and ADX, TA-Lib seeding. */
export class Dmi {
  plusDI = NaN;
  minusDI = NaN;
  adx = NaN;
  private n = 0;
  private prevHigh = 0;
  private prevLow = 0;
  private prevClose = 0;
  private pDM = 0;
  private mDM = 0;
  private tr = 0;
  private sumDX = 0;
  private dxCount = 0;
  constructor(readonly period = 14) {}

  update(high: number, low: number, close: number): void {
    const p = this.period;
    if (this.n === 0) {
      this.prevHigh = high;
      this.prevLow = low;
      this.prevClose = close;
      this.n = 1;
      return;
    }
    const diffP = high - this.prevHigh;
    const diffM = this.prevLow - low;
    this.prevHigh = high;
    this.prevLow = low;
    const tr = trueRange(high, low, this.prevClose);
    this.prevClose = close;
    const seeding = this.n < p; // bars 1..p-1 are plain sums
    if (!seeding) {
      this.mDM -= this.mDM / p;
      this.pDM -= this.pDM / p;
    }
    if (diffM > 0 && diffP < diffM) this.mDM += diffM;
    else if (diffP > 0 && diffP > diffM) this.pDM += diffP;
    this.tr = seeding ? this.tr + tr : this.tr - this.tr / p + tr;
    this.n++;
    if (seeding) return;
    let dx = NaN;
    if (!isZero(this.tr)) {
      this.minusDI = 100 * (this.mDM / this.tr);
      this.plusDI = 100 * (this.pDM / this.tr);
      const s = this.minusDI + this.plusDI;
      if (!isZero(s)) dx = 100 * (Math.abs(this.minusDI - this.plusDI) / s);
    } else {
      this.minusDI = 0;
      this.plusDI = 0;
    }
    // bars p..2p-1 accumulate DX; ADX starts at bar 2p-1
    if (this.dxCount < p) {
      if (!Number.isNaN(dx)) this.sumDX += dx;
      this.dxCount++;
      if (this.dxCount === p) this.adx = this.sumDX / p;
    } else if (!Number.isNaN(dx)) {
      this.adx = (this.adx * (p - 1) + dx) / p;
    }
  }
  hash(h: Hasher): void {
    h.num(this.plusDI).num(this.minusDI).num(this.adx).int(this.n).num(this.prevHigh).num(this.prevLow).num(this.prevClose);
    h.num(this.pDM).num(this.mDM).num(this.tr).num(this.sumDX).int(this.dxCount);
  }
}

export class Macd {
  macd = NaN;
  signal = NaN;
  hist = NaN;
  private readonly fastE: Ema;
  private readonly slowE: Ema;
  private readonly sig: Ema;
  private readonly win: Window;
  private n = 0;
  constructor(
    readonly fast = 12,
    readonly slow = 26,
    readonly signalPeriod = 9,
  ) {
    this.fastE = new Ema(fast);
    this.slowE = new Ema(slow);
    this.sig = new Ema(signalPeriod);
    this.win = new Window(slow);
  }
  update(x: number): void {
    this.n++;
    if (this.n < this.slow) {
      this.win.push(x);
      return;
    }
    if (this.n === this.slow) {
      this.win.push(x);
      let s = 0;
      for (let i = 0; i < this.slow; i++) s += this.win.back(i);
      let f = 0;
      for (let i = 0; i < this.fast; i++) f += this.win.back(this.fast - 1 - i);
      this.slowE.seedWith(s / this.slow);
      this.fastE.seedWith(f / this.fast);
    } else {
      this.slowE.update(x);
      this.fastE.update(x);
    }
    this.macd = this.fastE.value - this.slowE.value;
    this.sig.update(this.macd);
    this.signal = this.sig.value;
    this.hist = Number.isNaN(this.signal) ? NaN : this.macd - this.signal;
    if (Number.isNaN(this.signal)) this.macd = NaN;
  }
  /** the MACD line before the signal line exists (TA-Lib reports neither until bar slow+signal-2) */
  hash(h: Hasher): void {
    h.num(this.macd).num(this.signal).num(this.hist).int(this.n);
    this.fastE.hash(h);
    this.slowE.hash(h);
    this.sig.hash(h);
    this.win.hash(h);
  }
}

export class Bollinger {
  upper = NaN;
  middle = NaN;
  lower = NaN;
  readonly w: Window;
  constructor(
    readonly period = 20,
    readonly k = 2,
  ) {
    this.w = new Window(period);
  }
  update(x: number): void {
    this.w.push(x);
    if (!this.w.full()) return;
    let s = 0;
    let q = 0;
    for (let i = 0; i < this.period; i++) {
      const v = this.w.buf[i] as number;
      s += v;
      q += v * v;
    }
    const mean = s / this.period;
    let variance = q / this.period - mean * mean;
    if (variance < 0) variance = 0;
    const sd = Math.sqrt(variance);
    this.middle = mean;
    this.upper = mean + this.k * sd;
    this.lower = mean - this.k * sd;
  }
  hash(h: Hasher): void {
    this.w.hash(h);
    h.num(this.upper).num(this.middle).num(this.lower);
  }
}

/** Every indicator the agents read, for one symbol on one venue, fed one OHLCV bar at a time. */
export class IndicatorSet {
  readonly sma20 = new Sma(20);
  readonly ema10 = new Ema(10);
  readonly ema50 = new Ema(50);
  readonly rsi = new Rsi(14);
  readonly atr = new Atr(14);
  readonly dmi = new Dmi(14);
  readonly macd = new Macd(12, 26, 9);
  readonly bb = new Bollinger(20, 2);
  /** realised volatility: standard deviation of the last 30 log returns of closes */
  readonly rets = new Window(30);
  /** long-run reference volatility: EWMA of squared log returns, ~300 bars */
  longVar = NaN;
  realisedVol = NaN;
  vwapPV = 0;
  vwapV = 0;
  bars = 0;
  lastClose = NaN;
  lastHigh = NaN;
  lastLow = NaN;

  update(open: number, high: number, low: number, close: number, volume: number): void {
    void open;
    if (this.bars > 0) {
      const r = Math.log(close / this.lastClose);
      this.rets.push(r);
      this.longVar = Number.isNaN(this.longVar) ? r * r : this.longVar + (r * r - this.longVar) / 300;
      if (this.rets.count >= 10) {
        const n = this.rets.count;
        const m = this.rets.sum / n;
        const v = this.rets.sumSq / n - m * m;
        this.realisedVol = Math.sqrt(v > 0 ? v : 0);
      }
    }
    this.sma20.update(close);
    this.ema10.update(close);
    this.ema50.update(close);
    this.rsi.update(close);
    this.atr.update(high, low, close);
    this.dmi.update(high, low, close);
    this.macd.update(close);
    this.bb.update(close);
    const typical = (high + low + close) / 3;
    this.vwapPV += typical * volume;
    this.vwapV += volume;
    this.bars++;
    this.lastClose = close;
    this.lastHigh = high;
    this.lastLow = low;
  }

  vwap(): number {
    return this.vwapV > 0 ? this.vwapPV / this.vwapV : this.lastClose;
  }

  longVol(): number {
    return Math.sqrt(this.longVar);
  }

  hash(h: Hasher): void {
    this.sma20.hash(h);
    this.ema10.hash(h);
    this.ema50.hash(h);
    this.rsi.hash(h);
    this.atr.hash(h);
    this.dmi.hash(h);
    this.macd.hash(h);
    this.bb.hash(h);
    this.rets.hash(h);
    h.num(this.longVar).num(this.realisedVol).num(this.vwapPV).num(this.vwapV).int(this.bars).num(this.lastClose).num(this.lastHigh).num(this.lastLow);
  }
}
