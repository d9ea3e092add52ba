// Own limit order book: no maintained npm order-book library fits a deterministic typed-array engine.
/**
 * Price-time priority limit order books. Prices are integer ticks (price = ticks × tickSize, ticks ≥ 1),
 * quantities are whole units. All orders of all books live in one `OrderPool` (typed-array columns,
 * free-list recycled); each price level is a FIFO doubly-linked list of orders; each book side keeps
 * its levels in a sorted typed array with the best level LAST, so taking liquidity pops from the end
 * and a new level is placed by binary search.
 */

export const BUY = 1;
export const SELL = -1;

export class OrderPool {
  cap: number;
  price: Int32Array;
  qty: Float64Array;
  side: Int8Array;
  owner: Int32Array;
  book: Int32Array;
  next: Int32Array;
  prev: Int32Array;
  live: Uint8Array;
  /** generation of each id, bumped when the id is handed out again (tells a recycled id from the old order) */
  gen: Uint32Array;
  /** tick at which a good-till-time order expires (checked by the engine's expiry wheel) */
  expires: Int32Array;
  private freeHead = -1;
  /** high-water mark: ids below it have been handed out at least once */
  used = 0;
  liveCount = 0;

  constructor(cap = 1024) {
    this.cap = cap;
    this.price = new Int32Array(cap);
    this.qty = new Float64Array(cap);
    this.side = new Int8Array(cap);
    this.owner = new Int32Array(cap);
    this.book = new Int32Array(cap);
    this.next = new Int32Array(cap);
    this.prev = new Int32Array(cap);
    this.live = new Uint8Array(cap);
    this.gen = new Uint32Array(cap);
    this.expires = new Int32Array(cap);
  }

  private grow(): void {
    const cap = this.cap * 2;
    const g = <T extends Int32Array | Float64Array | Int8Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a as never);
      return b;
    };
    this.price = g(this.price, (n) => new Int32Array(n));
    this.qty = g(this.qty, (n) => new Float64Array(n));
    this.side = g(this.side, (n) => new Int8Array(n));
    this.owner = g(this.owner, (n) => new Int32Array(n));
    this.book = g(this.book, (n) => new Int32Array(n));
    this.next = g(this.next, (n) => new Int32Array(n));
    this.prev = g(this.prev, (n) => new Int32Array(n));
    this.live = g(this.live, (n) => new Uint8Array(n));
    const gen = new Uint32Array(cap);
    gen.set(this.gen);
    this.gen = gen;
    this.expires = g(this.expires, (n) => new Int32Array(n));
    this.cap = cap;
  }

  alloc(): number {
    let id: number;
    if (this.freeHead >= 0) {
      id = this.freeHead;
      this.freeHead = this.next[id] as number;
    } else {
      if (this.used >= this.cap) this.grow();
      id = this.used++;
    }
    this.live[id] = 1;
    this.gen[id] = ((this.gen[id] as number) + 1) >>> 0;
    this.expires[id] = -1;
    this.liveCount++;
    return id;
  }

  /** Snapshot hook (snapshot.ts): the columns up to the high-water mark (ids above it were never handed out). */
  saveState(): { cap: number; used: number; liveCount: number; freeHead: number; cols: Array<Int32Array | Float64Array | Int8Array | Uint8Array | Uint32Array> } {
    const u = this.used;
    return {
      cap: this.cap,
      used: u,
      liveCount: this.liveCount,
      freeHead: this.freeHead,
      cols: [this.price, this.qty, this.side, this.owner, this.book, this.next, this.prev, this.live, this.gen, this.expires].map((a) => a.slice(0, u)),
    };
  }

  loadState(st: { cap: number; used: number; liveCount: number; freeHead: number; cols: Array<Int32Array | Float64Array | Int8Array | Uint8Array | Uint32Array> }): void {
    const cap = st.cap;
    const col = <T extends Int32Array | Float64Array | Int8Array | Uint8Array | Uint32Array>(i: number, make: (n: number) => T): T => {
      const a = make(cap);
      a.set(st.cols[i] as never);
      return a;
    };
    this.cap = cap;
    this.price = col(0, (n) => new Int32Array(n));
    this.qty = col(1, (n) => new Float64Array(n));
    this.side = col(2, (n) => new Int8Array(n));
    this.owner = col(3, (n) => new Int32Array(n));
    this.book = col(4, (n) => new Int32Array(n));
    this.next = col(5, (n) => new Int32Array(n));
    this.prev = col(6, (n) => new Int32Array(n));
    this.live = col(7, (n) => new Uint8Array(n));
    this.gen = col(8, (n) => new Uint32Array(n));
    this.expires = col(9, (n) => new Int32Array(n));
    this.used = st.used;
    this.liveCount = st.liveCount;
    this.freeHead = st.freeHead;
  }

  release(id: number): void {
    this.live[id] = 0;
    this.qty[id] = 0;
    this.next[id] = this.freeHead;
    this.freeHead = id;
    this.liveCount--;
  }
}

