/**
 * The Bullpen engine: a pure, deterministic market simulation. Same seed + same inputs at the same
 * ticks ⇒ bit-identical state (see stateHash). It depends only on src-shared and pure-rand; one tick
 * is 50 ms of floor time. Per tick, in order: scenario shocks act (scenarios.ts), the fundamental moves, news may break, the crowd wakes
 * and trades, the desks' arbitrage scan and decision cycles run, marks and per-tick statistics are
 * updated, and every BAR_TICKS ticks a bar closes and indicators and regimes update.
 */
import { SessionConfig } from '../../src-shared/config';
import { REGIMES, type Roster } from '../../src-shared/roster';
import type { EngineEvent } from '../../src-shared/events';
import type { Frame } from '../../src-shared/frame';
import type { Input } from '../../src-shared/inputs';
import { BUY, Book, OrderPool, type FillSink } from './book';
import { Crowd, type CrowdInspection } from './crowd';
import { Desks, ROLE_COUNT, type AgentMetrics, type DeskMetrics } from './desks';
import { ExpiryWheel } from './expiry';
import { Hasher } from './hash';
import { IndicatorSet } from './indicators';
import { BASE_VOL, Fundamental, News } from './market';
import { RegimeDetector } from './regime';
import { Breakers } from './breakers';
import { PolicyAgents } from './policy-agents';
import { ScenarioRunner } from './scenarios';
import { HOUSE_OWNER, HistoricalFeed } from './historical';
import type { HistoricalBars } from '../../src-shared/worker-protocol';
import { Rng, STREAM } from './rng';
import { ROLES } from '../../src-shared/roster';
import { NO_BREAKERS } from '../../src-shared/scenario';

export const BAR_TICKS = 10;
export const VENUES = ['NOVA', 'ARC'] as const;
const SYMBOL_NAMES = [
  'BPX', 'ORCA', 'KITE', 'LUMA', 'VOLT', 'NIMB', 'QRZ', 'HALO', 'FERN', 'MOSS', 'RUNE', 'TIDE', 'AXLE', 'BRIO', 'CRUX', 'DUNE',
  'EMBR', 'FLUX', 'GLYF', 'HUSK', 'IRIS', 'JADE', 'KNOT', 'LYNX', 'MAPL', 'NEXO', 'OPAL', 'PIKE', 'QUIL', 'ROOK', 'SAGE', 'TALC',
];
/** price history kept per symbol for momentum lookbacks, in ticks */
const MID_HISTORY = 256;
/** decay of the per-symbol EWMA covariance of bar returns */
const COV_LAMBDA = 0.97;
const DEFAULT_TAKER_BPS = 2;
/** circuit breaker defaults (configurable: `breakers` input, breakers.ts): a move beyond this fraction of the reference within a window halts the symbol */
export const BREAKER_MOVE = 0.05;
export const BREAKER_WINDOW = 1200;
export const BREAKER_HALT = 200;
const DEFAULT_MAKER_BPS = 0;

type DistOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type EventBody = DistOmit<EngineEvent, 'tick' | 'seq'>;

export interface EngineOptions {
  /** emit a trade event for every trade, crowd-only ones included (the CLI export uses it); default: only trades with a featured agent */
  allTradeEvents?: boolean;
  /** the bars of a historical session (config.market.kind 'historical'; src-workers/sim/historical.ts) */
  historical?: HistoricalBars;
}

export interface FloorMetrics {
  ticks: number;
  signals: number;
  orders: number;
  trades: number;
  halts: number;
  events: number;
  /** events per second of floor time */
  eventRate: number;
  crowdDecisions: number;
  headlines: number;
}

export interface EngineMetrics {
  floor: FloorMetrics;
  desks: DeskMetrics[];
  agents: AgentMetrics[];
}

