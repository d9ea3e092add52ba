import { type Command, InvalidArgumentError, Option } from 'commander';
import { globalDbPath } from '../context';

/**
 * `bullpen data fetch|list|import|export`: market data from exchanges (ccxt, public endpoints only),
 * CSV files and the bundled data set, cached in the library database. The work is done in
 * src-main/market-data/commands.ts, loaded (with ccxt, lazily) only when a data command runs.
 */

function intArg(name: string, min: number, max: number): (v: string) => number {
  return (v: string): number => {
    if (!/^\d+$/.test(v.trim())) throw new InvalidArgumentError(`${name} must be a whole number, got "${v}".`);
    const n = Number(v);
    if (n < min || n > max) throw new InvalidArgumentError(`${name} must be from ${min} to ${max}, got ${v}.`);
    return n;
  };
}

interface NetOpts {
  proxy?: string;
  timeout?: number;
  retries?: number;
  apiUrl?: string;
  backoff?: number;
}

function netOptions(cmd: Command): Command {
  return cmd
    .option('--proxy <url>', 'HTTP(S) proxy, e.g. http://proxy:3128 (default: $BULLPEN_PROXY, $HTTPS_PROXY, $HTTP_PROXY)')
    .option('--timeout <ms>', 'time limit per request', intArg('--timeout', 100, 600_000))
    .option('--retries <n>', 'retries of a failed request, with exponential back-off', intArg('--retries', 0, 20))
    .addOption(new Option('--backoff <ms>', 'first back-off').argParser(intArg('--backoff', 0, 600_000)).hideHelp())
    .addOption(new Option('--api-url <url>', "replace the exchange's API origin (tests, mirrors)").hideHelp());
}

function common(o: NetOpts, cmd: Command): { db?: string; proxy?: string; timeoutMs?: number; retries?: number; apiUrl?: string; backoffMs?: number } {
  const db = globalDbPath(cmd);
  return {
    ...(db !== undefined ? { db } : {}),
    ...(o.proxy !== undefined ? { proxy: o.proxy } : {}),
    ...(o.timeout !== undefined ? { timeoutMs: o.timeout } : {}),
    ...(o.retries !== undefined ? { retries: o.retries } : {}),
    ...(o.apiUrl !== undefined ? { apiUrl: o.apiUrl } : {}),
    ...(o.backoff !== undefined ? { backoffMs: o.backoff } : {}),
  };
}

const io = {
  out: (s: string): void => void process.stdout.write(s),
  err: (s: string): void => void process.stderr.write(s),
  env: process.env,
};

export function registerData(program: Command): void {
  const data = program.command('data').description('fetch, list, import and export market data (cached in the library)');

  netOptions(
    data
      .command('fetch')
      .description('fetch OHLCV bars from an exchange (public endpoints, no API key) into the cache')
      .requiredOption('--exchange <id>', 'ccxt exchange id, e.g. binance, kraken, coinbase')
      .requiredOption('--symbol <symbol>', 'market symbol, e.g. BTC/USDT')
      .option('--timeframe <tf>', 'bar length, e.g. 1m, 15m, 1h, 1d', '1m')
      .option('--since <date>', 'first bar (ISO date or time, UTC; default: after the newest cached bar)')
      .option('--until <date>', 'end, exclusive (default: now)')
      .option('--refresh', 'fetch again what the cache already has')
      .option('--limit <n>', 'bars per request (default: the exchange default)', intArg('--limit', 1, 100_000)),
  ).action(async (o: NetOpts & { exchange: string; symbol: string; timeframe: string; since?: string; until?: string; refresh?: boolean; limit?: number }, cmd: Command) => {
    const { dataFetch } = await import('../../market-data/commands');
    process.exitCode = await dataFetch(
      {
        ...common(o, cmd),
        exchange: o.exchange,
        symbol: o.symbol,
        timeframe: o.timeframe,
        ...(o.since !== undefined ? { since: o.since } : {}),
        ...(o.until !== undefined ? { until: o.until } : {}),
        ...(o.refresh ? { refresh: true } : {}),
        ...(o.limit !== undefined ? { limit: o.limit } : {}),
      },
      io,
    );
  });

  netOptions(
    data
      .command('list')
      .description('list cached series (default), the exchanges ccxt supports, or an exchange\'s markets')
      .option('--exchanges', 'list the exchanges (no network)')
      .option('--markets <exchange>', "list an exchange's markets and timeframes (network)"),
  ).action(async (o: NetOpts & { exchanges?: boolean; markets?: string }, cmd: Command) => {
    const { dataList } = await import('../../market-data/commands');
    process.exitCode = await dataList({ ...common(o, cmd), ...(o.exchanges ? { exchanges: true } : {}), ...(o.markets !== undefined ? { markets: o.markets } : {}) }, io);
  });

  data
    .command('import')
    .description('import an OHLCV CSV file: prints the validation report; refuses broken files unless --repair')
    .argument('<file>', 'CSV file (exchange export, Yahoo-style, MetaTrader, generic)')
    .option('--repair', 'sort, drop duplicates and invalid rows, mark gaps, then import')
    .option('--refuse', 'refuse the file on any finding, gaps included')
    .option('--check', 'only print the report')
    .option('--symbol <symbol>', 'name of the series (default: the file name)')
    .option('--tz <zone>', 'time zone of times without an offset (IANA name)', 'UTC')
    .option('--timeframe <tf>', 'bar length (default: inferred)')
    .action(async (file: string, o: { repair?: boolean; refuse?: boolean; check?: boolean; symbol?: string; tz: string; timeframe?: string }, cmd: Command) => {
      if (o.repair && o.refuse) {
        process.stderr.write('bullpen data import: --repair and --refuse exclude each other.\n');
        process.exitCode = 1;
        return;
      }
      const { dataImport } = await import('../../market-data/commands');
      const db = globalDbPath(cmd);
      process.exitCode = dataImport(
        {
          ...(db !== undefined ? { db } : {}),
          file,
          mode: o.repair ? 'repair' : o.refuse ? 'refuse' : 'check',
          ...(o.check ? { check: true } : {}),
          ...(o.symbol !== undefined ? { symbol: o.symbol } : {}),
          tz: o.tz,
          ...(o.timeframe !== undefined ? { timeframe: o.timeframe } : {}),
        },
        io,
      );
    });

  data
    .command('export')
    .description('write a cached series to a CSV file')
    .requiredOption('--symbol <symbol>', 'symbol of the series (see `bullpen data list`)')
    .option('--exchange <id>', 'exchange of the series (csv for imports, bundled for the shipped data)')
    .option('--timeframe <tf>', 'timeframe of the series')
    .requiredOption('--out <file>', 'CSV file to write')
    .option('--since <date>', 'first bar')
    .option('--until <date>', 'end, exclusive')
    .action(async (o: { symbol: string; exchange?: string; timeframe?: string; out: string; since?: string; until?: string }, cmd: Command) => {
      const { dataExport } = await import('../../market-data/commands');
      const db = globalDbPath(cmd);
      process.exitCode = dataExport(
        {
          ...(db !== undefined ? { db } : {}),
          symbol: o.symbol,
          out: o.out,
          ...(o.exchange !== undefined ? { exchange: o.exchange } : {}),
          ...(o.timeframe !== undefined ? { timeframe: o.timeframe } : {}),
          ...(o.since !== undefined ? { since: o.since } : {}),
          ...(o.until !== undefined ? { until: o.until } : {}),
        },
        io,
      );
    });
}
