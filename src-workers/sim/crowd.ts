/**
 * The crowd: thousands of light background traders, each a handful of numbers in typed arrays,
 * woken by a seeded Poisson schedule (per type, arrivals at the type's rate thinned by each trader's
 * symbol's activity). Four kinds:
 *  - noise: zero-intelligence, random side, mostly passive limit orders around the mid, some market orders;
 *  - marketMaker: inventory-aware two-sided quotes whose spread widens with volatility;
 *  - momentum: trades in the direction of the move over its own lookback;
 *  - value: trades towards its own noisy estimate of the fundamental value.
 * Each keeps at most one resting order (market makers: one bid and one ask), replaced when it wakes,
 * so the books stay bounded whatever the crowd size.
 */
import { CROWD_TYPES, type CrowdType } from '../../src-shared/roster';
import { BUY, SELL, type Book } from './book';
import type { Engine } from './engine';
import type { Hasher } from './hash';
import type { Rng } from './rng';

export const NOISE = 0;
export const MM = 1;
export const MOMENTUM = 2;
export const VALUE = 3;

/** wake-ups per tick by type, at normal activity */
export const RATE = [0.04, 0.4, 0.03, 0.06] as const;
/** how far market makers lean their quotes from the mid towards the fundamental value (informed dealers) */
const MM_INFORMED = 0.5;
/** lifetime of resting crowd orders in ticks, by type (good-till-time; the wheel holds < 64) */
const TTL = [12, 12, 0, 20] as const;
/** crowd market orders walk at most this far from the touch (a price band) */
const COLLAR = 0.003;
/** how the crowd is split between the types */
const MIX = [0.42, 0.1, 0.2, 0.28] as const;

export const REASON = {
  none: 0,
  noiseLimit: 1,
  noiseMarket: 2,
  quote: 3,
  quoteOneSided: 4,
  momentumBuy: 5,
  momentumSell: 6,
  momentumFlat: 7,
  valueBuy: 8,
  valueSell: 9,
  valueFair: 10,
  positionLimit: 11,
  pulled: 12,
} as const;

export interface CrowdInspection {
  index: number;
  type: CrowdType;
  symbol: number;
  venue: number;
  position: number;
  cash: number;
  pnl: number;
  feesPaid: number;
  decisions: number;
  lastOrder: { tick: number; side: 'buy' | 'sell'; kind: 'limit' | 'market' | 'quote'; price: number | null; qty: number } | null;
  why: string;
}

export class Crowd {
  readonly n: number;
  readonly type: Uint8Array;
  readonly sym: Uint16Array;
  readonly venue: Uint8Array;
  readonly pos: Float64Array;
  readonly cash: Float64Array;
  readonly fees: Float64Array;
  readonly action: Int8Array;
  /** type parameter: momentum lookback (ticks) / value bias (log) / MM inventory limit / noise size */
  readonly p1: Float32Array;
  /** type parameter: threshold (momentum, value) / quote size (MM) */
  readonly p2: Float32Array;
  readonly restA: Int32Array;
  readonly restB: Int32Array;
  readonly lastTick: Int32Array;
  readonly lastSide: Int8Array;
  /** 0 none, 1 limit, 2 market, 3 quote */
  readonly lastKind: Uint8Array;
  readonly lastPrice: Float64Array;
  readonly lastQty: Float64Array;
  readonly lastReason: Uint8Array;
  /** the number behind the reason (signal, gap, inventory…) */
  readonly lastReasonValue: Float64Array;
  readonly decisionsBy: Uint32Array;
  /** trader indices of each type, for the schedule */
  readonly byType: Int32Array[];
  decisions = 0;