export class Engine implements FillSink {
  readonly config: SessionConfig;
  readonly roster: Roster;
  readonly S: number;
  readonly crowdN: number;
  /** featured agents (grows when a trained policy is deployed as a new desk) */
  agentsN: number;
  readonly tickSize: Float64Array;
  readonly startPrice: Float64Array;
  readonly pool: OrderPool;
  readonly books: Book[];
  /** good-till-time crowd orders */
  readonly expiry = new ExpiryWheel();
  readonly fundamental: Fundamental;
  readonly news: News;
  readonly crowd: Crowd;
  readonly desks: Desks;
  /** per symbol mark (mid of the two venues' mids) used for valuation */
  readonly mark: Float64Array;
  /** per symbol last traded price (either venue) */
  readonly last: Float64Array;
  readonly tickVolume: Float64Array;
  /** per symbol EWMA of squared per-tick log changes of the mark */
  readonly ewVar: Float64Array;
  /** per symbol activity multiplier of the crowd schedule */
  readonly activity: Float64Array;
  readonly midHist: Float64Array;
  /** bar being built, per book (symbol × 2 + venue) and per symbol (index 2S + s, blended) */
  readonly barO: Float64Array;
  readonly barH: Float64Array;
  readonly barL: Float64Array;
  readonly barC: Float64Array;
  readonly barV: Float64Array;
  /** indicators per book (symbol × 2 + venue) */
  readonly bookInd: IndicatorSet[];
  /** indicators per symbol on the blended last price (what the desks read) */
  readonly symInd: IndicatorSet[];
  readonly regimes: RegimeDetector[];
  readonly cov: Float64Array;
  readonly meanRet: Float64Array;
  private readonly prevBarClose: Float64Array;
  liquidity = 1;
  takerFeeBps = DEFAULT_TAKER_BPS;
  makerFeeBps = DEFAULT_MAKER_BPS;
  floorHalted = false;
  /** per symbol: tick until which trading is halted by the circuit breaker (0: trading) */
  readonly symbolHaltUntil: Int32Array;
  /** per symbol: reference price of the circuit breaker (the mark at the start of its window) */
  readonly breakerRef: Float64Array;
  /** circuit breakers: per-symbol bands and market-wide levels (breakers.ts) */
  readonly breakers: Breakers;
  /** crisis scenarios, shocks and live parameters (scenarios.ts) */
  readonly scenarios: ScenarioRunner;
  /** trained policies deployed onto the floor (policy-agents.ts) */
  readonly policies = new PolicyAgents();
  /** historical mode: bars drive the fundamental and a synthetic book (null: simulated) */
  readonly historical: HistoricalFeed | null;
  private _tick = 0;
  private seq = 0;
  private events: EngineEvent[] = [];
  private readonly allTrades: boolean;
  private readonly rngs: Rng[];
  // floor counters
  orders = 0;
  trades = 0;
  eventCount = 0;

