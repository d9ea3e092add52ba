import type Database from 'better-sqlite3';
import { z } from 'zod';
import {
  EntrantKind,
  TOURNAMENT_REGIMES,
  TournamentMode,
  TournamentRegime,
  TournamentSpec,
  TournamentStatus,
  type EntrantResult,
  type TournamentResult,
  type TournamentSummary,
} from '../../src-shared/tournament-api';

/**
 * Tournaments in the library database (migration 5, docs/SCHEMA.md): one row per tournament (its
 * spec, mode, data set, status), its entrants, and — written in one transaction when it completes —
 * each entrant's leaderboard row, regime breakdown and downsampled equity curve. A tournament that
 * fails or is cancelled keeps its row and entrants, and no results.
 */

export interface NewTournament {
  id: string;
  name: string;
  spec: TournamentSpec;
  bars: number;
  firstTs: number | null;
  lastTs: number | null;
  periodsPerYear: number;
  regimeBars: Record<TournamentRegime, number>;
  entrants: { name: string; kind: EntrantKind; ref: string | null }[];
  createdAt: string;
}

const TournamentRow = z.object({
  id: z.string(),
  name: z.string(),
  spec: z.string(),
  mode: TournamentMode,
  status: TournamentStatus,
  exchange: z.string(),
  symbol: z.string(),
  timeframe: z.string(),
  bars: z.number().int(),
  first_ts: z.number().int().nullable(),
  last_ts: z.number().int().nullable(),
  periods_per_year: z.number(),
  regime_bars: z.string(),
  created_at: z.string(),
  ended_at: z.string().nullable(),
  error: z.string().nullable(),
  entrants: z.number().int(),
  leader: z.string().nullable(),
});
type TournamentRow = z.infer<typeof TournamentRow>;

const EntrantRow = z.object({
  idx: z.number().int(),
  name: z.string(),
  kind: EntrantKind,
  ref: z.string().nullable(),
  rank: z.number().int(),
  total_return: z.number(),
  sharpe: z.number().nullable(),
  sharpe_lo: z.number().nullable(),
  sharpe_hi: z.number().nullable(),
  sortino: z.number().nullable(),
  max_drawdown: z.number(),
  calmar: z.number().nullable(),
  win_rate: z.number().nullable(),
  turnover: z.number(),
  fees_paid: z.number(),
  slippage_paid: z.number(),
  trades: z.number().int(),
  exposure: z.number(),
  final_equity: z.number(),
});

const RegimeRow = z.object({ idx: z.number().int(), regime: TournamentRegime, bars: z.number().int(), total_return: z.number(), sharpe: z.number().nullable() });
const EquityRow = z.object({ idx: z.number().int(), ts: z.number(), equity: z.number() });

const SELECT = `
  SELECT t.*,
    (SELECT count(*) FROM tournament_entrants e WHERE e.tournament_id = t.id) AS entrants,
    (SELECT e.name FROM tournament_results r JOIN tournament_entrants e USING (tournament_id, idx)
      WHERE r.tournament_id = t.id AND r.rank = 1) AS leader
  FROM tournaments t`;

/** finite or null (SQLite REAL refuses NaN; JSON has no infinity) */
const num = (x: number | null): number | null => (x === null || !Number.isFinite(x) ? null : x);

function summaryOf(r: TournamentRow): TournamentSummary {
  return {
    id: r.id,
    name: r.name,
    status: r.status,
    mode: r.mode,
    series: { exchange: r.exchange, symbol: r.symbol, timeframe: r.timeframe },
    bars: r.bars,
    firstTs: r.first_ts,
    lastTs: r.last_ts,
    entrants: r.entrants,
    leader: r.leader,
    createdAt: r.created_at,
    endedAt: r.ended_at,
    error: r.error,
  };
}

export class TournamentStore {
  constructor(readonly db: Database.Database) {}

