/**
 * The execution model (docs/TOURNAMENTS.md, "Execution"). A decision taken after bar t's close is
 * traded at bar t+1's open — never at the close it was taken on. Units are fractional (the whole
 * target is traded). A fill pays:
 * - commission: feeBps of the traded value;
 * - slippage: SLIP_COEF × (bar range / open) × √participation of the fill bar, participation =
 *   |units| / bar volume (capped at 1; a bar without volume counts as fully taken), so it grows with
 *   the order's size against the bar's volume and with the bar's range;
 * - in shared mode, a shared impact term I: every bar I decays (half-life IMPACT_HALF_LIFE bars) and
 *   moves by IMPACT_COEF × (range / open) × √(|net units| / volume) in the direction of all entrants'
 *   net order flow on that bar; every fill and every mark of that bar is at the historical price × (1 + I).
 *   The entrants thus move one book together: buying together raises everyone's fills and marks.
 * Orders smaller than MIN_TRADE (1%) of equity are not sent (no rebalancing dust as prices drift).
 */
import type { BarColumns } from './bars';
import type { AccountView } from './strategy';

export const SLIP_COEF = 0.5;
export const IMPACT_COEF = 1;
export const IMPACT_HALF_LIFE = 5;
const IMPACT_DECAY = Math.pow(0.5, 1 / IMPACT_HALF_LIFE);
const IMPACT_MAX = 0.5;
export const MIN_TRADE = 0.01;

export interface ExecutionOptions {
  feeBps: number;
  slippage: boolean;
}

/** Slippage of a fill of `units` on bar i, as a fraction of the price. */
export function slippageFraction(cols: BarColumns, i: number, units: number): number {
  const open = cols.open[i]!;
  const range = cols.high[i]! - cols.low[i]!;
  const vol = cols.volume[i]!;
  const part = vol > 0 ? Math.min(1, Math.abs(units) / vol) : 1;
  return SLIP_COEF * (range / open) * Math.sqrt(part);
}

/** The shared book's impact after bar i's net flow (fraction of the price). */
export function nextImpact(cols: BarColumns, i: number, impact: number, netUnits: number): number {
  let I = impact * IMPACT_DECAY;
  if (netUnits !== 0) {
    const vol = cols.volume[i]!;
    const part = vol > 0 ? Math.min(1, Math.abs(netUnits) / vol) : 1;
    I += Math.sign(netUnits) * IMPACT_COEF * ((cols.high[i]! - cols.low[i]!) / cols.open[i]!) * Math.sqrt(part);
  }
  return I > IMPACT_MAX ? IMPACT_MAX : I < -IMPACT_MAX ? -IMPACT_MAX : I;
}

/** One entrant's account: cash, units, costs, and what its metrics need. */
export class Account implements AccountView {
  cash: number;
  units = 0;
  equity: number;
  peak: number;
  weight = 0;
  fees = 0;
  slippagePaid = 0;
  trades = 0;
  traded = 0;
  constructor(readonly capital: number) {
    this.cash = capital;
    this.equity = capital;
    this.peak = capital;
  }

  get drawdown(): number {
    return this.peak > 0 ? (this.peak - this.equity) / this.peak : 0;
  }

  mark(price: number): void {
    this.equity = this.cash + this.units * price;
    if (this.equity > this.peak) this.peak = this.equity;
    this.weight = this.equity > 0 ? (this.units * price) / this.equity : 0;
  }

  /** Units to trade to reach target weight `w` at `price` (0 when the change is below MIN_TRADE). */
  orderFor(w: number, price: number): number {
    if (Number.isNaN(w)) return 0;
    const target = w > 1 ? 1 : w < -1 ? -1 : w;
    const eq = Math.max(this.equity, 0);
    const q = (target * eq) / price - this.units;
    return Math.abs(q * price) < MIN_TRADE * eq ? 0 : q;
  }

  /** Fills `units` (signed) at `ref` × (1 ± slip); commission in bps of the traded value. */
  fill(units: number, ref: number, slip: number, feeBps: number): void {
    if (units === 0) return;
    const side = units > 0 ? 1 : -1;
    const px = ref * (1 + side * slip);
    const value = Math.abs(units) * px;
    const fee = (value * feeBps) / 1e4;
    this.cash -= units * px + fee;
    this.units += units;
    this.fees += fee;
    this.slippagePaid += Math.abs(units) * ref * slip;
    this.trades++;
    this.traded += value;
  }
}
