import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { type BarSeries, type BarSeriesKey, timeframeMs } from '../../src-shared/market-data';
import { APP_VERSION } from '../host/app-version';
import { getSeries, listSeries, readBars } from '../store/bars';
import { openLibrary } from '../store/library';
import { libraryPath } from '../store/paths';
import { ensureBundled } from './bundled';
import { ExchangeClient, type ExchangeClientOptions, MarketDataError, listExchanges } from './ccxt-client';
import { formatReport, type ImportMode, importCsvText } from './csv';
import { writeBarsCsv } from './export';
import { storeCsvImport } from './store-import';
import { updateSeries } from './sync';

/**
 * What `bullpen data fetch|list|import|export` do, apart from parsing the command line
 * (src-main/cli/commands/data.ts), so tests can run them in-process. Each returns an exit code:
 * 0 done, 1 failed (network, exchange, bad arguments), 3 an import refused because of problems.
 */

export const EXIT_FAILED = 1;
export const EXIT_REFUSED = 3;

export interface DataIO {
  out: (s: string) => void;
  err: (s: string) => void;
  env: NodeJS.ProcessEnv;
}

export interface CommonOptions {
  db?: string;
  /** for tests and mirrors: the exchange's API origin (scheme + host) */
  apiUrl?: string;
  proxy?: string;
  timeoutMs?: number;
  retries?: number;
  backoffMs?: number;
}

function iso(ts: number | null): string {
  return ts === null ? '—' : new Date(ts).toISOString().replace('.000Z', 'Z');
}

/** A date on the command line: ISO 8601 date or date-time (UTC unless it has an offset) or Unix ms. */
export function parseDateArg(s: string, name: string): number {
  const t = s.trim();
  if (/^\d{1,16}$/.test(t)) return Number(t);
  let iso8601 = t;
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) iso8601 = `${t}T00:00:00Z`;
  else if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(t)) iso8601 = `${t.replace(' ', 'T')}Z`;
  const ms = Date.parse(iso8601);
  if (!Number.isFinite(ms) || !/^\d{4}-\d{2}-\d{2}/.test(t)) throw new Error(`${name} must be a date like 2024-01-31, 2024-01-31T12:00Z or Unix milliseconds, got "${s}".`);
  return ms;
}

