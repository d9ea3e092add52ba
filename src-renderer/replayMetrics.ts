import type { SessionInfo } from '../src-shared/api';
import type { TradeEvent } from '../src-shared/events';
import type { ReplayState } from '../src-shared/recording';
import { call } from './controller';
import { frames } from './frames';
import { countUpTo, DESK_CAPITAL, equityStats, MIN_RATIO_TICKS, samplesPerHour, TradeTally } from './metrics';
import { backfillEquity, series } from './series';
import { useFloor, type DeskRow } from './store';
import { useReplay } from './store/replay';

/**
 * The leaderboard and the desks' P&L lines while a recording is shown: the recording's values at
 * the moment shown, not the live engine's (`floor.metrics` answers for the live session only).
 * P&L is the recorded frame's (the sum of the desk's agents' pnl column at the tick shown); Sharpe,
 * Sortino and drawdown come from the recorded desk equity (`recording.equity`) up to that tick;
 * trades and win rate from the recorded fills (`recording.events`, type trade) before it. The maths
 * is metrics.ts. Loaded once per opened recording; the fills are fetched as the moment moves on.
 */

interface Loaded {
  id: string;
  /** per desk: sample ticks (ascending) and equity */
  ticks: number[][];
  equity: number[][];
  sampleTicks: number;
  /** equity before the first sample: the capital for a recording from tick 0, else its first sample */
  base: number | null;
  trades: TradeEvent[];
  /** fills are loaded for ticks ≤ this */
  tradesTo: number;
  loading: boolean;
  tally: TradeTally | null;
  /** trades[] index and tick the tally has counted up to */
  tallied: number;
  talliedTo: number;
}

let rec: Loaded | null = null;
let lastRowsAt = 0;
let lastKey = '';

/** Events one recording.events call may return; a full page is split into smaller tick windows. */
const PAGE = 5000;
/**
 * Ticks of fills asked for per call, and the pause between calls: the host decodes and validates
 * every recorded event of the window (decisions with their traces included) on its main thread, so
 * the fills are fetched in small bites, one at a time, and not while a seek or step is in flight.
 */
const TRADE_WINDOW = 1500;
const TRADE_PAUSE_MS = 400;
let lastFetchAt = 0;

/** Loads the open recording's equity samples (replay.ts calls this when a recording becomes the floor). */
export async function loadRecordingMetrics(s: ReplayState): Promise<void> {
  const id = s.recording.id;
  if (rec?.id === id) return;
  const D = s.roster?.desks.length ?? 0;
  const next: Loaded = { id, ticks: [], equity: [], sampleTicks: 20, base: null, trades: [], tradesTo: s.recording.firstTick - 1, loading: false, tally: null, tallied: 0, talliedTo: -1 };
  for (let d = 0; d < D; d++) {
    next.ticks.push([]);
    next.equity.push([]);
  }
  rec = next;
  lastKey = '';
  try {
    const rows = await call('recording.equity', { id });
    for (const r of rows) {
      if (r.desk < 0 || r.desk >= D) continue;
      next.ticks[r.desk]?.push(r.tick);
      next.equity[r.desk]?.push(r.equity);
    }
    for (let d = 0; d < D; d++) {
      // keep each desk's series in tick order (rows come sorted; be sure)
      const t = next.ticks[d] ?? [];
      const e = next.equity[d] ?? [];
      const order = t.map((_, i) => i).sort((a, b) => (t[a] ?? 0) - (t[b] ?? 0));
      next.ticks[d] = order.map((i) => t[i] ?? 0);
      next.equity[d] = order.map((i) => e[i] ?? 0);
    }
    const t0 = next.ticks[0] ?? [];
    if (t0.length >= 2) next.sampleTicks = Math.max(1, (t0[1] ?? 20) - (t0[0] ?? 0));
    // a recording from the session's start: every desk began with its capital; a fork began with
    // whatever its parent had at the fork (not recorded here), so its first sample is the base
    next.base = s.recording.parentId === null && s.recording.firstTick === 0 ? DESK_CAPITAL : null;
  } catch {
    // no equity recorded: the ratios stay "—", P&L still comes from the frames
  }
  if (rec === next) backfillReplayEquity(useReplay.getState().open?.tick ?? s.tick);
}

export function clearRecordingMetrics(): void {
  rec = null;
  lastKey = '';
}

/** The charts' desk P&L lines become the recording's up to `tick` (after a jump). */
export function backfillReplayEquity(tick: number): void {
  const r = rec;
  if (!r || series.sessionId !== r.id) return;
  backfillEquity(
    r.ticks.map((ts, d) => ts.map((t, i) => ({ tick: t, pnl: (r.equity[d]?.[i] ?? 0) - DESK_CAPITAL }))),
    tick,
  );
}

/** Fetches the recorded fills in (from, to], splitting a window that fills a page. */
async function fetchTrades(from: number, to: number): Promise<TradeEvent[]> {
  if (to <= from) return [];
  const got = await call('recording.events', { fromTick: from + 1, toTick: to, types: ['trade'], limit: PAGE });
  const trades = got.filter((e): e is TradeEvent => e.type === 'trade');
  if (got.length < PAGE || to - from <= 1) return trades;
  const mid = Math.floor((from + to) / 2);
  return [...(await fetchTrades(from, mid)), ...(await fetchTrades(mid, to))];
}

