/**
 * Circuit breakers (configurable with the `breakers` input; a running scenario may impose the rules of
 * its real episode until it ends).
 *
 *  - per symbol (limit-up/limit-down): a symbol whose mark moves more than `symbol.move` from its
 *    reference within a `symbol.windowTicks` window stops trading for `symbol.haltTicks` (error alert;
 *    the reference resets at every window and after each halt);
 *  - market-wide: the floor index (mean log move of the symbols' marks since the window's reference)
 *    falling through level k (7 / 13 / 20 % by default, NYSE Rule 7.12) halts every symbol for
 *    `market.haltTicks` (levels 1 … n−1, once per window) or for the rest of the window (last level);
 *  - `venues`: the venues the halts apply to. Both (the default): the symbol is halted (engine
 *    `symbolHaltUntil`, which the crowd, the desks and the risk checks respect). One: only that
 *    venue's book stops; the other keeps trading.
 *
 * Snapshot/restore: `saveState()` / `loadState(s)` cover everything here (the engine's own
 * `symbolHaltUntil` and `breakerRef` arrays are engine state).
 */
import { BreakerConfig, DEFAULT_BREAKERS, type HaltStatus } from '../../src-shared/scenario';
import type { Engine } from './engine';
import type { Hasher } from './hash';

export interface BreakersState {
  base: BreakerConfig;
  override: BreakerConfig | null;
  overrideId: number;
  marketRef: number[];
  levelsHit: number;
  marketHaltUntil: number;
  venueHaltUntil: number[];
  halts: HaltStatus[];
  triggered: number;
}

export class Breakers {
  base: BreakerConfig = DEFAULT_BREAKERS;
  /** rules imposed by a running scenario (its real episode's), or null */
  override: BreakerConfig | null = null;
  /** id of the scenario whose rules are in force (-1: the floor's own) */
  overrideId = -1;
  /** per symbol: mark at the start of the market-wide window */
  readonly marketRef: Float64Array;
  /** bit k: market-wide level k triggered in this window */
  levelsHit = 0;
  marketHaltUntil = 0;
  /** per book (symbol × 2 + venue): halted until (breakers applying to one venue only) */
  readonly venueHaltUntil: Int32Array;
  /** halts in force or recent (for the API); pruned as they end */
  halts: HaltStatus[] = [];
  /** number of halts triggered since the start */
  triggered = 0;

  constructor(private readonly S: number, startPrices: ArrayLike<number>) {
    this.marketRef = Float64Array.from(startPrices);
    this.venueHaltUntil = new Int32Array(S * 2);
  }

  get config(): BreakerConfig {
    return this.override ?? this.base;
  }

  configure(cfg: BreakerConfig): void {
    this.base = BreakerConfig.parse(cfg);
  }

  /**
   * Puts a scenario's rules in force (or the floor's own back, with id -1). When the rules change,
   * the references restart from the current marks, so moves made under other rules do not trigger
   * halts after the fact.
   */
  setOverride(e: Engine, id: number, cfg: BreakerConfig | null): void {
    if (id === this.overrideId) return;
    this.overrideId = id;
    this.override = cfg;
    for (let s = 0; s < this.S; s++) {
      e.breakerRef[s] = e.mark[s] as number;
      this.marketRef[s] = e.mark[s] as number;
    }
    this.levelsHit = 0;
  }

  private venueMask(cfg: BreakerConfig): number {
    let m = 0;
    for (const v of cfg.venues) m |= v === 'NOVA' ? 1 : 2;
    return m;
  }

  /** Halts symbol s until `until` on the configured venues. */
  private haltSymbol(e: Engine, s: number, until: number, mask: number): void {
    if (mask === 3) {
      if ((e.symbolHaltUntil[s] as number) < until) e.symbolHaltUntil[s] = until;
    } else {
      for (let v = 0; v < 2; v++) if (mask & (1 << v) && (this.venueHaltUntil[s * 2 + v] as number) < until) this.venueHaltUntil[s * 2 + v] = until;
    }
  }

  bookHalted(s: number, v: number, tick: number): boolean {
    return tick < (this.venueHaltUntil[s * 2 + v] as number);
  }

