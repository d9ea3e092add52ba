import { createRequire } from 'node:module';
import { z } from 'zod';
import { Bar, timeframeMs } from '../../src-shared/market-data';
import { type RetryPolicy, withRetry } from './retry';

/**
 * Public market data from exchanges through ccxt: the list of exchanges, an exchange's markets and
 * OHLCV bars over any range (paginated), with ccxt's own rate limiter, a timeout per request and
 * retries with exponential back-off for transient failures (rate limits, timeouts, 5xx, network
 * errors, malformed answers). Public endpoints only: no API keys are ever set and no order method is
 * ever called. ccxt is loaded lazily, through its CommonJS build, the first time a data command runs.
 */

export type MarketDataErrorCode =
  | 'unknown_exchange'
  | 'not_supported'
  | 'bad_symbol'
  | 'bad_timeframe'
  | 'rate_limited'
  | 'timeout'
  | 'network'
  | 'unavailable'
  | 'http'
  | 'bad_response'
  | 'exchange';

/** A failure a person can act on: `message` says what happened, where, and how many attempts were made. */
export class MarketDataError extends Error {
  readonly code: MarketDataErrorCode;
  readonly attempts: number;
  constructor(code: MarketDataErrorCode, message: string, options: { cause?: unknown; attempts?: number } = {}) {
    super(message, { cause: options.cause });
    this.name = 'MarketDataError';
    this.code = code;
    this.attempts = options.attempts ?? 1;
  }
  /** whether the cause is the network or the exchange being unreachable (the cache can stand in) */
  get offline(): boolean {
    return this.code === 'network' || this.code === 'timeout' || this.code === 'unavailable' || this.code === 'rate_limited';
  }
}

// ---- the slice of ccxt Bullpen uses, typed here so no `any` leaves this module ----

type ErrorClass = abstract new (...args: never[]) => Error;

interface CcxtExchange {
  id: string;
  name?: unknown;
  urls: { api?: unknown };
  has: Record<string, unknown>;
  timeframes?: unknown;
  timeout: number;
  enableRateLimit: boolean;
  rateLimit: number;
  httpProxy?: string;
  httpsProxy?: string;
  fetchImplementation?: unknown;
  last_http_response?: unknown;
  last_response_headers?: unknown;
  loadMarkets(reload?: boolean): Promise<unknown>;
  setMarkets(markets: unknown, currencies?: unknown): unknown;
  fetchOHLCV(symbol: string, timeframe?: string, since?: number, limit?: number, params?: Record<string, unknown>): Promise<unknown>;
  close?: () => Promise<unknown>;
}

type ExchangeCtor = new (config: Record<string, unknown>) => CcxtExchange;

export interface CcxtModule {
  version: string;
  exchanges: string[];
  ctor(id: string): ExchangeCtor | null;
  errors: {
    BaseError: ErrorClass;
    BadSymbol: ErrorClass;
    NotSupported: ErrorClass;
    AuthenticationError: ErrorClass;
    RateLimitExceeded: ErrorClass;
    DDoSProtection: ErrorClass;
    RequestTimeout: ErrorClass;
    ExchangeNotAvailable: ErrorClass;
    NetworkError: ErrorClass;
    BadResponse: ErrorClass;
    ExchangeError: ErrorClass;
  };
}

const ErrorCtor = z.custom<ErrorClass>((v) => typeof v === 'function');
const CcxtShape = z.looseObject({
  version: z.string(),
  exchanges: z.array(z.string()),
  BaseError: ErrorCtor,
  BadSymbol: ErrorCtor,
  NotSupported: ErrorCtor,
  AuthenticationError: ErrorCtor,
  RateLimitExceeded: ErrorCtor,
  DDoSProtection: ErrorCtor,
  RequestTimeout: ErrorCtor,
  ExchangeNotAvailable: ErrorCtor,
  NetworkError: ErrorCtor,
  BadResponse: ErrorCtor,
  ExchangeError: ErrorCtor,
});