  constructor(input: SessionConfig, opts: EngineOptions = {}) {
    // validated again here: a config outside the limits would break the engine's invariants
    const config = SessionConfig.parse(input);
    this.config = config;
    this.allTrades = opts.allTradeEvents ?? false;
    let hist: HistoricalFeed | null = null;
    if (config.market.kind === 'historical') {
      if (!opts.historical) throw new Error('a historical session needs its bars (EngineOptions.historical)');
      if (opts.historical.series.length !== config.market.series.length) throw new Error(`historical session: ${config.market.series.length} series configured, bars for ${opts.historical.series.length}`);
      hist = new HistoricalFeed(opts.historical, config.seed);
    }
    this.historical = hist;
    const S = hist ? hist.S : config.symbols;
    this.S = S;
    this.crowdN = config.crowd;
    this.agentsN = config.desks * ROLE_COUNT;
    const seed = config.seed;
    const setup = Rng.stream(seed, STREAM.market);
    this.tickSize = new Float64Array(S);
    this.startPrice = new Float64Array(S);
    for (let s = 0; s < S; s++) {
      // start prices between 40 and 400, on a 0.01 grid
      this.startPrice[s] = Math.round(40 * Math.exp(setup.next() * Math.log(10)) * 100) / 100;
      this.tickSize[s] = 0.01;
      if (hist) {
        this.startPrice[s] = hist.startPrice(s);
        this.tickSize[s] = hist.tickSize(s);
      }
    }
    const names = hist ? [...hist.names] : Array.from({ length: S }, (_, s) => SYMBOL_NAMES[s] ?? `SYM${s}`);
    const fundRng = Rng.stream(seed, STREAM.fundamental);
    const newsRng = Rng.stream(seed, STREAM.news);
    const schedRng = Rng.stream(seed, STREAM.crowdSchedule);
    const crowdRng = Rng.stream(seed, STREAM.crowd);
    const crowdSetup = Rng.stream(seed, STREAM.crowdSetup);
    const deskRngs = Array.from({ length: config.desks }, (_, d) => Rng.stream(seed, STREAM.desk0 + d));
    this.rngs = [setup, fundRng, newsRng, schedRng, crowdRng, crowdSetup];
    this.fundamental = new Fundamental(S, this.startPrice, fundRng);
    this.news = new News(S, names, newsRng);
    this.crowd = new Crowd(config.crowd, S, crowdSetup, crowdRng, schedRng);
    this.desks = new Desks(config.desks, S, deskRngs);
    this.pool = new OrderPool(Math.max(1024, config.crowd * 2 + 64));
    this.books = [];
    for (let b = 0; b < S * 2; b++) this.books.push(new Book(b, this.pool, this));
    this.mark = new Float64Array(this.startPrice);
    this.last = new Float64Array(this.startPrice);
    this.tickVolume = new Float64Array(S);
    this.ewVar = new Float64Array(S).fill(BASE_VOL * BASE_VOL);
    this.activity = new Float64Array(S).fill(1);
    this.midHist = new Float64Array(S * MID_HISTORY);
    for (let s = 0; s < S; s++) this.midHist.fill(this.startPrice[s] as number, s * MID_HISTORY, (s + 1) * MID_HISTORY);
    const nb = S * 3;
    this.barO = new Float64Array(nb).fill(NaN);
    this.barH = new Float64Array(nb).fill(NaN);
    this.barL = new Float64Array(nb).fill(NaN);
    this.barC = new Float64Array(nb);
    this.barV = new Float64Array(nb);
    for (let s = 0; s < S; s++) {
      this.barC[s * 2] = this.startPrice[s] as number;
      this.barC[s * 2 + 1] = this.startPrice[s] as number;
      this.barC[2 * S + s] = this.startPrice[s] as number;
    }
    this.bookInd = Array.from({ length: S * 2 }, () => new IndicatorSet());
    this.symInd = Array.from({ length: S }, () => new IndicatorSet());
    this.regimes = Array.from({ length: S }, () => new RegimeDetector());
    this.cov = new Float64Array(S * S);
    for (let s = 0; s < S; s++) this.cov[s * S + s] = BASE_VOL * BASE_VOL * BAR_TICKS;
    this.meanRet = new Float64Array(S);
    this.prevBarClose = new Float64Array(this.startPrice);
    this.symbolHaltUntil = new Int32Array(S);
    this.breakerRef = new Float64Array(this.startPrice);
    this.breakers = new Breakers(S, this.startPrice);
    // historical mode: the data already holds the real market's halts; the floor's own start off (docs/DATA.md)
    if (hist) this.breakers.base = NO_BREAKERS;
    this.scenarios = new ScenarioRunner(this, seed);

    this.roster = {
      symbols: names.map((name, index) => ({ index, name, startPrice: this.startPrice[index] as number, tickSize: this.tickSize[index] as number })),
      venues: [...VENUES],
      desks: this.desks.info,
      agents: Array.from({ length: this.agentsN }, (_, index) => {
        const desk = Math.floor(index / ROLE_COUNT);
        const role = ROLES[index % ROLE_COUNT] as (typeof ROLES)[number];
        const deskName = (this.desks.info[desk] as { name: string }).name;
        return { index, id: `d${desk}-${role}`, name: `${deskName} ${role}`, role, desk };
      }),
      crowdTypes: Array.from(this.crowd.type),
    };
    this.seedBooks();
  }