function ensureTrades(r: Loaded, upTo: number): void {
  if (r.loading || upTo <= r.tradesTo || useReplay.getState().busy) return;
  const now = performance.now();
  if (now - lastFetchAt < TRADE_PAUSE_MS) return;
  lastFetchAt = now;
  r.loading = true;
  // a window at a time, so a long jump forward does not ask for the whole recording at once
  const to = Math.min(upTo, r.tradesTo + TRADE_WINDOW);
  fetchTrades(r.tradesTo, to).then(
    (list) => {
      r.loading = false;
      if (rec !== r) return;
      for (const t of list) if (t.buyAgent >= 0 || t.sellAgent >= 0) r.trades.push(t);
      r.tradesTo = to;
      lastKey = '';
    },
    () => {
      r.loading = false;
    },
  );
}

/** The desk rows at `tick` (the moment shown), or null while the recording's data is loading. */
export function rowsAt(info: SessionInfo, tick: number): DeskRow[] | null {
  const r = rec;
  if (!r || r.id !== info.sessionId) return null;
  const roster = info.roster;
  const D = roster.desks.length;
  // fills stamped t happen in the step that ends at t + 1
  const fillsTo = tick - 1;
  ensureTrades(r, fillsTo);
  if (!r.tally || fillsTo < r.talliedTo) {
    r.tally = new TradeTally(
      roster.agents.map((a) => a.desk),
      roster.symbols.length,
      D,
    );
    r.tallied = 0;
    r.talliedTo = -1;
  }
  while (r.tallied < r.trades.length && (r.trades[r.tallied]?.tick ?? Infinity) <= fillsTo) {
    const t = r.trades[r.tallied];
    if (t) r.tally.add(t);
    r.tallied++;
  }
  r.talliedTo = Math.min(fillsTo, r.tradesTo);

  const b = frames.batch && frames.batch.sessionId === info.sessionId ? frames.batch : null;
  const pnl = new Float64Array(D);
  const members = new Int32Array(D);
  const halted = new Int32Array(D);
  if (b && b.latest.agents.pnl.length === roster.agents.length) {
    for (const a of roster.agents) {
      if (a.desk >= D) continue;
      pnl[a.desk] = (pnl[a.desk] ?? 0) + (b.latest.agents.pnl[a.index] ?? 0);
      members[a.desk] = (members[a.desk] ?? 0) + 1;
      if ((b.latest.agents.halted[a.index] ?? 0) > 0) halted[a.desk] = (halted[a.desk] ?? 0) + 1;
    }
  }
  const perHour = samplesPerHour(r.sampleTicks);
  // fills still loading (a long recording comes in bites): the win rate waits for all of them
  const allFills = r.tradesTo >= fillsTo;
  return roster.desks.map((desk, d) => {
    const ticks = r.ticks[d] ?? [];
    const eq = r.equity[d] ?? [];
    const n = countUpTo(ticks, tick);
    const st = equityStats(eq, n, r.base, DESK_CAPITAL, perHour);
    const enough = st.samples * r.sampleTicks >= MIN_RATIO_TICKS;
    const tally = r.tally?.desks[d];
    // P&L at the tick shown: the frame's; before any frame, the latest equity sample's
    const fromFrame = b !== null && (members[d] ?? 0) > 0;
    const lastEq = n > 0 ? (eq[n - 1] ?? DESK_CAPITAL) : DESK_CAPITAL;
    return {
      desk: d,
      name: desk.name,
      pnl: fromFrame ? (pnl[d] ?? 0) : lastEq - DESK_CAPITAL,
      sharpe: enough ? st.sharpe : null,
      sortino: enough ? st.sortino : null,
      maxDrawdown: st.maxDrawdown,
      winRate: allFills && tally && tally.closes > 0 ? tally.wins / tally.closes : null,
      trades: tally?.trades ?? 0,
      halted: (members[d] ?? 0) > 0 && (halted[d] ?? 0) >= (members[d] ?? 0),
    };
  });
}

/** The 10 Hz panel refresh asks for the replay's leaderboard (controller.ts); rows change at most 4×/s. */
export function replayLeaderboard(info: SessionInfo, now: number): void {
  if (now - lastRowsAt < 250) return;
  const open = useReplay.getState().open;
  if (!open || open.recording.id !== info.sessionId) return;
  const b = frames.batch && frames.batch.sessionId === info.sessionId ? frames.batch : null;
  const tick = b ? b.toTick : open.tick;
  const r = rec;
  const key = `${info.sessionId}|${tick}|${frames.version}|${r?.trades.length ?? -1}|${r?.tradesTo ?? -1}|${r?.ticks[0]?.length ?? -1}`;
  if (key === lastKey) return;
  lastRowsAt = now;
  const rows = rowsAt(info, tick);
  if (!rows) return;
  // fills still to fetch: come back on the next refresh even when nothing else moved
  lastKey = r && r.tradesTo < tick - 1 ? '' : key;
  useFloor.getState().setLeaderboard(rows);
}
