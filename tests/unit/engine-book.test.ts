import { describe, expect, it } from 'vitest';
import { BUY, Book, OrderPool, SELL, type FillSink } from '../../src-workers/sim/book';

interface Fill {
  maker: number;
  makerOwner: number;
  taker: number;
  side: number;
  px: number;
  qty: number;
  done: boolean;
}

function setup(): { book: Book; fills: Fill[]; pool: OrderPool } {
  const fills: Fill[] = [];
  const sink: FillSink = {
    onFill: (_b, maker, makerOwner, taker, side, px, qty, done) => fills.push({ maker, makerOwner, taker, side, px, qty, done }),
  };
  const pool = new OrderPool(4);
  return { book: new Book(0, pool, sink), fills, pool };
}

describe('limit order book', () => {
  it('price-time priority: better prices first, then first come first served within a price', () => {
    const { book, fills } = setup();
    book.limit(1, SELL, 10_010, 5, false);
    book.limit(2, SELL, 10_005, 5, false);
    book.limit(3, SELL, 10_005, 5, false);
    book.limit(4, SELL, 10_020, 5, false);
    expect(book.bestAsk()).toBe(10_005);
    book.market(9, BUY, 12);
    expect(fills.map((f) => [f.makerOwner, f.px, f.qty])).toEqual([
      [2, 10_005, 5],
      [3, 10_005, 5],
      [1, 10_010, 2],
    ]);
    expect(fills.every((f) => f.taker === 9 && f.side === BUY)).toBe(true);
    // the partly filled order keeps its place and its remaining 3
    expect(book.bestAsk()).toBe(10_010);
    expect(book.asks.bestQty()).toBe(3);
    expect(book.lastTicks).toBe(10_010);
    expect(book.volume).toBe(12);
  });

  it('a marketable limit fills up to its price and rests the remainder at its price', () => {
    const { book, fills } = setup();
    book.limit(1, SELL, 101, 4, false);
    book.limit(2, SELL, 102, 4, false);
    book.limit(3, SELL, 104, 4, false);
    const id = book.limit(7, BUY, 102, 10, false);
    expect(fills.map((f) => [f.px, f.qty])).toEqual([
      [101, 4],
      [102, 4],
    ]);
    expect(id).toBeGreaterThanOrEqual(0);
    expect(book.bestBid()).toBe(102);
    expect(book.bids.bestQty()).toBe(2);
    expect(book.bestAsk()).toBe(104);
    // immediate-or-cancel: the rest is dropped
    const before = book.levels(BUY);
    expect(book.limit(8, BUY, 103, 5, true)).toBe(-1);
    expect(book.levels(BUY)).toBe(before);
  });

  it('a market order on an empty side fills nothing; a collar stops it walking the book', () => {
    const { book, fills } = setup();
    expect(book.market(1, BUY, 10)).toBe(10);
    book.limit(2, SELL, 1000, 1, false);
    book.limit(2, SELL, 1002, 1, false);
    book.limit(2, SELL, 1100, 50, false);
    // 0.5% collar from the touch at 1000: up to 1005
    expect(book.market(3, BUY, 10, 0.005)).toBe(8);
    expect(fills.map((f) => f.px)).toEqual([1000, 1002]);
  });

  it('cancel removes exactly that order; empty levels disappear; a cancelled id cannot be cancelled twice', () => {
    const { book, pool } = setup();
    const a = book.limit(1, BUY, 99, 3, false);
    const b = book.limit(2, BUY, 99, 4, false);
    const c = book.limit(3, BUY, 98, 5, false);
    expect(book.depth(BUY, 5)).toBe(12);
    expect(book.cancel(a)).toBe(true);
    expect(book.cancel(a)).toBe(false);
    expect(book.bids.bestQty()).toBe(4);
    expect(book.cancel(b)).toBe(true);
    expect(book.bestBid()).toBe(98);
    expect(book.levels(BUY)).toBe(1);
    expect(book.cancel(c)).toBe(true);
    expect(book.bestBid()).toBe(0);
    expect(pool.liveCount).toBe(0);
    // ids are recycled and the pool grows past its initial capacity
    const ids = Array.from({ length: 20 }, (_, i) => book.limit(i, SELL, 200 + (i % 7), 1, false));
    expect(new Set(ids).size).toBe(20);
    expect(pool.cap).toBeGreaterThanOrEqual(20);
    const order: number[] = [];
    book.forEachOrder(SELL, (id) => order.push(pool.price[id]!));
    expect(order).toEqual([...order].sort((x, y) => x - y));
  });

  it('prices never go below one tick', () => {
    const { book } = setup();
    book.limit(1, SELL, -5, 2, false);
    expect(book.bestAsk()).toBe(1);
    book.limit(2, BUY, 0, 2, false);
    expect(book.lastTicks).toBe(1);
  });

  it('keeps thousands of levels sorted (binary-searched insertions anywhere in the ladder)', () => {
    const { book, pool } = setup();
    let x = 7;
    for (let i = 0; i < 3000; i++) {
      x = (x * 48271) % 2147483647;
      book.limit(i, BUY, 5000 + (x % 2000), 1 + (x % 3), false);
    }
    const px: number[] = [];
    book.forEachOrder(BUY, (id) => px.push(pool.price[id]!));
    for (let i = 1; i < px.length; i++) expect(px[i]!).toBeLessThanOrEqual(px[i - 1]!);
    expect(book.levels(BUY)).toBe(new Set(px).size);
  });
});
