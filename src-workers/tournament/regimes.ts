/**
 * Labels every bar with a market regime from trailing data only (bars ≤ t), by the engine's own
 * indicator set and regime detector (sim/indicators.ts, sim/regime.ts, with its hysteresis), its
 * nine regimes folded into four (docs/TOURNAMENTS.md, "Regimes"):
 * - crisis: a breakdown, or a volatile market trading below its 50-bar EMA (falling hard);
 * - volatile: any other volatile stretch;
 * - trending: trending up or down, breakout, recovery;
 * - ranging: ranging, low volatility, and undetermined (no trend found, including the warm-up).
 */
import { TOURNAMENT_REGIMES, type TournamentRegime } from '../../src-shared/tournament-api';
import { IndicatorSet } from '../sim/indicators';
import { R, RegimeDetector } from '../sim/regime';
import type { BarColumns } from './bars';

const IDX = Object.fromEntries(TOURNAMENT_REGIMES.map((r, i) => [r, i])) as Record<TournamentRegime, number>;

export function foldRegime(engineRegime: number, close: number, ema50: number): number {
  switch (engineRegime) {
    case R.breakdown:
      return IDX.crisis;
    case R.volatile:
      return close < ema50 ? IDX.crisis : IDX.volatile;
    case R.trendingUp:
    case R.trendingDown:
    case R.breakout:
    case R.recovery:
      return IDX.trending;
    default:
      return IDX.ranging;
  }
}

/** One label per bar (an index into TOURNAMENT_REGIMES) into `out`. */
export function labelRegimes(cols: BarColumns, out: Uint8Array = new Uint8Array(cols.close.length)): Uint8Array {
  const ind = new IndicatorSet();
  const det = new RegimeDetector();
  const n = cols.close.length;
  for (let i = 0; i < n; i++) {
    const c = cols.close[i]!;
    ind.update(cols.open[i]!, cols.high[i]!, cols.low[i]!, c, cols.volume[i]!);
    out[i] = foldRegime(det.update(ind), c, ind.ema50.value);
  }
  return out;
}

/** Bars per regime. */
export function regimeCounts(labels: Uint8Array): Record<TournamentRegime, number> {
  const counts = Object.fromEntries(TOURNAMENT_REGIMES.map((r) => [r, 0])) as Record<TournamentRegime, number>;
  for (let i = 0; i < labels.length; i++) counts[TOURNAMENT_REGIMES[labels[i]!]!]++;
  return counts;
}
