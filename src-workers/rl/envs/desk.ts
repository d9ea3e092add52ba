/**
 * The multi-agent desk on the Bullpen engine: an analyst, a risk manager and a trader run one desk
 * together and share its reward (docs/RL.md, "The desk").
 *
 * - analyst (agent 0) sees the market features (returns, volume, indicators, regime, sentiment) and
 *   publishes a view: 0 bearish, 1 neutral, 2 bullish. The trader sees it on the next step.
 * - risk manager (agent 1) sees the desk's position, exposure, P&L, drawdown, volatility and regime,
 *   and sets the position limit: 0 flat only, 1 half of maxLots, 2 maxLots. It applies at once: a
 *   position beyond the limit is cut back to it in the same step.
 * - trader (agent 2) sees recent returns, sentiment, its position, the analyst's view and the risk
 *   limit, and trades: 0 sell one lot, 1 hold, 2 buy one lot.
 *
 * Shared reward: `pnl_risk` (default), `pnl` or `dsr` of the desk's step return, as in TradingEnv.
 * state(): the three observations concatenated (the centralised critic's input).
 */
import { z } from 'zod';
import { Box, Discrete, type BoxSpace, type DiscreteSpace } from '../env';
import type { MultiAgentEnv, MultiStepResult } from '../multi-env';
import { Rng } from '../rng';
import { deskTarget, writeDeskObservations } from './features';
import { AGENT_CAPITAL, MarketSim, marketConfigSchema, marketFeatureCount } from './market';
import { REWARD_KINDS, RewardShaper, type RewardKind } from './rewards';

export const deskEnvConfigSchema = marketConfigSchema
  .extend({
    reward: z.enum(REWARD_KINDS as [RewardKind, ...RewardKind[]]).default('pnl_risk'),
    rewardScale: z.number().positive().max(1e6).default(100),
    riskAversion: z.number().min(0).max(1e9).default(1000),
    dsrEta: z.number().positive().max(1).default(0.01),
  })
  .strict();
export type DeskEnvConfigInput = z.input<typeof deskEnvConfigSchema>;
export type DeskEnvConfig = z.output<typeof deskEnvConfigSchema>;

export function parseDeskEnvConfig(input: unknown): DeskEnvConfig {
  const r = deskEnvConfigSchema.safeParse(input ?? {});
  if (r.success) return r.data;
  throw new Error(`Invalid desk env config — ${r.error.issues.map((i) => `${i.path.join('.') || (i as { keys?: string[] }).keys?.join(', ') || '(config)'}: ${i.message}`).join('; ')}`);
}

export const DESK_AGENTS = ['analyst', 'risk manager', 'trader'] as const;
const RISK_OBS = 8;
const TRADER_OBS_EXTRA = 7;

export class DeskEnv implements MultiAgentEnv {
  readonly config: DeskEnvConfig;
  readonly agents = DESK_AGENTS;
  readonly observationSpaces: readonly BoxSpace[];
  readonly actionSpaces: readonly DiscreteSpace[] = [Discrete(3), Discrete(3), Discrete(3)];
  readonly stateDim: number;
  readonly market: MarketSim;
  private readonly obs: Float64Array[];
  private readonly shaper: RewardShaper;
  private rng = new Rng(0);
  private fresh = true;
  private t = 0;
  private view = 0;
  /** the risk manager's limit, in lots */
  limitLots = 0;
  /** the position (units) the last step aimed for: the trader's trade, within the risk limit */
  lastTarget = 0;
  private prevEquity = AGENT_CAPITAL;
  private startEquity = AGENT_CAPITAL;
  private peak = AGENT_CAPITAL;
  lastStepReturn = 0;
  curriculumLevel = 0;