  /** Opening liquidity: the market makers post their first quotes before tick 0. */
  private seedBooks(): void {
    for (let i = 0; i < this.crowdN; i++) if (this.crowd.type[i] === 1) this.crowd.decide(this, i, 1, -1);
    this.crowd.decisions = 0;
    this.crowd.decisionsBy.fill(0);
  }

  get tick(): number {
    return this._tick;
  }

  // ---- views used by the crowd and the desks ----------------------------------------------------

  symbolName(s: number): string {
    return (this.roster.symbols[s] as { name: string }).name;
  }

  venueName(v: number): string {
    return VENUES[v] as string;
  }

  venueMid(s: number, v: number): number {
    const book = this.books[s * 2 + v]!;
    const ts = this.tickSize[s] as number;
    const bb = book.bestBid();
    const ba = book.bestAsk();
    if (bb > 0 && ba > 0) return ((bb + ba) / 2) * ts;
    if (book.lastTicks > 0) {
      // one-sided book: the last trade, kept inside the side that is left
      let px = book.lastTicks;
      if (bb > 0 && px < bb) px = bb;
      if (ba > 0 && px > ba) px = ba;
      return px * ts;
    }
    if (bb > 0) return bb * ts;
    if (ba > 0) return ba * ts;
    return this.mark[s] as number;
  }

  /** mark `lag` ticks ago (up to MID_HISTORY - 1) */
  midAgo(s: number, lag: number): number {
    const l = Math.min(MID_HISTORY - 1, Math.max(1, Math.round(lag)));
    const i = (((this._tick - l) % MID_HISTORY) + MID_HISTORY) % MID_HISTORY;
    return this.midHist[s * MID_HISTORY + i] as number;
  }

  /** true while the symbol's circuit breaker holds it, or a scenario has stopped it on both venues */
  symbolHalted(s: number): boolean {
    const fx = this.scenarios.fx;
    return this._tick < (this.symbolHaltUntil[s] as number) || (fx.active && fx.down[s * 2] === 1 && fx.down[s * 2 + 1] === 1);
  }

  /** true while symbol s cannot trade on venue v (breaker, venue breaker, outage or halt shock) */
  bookHalted(s: number, v: number): boolean {
    if (this._tick < (this.symbolHaltUntil[s] as number)) return true;
    const fx = this.scenarios.fx;
    return (fx.active && fx.down[s * 2 + v] === 1) || this.breakers.bookHalted(s, v, this._tick);
  }

  /** mark of symbol s: mean of the venues' mids, leaving out a venue that is down */
  private markOf(s: number): number {
    const fx = this.scenarios.fx;
    if (fx.active) {
      const d0 = fx.down[s * 2] === 1;
      const d1 = fx.down[s * 2 + 1] === 1;
      if (d0 && d1) return this.mark[s] as number;
      if (d0) return this.venueMid(s, 1);
      if (d1) return this.venueMid(s, 0);
    }
    return (this.venueMid(s, 0) + this.venueMid(s, 1)) / 2;
  }

  cancelOrder(id: number): void {
    const b = this.pool.book[id] as number;
    this.books[b]!.cancel(id);
  }

  /** The resting order `id` (if any) is cancelled `ttl` ticks from now unless it is gone by then. */
  expireAfter(id: number, ttl: number): void {
    if (id < 0) return;
    this.pool.expires[id] = this._tick + ttl;
    this.expiry.add(this._tick, ttl, id, this.pool.gen[id] as number);
  }

