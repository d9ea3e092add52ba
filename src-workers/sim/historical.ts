/**
 * Historical mode: cached bars drive the floor instead of the simulated fundamental (docs/DATA.md,
 * "Historical mode").
 *
 * Each bar becomes a seeded path of HISTORICAL_TICKS_PER_BAR points through open → high/low → close
 * (bar-path.ts). Per tick, the path's log return moves the symbol's fundamental value (so the crowd's
 * market makers and value traders and the desks' valuation follow the data); shocks that moved the
 * fundamental since the last tick (scenario gaps, contagion) stay as an offset on top of the path, and
 * the volatility multipliers (the `volatility` parameter, scenario volatility shocks) scale the path's
 * returns. A synthetic book — a ladder of quotes per venue around that price, owned by HOUSE_OWNER —
 * is re-posted every tick: its half-spread and level spacing grow with the symbol's bar volatility,
 * its sizes with the liquidity parameter and scenario depth, so a bigger order walks more levels and
 * pays more slippage. When the last bar's close has been replayed the feed emits an alert and the
 * engine stops advancing.
 *
 * Look-ahead guard: the bars live in `BarCursor`'s private (#) fields, which no agent can reach and
 * the snapshot walker never sees; the cursor hands out only the current tick's path point. Volatility
 * comes from completed bars (their realised high/low), never from the bar in progress.
 */
import { HISTORICAL_TICKS_PER_BAR } from '../../src-shared/config';
import type { HistoricalBars } from '../../src-shared/worker-protocol';
import { BUY, SELL, type Book } from './book';
import { barPath, barRng } from './bar-path';
import type { Engine } from './engine';
import type { Hasher } from './hash';

/** Owner id of the synthetic book's orders: beyond any crowd trader or featured agent. */
export const HOUSE_OWNER = 0x7fff0000;
/** quote levels per side and venue of the synthetic book */
export const HOUSE_LEVELS = 8;
/** half-spread and level spacing of the synthetic book, as fractions of the per-tick volatility */
const HALF_SPREAD_K = 0.15;
const LEVEL_STEP_K = 0.1;
/** size of the best level; level k holds (1 + k/2) times as much */
const HOUSE_QTY = 50;
/** no limit on what the synthetic book takes from stale orders */
const SWEEP_QTY = 1e12;
/** weight of the newest completed bar in the bar-range average */
const RANGE_ALPHA = 0.3;
const DAY_MS = 86_400_000;

/** scratch for one ladder (one thread, one ladder at a time) */
const BID_PX = new Int32Array(HOUSE_LEVELS);
const ASK_PX = new Int32Array(HOUSE_LEVELS);
const QTY = new Float64Array(HOUSE_LEVELS);

/** Price grid for a price level: 0.01, finer for prices under 100 (at most 1e-4 of the price). */
export function tickSizeFor(price: number): number {
  const t = Math.pow(10, Math.floor(Math.log10(price)) - 4);
  return Math.min(0.01, t);
}

/**
 * The bars behind a historical session, private: `price(s)` is the only view of them (the current
 * tick's path point). The position (bar, point) and the realised extremes of the bar in progress are
 * public state, carried by snapshots; the path of the current bar is rebuilt from (seed, bar).
 */
export class BarCursor {
  readonly #ts: Float64Array;
  readonly #open: Float64Array[];
  readonly #high: Float64Array[];
  readonly #low: Float64Array[];
  readonly #close: Float64Array[];
  readonly #seed: number;
  #path: Float64Array;
  #pathBar = -1;
  /** number of bars in the session (how long it lasts, not what happens) */
  readonly bars: number;
  readonly S: number;
  readonly n: number;
  /** bar in progress, and the point of its path the floor is at */
  bar = 0;
  point = 0;

