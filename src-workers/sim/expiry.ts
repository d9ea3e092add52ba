/**
 * Good-till-time orders: a timing wheel of (order id, generation) pairs by expiry tick. Each tick
 * the engine cancels whatever in the current slot is still live and still the same order (an id can
 * be reused after a fill or cancel; the generation tells them apart). O(1) to schedule, O(expiring)
 * per tick, whatever the crowd size.
 */
import type { Hasher } from './hash';

export const WHEEL = 64;

export class ExpiryWheel {
  private ids: Int32Array[] = [];
  private gens: Uint32Array[] = [];
  private counts = new Int32Array(WHEEL);

  constructor() {
    for (let i = 0; i < WHEEL; i++) {
      this.ids.push(new Int32Array(64));
      this.gens.push(new Uint32Array(64));
    }
  }

  /** `ttl` in ticks, 1..WHEEL-1 */
  add(tick: number, ttl: number, id: number, gen: number): void {
    const slot = (tick + ttl) % WHEEL;
    let n = this.counts[slot] as number;
    let ids = this.ids[slot] as Int32Array;
    if (n === ids.length) {
      const i2 = new Int32Array(n * 2);
      i2.set(ids);
      this.ids[slot] = ids = i2;
      const g2 = new Uint32Array(n * 2);
      g2.set(this.gens[slot] as Uint32Array);
      this.gens[slot] = g2;
    }
    ids[n] = id;
    (this.gens[slot] as Uint32Array)[n] = gen;
    this.counts[slot] = ++n;
  }

  /** Calls `fn` for every order due at `tick` and empties the slot. */
  due(tick: number, fn: (id: number, gen: number) => void): void {
    const slot = tick % WHEEL;
    const n = this.counts[slot] as number;
    const ids = this.ids[slot] as Int32Array;
    const gens = this.gens[slot] as Uint32Array;
    this.counts[slot] = 0;
    for (let k = 0; k < n; k++) fn(ids[k] as number, gens[k] as number);
  }

  /** Snapshot hook (snapshot.ts): only the live part of each slot, and each slot's capacity. */
  saveState(): { counts: Int32Array; caps: Int32Array; ids: Int32Array[]; gens: Uint32Array[] } {
    return {
      counts: this.counts.slice(),
      caps: Int32Array.from(this.ids, (a) => a.length),
      ids: this.ids.map((a, i) => a.slice(0, this.counts[i] as number)),
      gens: this.gens.map((a, i) => a.slice(0, this.counts[i] as number)),
    };
  }

  loadState(st: { counts: Int32Array; caps: Int32Array; ids: Int32Array[]; gens: Uint32Array[] }): void {
    this.counts.set(st.counts);
    for (let i = 0; i < WHEEL; i++) {
      const cap = st.caps[i] as number;
      const ids = new Int32Array(cap);
      ids.set(st.ids[i] as Int32Array);
      const gens = new Uint32Array(cap);
      gens.set(st.gens[i] as Uint32Array);
      this.ids[i] = ids;
      this.gens[i] = gens;
    }
  }

  hash(h: Hasher): void {
    for (let i = 0; i < WHEEL; i++) {
      const n = this.counts[i] as number;
      h.arr(this.ids[i] as Int32Array, n).arr(this.gens[i] as Uint32Array, n);
    }
  }
}