let ccxtModule: CcxtModule | null = null;

/** Loads ccxt's CommonJS build once (~0.7 s); the ESM bundle crashed inside Electron in one report. */
export function loadCcxt(): CcxtModule {
  if (ccxtModule) return ccxtModule;
  const require = createRequire(import.meta.url);
  const raw: unknown = require('ccxt');
  const m = CcxtShape.parse(raw);
  const table = raw as Record<string, unknown>;
  ccxtModule = {
    version: m.version,
    exchanges: m.exchanges,
    ctor: (id) => (m.exchanges.includes(id) && typeof table[id] === 'function' ? (table[id] as ExchangeCtor) : null),
    errors: m,
  };
  return ccxtModule;
}

// ---- options ----

export interface ExchangeClientOptions {
  /** HTTP(S) proxy URL, e.g. http://proxy.example:3128 (also read from BULLPEN_PROXY / HTTPS_PROXY by the CLI) */
  proxy?: string;
  /** per request, default 15 000 ms */
  timeoutMs?: number;
  /** retries after the first attempt, default 4 */
  retries?: number;
  /** first back-off, doubled per retry, default 1 000 ms, capped by maxBackoffMs (default 30 000) */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** ccxt's request throttle (the exchange's documented rate limit), default on */
  enableRateLimit?: boolean;
  /** tests: replaces the scheme and host of every API URL of the exchange (e.g. http://127.0.0.1:PORT) */
  apiBaseUrl?: string;
  /** tests: ccxt's fetchImplementation (a WHATWG fetch) */
  fetchImplementation?: (url: string, init: Record<string, unknown>) => Promise<unknown>;
  /** tests: markets to use instead of loading them (`setMarkets`), so no markets request is made */
  markets?: readonly MarketInfo[];
  sleep?: (ms: number) => Promise<void>;
  /** told before each retry (CLI prints it) */
  onRetry?: (info: { attempt: number; waitMs: number; error: MarketDataError }) => void;
  /** the clock, for tests (default Date.now) */
  now?: () => number;
}

export const MarketInfo = z.object({
  symbol: z.string(),
  id: z.string(),
  base: z.string(),
  quote: z.string(),
  type: z.string(),
  active: z.boolean().nullable(),
});
export type MarketInfo = z.infer<typeof MarketInfo>;

const RawMarket = z.looseObject({
  symbol: z.string(),
  id: z.string().optional(),
  base: z.string().optional(),
  quote: z.string().optional(),
  type: z.string().optional(),
  active: z.boolean().nullable().optional(),
});

const OhlcvRow = z.tuple([z.number(), z.number().nullish(), z.number().nullish(), z.number().nullish(), z.number().nullish(), z.number().nullish()]).rest(z.unknown());

function rewriteUrls(node: unknown, base: string): unknown {
  if (typeof node === 'string') return node.replace(/^https?:\/\/[^/]+/, base.replace(/\/$/, ''));
  if (Array.isArray(node)) return node.map((n) => rewriteUrls(n, base));
  if (node !== null && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) out[k] = rewriteUrls(v, base);
    return out;
  }
  return node;
}

