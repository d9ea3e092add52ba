/**
 * Regime detection with confidence and hysteresis. Each bar the indicator set is classified into a
 * candidate regime with a confidence in [0, 1]; the reported regime only changes when a different
 * candidate has been seen for `confirmBars` bars in a row, or when it is much more confident than the
 * current one. The indices are those of REGIMES in src-shared/roster.
 */
import { REGIMES, type Regime } from '../../src-shared/roster';
import type { Hasher } from './hash';
import type { IndicatorSet } from './indicators';

export const R = Object.fromEntries(REGIMES.map((r, i) => [r, i])) as Record<Regime, number>;

export interface Classification {
  regime: number;
  confidence: number;
}

const clamp01 = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : x);

/** Stateless candidate from the indicators; `current` lets recovery be recognised. */
export function classify(ind: IndicatorSet, current: number): Classification {
  const adx = ind.dmi.adx;
  const vol = ind.realisedVol;
  const longVol = ind.longVol();
  if (Number.isNaN(adx) || Number.isNaN(vol) || Number.isNaN(ind.bb.middle) || !(longVol > 0)) return { regime: R.undetermined, confidence: 0 };
  const close = ind.lastClose;
  const volRatio = vol / longVol;
  const pdi = ind.dmi.plusDI;
  const mdi = ind.dmi.minusDI;
  const width = ind.bb.upper - ind.bb.lower;
  if (close > ind.bb.upper && pdi > mdi) return { regime: R.breakout, confidence: clamp01(0.5 + (close - ind.bb.upper) / (width > 0 ? width : 1)) };
  if (close < ind.bb.lower && mdi > pdi) return { regime: R.breakdown, confidence: clamp01(0.5 + (ind.bb.lower - close) / (width > 0 ? width : 1)) };
  if (volRatio > 1.8) return { regime: R.volatile, confidence: clamp01((volRatio - 1.8) / 1.2 + 0.5) };
  if ((current === R.trendingDown || current === R.breakdown || current === R.recovery) && pdi > mdi && close > ind.bb.middle) {
    return { regime: R.recovery, confidence: clamp01(0.4 + (pdi - mdi) / 40) };
  }
  if (adx >= 25) {
    const c = clamp01(0.4 + (adx - 25) / 30);
    return pdi >= mdi ? { regime: R.trendingUp, confidence: c } : { regime: R.trendingDown, confidence: c };
  }
  if (volRatio < 0.5) return { regime: R.lowVolatility, confidence: clamp01(0.5 + (0.5 - volRatio)) };
  if (adx < 20) return { regime: R.ranging, confidence: clamp01(0.4 + (20 - adx) / 20) };
  return { regime: R.undetermined, confidence: 0.3 };
}

export class RegimeDetector {
  regime: number = R.undetermined;
  confidence = 0;
  private candidate: number = R.undetermined;
  private streak = 0;
  constructor(readonly confirmBars = 3) {}

  update(ind: IndicatorSet): number {
    const c = classify(ind, this.regime);
    if (c.regime === this.regime) {
      this.confidence = c.confidence;
      this.streak = 0;
      this.candidate = c.regime;
      return this.regime;
    }
    if (c.regime === this.candidate) this.streak++;
    else {
      this.candidate = c.regime;
      this.streak = 1;
    }
    if (this.streak >= this.confirmBars || c.confidence >= this.confidence + 0.5) {
      this.regime = c.regime;
      this.confidence = c.confidence;
      this.streak = 0;
    } else {
      // the current regime loses confidence while a challenger persists
      this.confidence *= 0.9;
    }
    return this.regime;
  }

  hash(h: Hasher): void {
    h.int(this.regime).num(this.confidence).int(this.candidate).int(this.streak);
  }
}