  private expire(t: number): void {
    const pool = this.pool;
    this.expiry.due(t, (id, gen) => {
      // gone, recycled for another order, or renewed since: nothing to do (an order whose time passed
      // during a floor halt, when the wheel does not turn, goes one lap later)
      if (!pool.live[id] || pool.gen[id] !== gen || (pool.expires[id] as number) > t) return;
      const owner = pool.owner[id] as number;
      this.cancelOrder(id);
      if (owner < this.crowdN) this.crowd.orderDone(owner, id);
    });
  }

  countOrder(): void {
    this.orders++;
  }

  /** A featured agent's immediate-or-cancel limit order (orders event + matching). */
  agentOrder(a: number, s: number, v: number, side: number, limitTicks: number, qty: number): void {
    if (this.floorHalted || qty <= 0 || this.bookHalted(s, v)) return;
    const ts = this.tickSize[s] as number;
    this.orders++;
    this.emit({ type: 'order', agent: a, symbol: s, venue: v, side: side === BUY ? 'buy' : 'sell', kind: 'limit', price: limitTicks * ts, qty });
    this.books[s * 2 + v]!.limit(this.crowdN + a, side, limitTicks, qty, true);
  }

  emit(body: EventBody): void {
    const ev = { ...body, tick: this._tick, seq: this.seq++ } as EngineEvent;
    if (ev.type === 'decision' && this.scenarios.watching) this.scenarios.onDecision(ev);
    this.events.push(ev);
    this.eventCount++;
  }

  // ---- matching callback --------------------------------------------------------------------------

  onFill(book: number, makerOrder: number, makerOwner: number, takerOwner: number, takerSide: number, priceTicks: number, qty: number, makerDone: boolean): void {
    const s = book >> 1;
    const v = book & 1;
    const price = priceTicks * (this.tickSize[s] as number);
    const notional = price * qty;
    this.settle(takerOwner, s, takerSide, qty, price, notional * this.takerFeeBps * 1e-4);
    this.settle(makerOwner, s, -takerSide, qty, price, notional * this.makerFeeBps * 1e-4);
    if (makerDone && makerOwner < this.crowdN) this.crowd.orderDone(makerOwner, makerOrder);
    this.trades++;
    this.last[s] = price;
    this.tickVolume[s] = (this.tickVolume[s] as number) + qty;
    this.barTrade(book, price, qty);
    this.barTrade(2 * this.S + s, price, qty);
    const featured = (takerOwner >= this.crowdN && takerOwner < HOUSE_OWNER) || (makerOwner >= this.crowdN && makerOwner < HOUSE_OWNER);
    if (featured || this.allTrades) {
      // the synthetic book of historical mode counts as no agent (-1), like the crowd
      const buyer = takerSide === BUY ? takerOwner : makerOwner;
      const seller = takerSide === BUY ? makerOwner : takerOwner;
      this.emit({
        type: 'trade',
        symbol: s,
        venue: v,
        price,
        qty,
        side: takerSide === BUY ? 'buy' : 'sell',
        buyAgent: buyer >= this.crowdN && buyer < HOUSE_OWNER ? buyer - this.crowdN : -1,
        sellAgent: seller >= this.crowdN && seller < HOUSE_OWNER ? seller - this.crowdN : -1,
      });
    }
  }

  private settle(owner: number, s: number, side: number, qty: number, price: number, fee: number): void {
    if (owner < this.crowdN) this.crowd.settle(owner, side, qty, price, fee);
    else if (owner === HOUSE_OWNER) this.historical?.settle(s, side, qty, price);
    else this.desks.settle(owner - this.crowdN, s, side, qty, price, fee);
  }