function redactProxy(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

/** Lists every exchange ccxt supports (no network). */
export function listExchanges(): string[] {
  return [...loadCcxt().exchanges];
}

export interface FetchRangeOptions {
  symbol: string;
  timeframe: string;
  /** first bar's ts (inclusive), ms UTC */
  since: number;
  /** end (exclusive), ms UTC; default and at most the start of the bar still forming */
  until?: number;
  /** bars per request; default the exchange's own default */
  limit?: number;
  /** each page's new, closed bars, oldest first; awaited before the next request */
  onPage?: (bars: Bar[], info: { page: number; cursor: number }) => void | Promise<void>;
}

export interface FetchRangeResult {
  bars: number;
  pages: number;
  /** bars the exchange sent that were not valid bars (dropped) */
  rejected: number;
  firstTs: number | null;
  lastTs: number | null;
}

export class ExchangeClient {
  readonly id: string;
  readonly ccxtVersion: string;
  private readonly ex: CcxtExchange;
  private readonly ccxt: CcxtModule;
  private readonly policy: RetryPolicy;
  private readonly onRetry: ExchangeClientOptions['onRetry'];
  private readonly now: () => number;
  private readonly proxy: string | undefined;
  private marketsLoaded = false;

  constructor(id: string, opts: ExchangeClientOptions = {}) {
    const ccxt = loadCcxt();
    const Ctor = ccxt.ctor(id);
    if (!Ctor) {
      const near = ccxt.exchanges.filter((e) => e.startsWith(id.slice(0, 3).toLowerCase())).slice(0, 5);
      throw new MarketDataError(
        'unknown_exchange',
        `"${id}" is not an exchange ccxt ${ccxt.version} supports${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}. \`bullpen data list --exchanges\` lists them all.`,
      );
    }
    this.ccxt = ccxt;
    this.ccxtVersion = ccxt.version;
    this.id = id;
    const config: Record<string, unknown> = {
      enableRateLimit: opts.enableRateLimit ?? true,
      timeout: opts.timeoutMs ?? 15_000,
    };
    if (opts.fetchImplementation) config.fetchImplementation = opts.fetchImplementation;
    this.ex = new Ctor(config);
    if (opts.apiBaseUrl !== undefined) this.ex.urls.api = rewriteUrls(this.ex.urls.api, opts.apiBaseUrl);
    if (opts.proxy !== undefined && opts.proxy !== '') {
      if (!/^https?:\/\/[^/\s]+/i.test(opts.proxy)) {
        throw new MarketDataError('not_supported', `The proxy "${redactProxy(opts.proxy)}" is not an http:// or https:// URL (e.g. http://proxy.example:3128).`);
      }
      this.proxy = opts.proxy;
      this.ex.httpsProxy = opts.proxy;
    }
    if (opts.markets) {
      this.ex.setMarkets(opts.markets.map((m) => ({ ...m, baseId: m.base, quoteId: m.quote, spot: m.type === 'spot', precision: {}, limits: {} })));
      this.marketsLoaded = true;
    }
    this.policy = { retries: opts.retries ?? 4, baseMs: opts.backoffMs ?? 1000, maxMs: opts.maxBackoffMs ?? 30_000, ...(opts.sleep ? { sleep: opts.sleep } : {}) };
    this.onRetry = opts.onRetry;
    this.now = opts.now ?? Date.now;
  }

  /** Timeframes the exchange offers (ccxt's names), or null when it does not say. */
  timeframes(): string[] | null {
    const tf = this.ex.timeframes;
    return tf !== null && typeof tf === 'object' ? Object.keys(tf) : null;
  }

  get supportsOhlcv(): boolean {
    return this.ex.has.fetchOHLCV === true || this.ex.has.fetchOHLCV === 'emulated';
  }

  /** The exchange's markets (loaded once, with retries). */
  async markets(): Promise<MarketInfo[]> {
    const raw = await this.call('load markets', async () => this.ex.loadMarkets());
    this.marketsLoaded = true;
    const table = z.record(z.string(), z.unknown()).parse(raw);
    const out: MarketInfo[] = [];
    for (const v of Object.values(table)) {
      const m = RawMarket.safeParse(v);
      if (!m.success) continue;
      out.push({ symbol: m.data.symbol, id: m.data.id ?? m.data.symbol, base: m.data.base ?? '', quote: m.data.quote ?? '', type: m.data.type ?? 'spot', active: m.data.active ?? null });
    }
    return out.sort((a, b) => a.symbol.localeCompare(b.symbol));
  }

  /** One request: bars from `since`, as the exchange answers them (validated, invalid ones counted). */
  async fetchPage(symbol: string, timeframe: string, since: number, limit?: number): Promise<{ bars: Bar[]; rejected: number; raw: number }> {
    this.checkTimeframe(timeframe);
    if (!this.marketsLoaded) await this.markets();
    const raw = await this.call(`fetch ${timeframe} bars of ${symbol}`, async () => {
      this.ex.last_http_response = undefined;
      const r = await this.ex.fetchOHLCV(symbol, timeframe, since, limit);
      this.assertJsonBody(`fetch ${timeframe} bars of ${symbol}`);
      return r;
    });
    if (!Array.isArray(raw)) {
      throw new MarketDataError('bad_response', `${this.id} answered the request for ${timeframe} bars of ${symbol} with something that is not a list of bars.`);
    }
    const bars: Bar[] = [];
    let rejected = 0;
    for (const row of raw) {
      const r = OhlcvRow.safeParse(row);
      const b = r.success ? Bar.safeParse({ ts: r.data[0], open: r.data[1], high: r.data[2], low: r.data[3], close: r.data[4], volume: r.data[5] ?? 0 }) : null;
      if (b?.success) bars.push(b.data);
      else rejected++;
    }
    bars.sort((a, b) => a.ts - b.ts);
    return { bars, rejected, raw: raw.length };
  }

  /**
   * Every closed bar with since <= ts < until, page by page: each page starts one bar after the last
   * one received, until the range is covered, the exchange sends nothing new, or sends nothing at all.
   */
  async fetchRange(o: FetchRangeOptions): Promise<FetchRangeResult> {
    const tfMs = this.checkTimeframe(o.timeframe);
    const forming = Math.floor(this.now() / tfMs) * tfMs;
    const until = Math.min(o.until ?? forming, forming);
    let cursor = o.since;
    const res: FetchRangeResult = { bars: 0, pages: 0, rejected: 0, firstTs: null, lastTs: null };
    while (cursor < until) {
      const page = await this.fetchPage(o.symbol, o.timeframe, cursor, o.limit);
      res.pages++;
      res.rejected += page.rejected;
      if (page.bars.length === 0) break;
      const lastTs = (page.bars[page.bars.length - 1] as Bar).ts;
      const fresh = page.bars.filter((b) => b.ts >= cursor && b.ts < until);
      if (fresh.length > 0) {
        await o.onPage?.(fresh, { page: res.pages, cursor });
        res.bars += fresh.length;
        res.firstTs ??= (fresh[0] as Bar).ts;
        res.lastTs = (fresh[fresh.length - 1] as Bar).ts;
      }
      if (lastTs < cursor) break; // the exchange ignores `since`: nothing newer to page through
      cursor = lastTs + tfMs;
    }
    return res;
  }

  async close(): Promise<void> {
    await this.ex.close?.();
  }

  private checkTimeframe(tf: string): number {
    let ms: number;
    try {
      ms = timeframeMs(tf);
    } catch (err) {
      throw new MarketDataError('bad_timeframe', (err as Error).message);
    }
    const offered = this.timeframes();
    if (offered && !offered.includes(tf)) {
      throw new MarketDataError('bad_timeframe', `${this.id} has no ${tf} bars; it offers ${offered.join(', ')}.`);
    }
    if (!this.supportsOhlcv) throw new MarketDataError('not_supported', `${this.id} offers no OHLCV bars through ccxt.`);
    return ms;
  }

  /** ccxt hands an unparseable 200 body back as a string (and fetchOHLCV then yields []): refuse it. */
  private assertJsonBody(what: string): void {
    const body = this.ex.last_http_response;
    if (typeof body !== 'string' || body.trim() === '') return;
    try {
      JSON.parse(body);
    } catch {
      const shown = body.trim().slice(0, 60).replace(/\s+/g, ' ');
      throw new MarketDataError('bad_response', `${this.id} answered "${what}" with malformed JSON ("${shown}${body.length > 60 ? '…' : ''}").`);
    }
  }

  private classify(err: unknown, what: string): MarketDataError {
    if (err instanceof MarketDataError) return err;
    const e = this.ccxt.errors;
    const msg = err instanceof Error ? err.message : String(err);
    const status = /\b(?:GET|POST)\s+\S+\s+(\d{3})\b/.exec(msg)?.[1];
    const via = this.proxy ? ` (through the proxy ${redactProxy(this.proxy)})` : '';
    const short = msg.length > 300 ? `${msg.slice(0, 300)}…` : msg;
    if (err instanceof e.BadSymbol) return new MarketDataError('bad_symbol', `${this.id} does not know that symbol: ${short}`, { cause: err });
    if (err instanceof e.NotSupported) return new MarketDataError('not_supported', `${this.id} cannot ${what} through ccxt: ${short}`, { cause: err });
    if (err instanceof e.AuthenticationError) {
      return new MarketDataError('http', `${this.id} refused to ${what} without credentials (HTTP ${status ?? '401'}); Bullpen uses public endpoints only and never sends API keys.`, { cause: err });
    }
    if (err instanceof e.RateLimitExceeded || err instanceof e.DDoSProtection) {
      return new MarketDataError('rate_limited', `${this.id} is rate-limiting us (HTTP ${status ?? '429'}) while trying to ${what}${via}.`, { cause: err });
    }
    if (err instanceof e.RequestTimeout) {
      return new MarketDataError('timeout', `${this.id} did not answer within ${this.ex.timeout} ms while trying to ${what}${via}.`, { cause: err });
    }
    if (err instanceof e.ExchangeNotAvailable) {
      if (status !== undefined && status.startsWith('4')) return new MarketDataError('http', `${this.id} answered HTTP ${status} to "${what}": ${short}`, { cause: err });
      return new MarketDataError('unavailable', `${this.id} is unavailable (HTTP ${status ?? '5xx'}) while trying to ${what}${via}.`, { cause: err });
    }
    if (err instanceof e.NetworkError) return new MarketDataError('network', `Could not reach ${this.id} to ${what}${via}: ${short}`, { cause: err });
    if (err instanceof e.BadResponse) return new MarketDataError('bad_response', `${this.id} sent a response Bullpen cannot read while trying to ${what}: ${short}`, { cause: err });
    if (err instanceof e.BaseError) return new MarketDataError('exchange', `${this.id} refused to ${what}: ${short}`, { cause: err });
    if (err instanceof z.ZodError) return new MarketDataError('bad_response', `${this.id} sent data of an unexpected shape while trying to ${what}.`, { cause: err });
    return new MarketDataError('network', `${this.id}: ${what} failed: ${short}`, { cause: err });
  }

  private retryAfterMs(): number | undefined {
    const h = z.record(z.string(), z.unknown()).safeParse(this.ex.last_response_headers);
    if (!h.success) return undefined;
    const v = h.data['Retry-After'];
    if (typeof v !== 'string') return undefined;
    const s = Number(v);
    if (Number.isFinite(s) && s >= 0) return s * 1000;
    const at = Date.parse(v);
    return Number.isFinite(at) ? Math.max(0, at - this.now()) : undefined;
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    let attempts = 0;
    try {
      return await withRetry(
        async (attempt) => {
          attempts = attempt;
          try {
            return await fn();
          } catch (err) {
            throw this.classify(err, what);
          }
        },
        this.policy,
        (err) => {
          const code = err instanceof MarketDataError ? err.code : 'exchange';
          const retry = ['rate_limited', 'timeout', 'network', 'unavailable', 'bad_response'].includes(code);
          const minWaitMs = code === 'rate_limited' ? this.retryAfterMs() : undefined;
          return minWaitMs === undefined ? { retry } : { retry, minWaitMs };
        },
        (info) => {
          if (info.error instanceof MarketDataError) this.onRetry?.({ attempt: info.attempt, waitMs: info.waitMs, error: info.error });
        },
      );
    } catch (err) {
      const m = err instanceof MarketDataError ? err : this.classify(err, what);
      if (attempts <= 1) throw m;
      throw new MarketDataError(m.code, `${m.message} Gave up after ${attempts} attempts.`, { cause: m.cause, attempts });
    }
  }
}
