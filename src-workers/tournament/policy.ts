/**
 * A trained RL policy (a trading-env PPO checkpoint) as a tournament entrant. It decides greedily
 * (most likely action) from an observation laid out exactly like the trading environment's
 * (src-workers/rl/envs/trading.ts, market.ts `features`), built from the bars seen so far:
 * per-bar log returns of the close ×100 (the env's step returns), volume vs its running average,
 * RSI, MACD/ATR, Bollinger %B, EMA spread/ATR, ADX, volatility ratio, the regime one-hot and its
 * confidence from the engine's own indicator and regime classes; news sentiment and its change are 0
 * (bars carry no news). The own-account features are scaled to what the policy saw in training: the
 * env's largest position (maxLots lots of lotFraction of capital) maps to the whole capital here, so
 * position, cash and P&L are reported at the env's scale; "time left" cycles through the env's episode length.
 * Actions map to target weights through the env's lot position (kept here in whole lots, within
 * ±maxLots, as the env keeps it): discrete "buy/sell i lots" moves it by sizes[i], continuous
 * x ∈ [−1, 1] sets it to round(x · maxLots); the target weight is lots / maxLots.
 */
import { DeployedPolicy } from '../rl/deploy';
import { writeIndicatorFeatures } from '../rl/envs/features';
import { marketFeatureCount } from '../rl/envs/market';
import { parseTradingEnvConfig, type TradingEnvConfig } from '../rl/envs/trading';
import { IndicatorSet } from '../sim/indicators';
import { RegimeDetector } from '../sim/regime';
import type { BarView } from './bars';
import { clamp, type AccountView, type Strategy } from './strategy';

const fin = (x: number): number => (Number.isFinite(x) ? x : 0);

export class PolicyStrategy implements Strategy {
  readonly kind = 'policy' as const;
  private readonly policy: DeployedPolicy;
  private readonly cfg: TradingEnvConfig;
  private readonly obs: Float64Array;
  private readonly ind = new IndicatorSet();
  private readonly regime = new RegimeDetector();
  private avgVolume = NaN;
  /** the position in the env's lots (−maxLots…maxLots), as the env keeps it; the target weight is lots / maxLots */
  private lots = 0;
  private fed = -1;
  /** the env's largest position as a fraction of capital */
  private readonly envScale: number;

  constructor(
    readonly name: string,
    readonly ref: string,
    snapshot: unknown,
    envConfig: unknown,
  ) {
    this.cfg = parseTradingEnvConfig(envConfig);
    this.policy = DeployedPolicy.fromSnapshot(snapshot);
    const dim = marketFeatureCount(this.cfg.lookback) + 4;
    if (this.policy.obsDim !== dim) {
      throw new Error(`policy ${ref}: it observes ${this.policy.obsDim} values, a trading-env policy with lookback ${this.cfg.lookback} observes ${dim}`);
    }
    this.obs = new Float64Array(dim);
    this.envScale = this.cfg.lotFraction * this.cfg.maxLots;
  }

  decide(v: BarView, acct: AccountView): number {
    if (v.t !== this.fed) {
      this.fed = v.t;
      this.ind.update(v.open(), v.high(), v.low(), v.close(), v.volume());
      this.regime.update(this.ind);
      const vol = Math.max(v.volume(), 1);
      this.avgVolume = Number.isNaN(this.avgVolume) ? vol : 0.98 * this.avgVolume + 0.02 * vol;
    }
    this.observe(v, acct);
    const d = this.policy.decide(this.obs);
    const c = this.cfg;
    const a = d.action[0]!;
    if (c.action === 'continuous') this.lots = Math.round(clamp(a, -1, 1) * c.maxLots);
    else if (a !== 0) {
      const k = c.sizes.length;
      this.lots = clamp(this.lots + (a <= k ? c.sizes[a - 1]! : -c.sizes[a - k - 1]!), -c.maxLots, c.maxLots);
    }
    return this.lots / c.maxLots;
  }

  private observe(v: BarView, acct: AccountView): void {
    const o = this.obs;
    const L = this.cfg.lookback;
    let i = 0;
    for (let k = L; k >= 1; k--) {
      const back = k - 1;
      o[i++] = back + 1 < v.length ? clamp(fin(Math.log(v.close(back) / v.close(back + 1)) * 100), -10, 10) : 0;
    }
    o[i++] = clamp(fin(Math.log1p(Math.max(v.volume(), 1) / this.avgVolume)), 0, 5);
    i = writeIndicatorFeatures(o, i, this.ind, this.regime);
    o[i++] = 0;
    o[i++] = 0;
    o[i++] = this.lots / this.cfg.maxLots;
    o[i++] = clamp(-acct.weight * this.envScale, -10, 10);
    o[i++] = clamp((acct.equity / acct.capital - 1) * this.envScale * 100, -10, 10);
    o[i++] = 1 - (v.t % this.cfg.episodeSteps) / this.cfg.episodeSteps;
  }
}
