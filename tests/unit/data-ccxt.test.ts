import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExchangeClient, type ExchangeClientOptions, MarketDataError, listExchanges } from '../../src-main/market-data/ccxt-client';
import { FakeBinance, MINUTE, T0, TestProxy, makeKlines } from '../fixtures/data/fake-binance';

/**
 * ccxt through its real code paths (binance's request signing-free public paths, response parsing,
 * error mapping, timeouts) against a loopback server with Binance-shaped answers. No network.
 */

const BTC = [{ symbol: 'BTC/USDT', id: 'BTCUSDT', base: 'BTC', quote: 'USDT', type: 'spot', active: true }] as const;

let fake: FakeBinance;
beforeEach(async () => {
  fake = await FakeBinance.start();
});
afterEach(async () => {
  await fake.close();
});

const waits: number[] = [];
function client(extra: ExchangeClientOptions = {}): ExchangeClient {
  waits.length = 0;
  return new ExchangeClient('binance', {
    apiBaseUrl: fake.url,
    enableRateLimit: false,
    markets: BTC,
    retries: 2,
    backoffMs: 100,
    timeoutMs: 2000,
    sleep: async (ms) => {
      waits.push(ms);
    },
    now: () => T0 + 100_000 * MINUTE,
    ...extra,
  });
}

async function failure(p: Promise<unknown>): Promise<MarketDataError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(MarketDataError);
    return err as MarketDataError;
  }
  throw new Error('expected a MarketDataError');
}

