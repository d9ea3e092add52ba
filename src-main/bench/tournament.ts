import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bar } from '../../src-shared/market-data';
import { syntheticBars } from '../../src-workers/tournament/synthetic';
import { upsertSeries, writeBars } from '../store/bars';
import { openLibrary } from '../store/library';
import { TournamentService } from '../tournament/service';
import type { BenchOptions, Figure } from './figures';

/** Six months of 1-minute bars, every minute (a 24/7 market): 183 days × 1440. */
export const SIX_MONTHS_1M = 183 * 1440;

/**
 * `tournament.six_month_1m_s`: seconds to run a tournament of seven entrants (the five desks,
 * buy-and-hold, random) in isolated mode on six months of 1-minute bars through the real service and
 * Piscina pool (2 threads) — bars read from the library, regimes labelled, one task per entrant,
 * metrics with the bootstrap, results stored. No 1-minute data set ships, so the bars are a seeded
 * synthetic series (src-workers/tournament/synthetic.ts), written to a throwaway library before the clock starts.
 */
export async function tournamentFigures(opts: BenchOptions): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bullpen-bench-tournament-'));
  const lib = openLibrary(join(dir, 'lib.db'));
  const svc = new TournamentService({ library: lib, maxThreads: 2 });
  try {
    const key = { exchange: 'bench', symbol: 'SYN', timeframe: '1m' };
    const { cols } = syntheticBars(SIX_MONTHS_1M, 2024, { shared: false });
    const bars: Bar[] = new Array<Bar>(cols.ts.length);
    for (let i = 0; i < bars.length; i++) bars[i] = { ts: cols.ts[i]!, open: cols.open[i]!, high: cols.high[i]!, low: cols.low[i]!, close: cols.close[i]!, volume: cols.volume[i]! };
    upsertSeries(lib.db, key, { source: 'csv', name: 'synthetic 1m (bench)', calendar: 'continuous', gaps: [], origin: 'src-workers/tournament/synthetic.ts seed 2024' });
    writeBars(lib.db, key, bars);
    opts.log(`${bars.length.toLocaleString('en-US')} synthetic 1-minute bars written; running 7 entrants, isolated mode`);
    const t0 = performance.now();
    const t = await svc.start({ series: key, mode: 'isolated', seed: 1 }).done;
    const seconds = (performance.now() - t0) / 1000;
    if (t.status !== 'completed') throw new Error(`the tournament ended ${t.status}: ${t.error ?? ''}`);
    opts.log(`winner ${t.leaderboard[0]!.name}; ${t.leaderboard.length} entrants, ${t.bars} bars in ${seconds.toFixed(1)} s`);
    return [{ name: 'tournament.six_month_1m_s', value: seconds, unit: 's' }];
  } finally {
    await svc.close();
    lib.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