  constructor(
    n: number,
    symbols: number,
    setup: Rng,
    private readonly rng: Rng,
    private readonly schedule: Rng,
  ) {
    this.n = n;
    this.type = new Uint8Array(n);
    this.sym = new Uint16Array(n);
    this.venue = new Uint8Array(n);
    this.pos = new Float64Array(n);
    this.cash = new Float64Array(n);
    this.fees = new Float64Array(n);
    this.action = new Int8Array(n);
    this.p1 = new Float32Array(n);
    this.p2 = new Float32Array(n);
    this.restA = new Int32Array(n).fill(-1);
    this.restB = new Int32Array(n).fill(-1);
    this.lastTick = new Int32Array(n).fill(-1);
    this.lastSide = new Int8Array(n);
    this.lastKind = new Uint8Array(n);
    this.lastPrice = new Float64Array(n);
    this.lastQty = new Float64Array(n);
    this.lastReason = new Uint8Array(n);
    this.lastReasonValue = new Float64Array(n);
    this.decisionsBy = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      const u = setup.next();
      let t = 0;
      let acc = MIX[0];
      while (t < 3 && u > acc) {
        t++;
        acc += MIX[t] as number;
      }
      this.type[i] = t;
      this.sym[i] = i % symbols;
      this.venue[i] = setup.int(2);
      switch (t) {
        case NOISE:
          this.p1[i] = 2 + setup.exp(8);
          break;
        case MM:
          this.p1[i] = 150 + setup.int(250); // inventory limit
          this.p2[i] = 8 + setup.int(20); // quote size
          break;
        case MOMENTUM:
          this.p1[i] = 20 + setup.int(180); // lookback ticks
          this.p2[i] = 0.0008 + 0.0025 * setup.next(); // threshold
          break;
        default:
          this.p1[i] = 0.002 * setup.normal(); // valuation bias
          this.p2[i] = 0.0008 + 0.0025 * setup.next();
      }
    }
    this.byType = [0, 1, 2, 3].map((t) => Int32Array.from(Array.from(this.type.keys()).filter((i) => this.type[i] === t)));
  }

  /** A resting order of trader i left the book (filled): forget it. */
  orderDone(i: number, orderId: number): void {
    if (this.restA[i] === orderId) this.restA[i] = -1;
    if (this.restB[i] === orderId) this.restB[i] = -1;
  }

  /**
   * Wakes the traders scheduled for this tick and lets each decide: per type, a Poisson number of
   * arrivals at the type's rate × the busiest symbol's activity, each landing on a uniformly drawn
   * trader of that type and kept with probability (its symbol's activity / the busiest one's).
   */
  step(e: Engine, tick: number): void {
    if (this.n === 0) return;
    let actMax = 0;
    const act = e.activity;
    for (let s = 0; s < act.length; s++) if ((act[s] as number) > actMax) actMax = act[s] as number;
    if (!(actMax > 0)) return;
    const sched = this.schedule;
    // scenario hook: per type and symbol wake-up multipliers (herding, liquidity withdrawal, crowd mix)
    const fx = e.scenarios.fx;
    const mult = fx.active ? fx.typeMult : null;
    const S = act.length;
    for (let t = 0; t < 4; t++) {
      const ids = this.byType[t] as Int32Array;
      const nt = ids.length;
      if (nt === 0) continue;
      let amax = actMax;
      if (mult) {
        amax = 0;
        for (let s = 0; s < S; s++) amax = Math.max(amax, (act[s] as number) * (mult[t * S + s] as number));
        if (!(amax > 0)) continue;
      }
      const inv = 1 / amax;
      const k = sched.poisson(nt * (RATE[t as 0] as number) * amax);
      for (let j = 0; j < k; j++) {
        const i = ids[sched.int(nt)] as number;
        const si = this.sym[i] as number;
        if (sched.next() >= (act[si] as number) * (mult ? (mult[t * S + si] as number) : 1) * inv) continue;
        if (e.bookHalted(si, this.venue[i] as number)) continue;
        this.decide(e, i, t, tick);
      }
    }
  }

  private cancelRest(e: Engine, i: number): void {
    const a = this.restA[i] as number;
    if (a >= 0) {
      e.cancelOrder(a);
      this.restA[i] = -1;
    }
    const b = this.restB[i] as number;
    if (b >= 0) {
      e.cancelOrder(b);
      this.restB[i] = -1;
    }
  }

  private note(i: number, tick: number, side: number, kind: number, price: number, qty: number, reason: number, value: number): void {
    this.lastTick[i] = tick;
    this.lastSide[i] = side;
    this.lastKind[i] = kind;
    this.lastPrice[i] = price;
    this.lastQty[i] = qty;
    this.lastReason[i] = reason;
    this.lastReasonValue[i] = value;
    this.action[i] = side;
  }

  /** Market-maker quote on one side: keep (and renew) it if unchanged, else replace it; price 0 = none. */
  private requote(e: Engine, book: Book, owner: number, cur: number, side: number, price: number, size: number): number {
    const pool = e.pool;
    if (cur >= 0) {
      if (price > 0 && pool.price[cur] === price && pool.qty[cur] === size) {
        e.expireAfter(cur, TTL[MM]);
        return cur;
      }
      e.cancelOrder(cur);
    }
    if (price <= 0) return -1;
    e.countOrder();
    const id = book.limit(owner, side, price, size, false);
    e.expireAfter(id, TTL[MM]);
    return id;
  }

  /** a decision without an order: the last order stays, the reason changes */
  private noteReason(i: number, reason: number, value: number): void {
    this.lastReason[i] = reason;
    this.lastReasonValue[i] = value;
    this.action[i] = 0;
  }

  decide(e: Engine, i: number, t: number, tick: number): void {
    this.decisions++;
    this.decisionsBy[i] = (this.decisionsBy[i] as number) + 1;
    const s = this.sym[i] as number;
    const v = this.venue[i] as number;
    const b = s * 2 + v;
    const book = e.books[b]!;
    const ts = e.tickSize[s] as number;
    const mid = e.venueMid(s, v);
    const rng = this.rng;
    const owner = i;
    const pos = this.pos[i] as number;
    if (t !== MM) this.cancelRest(e, i);
    switch (t) {
      case NOISE: {
        const side = rng.chance(0.5) ? BUY : SELL;
        const qty = 1 + Math.floor(rng.exp(this.p1[i] as number));
        if (rng.chance(0.12)) {
          e.countOrder();
          book.market(owner, side, qty, COLLAR);
          this.note(i, tick, side, 2, 0, qty, REASON.noiseMarket, 0);
        } else {
          // mostly passive; now and then it crosses the spread a little
          const off = mid * (rng.exp(0.0011) - 0.00025);
          let px = Math.round((mid - side * off) / ts);
          if (px < 1) px = 1;
          e.countOrder();
          this.restA[i] = book.limit(owner, side, px, qty, false);
          e.expireAfter(this.restA[i] as number, TTL[NOISE]);
          this.note(i, tick, side, 1, px * ts, qty, REASON.noiseLimit, off / mid);
        }
        return;
      }
      case MM: {
        const lim = this.p1[i] as number;
        const fx = e.scenarios.fx;
        const size = Math.max(1, Math.round((this.p2[i] as number) * e.liquidity * (fx.depth[s] as number)));
        const sigma = Math.sqrt(e.ewVar[s] as number);
        // (never wider than ±10 % around the center: only binds in a crisis, when σ explodes)
        const half = Math.max(ts, Math.min(mid * (0.0001 + 0.6 * sigma * Math.sqrt(10)) * (fx.spread[s] as number), mid * 0.1));
        if ((fx.pull[s] as number) > 0 && rng.chance(fx.pull[s] as number)) {
          // scenario hook: liquidity withdrawal — the market maker pulls both quotes
          this.restA[i] = this.requote(e, book, owner, this.restA[i] as number, BUY, 0, size);
          this.restB[i] = this.requote(e, book, owner, this.restB[i] as number, SELL, 0, size);
          this.noteReason(i, REASON.pulled, fx.pull[s] as number);
          return;
        }
        const skew = (pos / lim) * half;
        const center = mid + MM_INFORMED * (fx.informed[s] as number) * ((e.fundamental.F[s] as number) - mid) - skew;
        let bid = Math.floor((center - half) / ts);
        let ask = Math.ceil((center + half) / ts);
        if (bid < 1) bid = 1;
        if (ask <= bid) ask = bid + 1;
        const oneSided = Math.abs(pos) >= lim;
        // an unchanged quote keeps its place in the queue (only its lifetime is renewed)
        this.restA[i] = this.requote(e, book, owner, this.restA[i] as number, BUY, pos < lim ? bid : 0, size);
        this.restB[i] = this.requote(e, book, owner, this.restB[i] as number, SELL, pos > -lim ? ask : 0, size);
        this.note(i, tick, oneSided ? (pos > 0 ? SELL : BUY) : 0, 3, center, size, oneSided ? REASON.quoteOneSided : REASON.quote, half / mid);
        return;
      }
      case MOMENTUM: {
        const L = this.p1[i] as number;
        const past = e.midAgo(s, L);
        const sig = Math.log(mid / past);
        const th = this.p2[i] as number;
        const maxPos = 60;
        if (sig > th && pos < maxPos) {
          const qty = 1 + Math.floor(4 * Math.min(3, sig / th));
          e.countOrder();
          book.market(owner, BUY, qty, COLLAR);
          this.note(i, tick, BUY, 2, 0, qty, REASON.momentumBuy, sig);
        } else if (sig < -th && pos > -maxPos) {
          const qty = 1 + Math.floor(4 * Math.min(3, -sig / th));
          e.countOrder();
          book.market(owner, SELL, qty, COLLAR);
          this.note(i, tick, SELL, 2, 0, qty, REASON.momentumSell, sig);
        } else if (Math.abs(sig) > th) {
          this.noteReason(i, REASON.positionLimit, pos);
        } else {
          this.noteReason(i, REASON.momentumFlat, sig);
        }
        return;
      }
      default: {
        const fair = (e.fundamental.F[s] as number) * Math.exp(this.p1[i] as number);
        const gap = Math.log(fair / mid);
        const th = this.p2[i] as number;
        const maxPos = 400;
        if (gap > th && pos < maxPos) {
          const qty = 1 + Math.floor(5 * Math.min(8, gap / th));
          let px = Math.round((mid * (1 + Math.min(gap, 0.003))) / ts);
          if (px < 1) px = 1;
          e.countOrder();
          this.restA[i] = book.limit(owner, BUY, px, qty, false);
          e.expireAfter(this.restA[i] as number, TTL[VALUE]);
          this.note(i, tick, BUY, 1, px * ts, qty, REASON.valueBuy, gap);
        } else if (gap < -th && pos > -maxPos) {
          const qty = 1 + Math.floor(5 * Math.min(8, -gap / th));
          let px = Math.round((mid * (1 + Math.max(gap, -0.003))) / ts);
          if (px < 1) px = 1;
          e.countOrder();
          this.restA[i] = book.limit(owner, SELL, px, qty, false);
          e.expireAfter(this.restA[i] as number, TTL[VALUE]);
          this.note(i, tick, SELL, 1, px * ts, qty, REASON.valueSell, gap);
        } else if (Math.abs(gap) > th) {
          this.noteReason(i, REASON.positionLimit, pos);
        } else {
          this.noteReason(i, REASON.valueFair, gap);
        }
      }
    }
  }

  settle(i: number, side: number, qty: number, price: number, fee: number): void {
    this.pos[i] = (this.pos[i] as number) + side * qty;
    this.cash[i] = (this.cash[i] as number) - side * qty * price - fee;
    this.fees[i] = (this.fees[i] as number) + fee;
  }

  pnl(i: number, mark: number): number {
    return (this.cash[i] as number) + (this.pos[i] as number) * mark;
  }

  why(i: number): string {
    const v = this.lastReasonValue[i] as number;
    const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;
    switch (this.lastReason[i]) {
      case REASON.noiseLimit:
        return `random liquidity: a limit order ${pct(v)} from the mid`;
      case REASON.noiseMarket:
        return 'random liquidity: a small market order';
      case REASON.quote:
        return `quoting both sides, half-spread ${pct(v)} (widens with volatility, skewed by inventory)`;
      case REASON.quoteOneSided:
        return `inventory at its limit: quoting only the side that reduces it (half-spread ${pct(v)})`;
      case REASON.momentumBuy:
        return `price up ${pct(v)} over its lookback: following the move`;
      case REASON.momentumSell:
        return `price down ${pct(-v)} over its lookback: following the move`;
      case REASON.momentumFlat:
        return `move of ${pct(v)} over its lookback is below its threshold: no trade`;
      case REASON.valueBuy:
        return `price ${pct(v)} below its estimate of value: buying`;
      case REASON.valueSell:
        return `price ${pct(-v)} above its estimate of value: selling`;
      case REASON.valueFair:
        return `price within ${pct(Math.abs(v))} of its estimate of value: no trade`;
      case REASON.pulled:
        return `liquidity withdrawal: pulled both quotes (chance ${pct(v)} per wake-up while the shock lasts)`;
      case REASON.positionLimit:
        return `signal present but position ${v} is at its limit: no trade`;
      default:
        return 'has not acted yet';
    }
  }

  inspect(i: number, mark: number): CrowdInspection {
    const k = this.lastKind[i] as number;
    return {
      index: i,
      type: CROWD_TYPES[this.type[i] as number] as CrowdType,
      symbol: this.sym[i] as number,
      venue: this.venue[i] as number,
      position: this.pos[i] as number,
      cash: this.cash[i] as number,
      pnl: this.pnl(i, mark),
      feesPaid: this.fees[i] as number,
      decisions: this.decisionsBy[i] as number,
      lastOrder:
        k === 0
          ? null
          : {
              tick: this.lastTick[i] as number,
              side: (this.lastSide[i] as number) >= 0 ? 'buy' : 'sell',
              kind: k === 1 ? 'limit' : k === 2 ? 'market' : 'quote',
              price: k === 2 ? null : (this.lastPrice[i] as number),
              qty: this.lastQty[i] as number,
            },
      why: this.why(i),
    };
  }

  hash(h: Hasher): void {
    h.arr(this.type).arr(this.sym).arr(this.venue).arr(this.pos).arr(this.cash).arr(this.fees).arr(this.action);
    h.arr(this.p1).arr(this.p2).arr(this.restA).arr(this.restB).arr(this.lastTick).arr(this.lastSide).arr(this.lastKind);
    h.arr(this.lastPrice).arr(this.lastQty).arr(this.lastReason).arr(this.lastReasonValue).arr(this.decisionsBy).int(this.decisions);
  }
}