/** One side of a book: levels sorted by key ascending, best (highest key) last. key = price for bids, -price for asks. */
class BookSide {
  n = 0;
  key: Int32Array;
  head: Int32Array;
  tail: Int32Array;
  qty: Float64Array;

  constructor(readonly sign: 1 | -1, cap = 64) {
    this.key = new Int32Array(cap);
    this.head = new Int32Array(cap);
    this.tail = new Int32Array(cap);
    this.qty = new Float64Array(cap);
  }

  bestPrice(): number {
    return this.n > 0 ? (this.key[this.n - 1] as number) * this.sign : 0;
  }

  bestQty(): number {
    return this.n > 0 ? (this.qty[this.n - 1] as number) : 0;
  }

  /** index of the level with this key, or -(insertionPoint + 1) */
  find(k: number): number {
    let lo = 0;
    let hi = this.n - 1;
    // most activity is near the best level: check the top first
    if (hi >= 0 && (this.key[hi] as number) === k) return hi;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const km = this.key[mid] as number;
      if (km < k) lo = mid + 1;
      else if (km > k) hi = mid - 1;
      else return mid;
    }
    return -(lo + 1);
  }

  insertLevel(at: number, k: number): void {
    if (this.n === this.key.length) {
      const cap = this.n * 2;
      const k2 = new Int32Array(cap);
      k2.set(this.key);
      this.key = k2;
      const h2 = new Int32Array(cap);
      h2.set(this.head);
      this.head = h2;
      const t2 = new Int32Array(cap);
      t2.set(this.tail);
      this.tail = t2;
      const q2 = new Float64Array(cap);
      q2.set(this.qty);
      this.qty = q2;
    }
    if (at < this.n) {
      this.key.copyWithin(at + 1, at, this.n);
      this.head.copyWithin(at + 1, at, this.n);
      this.tail.copyWithin(at + 1, at, this.n);
      this.qty.copyWithin(at + 1, at, this.n);
    }
    this.key[at] = k;
    this.head[at] = -1;
    this.tail[at] = -1;
    this.qty[at] = 0;
    this.n++;
  }

  removeLevel(at: number): void {
    if (at < this.n - 1) {
      this.key.copyWithin(at, at + 1, this.n);
      this.head.copyWithin(at, at + 1, this.n);
      this.tail.copyWithin(at, at + 1, this.n);
      this.qty.copyWithin(at, at + 1, this.n);
    }
    this.n--;
  }
}

/** Receives every execution; the engine settles cash, positions, fees and events. */
export interface FillSink {
  onFill(book: number, makerOrder: number, makerOwner: number, takerOwner: number, takerSide: number, priceTicks: number, qty: number, makerDone: boolean): void;
}

export class Book {
  readonly bids: BookSide;
  readonly asks: BookSide;
  /** last trade price in ticks (0 before the first trade) */
  lastTicks = 0;
  volume = 0;
  trades = 0;

  constructor(
    readonly id: number,
    readonly pool: OrderPool,
    readonly sink: FillSink,
  ) {
    this.bids = new BookSide(1);
    this.asks = new BookSide(-1);
  }

  bestBid(): number {
    return this.bids.bestPrice();
  }
  bestAsk(): number {
    return this.asks.bestPrice();
  }

  /**
   * Limit order: matches against the opposite side while prices cross, then (unless `ioc`) rests the
   * remainder at the back of its level. Returns the resting order id, or -1 if nothing rests.
   */
  limit(owner: number, side: number, priceTicks: number, qty: number, ioc: boolean): number {
    if (priceTicks < 1) priceTicks = 1;
    const left = this.take(owner, side, qty, priceTicks);
    if (left <= 0 || ioc) return -1;
    return this.rest(owner, side, priceTicks, left);
  }

