/**
 * The market under the trading environments: a Bullpen `Engine` (order books, crowd, rule-based
 * desks, news, regimes) with one extra desk that the analyst has halted, so its rule-based members
 * never act. Its agent accounts — cash, positions, fees, settled by the engine itself on every fill —
 * belong to the RL agent(s), which send immediate-or-cancel limit orders into the books through the
 * engine's public `agentOrder`. The crowd and the other desks are the market it trades against: its
 * orders take their liquidity and move the price.
 *
 * Only the engine's public API is used (constructor, step, applyInput, agentOrder, books' touch,
 * marks, indicators, regimes, news sentiment, desks' accounts), plus two shortcuts an environment
 * can take because nothing records it: the engine keeps no event log (`emit` overridden), and the
 * halted RL desk's decision cycle is never scheduled (`desks.nextCycle`).
 */
import { z } from 'zod';
import { BUY, SELL } from '../../sim/book';
import { DESK_CAPITAL, ROLE_COUNT } from '../../sim/desks';
import { Engine } from '../../sim/engine';
import { curriculumConfigSchema, curriculumInputs } from '../curriculum';
import { StepFeatures } from './features';

export const marketConfigSchema = z
  .object({
    /** symbols on the floor (the agent trades `symbol`) */
    symbols: z.number().int().min(1).max(8).default(1),
    symbol: z.number().int().min(0).max(7).default(0),
    /** background traders */
    crowd: z.number().int().min(0).max(20_000).default(64),
    /** rule-based desks the agent trades against */
    desks: z.number().int().min(0).max(19).default(2),
    /** engine ticks (50 ms each) per environment step */
    ticksPerStep: z.number().int().min(1).max(200).default(2),
    /** steps per episode (then truncated) */
    episodeSteps: z.number().int().min(2).max(1_000_000).default(256),
    /** ticks the market runs before the agent's first observation (indicators warm up) */
    warmupTicks: z.number().int().min(0).max(100_000).default(200),
    /** episodes played on one market before a fresh one is built (training only; 1 = every episode on a new market) */
    episodesPerMarket: z.number().int().min(1).max(10_000).default(4),
    /** past step returns in the observation */
    lookback: z.number().int().min(1).max(64).default(8),
    /** value of one lot as a fraction of the agent's capital */
    lotFraction: z.number().positive().max(0.5).default(0.02),
    /** largest position, in lots, either side */
    maxLots: z.number().int().min(1).max(50).default(4),
    /** market parameters (the floor's setParam inputs), applied at the start of every market */
    volatility: z.number().min(0).max(100).default(1),
    newsRate: z.number().min(0).max(100).default(1),
    liquidity: z.number().min(0).max(100).default(1),
    /** curriculum settings (used only when a run trains with `curriculum`; curriculum.ts) */
    curriculum: curriculumConfigSchema.optional(),
  })
  .strict();
export type MarketConfigInput = z.input<typeof marketConfigSchema>;
export type MarketConfig = z.output<typeof marketConfigSchema>;

/** Capital of each agent account (the engine's: a desk's capital split over its five members). */
export const AGENT_CAPITAL = DESK_CAPITAL / ROLE_COUNT;

export { marketFeatureCount, marketFeatureNames } from './features';

/**
 * The engine as the environments run it: identical, except that it keeps no event log (orders,
 * trades, decisions with their reasoning sentences): an environment reads the market's state, and
 * building events nobody reads was a third of a step's time.
 */
class EnvEngine extends Engine {
  override emit(): void {}
}

/**
 * One market with the RL desk's accounts. `advance()` runs one environment step of ticks;
 * `features()` writes the market part of an observation.
 */
export class MarketSim {
  engine!: Engine;
  /** index of the RL desk in the engine (the last one) */
  readonly deskIndex: number;
  /** the RL desk's first agent account */
  readonly agent0: number;
  readonly s: number;
  /** units in one lot at the start price of the current market */
  lotUnits = 1;
  /** the step history behind the market features (shared with a policy deployed on the floor) */
  readonly steps: StepFeatures;
  marketSeed = 0;
  episodesOnMarket = 0;
  /** the curriculum level markets are built at (curriculum.ts), or null: the configured market */
  level: number | null = null;

  constructor(readonly cfg: MarketConfig) {
    if (cfg.symbol >= cfg.symbols) throw new Error(`market config — symbol: ${cfg.symbol} is not one of the ${cfg.symbols} symbols`);
    this.deskIndex = cfg.desks;
    this.agent0 = cfg.desks * ROLE_COUNT;
    this.s = cfg.symbol;
    this.steps = new StepFeatures(cfg.lookback);
  }

