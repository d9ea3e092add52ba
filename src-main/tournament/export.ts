// CSV written by hand: one flat table of numbers and names (quoted when needed); csv-stringify would be a new dependency for ten lines.
import type { TournamentResult } from '../../src-shared/tournament-api';

const HEADER = [
  'rank', 'entrant', 'kind', 'ref', 'mode', 'total_return', 'sharpe', 'sharpe_ci_low', 'sharpe_ci_high', 'distinguishable_from_zero',
  'sortino', 'max_drawdown', 'calmar', 'win_rate', 'turnover', 'fees_paid', 'slippage_paid', 'trades', 'exposure', 'final_equity',
  'trending_return', 'ranging_return', 'volatile_return', 'crisis_return', 'note',
] as const;

function cell(v: string | number | boolean | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The leaderboard, one row per entrant, best first. */
export function leaderboardCsv(t: TournamentResult): string {
  const lines = [HEADER.join(',')];
  for (const e of t.leaderboard) {
    const m = e.metrics;
    const reg = (name: string): number | null => e.regimes.find((g) => g.regime === name)?.totalReturn ?? null;
    lines.push(
      [
        e.rank, e.name, e.kind, e.ref, t.mode, m.totalReturn, m.sharpe, m.sharpeCI[0], m.sharpeCI[1], e.distinguishable,
        m.sortino, m.maxDrawdown, m.calmar, m.winRate, m.turnover, m.feesPaid, m.slippagePaid, m.trades, m.exposure, m.finalEquity,
        reg('trending'), reg('ranging'), reg('volatile'), reg('crisis'), e.note ?? null,
      ]
        .map(cell)
        .join(','),
    );
  }
  return lines.join('\n') + '\n';
}