  check(e: Engine, t: number): void {
    const cfg = this.config;
    const mask = this.venueMask(cfg);
    const S = this.S;
    const sym = cfg.symbol;
    for (let s = 0; s < S; s++) {
      const m = e.mark[s] as number;
      const ref = e.breakerRef[s] as number;
      if (t < (e.symbolHaltUntil[s] as number)) continue;
      if (mask !== 3 && t < (this.venueHaltUntil[s * 2] as number) && t < (this.venueHaltUntil[s * 2 + 1] as number)) continue;
      const move = m / ref - 1;
      if (sym.enabled && Math.abs(move) > sym.move) {
        this.haltSymbol(e, s, t + 1 + sym.haltTicks, mask);
        e.breakerRef[s] = m;
        e.desks.halts++;
        this.triggered++;
        this.halts.push({ scope: 'symbol', symbol: s, venue: mask === 3 ? null : mask - 1, untilTick: t + 1 + sym.haltTicks, reason: `moved ${(move * 100).toFixed(1)}%` });
        e.emit({ type: 'alert', severity: 'error', source: 'circuit breaker', message: `${e.symbolName(s)} moved ${(move * 100).toFixed(1)}% within ${sym.windowTicks} ticks: trading halted for ${sym.haltTicks} ticks` });
      } else if ((t + 1) % sym.windowTicks === 0) e.breakerRef[s] = m;
    }
    const mk = cfg.market;
    if (mk.enabled && S > 0) {
      let idx = 0;
      for (let s = 0; s < S; s++) idx += Math.log((e.mark[s] as number) / (this.marketRef[s] as number));
      const move = Math.exp(idx / S) - 1;
      const windowEnd = (Math.floor(t / mk.windowTicks) + 1) * mk.windowTicks;
      for (let k = mk.levels.length - 1; k >= 0; k--) {
        const level = mk.levels[k] as number;
        if (move > -level || this.levelsHit & (1 << k)) continue;
        // a deeper level implies the shallower ones
        this.levelsHit |= (1 << (k + 1)) - 1;
        const last = k === mk.levels.length - 1;
        const until = last ? windowEnd : t + 1 + mk.haltTicks;
        if (until > this.marketHaltUntil) this.marketHaltUntil = until;
        for (let s = 0; s < S; s++) this.haltSymbol(e, s, until, mask);
        e.desks.halts++;
        this.triggered++;
        this.halts.push({ scope: 'market', symbol: null, venue: mask === 3 ? null : mask - 1, untilTick: until, reason: `level ${k + 1}: index ${(move * 100).toFixed(1)}%` });
        e.emit({
          type: 'alert',
          severity: 'critical',
          source: 'market-wide circuit breaker',
          message: `level ${k + 1} (${(level * 100).toFixed(0)}%): the floor index is ${(move * 100).toFixed(1)}% — ${last ? 'trading halted for the rest of the session window' : `all trading halted for ${mk.haltTicks} ticks`}`,
        });
        break;
      }
    }
    if ((t + 1) % mk.windowTicks === 0) {
      for (let s = 0; s < S; s++) this.marketRef[s] = e.mark[s] as number;
      this.levelsHit = 0;
    }
    if (this.halts.length > 0 && (this.halts[0] as HaltStatus).untilTick <= t) this.halts = this.halts.filter((h) => h.untilTick > t);
  }

  saveState(): BreakersState {
    return {
      base: structuredClone(this.base),
      override: this.override ? structuredClone(this.override) : null,
      overrideId: this.overrideId,
      marketRef: Array.from(this.marketRef),
      levelsHit: this.levelsHit,
      marketHaltUntil: this.marketHaltUntil,
      venueHaltUntil: Array.from(this.venueHaltUntil),
      halts: structuredClone(this.halts),
      triggered: this.triggered,
    };
  }

  loadState(st: BreakersState): void {
    this.base = BreakerConfig.parse(st.base);
    this.override = st.override ? BreakerConfig.parse(st.override) : null;
    this.overrideId = st.overrideId;
    this.marketRef.set(st.marketRef);
    this.levelsHit = st.levelsHit;
    this.marketHaltUntil = st.marketHaltUntil;
    this.venueHaltUntil.set(st.venueHaltUntil);
    this.halts = structuredClone(st.halts);
    this.triggered = st.triggered;
  }

  hash(h: Hasher): void {
    h.str(JSON.stringify(this.config)).int(this.overrideId).arr(this.marketRef).int(this.levelsHit).int(this.marketHaltUntil).arr(this.venueHaltUntil).int(this.triggered);
  }
}
