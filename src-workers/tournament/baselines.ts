import { Rng } from '../rl/rng';
import type { BarView } from './bars';
import type { AccountView, Strategy } from './strategy';

/** Buys with all its capital at the first opportunity (bar 1's open) and holds to the end. */
export class BuyAndHold implements Strategy {
  readonly name = 'Buy & hold';
  readonly kind = 'buy-and-hold' as const;
  readonly ref = null;
  decide(): number {
    return 1;
  }
}

/** Weights the random baseline picks from. */
const RANDOM_WEIGHTS = [-1, -0.5, 0, 0.5, 1] as const;
/** chance per bar of picking a new weight (a position lasts ~20 bars on average) */
const RANDOM_SWITCH = 0.05;

/**
 * The random baseline: on each bar, with probability 1/20, a new target weight drawn uniformly from
 * {−1, −½, 0, ½, 1}; seeded, so a tournament's random entrant is reproducible. It never looks at prices.
 */
export class RandomBaseline implements Strategy {
  readonly name = 'Random';
  readonly kind = 'random' as const;
  readonly ref = null;
  private readonly rng: Rng;
  private w = 0;
  constructor(seed: number) {
    this.rng = new Rng(seed);
  }
  decide(_view: BarView, _account: AccountView): number {
    if (this.rng.uniform() < RANDOM_SWITCH) this.w = RANDOM_WEIGHTS[this.rng.int(RANDOM_WEIGHTS.length)]!;
    return this.w;
  }
}
