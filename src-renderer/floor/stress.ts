import type { AlertEvent, ScenarioEvent } from '../../src-shared/events';
import type { ScenarioState } from '../../src-shared/scenario';
import { HISTORY_TICKS, type PriceHistory } from '../frames';

/**
 * The room's stress level, 0 (calm) .. 1 (crisis), from what the floor already holds: realised
 * volatility of the board's prices over a trailing window (frames.history), halted symbols, desks
 * and the floor-wide halt (frame columns, the store), active scenarios and shocks (scenario events,
 * and scenario.active when the deck has polled it recently) and recent severe alerts (the feed).
 * Each part is 0..1; they combine as independent alarms (1 − Π(1 − part)), so any one can raise
 * the room and several together push it toward 1. Pure functions plus one small mutable state,
 * updated per frame by floor/Stress.tsx (no React state).
 */

/** Ticks of price history behind the realised volatility (3 s of floor time). */
export const VOL_WINDOW = 60;
/**
 * Per-tick RMS log return (mean over symbols) that counts as calm, and the span above it that
 * reaches full stress. Measured on the default floor (seed 1 and 3): 2.5–4 × 10⁻⁴ when nothing
 * happens (spikes to ~6.5), 7–17 × 10⁻⁴ in the volatility-storm preset.
 */
export const VOL_CALM = 5e-4;
export const VOL_SPAN = 10e-4;
/** Alarm beacons switch on above ON and off below OFF (hysteresis: no flicker at the threshold). */
export const BEACON_ON = 0.35;
export const BEACON_OFF = 0.25;
/** Alerts this recent (ticks, 10 s of floor time) count. */
export const ALERT_WINDOW = 200;

export interface StressParts {
  volatility: number;
  halts: number;
  shocks: number;
  alerts: number;
}

export interface StressInputs {
  /** per-tick RMS log return over the window, mean over symbols */
  rmsReturn: number;
  /** symbols halted on every venue / on some venue, as shares of all symbols */
  symbolsHalted: number;
  symbolsVenueHalted: number;
  /** share of featured agents whose desk is halted */
  desksHalted: number;
  floorHalt: boolean;
  /** scenarios started and not yet ended or cancelled */
  activeScenarios: number;
  /** shocks in force (scenario.active), when known */
  activeShocks: number;
  /** most severe recent alert: 0 none, 1 error, 2 critical or emergency */
  alertLevel: 0 | 1 | 2;
}

const clamp01 = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : x);

export function stressParts(i: StressInputs): StressParts {
  const volatility = clamp01((i.rmsReturn - VOL_CALM) / VOL_SPAN);
  let halts = 0;
  if (i.floorHalt) halts = 0.85;
  if (i.symbolsHalted > 0) halts = Math.max(halts, 0.55 + 0.45 * i.symbolsHalted);
  if (i.symbolsVenueHalted > 0) halts = Math.max(halts, 0.3 + 0.3 * i.symbolsVenueHalted);
  halts = Math.max(halts, 0.5 * i.desksHalted);
  const fromScenarios = 1 - 0.55 ** Math.max(0, i.activeScenarios);
  const fromShocks = 1 - 0.7 ** Math.max(0, i.activeShocks);
  const shocks = Math.max(fromScenarios, fromShocks);
  const alerts = i.alertLevel === 2 ? 0.6 : i.alertLevel === 1 ? 0.25 : 0;
  return { volatility, halts: clamp01(halts), shocks: clamp01(shocks), alerts };
}

/** The parts as independent alarms: 1 − Π(1 − part). */
export function stressTarget(p: StressParts): number {
  return clamp01(1 - (1 - p.volatility) * (1 - p.halts) * (1 - p.shocks) * (1 - p.alerts));
}

/** Eases the level toward the target: rises in ~0.5 s, calms down over ~2.5 s. */
export function smoothStress(level: number, target: number, dtSeconds: number): number {
  const tau = target > level ? 0.5 : 2.5;
  const k = 1 - Math.exp(-Math.max(0, Math.min(dtSeconds, 0.5)) / tau);
  return level + (target - level) * k;
}

/** Beacons on/off with hysteresis. */
export function beaconsOn(level: number, wasOn: boolean): boolean {
  return wasOn ? level > BEACON_OFF : level > BEACON_ON;
}

/** Per-tick RMS log return over the last `window` ticks of the price history, mean over symbols. */
export function realisedVolatility(h: PriceHistory, window = VOL_WINDOW): number {
  const S = h.symbols;
  const n = Math.min(h.count, window + 1);
  if (S === 0 || n < 3) return 0;
  let acc = 0;
  let used = 0;
  const oldest = (h.head - n + HISTORY_TICKS) % HISTORY_TICKS;
  for (let s = 0; s < S; s++) {
    let sq = 0;
    let k = 0;
    let prev = h.data[oldest * S + s] ?? 0;
    for (let i = 1; i < n; i++) {
      const px = h.data[((oldest + i) % HISTORY_TICKS) * S + s] ?? 0;
      if (prev > 0 && px > 0) {
        const r = Math.log(px / prev);
        sq += r * r;
        k++;
      }
      prev = px;
    }
    if (k > 0) {
      acc += Math.sqrt(sq / k);
      used++;
    }
  }
  return used > 0 ? acc / used : 0;
}

/** The most severe alert within the window before `tick`: 2 critical/emergency, 1 error, 0 none. */
export function recentAlertLevel(feed: readonly { type: string }[], tick: number): { level: 0 | 1 | 2; message: string | null } {
  let level: 0 | 1 | 2 = 0;
  let message: string | null = null;
  for (const e of feed) {
    if (e.type !== 'alert') continue;
    const a = e as AlertEvent;
    if (a.tick < tick - ALERT_WINDOW) continue;
    const l = a.severity === 'critical' || a.severity === 'emergency' ? 2 : a.severity === 'error' ? 1 : 0;
    if (l > level) {
      level = l;
      message = a.message;
    }
  }
  return { level, message };
}

/** Shocks in force per scenario.active, when its answer is recent (within `maxAge` ticks of `tick`). */
export function activeShocksOf(state: ScenarioState | null, tick: number, maxAge = 100): number {
  if (!state || Math.abs(tick - state.tick) > maxAge) return 0;
  let n = 0;
  for (const s of state.shocks) if (s.state === 'active') n++;
  return n;
}

/** Scenarios started and not yet over, per session, from the scenario events (controller.ts feeds it). */
const running = { sessionId: null as string | null, ids: new Set<number>() };

export function noteScenarioEvents(events: readonly ScenarioEvent[]): void {
  for (const e of events) {
    if (e.sessionId !== running.sessionId) {
      running.sessionId = e.sessionId;
      running.ids.clear();
    }
    if (e.phase === 'started') running.ids.add(e.scenarioId);
    // a whole scenario's end or cancellation carries its report; a single shock's cancellation does not
    else if (e.phase === 'ended' || (e.phase === 'cancelled' && e.report !== null)) running.ids.delete(e.scenarioId);
  }
}

export function activeScenarios(sessionId: string | null): number {
  return sessionId !== null && running.sessionId === sessionId ? running.ids.size : 0;
}

export function resetScenarioTracking(): void {
  running.sessionId = null;
  running.ids.clear();
}

/** The room's stress now (written by floor/Stress.tsx every frame, read by the lights and the board). */
export const stressState = {
  level: 0,
  target: 0,
  beacons: false,
  parts: { volatility: 0, halts: 0, shocks: 0, alerts: 0 } as StressParts,
  /** a critical alert is recent: the board's headline strip flashes with its message */
  alertFlash: null as string | null,
};