  constructor(config: DeskEnvConfigInput = {}) {
    this.config = parseDeskEnvConfig(config);
    const c = this.config;
    this.market = new MarketSim(c);
    const dims = [marketFeatureCount(c.lookback), RISK_OBS, c.lookback + TRADER_OBS_EXTRA];
    this.observationSpaces = dims.map((d) => Box(-10, 10, d));
    this.obs = dims.map((d) => new Float64Array(d));
    this.stateDim = dims.reduce((a, b) => a + b, 0);
    this.shaper = new RewardShaper(c.reward, { scale: c.rewardScale, riskAversion: c.riskAversion, dsrEta: c.dsrEta });
    this.limitLots = c.maxLots;
  }

  /** Curriculum hook (see TradingEnv.setCurriculumLevel). */
  setCurriculumLevel(level: number | null): void {
    this.curriculumLevel = level ?? 0;
    this.market.level = level;
    this.fresh = true;
  }

  get trader(): number {
    return this.market.agent0;
  }

  get equity(): number {
    return this.market.equity(this.trader);
  }

  reset(seed?: number): readonly Float64Array[] {
    if (seed !== undefined) {
      this.rng = new Rng(seed);
      this.fresh = true;
    }
    const m = this.market;
    if (this.fresh || m.episodesOnMarket >= this.config.episodesPerMarket) {
      m.build(this.rng.int(1 << 30));
      this.fresh = false;
    }
    return this.begin();
  }

  resetMarket(marketSeed: number): readonly Float64Array[] {
    this.market.build(marketSeed);
    this.fresh = true;
    return this.begin();
  }

  /**
   * The DSR's starting second moment B0: the variance of one step's return with the full position
   * held, (lotFraction · maxLots)² · σ²_step, so the first steps' D_t are not divided by a zero
   * variance estimate.
   */
  get dsrPrior(): number {
    const c = this.config;
    return (c.lotFraction * c.maxLots) ** 2 * this.market.stepVariance;
  }

  private begin(): readonly Float64Array[] {
    this.market.episodesOnMarket++;
    this.t = 0;
    this.view = 0;
    this.limitLots = this.config.maxLots;
    this.shaper.reset(this.dsrPrior);
    this.prevEquity = this.equity;
    this.startEquity = this.prevEquity;
    this.peak = this.prevEquity;
    this.lastStepReturn = 0;
    return this.observe();
  }

  step(actions: ArrayLike<number>): MultiStepResult {
    const c = this.config;
    const m = this.market;
    for (let i = 0; i < 3; i++) {
      const a = actions[i]!;
      if (!(a === 0 || a === 1 || a === 2)) throw new Error(`DeskEnv.step: ${DESK_AGENTS[i]}'s action ${a} is not in Discrete(3)`);
    }
    const { view, limitLots, target } = deskTarget(actions, m.position(this.trader), m.lotUnits, c.maxLots);
    this.view = view;
    this.limitLots = limitLots;
    this.lastTarget = target;
    m.trade(this.trader, target);
    const exposure = (m.position(this.trader) * m.mark) / AGENT_CAPITAL;
    m.advance();
    const eq = this.equity;
    const r = (eq - this.prevEquity) / AGENT_CAPITAL;
    this.prevEquity = eq;
    if (eq > this.peak) this.peak = eq;
    this.lastStepReturn = r;
    const reward = this.shaper.reward(r, exposure, m.stepVariance);
    this.t++;
    return { obs: this.observe(), reward, terminated: false, truncated: this.t >= c.episodeSteps };
  }

  state(out: Float64Array, off: number): void {
    let o = off;
    for (const x of this.obs) {
      out.set(x, o);
      o += x.length;
    }
  }

  private observe(): readonly Float64Array[] {
    const c = this.config;
    const m = this.market;
    const [an, rk, tr] = this.obs as [Float64Array, Float64Array, Float64Array];
    const a = this.trader;
    writeDeskObservations(
      m.engine,
      m.s,
      m.steps,
      { position: m.position(a), cash: m.cash(a), equity: this.equity, startEquity: this.startEquity, lotUnits: m.lotUnits, mark: m.mark, peak: this.peak, limitLots: this.limitLots, view: this.view },
      AGENT_CAPITAL,
      c.maxLots,
      this.t,
      c.episodeSteps,
      an,
      rk,
      tr,
    );
    return this.obs;
  }
}