  private barTrade(k: number, price: number, qty: number): void {
    if (Number.isNaN(this.barO[k] as number)) {
      this.barO[k] = price;
      this.barH[k] = price;
      this.barL[k] = price;
    } else {
      if (price > (this.barH[k] as number)) this.barH[k] = price;
      if (price < (this.barL[k] as number)) this.barL[k] = price;
    }
    this.barC[k] = price;
    this.barV[k] = (this.barV[k] as number) + qty;
  }

  // ---- the tick ------------------------------------------------------------------------------------

  applyInput(input: Input): void {
    switch (input.kind) {
      case 'setParam':
        if (input.param === 'volatility') this.fundamental.volMult = input.value;
        else if (input.param === 'liquidity') this.liquidity = input.value;
        else if (input.param === 'newsRate') this.news.rateMult = input.value;
        else if (input.param === 'feeBps') this.takerFeeBps = input.value;
        else this.scenarios.setParam(input.param, input.value);
        break;
      case 'scenario':
      case 'cancelScenario':
        // the input event first, so a replay reads the injection before its consequences
        this.emit({ type: 'input', input });
        this.scenarios.apply(input);
        return;
      case 'breakers':
        this.breakers.configure(input.config);
        break;
      case 'deploy':
        this.policies.deploy(this, input);
        break;
      case 'halt':
        if (input.desk === null) {
          this.floorHalted = input.halted;
          this.desks.floorHalt = input.halted;
          if (input.halted) this.desks.halts++;
          this.emit({ type: 'alert', severity: input.halted ? 'emergency' : 'info', source: 'floor', message: input.halted ? 'floor halted: all trading stopped' : 'floor trading resumed' });
        } else if (input.desk < this.desks.D) {
          this.desks.inputHalt[input.desk] = input.halted ? 1 : 0;
          if (input.halted) this.desks.halts++;
          const name = (this.desks.info[input.desk] as { name: string }).name;
          this.emit({ type: 'alert', severity: input.halted ? 'warning' : 'info', source: name, message: input.halted ? `${name} halted by the analyst` : `${name} resumed` });
        }
        break;
    }
    this.emit({ type: 'input', input });
  }

  /** true once a historical session's data has ended: step() does nothing any more */
  get finished(): boolean {
    return this.historical?.ended ?? false;
  }

  step(): void {
    const hist = this.historical;
    if (hist?.ended) return;
    const t = this._tick;
    const S = this.S;
    if (this.policies.active) this.policies.beforeTick(this, t);
    this.tickVolume.fill(0);
    this.scenarios.beforeTick(t);
    if (hist) hist.step(this);
    else this.fundamental.step();
    const hl = this.news.step(t);
    if (hl) {
      // historical mode: headlines move sentiment only; the price path is the data's
      if (!hist) {
        if (hl.symbol === null) for (let s = 0; s < S; s++) this.fundamental.shock(s, 0.6 * hl.sentiment * 0.004);
        else this.fundamental.shock(hl.symbol, hl.sentiment * 0.006);
      }
      this.emit({ type: 'headline', symbol: hl.symbol, text: hl.text, sentiment: hl.sentiment, strength: hl.strength });
    }
    for (let s = 0; s < S; s++) {
      // information arrival drives activity: busier when volatile and when news is fresh
      this.activity[s] = this.liquidity * Math.pow(this.fundamental.volRatio(s), 0.8) * (1 + Math.abs(this.news.sentiment[s] as number));
    }
    if (!this.floorHalted) {
      this.expire(t);
      this.crowd.step(this, t);
      this.desks.step(this, t);
    }
    for (let s = 0; s < S; s++) {
      const m = this.markOf(s);
      const prev = this.mark[s] as number;
      const r = Math.log(m / prev);
      this.ewVar[s] = 0.995 * (this.ewVar[s] as number) + 0.005 * r * r;
      this.mark[s] = m;
      this.midHist[s * MID_HISTORY + (t % MID_HISTORY)] = m;
    }
    this.breakers.check(this, t);
    if ((t + 1) % BAR_TICKS === 0) this.closeBars();
    hist?.afterTick(this);
    this._tick = t + 1;
  }

