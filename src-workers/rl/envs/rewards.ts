/**
 * Reward shapes of the trading environments. Every shape is a function of the step return
 * R_t = ΔEquity_t / capital (the fraction of the starting capital gained or lost this step, fees and
 * spread included) and, for the risk penalty, of the position held over the step.
 *
 * - `pnl`:       r_t = R_t
 * - `pnl_risk`:  r_t = R_t − λ · (exposure_{t−1} / capital)² · σ²_step   (the variance term of a
 *                mean–variance utility: σ²_step is the market's per-step variance of log price moves)
 * - `dsr`:       the differential Sharpe ratio of Moody & Saffell (1998/2001), see `DifferentialSharpe`.
 *
 * `pnl` and `pnl_risk` are multiplied by `scale` (default 100: one unit of reward = 1% of capital);
 * D_t is already of order one (it is a return divided by a volatility) and is not scaled.
 */
export type RewardKind = 'pnl' | 'pnl_risk' | 'dsr';
export const REWARD_KINDS: readonly RewardKind[] = ['pnl', 'pnl_risk', 'dsr'];

/**
 * Moody & Saffell's differential Sharpe ratio: exponential moving estimates of the first and second
 * moments of the returns, A_t = A_{t−1} + η(R_t − A_{t−1}), B_t = B_{t−1} + η(R_t² − B_{t−1}), and
 * the first-order sensitivity of the moving Sharpe ratio S_t = A_t / √(B_t − A_t²) to η:
 *
 *   D_t = (B_{t−1} ΔA_t − ½ A_{t−1} ΔB_t) / (B_{t−1} − A_{t−1}²)^{3/2},
 *   ΔA_t = R_t − A_{t−1},  ΔB_t = R_t² − B_{t−1}.
 *
 * D_t is 0 while the variance estimate B_{t−1} − A_{t−1}² is not yet positive (the first step).
 * The moments start at 0 (A_0 = B_0 = 0), or at given values.
 */
export class DifferentialSharpe {
  a: number;
  b: number;
  constructor(
    readonly eta = 0.01,
    a0 = 0,
    b0 = 0,
  ) {
    if (!(eta > 0 && eta <= 1)) throw new Error(`DifferentialSharpe: eta must be in (0, 1], got ${eta}`);
    this.a = a0;
    this.b = b0;
  }

  reset(a0 = 0, b0 = 0): void {
    this.a = a0;
    this.b = b0;
  }

  /** Adds the return R_t; returns D_t. */
  update(r: number): number {
    const a = this.a;
    const b = this.b;
    const dA = r - a;
    const dB = r * r - b;
    const v = b - a * a;
    const d = v > 1e-16 ? (b * dA - 0.5 * a * dB) / Math.pow(v, 1.5) : 0;
    this.a = a + this.eta * dA;
    this.b = b + this.eta * dB;
    return d;
  }
}

/** The `pnl_risk` penalty λ·(exposure/capital)²·σ²_step. */
export function riskPenalty(lambda: number, exposureFrac: number, stepVariance: number): number {
  return lambda * exposureFrac * exposureFrac * stepVariance;
}

/** Computes one step's reward for a shape (keeps the DSR moments between calls). */
export class RewardShaper {
  private readonly dsr: DifferentialSharpe;
  constructor(
    readonly kind: RewardKind,
    readonly opts: { scale: number; riskAversion: number; dsrEta: number },
  ) {
    this.dsr = new DifferentialSharpe(opts.dsrEta);
  }
  /** New episode; the DSR's moments start at A = 0, B = b0 (a prior on the return variance). */
  reset(b0 = 0): void {
    this.dsr.reset(0, b0);
  }
  /**
   * stepReturn: R_t; exposureFrac: the position's value over capital held during the step;
   * stepVariance: per-step variance of log price moves.
   */
  reward(stepReturn: number, exposureFrac: number, stepVariance: number): number {
    switch (this.kind) {
      case 'pnl':
        return this.opts.scale * stepReturn;
      case 'pnl_risk':
        return this.opts.scale * (stepReturn - riskPenalty(this.opts.riskAversion, exposureFrac, stepVariance));
      case 'dsr':
        return this.dsr.update(stepReturn);
    }
  }
}