  create(t: NewTournament): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO tournaments (id, name, spec, mode, status, exchange, symbol, timeframe, bars, first_ts, last_ts, periods_per_year, regime_bars, created_at)
           VALUES (?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(t.id, t.name, JSON.stringify(t.spec), t.spec.mode, t.spec.series.exchange, t.spec.series.symbol, t.spec.series.timeframe, t.bars, t.firstTs, t.lastTs, t.periodsPerYear, JSON.stringify(t.regimeBars), t.createdAt);
      const ins = this.db.prepare(`INSERT INTO tournament_entrants (tournament_id, idx, name, kind, ref) VALUES (?, ?, ?, ?, ?)`);
      t.entrants.forEach((e, i) => ins.run(t.id, i, e.name, e.kind, e.ref));
    })();
  }

  /** Stores the leaderboard (entrant index → result, rank set) and marks the tournament completed, all at once. */
  complete(id: string, results: { idx: number; result: Omit<EntrantResult, 'name' | 'kind' | 'ref'> }[], endedAt: string): void {
    this.db.transaction(() => {
      const res = this.db.prepare(
        `INSERT INTO tournament_results (tournament_id, idx, rank, total_return, sharpe, sharpe_lo, sharpe_hi, sortino, max_drawdown, calmar, win_rate, turnover, fees_paid, slippage_paid, trades, exposure, final_equity)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      const reg = this.db.prepare(`INSERT INTO tournament_regimes (tournament_id, idx, regime, bars, total_return, sharpe) VALUES (?, ?, ?, ?, ?, ?)`);
      const eq = this.db.prepare(`INSERT INTO tournament_equity (tournament_id, idx, seq, ts, equity) VALUES (?, ?, ?, ?, ?)`);
      for (const { idx, result: r } of results) {
        const m = r.metrics;
        res.run(id, idx, r.rank, m.totalReturn, num(m.sharpe), num(m.sharpeCI[0]), num(m.sharpeCI[1]), num(m.sortino), m.maxDrawdown, num(m.calmar), num(m.winRate), m.turnover, m.feesPaid, m.slippagePaid, m.trades, m.exposure, m.finalEquity);
        for (const g of r.regimes) reg.run(id, idx, g.regime, g.bars, g.totalReturn, num(g.sharpe));
        r.equity.forEach((p, seq) => eq.run(id, idx, seq, Math.round(p.ts), p.equity));
      }
      this.db.prepare(`UPDATE tournaments SET status = 'completed', ended_at = ? WHERE id = ?`).run(endedAt, id);
    })();
  }

  finish(id: string, status: 'cancelled' | 'failed', endedAt: string, error: string | null = null): void {
    this.db.prepare(`UPDATE tournaments SET status = ?, ended_at = ?, error = ? WHERE id = ?`).run(status, endedAt, error, id);
  }

  /** Tournaments left running by a host that stopped: marked failed (called when a service starts). */
  failInterrupted(at: string): number {
    return this.db.prepare(`UPDATE tournaments SET status = 'failed', ended_at = ?, error = 'interrupted: Bullpen stopped while it ran' WHERE status = 'running'`).run(at).changes;
  }

  /** Most recent first. */
  list(limit = 50): TournamentSummary[] {
    const rows: unknown[] = this.db.prepare(`${SELECT} ORDER BY t.created_at DESC, t.rowid DESC LIMIT ?`).all(limit);
    return rows.map((r) => summaryOf(TournamentRow.parse(r)));
  }

  /** A tournament with its leaderboard (best rank first); null when there is none with that id. */
  get(id: string): Omit<TournamentResult, 'progress'> | null {
    const raw: unknown = this.db.prepare(`${SELECT} WHERE t.id = ?`).get(id);
    if (raw === undefined) return null;
    const t = TournamentRow.parse(raw);
    const rows = (this.db
      .prepare(
        `SELECT e.idx, e.name, e.kind, e.ref, r.rank, r.total_return, r.sharpe, r.sharpe_lo, r.sharpe_hi, r.sortino, r.max_drawdown, r.calmar,
                r.win_rate, r.turnover, r.fees_paid, r.slippage_paid, r.trades, r.exposure, r.final_equity
         FROM tournament_results r JOIN tournament_entrants e USING (tournament_id, idx)
         WHERE r.tournament_id = ? ORDER BY r.rank`,
      )
      .all(id) as unknown[]).map((r) => EntrantRow.parse(r));
    const regimes = (this.db.prepare(`SELECT idx, regime, bars, total_return, sharpe FROM tournament_regimes WHERE tournament_id = ?`).all(id) as unknown[]).map((r) => RegimeRow.parse(r));
    const equity = (this.db.prepare(`SELECT idx, ts, equity FROM tournament_equity WHERE tournament_id = ? ORDER BY idx, seq`).all(id) as unknown[]).map((r) => EquityRow.parse(r));
    const leaderboard: EntrantResult[] = rows.map((r) => {
      const sharpeCI: [number | null, number | null] = [r.sharpe_lo, r.sharpe_hi];
      return {
        name: r.name,
        kind: r.kind,
        ref: r.ref,
        rank: r.rank,
        metrics: {
          totalReturn: r.total_return,
          sharpe: r.sharpe,
          sharpeCI,
          sortino: r.sortino,
          maxDrawdown: r.max_drawdown,
          calmar: r.calmar,
          winRate: r.win_rate,
          turnover: r.turnover,
          feesPaid: r.fees_paid,
          slippagePaid: r.slippage_paid,
          trades: r.trades,
          exposure: r.exposure,
          finalEquity: r.final_equity,
        },
        distinguishable: distinguishable(sharpeCI),
        regimes: TOURNAMENT_REGIMES.map((regime) => {
          const g = regimes.find((x) => x.idx === r.idx && x.regime === regime);
          return { regime, bars: g?.bars ?? 0, totalReturn: g?.total_return ?? 0, sharpe: g?.sharpe ?? null };
        }),
        equity: equity.filter((p) => p.idx === r.idx).map((p) => ({ ts: p.ts, equity: p.equity })),
      };
    });
    return {
      ...summaryOf(t),
      spec: TournamentSpec.parse(JSON.parse(t.spec)),
      periodsPerYear: t.periods_per_year,
      regimeBars: z.record(TournamentRegime, z.number().int()).parse(JSON.parse(t.regime_bars)),
      leaderboard,
    };
  }

  /** Entrant names in order (for progress of a running tournament). */
  entrantNames(id: string): string[] {
    return (this.db.prepare(`SELECT name FROM tournament_entrants WHERE tournament_id = ? ORDER BY idx`).pluck().all(id) as unknown[]).map((n) => String(n));
  }
}

/** A Sharpe ratio is distinguishable from zero when its interval lies wholly on one side of 0. */
export function distinguishable(ci: readonly [number | null, number | null]): boolean {
  const [lo, hi] = ci;
  return lo !== null && hi !== null && (lo > 0 || hi < 0);
}
