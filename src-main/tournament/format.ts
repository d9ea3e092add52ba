import type { TournamentResult } from '../../src-shared/tournament-api';

/** The leaderboard as a plain-text table (CLI), best Sharpe first, with the regime breakdown under it. */

const pct = (x: number | null, d = 2): string => (x === null || !Number.isFinite(x) ? '—' : `${(x * 100).toFixed(d)}%`);
const fx = (x: number | null, d = 2): string => (x === null || !Number.isFinite(x) ? '—' : x.toFixed(d));
const date = (ts: number | null): string => (ts === null ? '—' : new Date(ts).toISOString().slice(0, 10));

export const MODE_TEXT = {
  isolated: 'isolated mode: each entrant alone against the historical path',
  shared: 'shared mode: all entrants on one book, their net orders move its price',
  floor: 'floor mode: the desks and policies on one engine floor replaying the bars (their orders move the same books); the baselines alone',
} as const;

/** "1.23 [0.40, 2.00]" */
export function sharpeWithCI(m: { sharpe: number | null; sharpeCI: readonly [number | null, number | null] }): string {
  return `${fx(m.sharpe)} [${fx(m.sharpeCI[0])}, ${fx(m.sharpeCI[1])}]`;
}

function table(rows: string[][], right: readonly boolean[]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((v, c) => (right[c] ? v.padStart(widths[c]!) : v.padEnd(widths[c]!))).join('  ').trimEnd()).join('\n');
}

export function formatLeaderboard(t: TournamentResult): string {
  const s = t.spec;
  const key = `${t.series.exchange}:${t.series.symbol}:${t.series.timeframe}`;
  const out = [
    `tournament ${t.id} — ${t.name} (${t.status})`,
    `${MODE_TEXT[t.mode]}`,
    `${key}, ${date(t.firstTs)} … ${date(t.lastTs)}, ${t.bars} bars; capital ${s.capital.toLocaleString('en-US')}, fee ${s.feeBps} bps, slippage ${s.slippage ? 'on' : 'off'}, seed ${s.seed}`,
  ];
  if (t.error) out.push(`error: ${t.error}`);
  if (t.leaderboard.length === 0) return out.join('\n');
  const rows = [['rank', 'entrant', 'return', 'Sharpe [95% CI]', '', 'Sortino', 'max DD', 'Calmar', 'win rate', 'turnover', 'fees', 'trades']];
  for (const e of t.leaderboard) {
    const m = e.metrics;
    rows.push([String(e.rank), e.note ? `${e.name} †` : e.name, pct(m.totalReturn), sharpeWithCI(m), e.distinguishable ? '' : '*', fx(m.sortino), pct(m.maxDrawdown), fx(m.calmar), pct(m.winRate, 1), fx(m.turnover, 1), fx(m.feesPaid), String(m.trades)]);
  }
  out.push('', table(rows, [true, false, true, true, false, true, true, true, true, true, true, true]));
  out.push('* not distinguishable from zero: the Sharpe ratio\'s 95% interval (stationary block bootstrap) includes 0');
  const note = t.leaderboard.find((e) => e.note)?.note;
  if (note) out.push(`† ${note}`);
  const rb = t.regimeBars;
  out.push('', `by regime (return; Sharpe) — bars: trending ${rb.trending}, ranging ${rb.ranging}, volatile ${rb.volatile}, crisis ${rb.crisis}`);
  const reg = [['entrant', 'trending', 'ranging', 'volatile', 'crisis']];
  for (const e of t.leaderboard) reg.push([e.name, ...e.regimes.map((g) => (g.bars === 0 ? '—' : `${pct(g.totalReturn)}; ${fx(g.sharpe)}`))]);
  out.push(table(reg, [false, true, true, true, true]));
  return out.join('\n');
}
