import type { EntrantKind } from '../../src-shared/tournament-api';
import type { BarView } from './bars';

/**
 * An entrant's strategy: once per bar, after the close of bar t, it sees bars 0…t (a `BarView`) and
 * its own account, and answers the position it wants as a fraction of its equity (a target weight
 * in [−1, 1]: −1 all short, 0 flat, 1 all long; NaN keeps the position). The runner trades towards
 * it at the next bar's open (src-workers/tournament/execution.ts).
 */
export interface Strategy {
  readonly name: string;
  readonly kind: EntrantKind;
  /** desk slug or checkpoint id; null for the baselines */
  readonly ref: string | null;
  decide(view: BarView, account: AccountView): number;
}

/** What a strategy knows of its own account at the close of bar t. */
export interface AccountView {
  readonly capital: number;
  readonly equity: number;
  readonly cash: number;
  /** units held (negative: short) */
  readonly units: number;
  /** position value / equity at the close */
  readonly weight: number;
  /** fall of equity from its running peak, fraction of the peak */
  readonly drawdown: number;
}

export const clamp = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);