  private closeBars(): void {
    const S = this.S;
    for (let k = 0; k < S * 3; k++) {
      const c = this.barC[k] as number;
      const o = Number.isNaN(this.barO[k] as number) ? c : (this.barO[k] as number);
      const h = Number.isNaN(this.barH[k] as number) ? c : (this.barH[k] as number);
      const l = Number.isNaN(this.barL[k] as number) ? c : (this.barL[k] as number);
      if (k < 2 * S) this.bookInd[k]!.update(o, h, l, c, this.barV[k] as number);
      else this.symInd[k - 2 * S]!.update(o, h, l, c, this.barV[k] as number);
      this.barO[k] = NaN;
      this.barH[k] = NaN;
      this.barL[k] = NaN;
      this.barV[k] = 0;
    }
    for (let s = 0; s < S; s++) this.regimes[s]!.update(this.symInd[s]!);
    // EWMA covariance and mean of bar returns of the marks (risk, portfolio construction)
    const r = new Float64Array(S);
    for (let s = 0; s < S; s++) {
      r[s] = Math.log((this.mark[s] as number) / (this.prevBarClose[s] as number));
      this.prevBarClose[s] = this.mark[s] as number;
      this.meanRet[s] = COV_LAMBDA * (this.meanRet[s] as number) + (1 - COV_LAMBDA) * (r[s] as number);
    }
    for (let i = 0; i < S; i++) {
      for (let j = 0; j < S; j++) {
        const k = i * S + j;
        this.cov[k] = COV_LAMBDA * (this.cov[k] as number) + (1 - COV_LAMBDA) * (r[i] as number) * (r[j] as number);
      }
    }
  }

  drainEvents(): EngineEvent[] {
    const out = this.events;
    this.events = [];
    return out;
  }

  // ---- outputs --------------------------------------------------------------------------------------

  writeFrame(frame: Frame): void {
    frame.tick = this._tick;
    const S = this.S;
    const f = frame.symbols;
    for (let s = 0; s < S; s++) {
      const ts = this.tickSize[s] as number;
      const b0 = this.books[s * 2]!;
      const b1 = this.books[s * 2 + 1]!;
      const bb0 = b0.bestBid();
      const bb1 = b1.bestBid();
      const ba0 = b0.bestAsk();
      const ba1 = b1.bestAsk();
      const bestBid = Math.max(bb0, bb1);
      let bestAsk = ba0 === 0 ? ba1 : ba1 === 0 ? ba0 : Math.min(ba0, ba1);
      const lastTicks = Math.max(1, Math.round((this.last[s] as number) / ts));
      const bid = bestBid > 0 ? bestBid : Math.max(1, Math.min(lastTicks, bestAsk > 0 ? bestAsk - 1 : lastTicks) - 1);
      if (bestAsk === 0) bestAsk = Math.max(lastTicks, bid) + 1;
      f.last[s] = this.last[s] as number;
      f.bid[s] = bid * ts;
      f.ask[s] = bestAsk * ts;
      f.bidSize[s] = (bb0 === bestBid && bestBid > 0 ? b0.bids.bestQty() : 0) + (bb1 === bestBid && bestBid > 0 ? b1.bids.bestQty() : 0);
      f.askSize[s] = (ba0 === bestAsk ? b0.asks.bestQty() : 0) + (ba1 === bestAsk ? b1.asks.bestQty() : 0);
      f.open[s] = this.startPrice[s] as number;
      f.volume[s] = this.tickVolume[s] as number;
      f.regime[s] = this.regimes[s]!.regime;
      f.sentiment[s] = this.news.sentiment[s] as number;
      f.halted[s] = this.floorHalted ? 3 : (this.bookHalted(s, 0) ? 1 : 0) | (this.bookHalted(s, 1) ? 2 : 0);
    }
    // agents: position = net market value of the agent's positions (currency), pnl = equity − capital
    const ag = frame.agents;
    const d = this.desks;
    for (let a = 0; a < this.agentsN; a++) {
      const eq = d.agentEquity(this, a);
      ag.position[a] = d.agentExposure(this, a);
      ag.pnl[a] = eq - (1_000_000 / ROLE_COUNT);
      ag.action[a] = d.action[a] as number;
      ag.confidence[a] = d.conf[a] as number;
      ag.halted[a] = d.halted(Math.floor(a / ROLE_COUNT), this._tick) ? 1 : 0;
    }
    const c = this.crowd;
    const cf = frame.crowd;
    for (let i = 0; i < this.crowdN; i++) {
      cf.position[i] = c.pos[i] as number;
      cf.pnl[i] = c.pnl(i, this.mark[c.sym[i] as number] as number);
      cf.action[i] = c.action[i] as number;
    }
  }