  /** Builds a fresh market from a seed and runs its warm-up. */
  build(seed: number): void {
    const c = this.cfg;
    this.marketSeed = seed >>> 0;
    const e = new EnvEngine({ seed: this.marketSeed, symbols: c.symbols, crowd: c.crowd, desks: c.desks + 1, speed: 1, market: { kind: 'simulated' } });
    e.applyInput({ kind: 'halt', desk: this.deskIndex, halted: true });
    // a halted desk still runs its (vetoed) decision cycles, reasoning sentences included: the RL
    // desk's next cycle is scheduled past the end of time instead (~15% of a step)
    e.desks.nextCycle[this.deskIndex] = 0x7fffffff;
    if (this.level !== null) {
      for (const input of curriculumInputs(this.level, c, curriculumConfigSchema.parse(c.curriculum ?? {}))) e.applyInput(input);
    } else {
      if (c.volatility !== 1) e.applyInput({ kind: 'setParam', param: 'volatility', value: c.volatility });
      if (c.newsRate !== 1) e.applyInput({ kind: 'setParam', param: 'newsRate', value: c.newsRate });
      if (c.liquidity !== 1) e.applyInput({ kind: 'setParam', param: 'liquidity', value: c.liquidity });
    }
    this.engine = e;
    this.lotUnits = Math.max(1, Math.round((c.lotFraction * AGENT_CAPITAL) / (e.startPrice[this.s] as number)));
    let vol = 0;
    for (let t = 0; t < c.warmupTicks; t++) {
      e.step();
      vol += e.tickVolume[this.s] as number;
    }
    this.steps.start(e, this.s, Math.max(1, c.warmupTicks > 0 ? (vol / c.warmupTicks) * c.ticksPerStep : 1));
    this.episodesOnMarket = 0;
  }

  get mark(): number {
    return this.engine.mark[this.s] as number;
  }

  /** position (units) of an RL agent account in the traded symbol */
  position(agent: number): number {
    return this.engine.desks.pos[agent * this.cfg.symbols + this.s] as number;
  }

  cash(agent: number): number {
    return this.engine.desks.cash[agent] as number;
  }

  equity(agent: number): number {
    return this.engine.desks.agentEquity(this.engine, agent);
  }

  /** equity of the RL desk's accounts together */
  deskEquity(accounts: number): number {
    let eq = 0;
    for (let i = 0; i < accounts; i++) eq += this.equity(this.agent0 + i);
    return eq;
  }

  /** per-step variance of log moves of the mark (the engine's EWMA per-tick variance × ticks per step) */
  get stepVariance(): number {
    return (this.engine.ewVar[this.s] as number) * this.cfg.ticksPerStep;
  }

  /**
   * Moves the account towards `targetUnits` with an immediate-or-cancel limit order on the venue with
   * the better touch, at most 0.1% through it (the rule-based desks' execution). Unfilled quantity
   * is dropped. Returns the quantity sent.
   */
  trade(agent: number, targetUnits: number): number {
    const e = this.engine;
    const s = this.s;
    const diff = Math.round(targetUnits) - this.position(agent);
    if (diff === 0) return 0;
    const side = diff > 0 ? BUY : SELL;
    const b0 = e.books[s * 2]!;
    const b1 = e.books[s * 2 + 1]!;
    let v: number;
    if (side === BUY) {
      const x0 = b0.bestAsk();
      const x1 = b1.bestAsk();
      v = x0 === 0 ? 1 : x1 === 0 ? 0 : x1 < x0 ? 1 : 0;
    } else v = b1.bestBid() > b0.bestBid() ? 1 : 0;
    const book = v === 0 ? b0 : b1;
    const touch = side === BUY ? book.bestAsk() : book.bestBid();
    const ts = e.tickSize[s] as number;
    const ref = touch > 0 ? touch : Math.round((e.mark[s] as number) / ts);
    const limit = Math.max(1, side === BUY ? Math.ceil(ref * 1.001) : Math.floor(ref * 0.999));
    e.agentOrder(agent, s, v, side, limit, Math.abs(diff));
    return Math.abs(diff);
  }

  /** Runs one environment step of ticks; updates the return history, step volume and sentiment change. */
  advance(): void {
    const e = this.engine;
    const s = this.s;
    let vol = 0;
    for (let t = 0; t < this.cfg.ticksPerStep; t++) {
      e.step();
      vol += e.tickVolume[s] as number;
    }
    this.steps.advance(e, s, vol);
  }

  /** Writes the market features (see marketFeatureNames) at `out[off…]`; returns the next offset. */
  features(out: Float64Array, off: number): number {
    return this.steps.write(this.engine, this.s, out, off);
  }
}
