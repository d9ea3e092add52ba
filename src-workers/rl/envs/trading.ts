/**
 * Single-agent trading on the Bullpen engine (docs/RL.md, "Trading environments").
 *
 * Observation: the last `lookback` step returns of the mark, step volume, indicators (RSI, MACD/ATR,
 * Bollinger %B, EMA spread/ATR, ADX, realised/long-run volatility), the regime (one-hot and its
 * confidence), news sentiment and its change, then the agent's own position (lots / maxLots), cash
 * (cash / capital − 1), P&L (% of capital) and the fraction of the episode left.
 *
 * Actions: `discrete` — 0 hold, 1…k buy `sizes[i]` lots, k+1…2k sell `sizes[i]` lots (the position is
 * kept within ±maxLots); `continuous` — a Box [−1, 1]: the target position as a fraction of maxLots.
 *
 * Reward (`reward`): `pnl`, `pnl_risk` or `dsr` (envs/rewards.ts) of the step return
 * R_t = ΔEquity / capital, fees and spread included.
 */
import { z } from 'zod';
import { Box, Discrete, type BoxSpace, type DiscreteSpace, type Env, type StepResult } from '../env';
import { Rng } from '../rng';
import { TRADING_OWN_FEATURES, tradingTargetUnits, writeTradingOwn } from './features';
import { AGENT_CAPITAL, MarketSim, marketConfigSchema, marketFeatureCount, marketFeatureNames } from './market';
import { REWARD_KINDS, RewardShaper, type RewardKind } from './rewards';

export const tradingEnvConfigSchema = marketConfigSchema
  .extend({
    action: z.enum(['discrete', 'continuous']).default('discrete'),
    /** discrete trade sizes in lots (buy i / sell i) */
    sizes: z.array(z.number().int().min(1).max(50)).min(1).max(8).default([1, 2]),
    reward: z.enum(REWARD_KINDS as [RewardKind, ...RewardKind[]]).default('dsr'),
    rewardScale: z.number().positive().max(1e6).default(100),
    /** λ of `pnl_risk` */
    riskAversion: z.number().min(0).max(1e9).default(1000),
    /** η of the differential Sharpe ratio's moving moments */
    dsrEta: z.number().positive().max(1).default(0.01),
  })
  .strict();
export type TradingEnvConfigInput = z.input<typeof tradingEnvConfigSchema>;
export type TradingEnvConfig = z.output<typeof tradingEnvConfigSchema>;

/** Validates a trading env config; throws naming the field. */
export function parseTradingEnvConfig(input: unknown): TradingEnvConfig {
  const r = tradingEnvConfigSchema.safeParse(input ?? {});
  if (r.success) return r.data;
  throw new Error(`Invalid trading env config — ${r.error.issues.map((i) => `${i.path.join('.') || (i as { keys?: string[] }).keys?.join(', ') || '(config)'}: ${i.message}`).join('; ')}`);
}

const OWN_FEATURES = TRADING_OWN_FEATURES.length;

/** Something that picks an action from an observation (a policy, buy-and-hold, random). */
export type TradingPolicy = (obs: Float64Array, env: TradingEnv) => number | Float64Array;

/** What one step did, for evaluation and reasoning (the env's last step). */
export interface TradingStepInfo {
  stepReturn: number;
  equity: number;
  position: number;
  mark: number;
  traded: number;
}

export class TradingEnv implements Env<DiscreteSpace | BoxSpace> {
  readonly config: TradingEnvConfig;
  readonly observationSpace: BoxSpace;
  readonly actionSpace: DiscreteSpace | BoxSpace;
  readonly market: MarketSim;
  readonly info: TradingStepInfo = { stepReturn: 0, equity: AGENT_CAPITAL, position: 0, mark: 0, traded: 0 };
  private rng: Rng;
  private readonly shaper: RewardShaper;
  private readonly obs: Float64Array;
  private t = 0;
  private prevEquity = AGENT_CAPITAL;
  private startEquity = AGENT_CAPITAL;
  /** force a fresh market on the next reset */
  private fresh = true;
  /** curriculum hook: the level the next market is built at (see setCurriculumLevel) */
  curriculumLevel = 0;