/** --proxy, else BULLPEN_PROXY, HTTPS_PROXY, HTTP_PROXY (either case). */
export function proxyFrom(opt: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  const v = opt ?? env.BULLPEN_PROXY ?? env.HTTPS_PROXY ?? env.https_proxy ?? env.HTTP_PROXY ?? env.http_proxy;
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

function clientOptions(o: CommonOptions, io: DataIO): ExchangeClientOptions {
  const proxy = proxyFrom(o.proxy, io.env);
  return {
    ...(proxy !== undefined ? { proxy } : {}),
    ...(o.apiUrl !== undefined ? { apiBaseUrl: o.apiUrl } : {}),
    ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
    ...(o.retries !== undefined ? { retries: o.retries } : {}),
    ...(o.backoffMs !== undefined ? { backoffMs: o.backoffMs } : {}),
    onRetry: ({ attempt, waitMs, error }) => io.err(`  ${error.message} Retrying in ${(waitMs / 1000).toFixed(1)} s (retry ${attempt}).\n`),
  };
}

function openDb(o: CommonOptions): ReturnType<typeof openLibrary> {
  return openLibrary(o.db ?? libraryPath(), { appVersion: APP_VERSION });
}

function describeSeries(s: BarSeries): string {
  return `${s.count} bars, ${iso(s.firstTs)} … ${iso(s.lastTs)}, ${s.gaps.length} gap${s.gaps.length === 1 ? '' : 's'}`;
}

function fail(io: DataIO, cmd: string, err: unknown): number {
  io.err(`bullpen data ${cmd}: ${err instanceof Error ? err.message : String(err)}\n`);
  return EXIT_FAILED;
}

// ---- fetch ----

export interface FetchOptions extends CommonOptions {
  exchange: string;
  symbol: string;
  timeframe: string;
  since?: string;
  until?: string;
  refresh?: boolean;
  limit?: number;
}

export async function dataFetch(o: FetchOptions, io: DataIO): Promise<number> {
  let since: number | undefined;
  let until: number | undefined;
  try {
    timeframeMs(o.timeframe);
    if (o.since !== undefined) since = parseDateArg(o.since, '--since');
    if (o.until !== undefined) until = parseDateArg(o.until, '--until');
    if (since !== undefined && until !== undefined && until <= since) throw new Error('--until must be after --since.');
  } catch (err) {
    return fail(io, 'fetch', err);
  }
  const key: BarSeriesKey = { exchange: o.exchange, symbol: o.symbol, timeframe: o.timeframe };
  const lib = openDb(o);
  let client: ExchangeClient | null = null;
  try {
    client = new ExchangeClient(o.exchange, clientOptions(o, io));
    const r = await updateSeries(lib.db, client, key, {
      ...(since !== undefined ? { since } : {}),
      ...(until !== undefined ? { until } : {}),
      ...(o.refresh ? { refresh: true } : {}),
      ...(o.limit !== undefined ? { limit: o.limit } : {}),
      onPage: ({ page, bars, lastTs }) => io.err(`  page ${page}: ${bars} bars, up to ${iso(lastTs)}\n`),
    });
    const s = r.series;
    if (r.upToDate && r.fetched === 0) io.out(`${o.exchange} ${o.symbol} ${o.timeframe}: the cache is up to date (${describeSeries(s)}).\n`);
    else {
      io.out(
        `${o.exchange} ${o.symbol} ${o.timeframe}: fetched ${r.fetched} bars in ${r.pages} request${r.pages === 1 ? '' : 's'} from ${iso(r.from)} (${r.added} new); cache: ${describeSeries(s)}.\n`,
      );
    }
    if (r.rejected > 0) io.err(`  warning: ${o.exchange} sent ${r.rejected} invalid bar${r.rejected === 1 ? '' : 's'} (dropped).\n`);
    return 0;
  } catch (err) {
    const code = fail(io, 'fetch', err);
    if (err instanceof MarketDataError && err.offline) {
      const s = getSeries(lib.db, key);
      if (s && s.count > 0) io.err(`  The cache still has ${describeSeries(s)}; Bullpen works from it offline.\n`);
    }
    return code;
  } finally {
    await client?.close();
    lib.close();
  }
}

// ---- list ----

export interface ListOptions extends CommonOptions {
  exchanges?: boolean;
  markets?: string;
}

export async function dataList(o: ListOptions, io: DataIO): Promise<number> {
  if (o.exchanges) {
    const ids = listExchanges();
    io.out(ids.join('\n') + '\n');
    io.err(`${ids.length} exchanges (ccxt). Public market data only: no API keys, no orders.\n`);
    return 0;
  }
  if (o.markets !== undefined) {
    let client: ExchangeClient | null = null;
    try {
      client = new ExchangeClient(o.markets, clientOptions(o, io));
      const markets = await client.markets();
      for (const m of markets) io.out(`${m.symbol}\t${m.type}${m.active === false ? '\tinactive' : ''}\n`);
      const tfs = client.timeframes();
      io.err(`${markets.length} markets on ${o.markets}; timeframes: ${tfs ? tfs.join(', ') : 'not listed'}.\n`);
      return 0;
    } catch (err) {
      return fail(io, 'list', err);
    } finally {
      await client?.close();
    }
  }
  const lib = openDb(o);
  try {
    ensureBundled(lib.db);
    const all = listSeries(lib.db);
    const rows = [['exchange', 'symbol', 'timeframe', 'bars', 'first', 'last', 'gaps', 'source'], ...all.map((s) => [s.exchange, s.symbol, s.timeframe, String(s.count), iso(s.firstTs), iso(s.lastTs), String(s.gaps.length), s.source])];
    const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
    for (const r of rows) io.out(r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd() + '\n');
    return 0;
  } catch (err) {
    return fail(io, 'list', err);
  } finally {
    lib.close();
  }
}

// ---- import ----

export interface ImportOptions extends CommonOptions {
  file: string;
  mode: ImportMode;
  /** only print the report */
  check?: boolean;
  symbol?: string;
  tz?: string;
  timeframe?: string;
}

export function dataImport(o: ImportOptions, io: DataIO): number {
  let text: string;
  try {
    text = readFileSync(o.file, 'utf8');
  } catch (err) {
    return fail(io, 'import', new Error(`cannot read ${o.file}: ${(err as Error).message}`));
  }
  let result: ReturnType<typeof importCsvText>;
  try {
    result = importCsvText(text, {
      file: basename(o.file),
      mode: o.mode,
      ...(o.tz !== undefined ? { timeZone: o.tz } : {}),
      ...(o.timeframe !== undefined ? { timeframe: o.timeframe } : {}),
    });
  } catch (err) {
    return fail(io, 'import', err);
  }
  const { report } = result;
  io.out(formatReport(report) + '\n');
  if (!result.accepted) {
    const kinds = Object.entries(report.counts)
      .filter(([k, n]) => n > 0 && (o.mode === 'refuse' || k !== 'gap'))
      .map(([k, n]) => `${n} ${k.replace(/_/g, ' ')}`);
    const hint = o.mode === 'check' && report.bars > 0 ? ' Run again with --repair to sort, drop duplicates and invalid rows and mark gaps.' : '';
    io.err(`bullpen data import: refused ${o.file}: ${kinds.join(', ') || 'no valid bars'}.${hint}\n`);
    return EXIT_REFUSED;
  }
  if (o.check) {
    io.out(`${report.bars} bars would be imported (--check: nothing written).\n`);
    return 0;
  }
  if (result.timeframe === null) {
    return fail(io, 'import', new Error('the timeframe cannot be inferred from a single bar: give --timeframe.'));
  }
  const symbol = o.symbol ?? basename(o.file, extname(o.file));
  const key: BarSeriesKey = { exchange: 'csv', symbol, timeframe: result.timeframe };
  const lib = openDb(o);
  try {
    const { series: s, added } = storeCsvImport(lib.db, key, result, basename(o.file));
    io.out(`imported ${result.bars.length} bars (${added} new) as csv ${symbol} ${key.timeframe}; cache: ${describeSeries(s)}.\n`);
    return 0;
  } catch (err) {
    return fail(io, 'import', err);
  } finally {
    lib.close();
  }
}

// ---- export ----

export interface ExportOptions extends CommonOptions {
  symbol: string;
  exchange?: string;
  timeframe?: string;
  out: string;
  since?: string;
  until?: string;
}

export function dataExport(o: ExportOptions, io: DataIO): number {
  const lib = openDb(o);
  try {
    ensureBundled(lib.db);
    const matches = listSeries(lib.db).filter(
      (s) => s.symbol === o.symbol && (o.exchange === undefined || s.exchange === o.exchange) && (o.timeframe === undefined || s.timeframe === o.timeframe),
    );
    if (matches.length === 0) throw new Error(`no cached series ${[o.exchange, o.symbol, o.timeframe].filter(Boolean).join(' ')}; \`bullpen data list\` shows what is cached.`);
    if (matches.length > 1) {
      throw new Error(`${matches.length} series match: ${matches.map((s) => `${s.exchange} ${s.symbol} ${s.timeframe}`).join(', ')}; narrow it with --exchange and --timeframe.`);
    }
    const s = matches[0] as BarSeries;
    const range = {
      ...(o.since !== undefined ? { since: parseDateArg(o.since, '--since') } : {}),
      ...(o.until !== undefined ? { until: parseDateArg(o.until, '--until') } : {}),
    };
    const bars = readBars(lib.db, s, range);
    writeBarsCsv(o.out, bars);
    io.out(`wrote ${bars.length} bars of ${s.exchange} ${s.symbol} ${s.timeframe} to ${o.out}.\n`);
    return 0;
  } catch (err) {
    return fail(io, 'export', err);
  } finally {
    lib.close();
  }
}