  constructor(data: HistoricalBars, seed: number, n = HISTORICAL_TICKS_PER_BAR) {
    const N = data.ts.length;
    if (N === 0) throw new RangeError('historical mode: no bars');
    if (data.series.length === 0) throw new RangeError('historical mode: no series');
    for (const [i, sr] of data.series.entries()) {
      for (const col of [sr.open, sr.high, sr.low, sr.close, sr.volume]) {
        if (col.length !== N) throw new RangeError(`historical mode: series ${i} (${sr.name}) has ${col.length} values for ${N} bars`);
      }
      for (let k = 0; k < N; k++) {
        const o = sr.open[k] as number;
        const h = sr.high[k] as number;
        const l = sr.low[k] as number;
        const c = sr.close[k] as number;
        if (!(l > 0 && h >= l && o >= l && o <= h && c >= l && c <= h && Number.isFinite(h))) {
          throw new RangeError(`historical mode: series ${i} (${sr.name}) bar ${k} is not a valid OHLC bar (o ${o}, h ${h}, l ${l}, c ${c})`);
        }
      }
    }
    this.#ts = data.ts;
    this.#open = data.series.map((s) => s.open);
    this.#high = data.series.map((s) => s.high);
    this.#low = data.series.map((s) => s.low);
    this.#close = data.series.map((s) => s.close);
    this.#seed = seed;
    this.bars = N;
    this.S = data.series.length;
    this.n = n;
    this.#path = new Float64Array(this.S * n);
  }

  /** the first bar's open: where the floor starts */
  firstOpen(s: number): number {
    return this.#open[s]![0] as number;
  }

  /** true once every bar has been replayed */
  get done(): boolean {
    return this.bar >= this.bars;
  }

  /** start time (ms UTC) of the bar in progress (the last bar once done) */
  barTs(): number {
    return this.#ts[Math.min(this.bar, this.bars - 1)] as number;
  }