  constructor(config: TradingEnvConfigInput = {}) {
    this.config = parseTradingEnvConfig(config);
    const c = this.config;
    this.market = new MarketSim(c);
    const dim = marketFeatureCount(c.lookback) + OWN_FEATURES;
    this.observationSpace = Box(-10, 10, dim);
    this.actionSpace = c.action === 'discrete' ? Discrete(1 + 2 * c.sizes.length) : Box(-1, 1, 1);
    this.shaper = new RewardShaper(c.reward, { scale: c.rewardScale, riskAversion: c.riskAversion, dsrEta: c.dsrEta });
    this.obs = new Float64Array(dim);
    this.rng = new Rng(0);
  }

  static featureNames(lookback = 8): string[] {
    return [...marketFeatureNames(lookback), ...TRADING_OWN_FEATURES];
  }

  get agent(): number {
    return this.market.agent0;
  }

  /**
   * Curriculum: markets are built at a difficulty level (curriculum.ts; null: the configured market
   * as it is). Applies from the next market built.
   */
  setCurriculumLevel(level: number | null): void {
    this.curriculumLevel = level ?? 0;
    this.market.level = level;
    this.fresh = true;
  }

  /**
   * Starts an episode. Training episodes play `episodesPerMarket` consecutive windows of one market
   * (the position carries over: it is part of the observation), whose seed comes from the env's
   * generator (seeds below 2^30). `resetMarket(seed)` starts on a given market (held-out evaluation
   * uses seeds from 2^30 up).
   */
  reset(seed?: number): Float64Array {
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

  /** Starts an episode on a fresh market built from `marketSeed` (evaluation). */
  resetMarket(marketSeed: number): Float64Array {
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

  private begin(): Float64Array {
    const m = this.market;
    m.episodesOnMarket++;
    this.t = 0;
    this.shaper.reset(this.dsrPrior);
    this.prevEquity = m.equity(this.agent);
    this.startEquity = this.prevEquity;
    this.info.stepReturn = 0;
    this.info.equity = this.prevEquity;
    this.info.position = m.position(this.agent);
    this.info.mark = m.mark;
    this.info.traded = 0;
    return this.observe();
  }

  /** the target position (units) an action asks for */
  targetUnits(action: number | Float64Array): number {
    const c = this.config;
    const m = this.market;
    return tradingTargetUnits(action, m.position(this.agent), m.lotUnits, c.maxLots, c.sizes);
  }

  step(action: number | Float64Array): StepResult {
    const m = this.market;
    const a = this.agent;
    const traded = m.trade(a, this.targetUnits(action));
    // the position held over the step (after this step's order), valued at the mark it was taken at
    const exposure = (m.position(a) * m.mark) / AGENT_CAPITAL;
    m.advance();
    const eq = m.equity(a);
    const r = (eq - this.prevEquity) / AGENT_CAPITAL;
    this.prevEquity = eq;
    const reward = this.shaper.reward(r, exposure, m.stepVariance);
    this.t++;
    this.info.stepReturn = r;
    this.info.equity = eq;
    this.info.position = m.position(a);
    this.info.mark = m.mark;
    this.info.traded = traded;
    return { obs: this.observe(), reward, terminated: false, truncated: this.t >= this.config.episodeSteps };
  }

  private observe(): Float64Array {
    const m = this.market;
    const c = this.config;
    const o = this.obs;
    const i = m.features(o, 0);
    const a = this.agent;
    writeTradingOwn(o, i, { position: m.position(a), cash: m.cash(a), equity: m.equity(a), startEquity: this.startEquity, lotUnits: m.lotUnits }, AGENT_CAPITAL, c.maxLots, this.t, c.episodeSteps);
    return o;
  }
}
