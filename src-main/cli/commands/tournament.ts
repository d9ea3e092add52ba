import { writeFileSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { BarSeriesKey } from '../../../src-shared/market-data';
import { TOURNAMENT_DESKS, TournamentMode, withEntrantNotes, type EntrantProgress, type TournamentDesk, type TournamentSpecInput } from '../../../src-shared/tournament-api';
import { formatLeaderboard } from '../../tournament/format';
import { TournamentService } from '../../tournament/service';
import { TournamentStore } from '../../store/tournaments';
import { openLibraryOf } from './recording-common';

/**
 * `bullpen tournament`: runs a strategy tournament headless (docs/TOURNAMENTS.md) in the Piscina pool,
 * a progress bar on stderr and the leaderboard on stdout; `list`, `show ID` and `export ID` read
 * stored ones.
 */

function seriesArg(v: string): BarSeriesKey {
  const parts = v.split(':');
  const parsed = parts.length === 3 ? BarSeriesKey.safeParse({ exchange: parts[0], symbol: parts[1], timeframe: parts[2] }) : null;
  if (!parsed?.success) throw new InvalidArgumentError(`--series must be EXCHANGE:SYMBOL:TIMEFRAME (e.g. bundled:SP500:1d), got "${v}".`);
  return parsed.data;
}

function numberArg(name: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number, got "${v}".`);
    return n;
  };
}

function entrantsArg(v: string): TournamentDesk[] {
  const list = v.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const d of list) if (!(TOURNAMENT_DESKS as readonly string[]).includes(d)) throw new InvalidArgumentError(`--entrants: "${d}" is not a desk (${TOURNAMENT_DESKS.join(', ')}).`);
  return list as TournamentDesk[];
}

interface RunOpts {
  series?: BarSeriesKey;
  since?: string;
  until?: string;
  mode?: TournamentMode;
  entrants?: TournamentDesk[];
  policy?: string[];
  capital?: number;
  feeBps?: number;
  slippage: boolean;
  seed?: number;
  name?: string;
  json?: boolean;
}

function progressLine(ps: readonly EntrantProgress[], tty: boolean, width = 30): string {
  let done = 0;
  let total = 0;
  for (const p of ps) {
    done += p.done;
    total += p.total;
  }
  const pct = total > 0 ? Math.floor((done / total) * 100) : 0;
  const finished = ps.filter((p) => p.total > 0 && p.done >= p.total).length;
  const stats = `bars ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')}  entrants done ${finished}/${ps.length}`;
  if (!tty) return `tournament: ${pct}% ${stats}\n`;
  const fill = Math.round((pct / 100) * width);
  return `\r\x1b[2K[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${String(pct).padStart(3)}%  ${stats}`;
}

/** `--json` after a subcommand: commander hands it to the parent command (which has a --json of its own) */
function wantsJson(o: { json?: boolean }, c: Command): boolean {
  return o.json === true || c.optsWithGlobals<{ json?: boolean }>().json === true;
}

export function registerTournament(program: Command): void {
  const cmd = program
    .command('tournament')
    .description('pit the desks, RL policies, buy-and-hold and a random baseline against each other on a bar series (stored in the library)')
    .option('--series <key>', 'EXCHANGE:SYMBOL:TIMEFRAME of a stored series (default: the bundled S&P 500, bundled:SP500:1d)', seriesArg)
    .option('--since <date>', 'first bar (YYYY-MM-DD, inclusive)')
    .option('--until <date>', 'end (YYYY-MM-DD, exclusive)')
    .option('--mode <mode>', 'isolated (each entrant alone against the path), shared (one modelled book) or floor (desks and policies on one engine floor)', (v) => {
      if (!TournamentMode.safeParse(v).success) throw new InvalidArgumentError(`--mode must be isolated, shared or floor, got "${v}".`);
      return v;
    })
    .option('--entrants <desks>', `comma-separated desks (default: all: ${TOURNAMENT_DESKS.join(',')}); buy-and-hold and random always enter`, entrantsArg)
    .option('--policy <checkpoint>', 'an RL checkpoint id to enter (repeatable)', (v: string, prev: string[] | undefined) => [...(prev ?? []), v])
    .option('--capital <n>', 'starting capital of each entrant (default 100000)', numberArg('--capital'))
    .option('--fee-bps <n>', 'commission per fill in basis points (default 1)', numberArg('--fee-bps'))
    .option('--no-slippage', 'fill at the open exactly (no size/range slippage)')
    .option('--seed <n>', 'seed of the random baseline and the bootstrap (default 1)', numberArg('--seed'))
    .option('--name <text>', 'a name for the tournament')
    .option('--json', 'print the stored result as JSON instead of the table')
    .action(async (opts: RunOpts, c: Command) => {
      const spec: TournamentSpecInput = {
        ...(opts.series ? { series: opts.series } : {}),
        ...(opts.since !== undefined ? { since: opts.since } : {}),
        ...(opts.until !== undefined ? { until: opts.until } : {}),
        ...(opts.mode ? { mode: opts.mode } : {}),
        ...(opts.entrants ? { desks: opts.entrants } : {}),
        ...(opts.policy ? { policies: opts.policy } : {}),
        ...(opts.capital !== undefined ? { capital: opts.capital } : {}),
        ...(opts.feeBps !== undefined ? { feeBps: opts.feeBps } : {}),
        slippage: opts.slippage,
        ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
        ...(opts.name !== undefined ? { name: opts.name } : {}),
      };
      const lib = openLibraryOf(c);
      const svc = new TournamentService({ library: lib });
      const tty = process.stderr.isTTY === true;
      let lastPct = -10;
      try {
        const h = svc.start(spec, (ps) => {
          const line = progressLine(ps, tty);
          const pct = Number(/(\d+)%/.exec(line)?.[1] ?? 0);
          if (tty || pct >= lastPct + 10) {
            if (!tty) lastPct = pct - (pct % 10);
            process.stderr.write(line);
          }
        });
        const stop = (): void => {
          process.stderr.write('\nbullpen tournament: stopping (Ctrl-C again to quit at once)…\n');
          h.cancel();
          process.once('SIGINT', () => process.exit(130));
        };
        process.once('SIGINT', stop);
        process.stderr.write(`bullpen tournament: ${h.id}\n`);
        const t = await h.done;
        process.off('SIGINT', stop);
        if (tty) process.stderr.write('\n');
        process.stdout.write((opts.json ? JSON.stringify(t) : formatLeaderboard(t)) + '\n');
        if (t.status !== 'completed') process.exitCode = 1;
      } catch (err) {
        process.stderr.write(`bullpen tournament: ${(err as Error).message}\n`);
        process.exitCode = 1;
      } finally {
        await svc.close();
        lib.close();
      }
    });

  cmd
    .command('list')
    .description('stored tournaments, most recent first')
    .option('--json', 'as JSON')
    .action((o: { json?: boolean }, c: Command) => {
      const lib = openLibraryOf(c);
      try {
        const list = new TournamentStore(lib.db).list(500);
        if (wantsJson(o, c)) process.stdout.write(JSON.stringify(list) + '\n');
        else if (list.length === 0) process.stdout.write('no tournaments in this library\n');
        else
          for (const t of list) {
            process.stdout.write(`${t.id}  ${t.createdAt.slice(0, 19)}  ${t.status.padEnd(9)}  ${t.mode.padEnd(8)}  ${t.series.exchange}:${t.series.symbol}:${t.series.timeframe}  ${t.bars} bars  ${t.entrants} entrants  ${t.leader ? `winner: ${t.leader}` : ''}\n`);
          }
      } finally {
        lib.close();
      }
    });

  cmd
    .command('show')
    .description('the leaderboard and regime breakdown of a stored tournament')
    .argument('<id>', 'tournament id')
    .option('--json', 'as JSON')
    .action((id: string, o: { json?: boolean }, c: Command) => {
      const lib = openLibraryOf(c);
      try {
        const t = new TournamentStore(lib.db).get(id);
        if (!t) throw new Error(`no tournament "${id}" in this library`);
        const full = withEntrantNotes({ ...t, progress: null });
        process.stdout.write((wantsJson(o, c) ? JSON.stringify(full) : formatLeaderboard(full)) + '\n');
      } catch (err) {
        process.stderr.write(`bullpen tournament show: ${(err as Error).message}\n`);
        process.exitCode = 1;
      } finally {
        lib.close();
      }
    });

  cmd
    .command('export')
    .description('a stored tournament\'s leaderboard as CSV or its whole result as JSON')
    .argument('<id>', 'tournament id')
    .option('--format <fmt>', 'csv or json', (v) => {
      if (v !== 'csv' && v !== 'json') throw new InvalidArgumentError(`--format must be csv or json, got "${v}".`);
      return v;
    }, 'csv')
    .option('--out <file>', 'write to this file (default: stdout)')
    .action(async (id: string, o: { format: 'csv' | 'json'; out?: string }, c: Command) => {
      const lib = openLibraryOf(c);
      const svc = new TournamentService({ library: lib, maxThreads: 1 });
      try {
        const x = svc.export(id, o.format);
        if (o.out) {
          writeFileSync(o.out, x.content);
          process.stderr.write(`bullpen tournament export: wrote ${o.out}\n`);
        } else process.stdout.write(x.content);
      } catch (err) {
        process.stderr.write(`bullpen tournament export: ${(err as Error).message}\n`);
        process.exitCode = 1;
      } finally {
        await svc.close();
        lib.close();
      }
    });
}