  /**
   * Market order: takes liquidity until filled or the opposite side is empty; with `collar` > 0 it
   * walks at most that fraction of the price away from the touch it found (a price band, like the
   * exchanges' collars on market orders). The unfilled rest is cancelled and returned.
   */
  market(owner: number, side: number, qty: number, collar = 0): number {
    let limit = side === BUY ? 0x7fffffff : 1;
    if (collar > 0) {
      const touch = side === BUY ? this.bestAsk() : this.bestBid();
      if (touch === 0) return qty;
      limit = side === BUY ? Math.ceil(touch * (1 + collar)) : Math.max(1, Math.floor(touch * (1 - collar)));
    }
    return this.take(owner, side, qty, limit);
  }

  cancel(id: number): boolean {
    const pool = this.pool;
    if (!pool.live[id] || pool.book[id] !== this.id) return false;
    const side = pool.side[id] === BUY ? this.bids : this.asks;
    const k = (pool.price[id] as number) * side.sign;
    const li = side.find(k);
    if (li < 0) throw new Error('order book corrupt: level missing for live order');
    const prev = pool.prev[id] as number;
    const next = pool.next[id] as number;
    if (prev >= 0) pool.next[prev] = next;
    else side.head[li] = next;
    if (next >= 0) pool.prev[next] = prev;
    else side.tail[li] = prev;
    side.qty[li] = (side.qty[li] as number) - (pool.qty[id] as number);
    if ((side.head[li] as number) < 0) side.removeLevel(li);
    pool.release(id);
    return true;
  }

  private rest(owner: number, side: number, priceTicks: number, qty: number): number {
    const pool = this.pool;
    const s = side === BUY ? this.bids : this.asks;
    const k = priceTicks * s.sign;
    let li = s.find(k);
    if (li < 0) {
      li = -li - 1;
      s.insertLevel(li, k);
    }
    const id = pool.alloc();
    pool.price[id] = priceTicks;
    pool.qty[id] = qty;
    pool.side[id] = side;
    pool.owner[id] = owner;
    pool.book[id] = this.id;
    const tail = s.tail[li] as number;
    pool.prev[id] = tail;
    pool.next[id] = -1;
    if (tail >= 0) pool.next[tail] = id;
    else s.head[li] = id;
    s.tail[li] = id;
    s.qty[li] = (s.qty[li] as number) + qty;
    return id;
  }

  /** Takes liquidity from the opposite side up to `limitTicks`; returns the unfilled quantity. */
  private take(owner: number, side: number, qty: number, limitTicks: number): number {
    const pool = this.pool;
    const opp = side === BUY ? this.asks : this.bids;
    const limitKey = limitTicks * opp.sign;
    while (qty > 0 && opp.n > 0) {
      const li = opp.n - 1;
      const k = opp.key[li] as number;
      // opposite best key must be >= -limit for buys (ask <= limit) / >= limit for sells (bid >= limit)
      if (k < limitKey) break;
      const px = k * opp.sign;
      let id = opp.head[li] as number;
      while (qty > 0 && id >= 0) {
        const oq = pool.qty[id] as number;
        const f = oq <= qty ? oq : qty;
        qty -= f;
        const rem = oq - f;
        pool.qty[id] = rem;
        opp.qty[li] = (opp.qty[li] as number) - f;
        this.lastTicks = px;
        this.volume += f;
        this.trades++;
        const next = pool.next[id] as number;
        const makerOwner = pool.owner[id] as number;
        if (rem <= 0) {
          opp.head[li] = next;
          if (next >= 0) pool.prev[next] = -1;
          else opp.tail[li] = -1;
          pool.release(id);
          this.sink.onFill(this.id, id, makerOwner, owner, side, px, f, true);
          id = next;
        } else {
          this.sink.onFill(this.id, id, makerOwner, owner, side, px, f, false);
        }
      }
      if ((opp.head[li] as number) < 0) opp.removeLevel(li);
    }
    return qty;
  }

  /** Sum of resting quantity over the best `levels` levels of one side. */
  depth(side: number, levels: number): number {
    const s = side === BUY ? this.bids : this.asks;
    let q = 0;
    for (let i = s.n - 1, c = 0; i >= 0 && c < levels; i--, c++) q += s.qty[i] as number;
    return q;
  }

  /** Walks every resting order in priority order (best level first, FIFO within a level). */
  forEachOrder(side: number, fn: (id: number) => void): void {
    const s = side === BUY ? this.bids : this.asks;
    for (let i = s.n - 1; i >= 0; i--) {
      for (let id = s.head[i] as number; id >= 0; id = this.pool.next[id] as number) fn(id);
    }
  }

  levels(side: number): number {
    return (side === BUY ? this.bids : this.asks).n;
  }
}