describe('ccxt exchanges and markets', () => {
  it('lists the exchanges ccxt supports, without the network', () => {
    const ids = listExchanges();
    expect(ids.length).toBeGreaterThan(90);
    expect(ids).toEqual(expect.arrayContaining(['binance', 'kraken', 'coinbase', 'bitstamp']));
  });

  it("loads an exchange's markets through ccxt's loadMarkets (recorded exchangeInfo)", async () => {
    const c = new ExchangeClient('binance', { apiBaseUrl: fake.url, enableRateLimit: false });
    const markets = await c.markets();
    expect(markets.map((m) => m.symbol)).toEqual(['BTC/USDT', 'ETH/USDT', 'LUNA/USDT']);
    expect(markets.find((m) => m.symbol === 'LUNA/USDT')?.active).toBe(false);
    expect(fake.requests.map((r) => r.path).sort()).toEqual(['/api/v3/exchangeInfo', '/dapi/v1/exchangeInfo', '/fapi/v1/exchangeInfo']);
    expect(c.timeframes()).toEqual(expect.arrayContaining(['1m', '1h', '1d']));
  });

  it('names an unknown exchange and suggests close ones', () => {
    expect(() => new ExchangeClient('binanse')).toThrow(/"binanse" is not an exchange ccxt .* supports \(did you mean binance/);
  });

  it('refuses a timeframe the exchange does not offer, listing the ones it does', async () => {
    const e = await failure(client().fetchPage('BTC/USDT', '7m', T0));
    expect(e.code).toBe('bad_timeframe');
    expect(e.message).toMatch(/^binance has no 7m bars; it offers 1s, 1m, 3m, 5m/);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('OHLCV pagination', () => {
  it('pages through a range: each request starts one bar after the last one received', async () => {
    const pages: number[] = [];
    const r = await client().fetchRange({
      symbol: 'BTC/USDT',
      timeframe: '1m',
      since: T0,
      until: T0 + 1200 * MINUTE,
      onPage: (bars) => {
        pages.push(bars.length);
      },
    });
    expect(r).toEqual({ bars: 1200, pages: 3, rejected: 0, firstTs: T0, lastTs: T0 + 1199 * MINUTE });
    expect(pages).toEqual([500, 500, 200]);
    expect(fake.klineRequests().map((q) => Number(q.get('startTime')))).toEqual([T0, T0 + 500 * MINUTE, T0 + 1000 * MINUTE]);
    expect(fake.klineRequests().every((q) => q.get('symbol') === 'BTCUSDT' && q.get('interval') === '1m')).toBe(true);
  });

  it('turns Binance strings into exact numbers, oldest first', async () => {
    const { bars } = await client().fetchPage('BTC/USDT', '1m', T0 + 10 * MINUTE, 3);
    const k = makeKlines(13).slice(10);
    expect(bars).toEqual(k.map((x) => ({ ts: x[0], open: Number(x[1]), high: Number(x[2]), low: Number(x[3]), close: Number(x[4]), volume: Number(x[5]) })));
  });

  it('stops at the end of the data and never stores the bar still forming', async () => {
    const now = T0 + 1200 * MINUTE + 30_000; // half-way through bar 1200, the last one the exchange has
    fake.klines = makeKlines(1201);
    const r = await client({ now: () => now }).fetchRange({ symbol: 'BTC/USDT', timeframe: '1m', since: T0 + 1000 * MINUTE, limit: 1000 });
    expect(r.bars).toBe(200);
    expect(r.lastTs).toBe(T0 + 1199 * MINUTE);
  });

  it('drops bars that are not valid (null prices, high below low) and counts them', async () => {
    const k = makeKlines(3);
    const bad = JSON.stringify([k[0], [k[1]?.[0], null, null, null, null, '1', 0, '0', 1, '0', '0', '0'], [k[2]?.[0], '10', '9', '11', '10', '1', 0, '0', 1, '0', '0', '0']]);
    fake.script.push({ body: bad });
    const p = await client().fetchPage('BTC/USDT', '1m', T0);
    expect(p.bars.map((b) => b.ts)).toEqual([T0]);
    expect(p.rejected).toBe(2);
  });
});

describe("ccxt's rate limiter", () => {
  it("spaces requests by the exchange's documented rate limit when enabled (the default)", async () => {
    const r = await client({ enableRateLimit: true }).fetchRange({ symbol: 'BTC/USDT', timeframe: '1m', since: T0, until: T0 + 1000 * MINUTE, limit: 100 });
    expect(r.pages).toBe(10);
    const at = fake.requests.map((q) => q.at);
    const span = (at[at.length - 1] as number) - (at[0] as number);
    expect(span).toBeGreaterThanOrEqual(9 * 15); // binance: rateLimit 50 ms, at most ~40 requests/s here
  });
});

describe('rate limits, errors, malformed answers, timeouts', () => {
  it("backs off on HTTP 429 for at least the exchange's Retry-After, then succeeds", async () => {
    fake.script.push({ status: 429, headers: { 'retry-after': '2' }, body: '{"code":-1003,"msg":"Too many requests; current limit of IP is 6000 request weight per 1 MINUTE."}' });
    const told: string[] = [];
    const p = await client({ onRetry: (i) => told.push(i.error.message) }).fetchPage('BTC/USDT', '1m', T0, 5);
    expect(p.bars).toHaveLength(5);
    expect(waits).toEqual([2000]);
    expect(told).toEqual([expect.stringMatching(/^binance is rate-limiting us \(HTTP 429\) while trying to fetch 1m bars of BTC\/USDT\.$/)]);
    expect(fake.klineRequests()).toHaveLength(2);
  });

  it('retries HTTP 500 with doubling back-off and gives up with a clear message', async () => {
    for (let i = 0; i < 3; i++) fake.script.push({ status: 500, body: 'upstream failure' });
    const e = await failure(client().fetchPage('BTC/USDT', '1m', T0));
    expect(e.code).toBe('unavailable');
    expect(e.offline).toBe(true);
    expect(e.message).toBe('binance is unavailable (HTTP 500) while trying to fetch 1m bars of BTC/USDT. Gave up after 3 attempts.');
    expect(waits).toEqual([100, 200]);
    expect(fake.klineRequests()).toHaveLength(3);
  });

  it('does not retry an unknown symbol (HTTP 400, code -1121)', async () => {
    const c = client({ markets: [{ symbol: 'NOPE/USDT', id: 'NOPEUSDT', base: 'NOPE', quote: 'USDT', type: 'spot', active: true }] });
    const e = await failure(c.fetchPage('NOPE/USDT', '1m', T0));
    expect(e.code).toBe('bad_symbol');
    expect(e.message).toMatch(/^binance does not know that symbol: .*Invalid symbol/);
    expect(fake.klineRequests()).toHaveLength(1);
  });

  it('treats malformed JSON as a failed answer (not as "no more bars"), retries, and says so', async () => {
    fake.script.push({ body: '[[1699920000000,"36500.00","36501' });
    const ok = await client().fetchPage('BTC/USDT', '1m', T0, 2);
    expect(ok.bars).toHaveLength(2);

    for (let i = 0; i < 3; i++) fake.script.push({ body: '<html>502 Bad Gateway</html>' });
    const e = await failure(client().fetchPage('BTC/USDT', '1m', T0));
    expect(e.code).toBe('bad_response');
    expect(e.message).toBe('binance answered "fetch 1m bars of BTC/USDT" with malformed JSON ("<html>502 Bad Gateway</html>"). Gave up after 3 attempts.');
  });

  it('times out a request that gets no answer, then retries', async () => {
    fake.script.push({ hang: true });
    const t = performance.now();
    const told: string[] = [];
    const p = await client({ timeoutMs: 300, onRetry: (i) => told.push(i.error.message) }).fetchPage('BTC/USDT', '1m', T0, 4);
    expect(p.bars).toHaveLength(4);
    expect(told).toEqual(['binance did not answer within 300 ms while trying to fetch 1m bars of BTC/USDT.']);
    expect(performance.now() - t).toBeGreaterThanOrEqual(290);
  });

  it('reports an unreachable exchange as a network failure (the cache can stand in)', async () => {
    const url = fake.url;
    await fake.close();
    const c = new ExchangeClient('binance', { apiBaseUrl: url, enableRateLimit: false, markets: BTC, retries: 1, backoffMs: 1, timeoutMs: 2000 });
    const e = await failure(c.fetchPage('BTC/USDT', '1m', T0));
    expect(e.code).toBe('network');
    expect(e.offline).toBe(true);
    expect(e.message).toMatch(/^Could not reach binance to fetch 1m bars of BTC\/USDT: .*Gave up after 2 attempts\.$/);
    fake = await FakeBinance.start(); // for afterEach
  });
});

describe('proxy', () => {
  it('sends every request through the configured HTTP proxy', async () => {
    const proxy = await TestProxy.start();
    try {
      const r = await client({ proxy: proxy.url }).fetchRange({ symbol: 'BTC/USDT', timeframe: '1m', since: T0, until: T0 + 600 * MINUTE });
      expect(r.bars).toBe(600);
      expect(proxy.connects + proxy.forwarded).toBeGreaterThanOrEqual(1);
      // every request the exchange saw came through the proxy (tunnelled or forwarded)
      expect(fake.klineRequests()).toHaveLength(2);
      if (proxy.connects === 0) expect(fake.requests.every((q) => q.viaProxy)).toBe(true);
    } finally {
      await proxy.close();
    }
  });

  it('names the proxy when it cannot be reached', async () => {
    const proxy = await TestProxy.start();
    const url = proxy.url;
    await proxy.close();
    const e = await failure(client({ proxy: url, retries: 0 }).fetchPage('BTC/USDT', '1m', T0));
    expect(e.code).toBe('network');
    expect(e.message).toContain(`(through the proxy ${url})`);
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses a proxy that is not an http(s) URL, hiding its credentials', () => {
    expect(() => client({ proxy: 'ftp://user:secret@proxy:21' })).toThrow('The proxy "ftp://***@proxy:21" is not an http:// or https:// URL (e.g. http://proxy.example:3128).');
  });
});
