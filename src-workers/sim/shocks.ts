/**
 * Shock effects: what active shocks do to the engine this tick. `ShockEffects` holds the per-tick
 * multipliers the engine's mechanisms read (recomputed every tick from the base parameters and the
 * active shocks, so overlapping shocks compose — multipliers multiply, moves add — and a cancelled
 * shock's effect is gone at the next tick); the one-off and per-tick actions (gaps, headlines, fat
 * fingers, margin calls, contagion) act through the fundamental, the news process and real orders.
 *
 * Where each multiplier is read: `vol` → Fundamental.symVol (market.ts); `depth`, `spread`, `pull` →
 * market makers' quotes (crowd.ts); `typeMult` → the crowd's wake-up schedule (crowd.ts); `down` →
 * Engine.bookHalted / the mark (engine.ts).
 */
import type { ShockKind } from '../../src-shared/scenario';
import { BUY, SELL } from './book';
import { MM, MOMENTUM, NOISE, VALUE } from './crowd';
import type { Engine } from './engine';
import type { Hasher } from './hash';

export class ShockEffects {
  /** per symbol volatility multiplier */
  readonly vol: Float64Array;
  /** per symbol market-maker quote size / half-spread multipliers and pull probability */
  readonly depth: Float64Array;
  readonly spread: Float64Array;
  readonly pull: Float64Array;
  /** per symbol multiplier of the market makers' lean towards value */
  readonly informed: Float64Array;
  /** per (type × S + symbol) crowd wake-up rate multiplier */
  readonly typeMult: Float64Array;
  /** per book (symbol × 2 + venue): 1 while a venue outage or trading halt shock holds it */
  readonly down: Uint8Array;
  /** base crowd mix (the `mix*` parameters), per type */
  readonly baseMix = new Float64Array([1, 1, 1, 1]);
  /** true when any multiplier differs from neutral (lets the hot paths skip work) */
  active = false;

  constructor(readonly S: number) {
    this.vol = new Float64Array(S).fill(1);
    this.depth = new Float64Array(S).fill(1);
    this.spread = new Float64Array(S).fill(1);
    this.pull = new Float64Array(S);
    this.informed = new Float64Array(S).fill(1);
    this.typeMult = new Float64Array(4 * S).fill(1);
    this.down = new Uint8Array(2 * S);
  }

  reset(): void {
    this.vol.fill(1);
    this.depth.fill(1);
    this.spread.fill(1);
    this.pull.fill(0);
    this.informed.fill(1);
    for (let t = 0; t < 4; t++) this.typeMult.fill(this.baseMix[t] as number, t * this.S, (t + 1) * this.S);
    this.down.fill(0);
    this.active = this.baseMix.some((x) => x !== 1);
  }

  /** Adds a continuous shock's multipliers on symbol s (venue mask for outages). */
  apply(k: ShockKind, s: number, venueMask: number): void {
    const S = this.S;
    switch (k.kind) {
      case 'volatility':
        this.vol[s] = (this.vol[s] as number) * k.multiplier;
        break;
      case 'liquidity':
        this.depth[s] = (this.depth[s] as number) * k.depth;
        this.spread[s] = (this.spread[s] as number) * k.spread;
        // independent pulls compose: 1 − Π(1 − p)
        this.pull[s] = 1 - (1 - (this.pull[s] as number)) * (1 - k.pull);
        this.typeMult[MM * S + s] = (this.typeMult[MM * S + s] as number) * k.rate;
        this.typeMult[VALUE * S + s] = (this.typeMult[VALUE * S + s] as number) * k.value;
        this.typeMult[NOISE * S + s] = (this.typeMult[NOISE * S + s] as number) * k.noise;
        this.informed[s] = (this.informed[s] as number) * k.informed;
        break;
      case 'herding':
        this.typeMult[MOMENTUM * S + s] = (this.typeMult[MOMENTUM * S + s] as number) * k.multiplier;
        break;
      case 'outage':
        for (let v = 0; v < 2; v++) if (venueMask & (1 << v)) this.down[s * 2 + v] = 1;
        break;
      default:
        return;
    }
    this.active = true;
  }

  /** the per-tick multipliers as plain arrays (part of ScenarioRunner.saveState) */
  save(): Record<string, number[] | boolean> {
    return {
      vol: Array.from(this.vol),
      depth: Array.from(this.depth),
      spread: Array.from(this.spread),
      pull: Array.from(this.pull),
      informed: Array.from(this.informed),
      typeMult: Array.from(this.typeMult),
      down: Array.from(this.down),
      baseMix: Array.from(this.baseMix),
      active: this.active,
    };
  }

  load(st: Record<string, number[] | boolean>): void {
    const arr = (k: string): number[] => {
      const v = st[k];
      if (!Array.isArray(v)) throw new Error(`ShockEffects.load: ${k} missing`);
      return v;
    };
    this.vol.set(arr('vol'));
    this.depth.set(arr('depth'));
    this.spread.set(arr('spread'));
    this.pull.set(arr('pull'));
    this.informed.set(arr('informed'));
    this.typeMult.set(arr('typeMult'));
    this.down.set(arr('down'));
    this.baseMix.set(arr('baseMix'));
    this.active = st.active === true;
  }

  hash(h: Hasher): void {
    h.arr(this.vol).arr(this.depth).arr(this.spread).arr(this.pull).arr(this.informed).arr(this.typeMult).arr(this.down).arr(this.baseMix).int(this.active ? 1 : 0);
  }
}

export const TYPE_INDEX = { noise: NOISE, marketMaker: MM, momentum: MOMENTUM, value: VALUE } as const;

/** A crowd trader of symbol s to act as the account behind a scenario's orders (of `type` if any), or -1. */
export function accountFor(e: Engine, s: number, type: number, nth: number): number {
  const ids = e.crowd.byType[type] ?? new Int32Array(0);
  let count = 0;
  for (let j = 0; j < ids.length; j++) if (e.crowd.sym[ids[j] as number] === s) count++;
  if (count > 0) {
    let k = nth % count;
    for (let j = 0; j < ids.length; j++) if (e.crowd.sym[ids[j] as number] === s && k-- === 0) return ids[j] as number;
  }
  for (let i = 0; i < e.crowdN; i++) if (e.crowd.sym[i] === s && e.crowd.type[i] !== MM) return i;
  return -1;
}

/** Sends a market order for an outside account; returns the unfilled quantity. */
export function marketOrder(e: Engine, owner: number, s: number, v: number, side: number, qty: number, collar: number): number {
  if (owner < 0 || qty <= 0 || e.floorHalted || e.bookHalted(s, v)) return qty;
  e.countOrder();
  return e.books[s * 2 + v]!.market(owner, side, qty, collar);
}

export const SIDE = { buy: BUY, sell: SELL } as const;