  /** the current tick's price of symbol s: the path point the floor is at */
  price(s: number): number {
    if (this.done) throw new RangeError('historical mode: the data has ended');
    if (this.#pathBar !== this.bar) {
      const rng = barRng(this.#seed, this.bar);
      const b = this.bar;
      for (let k = 0; k < this.S; k++) {
        barPath(this.#open[k]![b] as number, this.#high[k]![b] as number, this.#low[k]![b] as number, this.#close[k]![b] as number, this.n, rng, this.#path, k * this.n);
      }
      this.#pathBar = b;
    }
    return this.#path[s * this.n + this.point] as number;
  }

  /** Moves to the next point; returns true when that completed a bar. */
  advance(): boolean {
    if (this.done) return false;
    this.point++;
    if (this.point < this.n) return false;
    this.point = 0;
    this.bar++;
    return true;
  }
}

/** Drives an Engine from a BarCursor: the path, the synthetic book, the end of the data. */
export class HistoricalFeed {
  readonly cursor: BarCursor;
  readonly S: number;
  readonly names: string[];
  readonly barMs: number;
  /** per symbol: log of the fundamental as the feed last wrote it, and the path's last log price */
  readonly level: Float64Array;
  readonly pathLog: Float64Array;
  /** per symbol: realised high and low of the bar in progress (from the points handed out so far) */
  readonly barHigh: Float64Array;
  readonly barLow: Float64Array;
  /** per symbol: average log range (high/low) of completed bars */
  readonly range: Float64Array;
  /** synthetic book orders per (book, side, level): id and generation (-1: none) */
  readonly houseId: Int32Array;
  readonly houseGen: Uint32Array;
  /** the synthetic book's inventory and cash per symbol */
  readonly housePos: Float64Array;
  readonly houseCash: Float64Array;
  /** set once the last bar has been replayed */
  ended = false;

  constructor(data: HistoricalBars, seed: number) {
    if (!(data.barMs > 0)) throw new RangeError(`historical mode: bar length ${data.barMs} ms`);
    this.cursor = new BarCursor(data, seed);
    const S = this.cursor.S;
    this.S = S;
    this.names = data.series.map((s) => s.name);
    this.barMs = data.barMs;
    this.level = new Float64Array(S);
    this.pathLog = new Float64Array(S);
    this.barHigh = new Float64Array(S).fill(-Infinity);
    this.barLow = new Float64Array(S).fill(Infinity);
    // before any bar has completed: a typical range for the timeframe (2 % a day, scaled by √time)
    const prior = Math.min(0.2, Math.max(1e-4, 0.02 * Math.sqrt(data.barMs / DAY_MS)));
    this.range = new Float64Array(S).fill(prior);
    for (let s = 0; s < S; s++) {
      const lp = Math.log(this.startPrice(s));
      this.level[s] = lp;
      this.pathLog[s] = lp;
    }
    this.houseId = new Int32Array(S * 2 * 2 * HOUSE_LEVELS).fill(-1);
    this.houseGen = new Uint32Array(S * 2 * 2 * HOUSE_LEVELS);
    this.housePos = new Float64Array(S);
    this.houseCash = new Float64Array(S);
  }

  startPrice(s: number): number {
    const o = this.cursor.firstOpen(s);
    const ts = tickSizeFor(o);
    return Math.max(ts, Math.round(o / ts) * ts);
  }

  tickSize(s: number): number {
    return tickSizeFor(this.cursor.firstOpen(s));
  }

  /** per-tick volatility (log) implied by the recent bars' ranges */
  tickVol(s: number): number {
    return (this.range[s] as number) / Math.sqrt(this.cursor.n);
  }

  /** The synthetic book's half-spread of symbol s now, in price units (before scenario multipliers). */
  halfSpread(e: Engine, s: number): number {
    return Math.max(e.tickSize[s] as number, (e.fundamental.F[s] as number) * HALF_SPREAD_K * this.tickVol(s));
  }

  /** Start of a tick: the path moves the fundamental, and the synthetic book is quoted around it. */
  step(e: Engine): void {
    if (this.ended) return;
    const f = e.fundamental;
    const c = this.cursor;
    for (let s = 0; s < this.S; s++) {
      const p = c.price(s);
      const lp = Math.log(p);
      const r = lp - (this.pathLog[s] as number);
      this.pathLog[s] = lp;
      if (p > (this.barHigh[s] as number)) this.barHigh[s] = p;
      if (p < (this.barLow[s] as number)) this.barLow[s] = p;
      // whatever moved the fundamental since the feed last wrote it (a scenario's gap) stays as an offset
      const m = f.volMult * (f.symVol[s] as number);
      const next = (f.logF[s] as number) + m * r;
      f.ret[s] = next - (this.level[s] as number);
      f.logF[s] = next;
      f.F[s] = Math.exp(next);
      this.level[s] = next;
    }
    if (!e.floorHalted) for (let s = 0; s < this.S; s++) for (let v = 0; v < 2; v++) if (!e.bookHalted(s, v)) this.quote(e, s, v);
  }

  /** End of a tick: the cursor moves on; a completed bar updates the ranges; the last one ends the data. */
  afterTick(e: Engine): void {
    if (this.ended) return;
    if (this.cursor.advance()) {
      for (let s = 0; s < this.S; s++) {
        const r = Math.log((this.barHigh[s] as number) / (this.barLow[s] as number));
        this.range[s] = (1 - RANGE_ALPHA) * (this.range[s] as number) + RANGE_ALPHA * Math.max(r, 1e-6);
        this.barHigh[s] = -Infinity;
        this.barLow[s] = Infinity;
      }
      if (this.cursor.done) {
        this.ended = true;
        const last = new Date(this.cursor.barTs()).toISOString();
        e.emit({
          type: 'alert',
          severity: 'info',
          source: 'historical data',
          message: `historical data ended: all ${this.cursor.bars} bars replayed (the last one starts ${last}); the session has stopped`,
        });
      }
    }
  }

  /** Re-posts the synthetic ladder of book (s, v) around the current price; unchanged quotes keep their place. */
  private quote(e: Engine, s: number, v: number): void {
    const ts = e.tickSize[s] as number;
    const fx = e.scenarios.fx;
    const center = e.fundamental.F[s] as number;
    const vol = this.tickVol(s) * (fx.spread[s] as number);
    const half = Math.max(ts, center * HALF_SPREAD_K * vol);
    const step = Math.max(ts, center * LEVEL_STEP_K * vol);
    const size = HOUSE_QTY * e.liquidity * (fx.depth[s] as number) * (1 - (fx.pull[s] as number));
    const book = e.books[s * 2 + v]!;
    const base = (s * 2 + v) * 2 * HOUSE_LEVELS;
    // cancel what changed first (both sides), so the new quotes never meet the house's old ones
    const bidPx = BID_PX;
    const askPx = ASK_PX;
    const qty = QTY;
    for (let k = 0; k < HOUSE_LEVELS; k++) {
      bidPx[k] = Math.max(1, Math.floor((center - half - k * step) / ts));
      askPx[k] = Math.max((bidPx[0] as number) + 1, Math.ceil((center + half + k * step) / ts));
      qty[k] = Math.max(1, Math.round(size * (1 + k / 2)));
    }
    for (let k = 0; k < HOUSE_LEVELS; k++) {
      this.keepOrCancel(e, base + k, bidPx[k] as number, qty[k] as number);
      this.keepOrCancel(e, base + HOUSE_LEVELS + k, askPx[k] as number, qty[k] as number);
    }
    // resting orders on the wrong side of the new quotes are stale (the price has moved on): the
    // synthetic book takes them at their own prices, as an arbitrageur would, so the book follows the path
    book.limit(HOUSE_OWNER, SELL, askPx[0] as number, SWEEP_QTY, true);
    book.limit(HOUSE_OWNER, BUY, bidPx[0] as number, SWEEP_QTY, true);
    for (let k = 0; k < HOUSE_LEVELS; k++) {
      this.post(e, book, base + k, BUY, bidPx[k] as number, qty[k] as number);
      this.post(e, book, base + HOUSE_LEVELS + k, SELL, askPx[k] as number, qty[k] as number);
    }
  }

  private live(e: Engine, slot: number): number {
    const id = this.houseId[slot] as number;
    const pool = e.pool;
    if (id >= 0 && pool.live[id] === 1 && pool.gen[id] === this.houseGen[slot] && pool.owner[id] === HOUSE_OWNER) return id;
    this.houseId[slot] = -1;
    return -1;
  }

  private keepOrCancel(e: Engine, slot: number, price: number, qty: number): void {
    const id = this.live(e, slot);
    if (id < 0) return;
    if (e.pool.price[id] === price && e.pool.qty[id] === qty) return;
    e.cancelOrder(id);
    this.houseId[slot] = -1;
  }

  private post(e: Engine, book: Book, slot: number, side: number, price: number, qty: number): void {
    if (this.houseId[slot]! >= 0) return;
    const id = book.limit(HOUSE_OWNER, side, price, qty, false);
    this.houseId[slot] = id;
    if (id >= 0) this.houseGen[slot] = e.pool.gen[id] as number;
  }

  /** a fill of the synthetic book */
  settle(s: number, side: number, qty: number, price: number): void {
    this.housePos[s] = (this.housePos[s] as number) + side * qty;
    this.houseCash[s] = (this.houseCash[s] as number) - side * qty * price;
  }

  hash(h: Hasher): void {
    h.int(this.cursor.bar).int(this.cursor.point).int(this.ended ? 1 : 0);
    h.arr(this.level).arr(this.pathLog).arr(this.barHigh).arr(this.barLow).arr(this.range);
    h.arr(this.houseId).arr(this.houseGen).arr(this.housePos).arr(this.houseCash);
  }
}