  inspectCrowd(i: number): CrowdInspection {
    if (!Number.isInteger(i) || i < 0 || i >= this.crowdN) throw new RangeError(`crowd trader ${i} does not exist (crowd size ${this.crowdN})`);
    return this.crowd.inspect(i, this.mark[this.crowd.sym[i] as number] as number);
  }

  metrics(): EngineMetrics {
    const ticks = this._tick;
    return {
      floor: {
        ticks,
        signals: this.desks.signals,
        orders: this.orders,
        trades: this.trades,
        halts: this.desks.halts,
        events: this.eventCount,
        eventRate: ticks > 0 ? this.eventCount / (ticks * 0.05) : 0,
        crowdDecisions: this.crowd.decisions,
        headlines: this.news.count,
      },
      desks: this.desks.deskMetrics(this, ticks),
      agents: this.desks.agentMetrics(this),
    };
  }

  /** Hash of the complete state: market, books (in priority order), crowd, desks, indicators, RNG streams. */
  stateHash(): string {
    const h = new Hasher();
    h.int(this._tick).int(this.seq).int(this.orders).int(this.trades).int(this.eventCount);
    h.num(this.liquidity).num(this.takerFeeBps).num(this.makerFeeBps).int(this.floorHalted ? 1 : 0);
    this.fundamental.hash(h);
    this.news.hash(h);
    for (const b of this.books) {
      h.int(b.lastTicks).num(b.volume).int(b.trades);
      for (const side of [BUY, -1]) {
        h.int(b.levels(side));
        b.forEachOrder(side, (id) => {
          h.int(id).int(this.pool.gen[id] as number).int(this.pool.expires[id] as number).int(this.pool.price[id] as number).num(this.pool.qty[id] as number).int(this.pool.owner[id] as number);
        });
      }
    }
    h.int(this.pool.liveCount).int(this.pool.used);
    this.expiry.hash(h);
    this.crowd.hash(h);
    this.desks.hash(h);
    h.arr(this.mark).arr(this.last).arr(this.tickVolume).arr(this.ewVar).arr(this.activity).arr(this.midHist);
    h.arr(this.barO).arr(this.barH).arr(this.barL).arr(this.barC).arr(this.barV);
    for (const ind of this.bookInd) ind.hash(h);
    for (const ind of this.symInd) ind.hash(h);
    for (const r of this.regimes) r.hash(h);
    h.arr(this.cov).arr(this.meanRet).arr(this.prevBarClose).arr(this.symbolHaltUntil).arr(this.breakerRef);
    this.breakers.hash(h);
    this.scenarios.hash(h);
    this.historical?.hash(h);
    if (this.policies.active) this.policies.hash(h);
    for (const r of this.rngs) h.arr(r.state()).num(r.spareValue());
    return h.digest();
  }

  /** Index of a regime name, for consumers of frame.symbols.regime. */
  static regimeName(i: number): string {
    return REGIMES[i] ?? 'undetermined';
  }
}
