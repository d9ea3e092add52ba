import type { TradeEvent } from '../src-shared/events';
import type { FrameBatch } from '../src-shared/frame';

/**
 * Chart data built in the renderer, outside React (like frames.ts): OHLCV bars per symbol from the
 * batches' per-tick seriesLast/seriesVolume, each desk's P&L per bar (the sum of its agents' pnl
 * column, sampled at every batch), and the featured agents' trades per desk for chart markers.
 * The chart panel reads these buffers directly and pushes only the changed bar into its series (no
 * re-creation). The leaderboard's ratios come from the engine (`floor.metrics`) live, and from the
 * recording (replayMetrics.ts) in a replay, not from here.
 */

/** Ticks per candle (1 s of floor time at speed 1×). */
export const BAR_TICKS = 20;
/** Bars kept per symbol / desk (the oldest are dropped). */
export const MAX_BARS = 3000;
/** Trades kept per desk for markers. */
export const MAX_DESK_TRADES = 400;

export interface Bar {
  /** first tick of the bar (a multiple of BAR_TICKS); the chart's time axis is in ticks */
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export interface EquityPoint {
  time: number;
  value: number;
}

export interface DeskTrade {
  tick: number;
  symbol: number;
  side: 'buy' | 'sell';
  price: number;
  qty: number;
  seq: number;
}

export interface ChartSeries {
  sessionId: string | null;
  /** per symbol, oldest first; the last bar may still be forming */
  bars: Bar[][];
  /** per desk, P&L at the end of each bar */
  equity: EquityPoint[][];
  /** per desk, its featured agents' trades (newest last) */
  trades: DeskTrade[][];
  /** trades counted per desk since the session started (the marker list is capped) */
  tradeCount: number[];
  /** agent index → desk index */
  deskOf: Int32Array;
  desks: number;
  /** bumped on every change; panels compare with what they last drew */
  version: number;
  /** bumped when the buffers are rebuilt (new session, time went back): panels call setData */
  epoch: number;
}

export const series: ChartSeries = {
  sessionId: null,
  bars: [],
  equity: [],
  trades: [],
  tradeCount: [],
  deskOf: new Int32Array(0),
  desks: 0,
  version: 0,
  epoch: 0,
};

/** Called when a session's roster arrives: the agent → desk map and empty buffers. */
export function resetSeries(sessionId: string | null, agentDesks: readonly number[], desks: number, symbols: number): void {
  series.sessionId = sessionId;
  series.deskOf = Int32Array.from(agentDesks);
  series.desks = desks;
  series.bars = Array.from({ length: symbols }, () => []);
  series.equity = Array.from({ length: desks }, () => []);
  series.trades = Array.from({ length: desks }, () => []);
  series.tradeCount = new Array<number>(desks).fill(0);
  series.epoch++;
  series.version++;
}

/**
 * The same session's roster grew (a trained policy deployed as a new desk or agent): the agent →
 * desk map and the per-desk buffers grow with it; what was drawn so far stays.
 */
export function fitSeriesToRoster(roster: { agents: readonly { desk: number }[]; desks: readonly unknown[] }): void {
  const desks = roster.desks.length;
  const same = roster.agents.length === series.deskOf.length && desks === series.desks && roster.agents.every((a, i) => series.deskOf[i] === a.desk);
  if (same) return;
  series.deskOf = Int32Array.from(roster.agents.map((a) => a.desk));
  for (let d = series.desks; d < desks; d++) {
    series.equity[d] = [];
    series.trades[d] = [];
    series.tradeCount[d] = 0;
  }
  series.desks = Math.max(series.desks, desks);
  series.epoch++;
  series.version++;
}

/**
 * A replay jumped: each desk's P&L line becomes the recording's (its equity samples up to the moment
 * shown, `pnlAt(desk, sample)`), followed by what the frames since added. Points are placed like the
 * recorded bars: a sample at tick T closes the bar that starts at T − BAR_TICKS.
 */
export function backfillEquity(samples: readonly { tick: number; pnl: number }[][], upTo: number): void {
  for (let d = 0; d < series.desks; d++) {
    const rec = (samples[d] ?? []).filter((p) => p.tick <= upTo).map((p) => ({ time: p.tick - BAR_TICKS, value: p.pnl }));
    const from = rec.length > 0 ? (rec[rec.length - 1]?.time ?? -1) : -1;
    const forming = (series.equity[d] ?? []).filter((p) => p.time > from);
    series.equity[d] = [...rec.slice(-MAX_BARS), ...forming];
  }
  series.epoch++;
  series.version++;
}

function barTime(tick: number): number {
  return tick - (tick % BAR_TICKS);
}

function pushCapped<T>(list: T[], v: T, cap: number): void {
  list.push(v);
  if (list.length > cap + 200) list.splice(0, list.length - cap);
}

/** Folds one frame batch into the bars and the desk P&L. */
export function ingestSeries(b: FrameBatch): void {
  if (b.sessionId !== series.sessionId) return;
  const S = series.bars.length;
  if (S === 0 || b.latest.symbols.last.length !== S) return;
  const ticks = Math.floor(b.seriesLast.length / S);
  const first = b.toTick - ticks + 1;
  const lastBar = series.bars[0]?.[series.bars[0].length - 1];
  if (lastBar && b.toTick < lastBar.time) {
    // time went back (a restart under the same id, or a seek): start over
    resetSeries(series.sessionId, Array.from(series.deskOf), series.desks, S);
  }
  for (let t = 0; t < ticks; t++) {
    const tick = first + t;
    const bt = barTime(tick);
    for (let s = 0; s < S; s++) {
      const px = b.seriesLast[t * S + s] ?? 0;
      const vol = b.seriesVolume[t * S + s] ?? 0;
      if (!(px > 0)) continue;
      const list = series.bars[s];
      if (!list) continue;
      const cur = list[list.length - 1];
      if (cur && cur.time === bt) {
        if (px > cur.high) cur.high = px;
        if (px < cur.low) cur.low = px;
        cur.close = px;
        cur.volume += vol;
      } else if (!cur || bt > cur.time) {
        const open = cur ? cur.close : px;
        pushCapped(list, { time: bt, open, high: Math.max(open, px), low: Math.min(open, px), close: px, volume: vol }, MAX_BARS);
      }
    }
  }
  // desk P&L: sum of its agents' pnl, written into the current bar's point
  const pnl = b.latest.agents.pnl;
  const sums = new Float64Array(series.desks);
  for (let i = 0; i < pnl.length && i < series.deskOf.length; i++) {
    const d = series.deskOf[i] ?? -1;
    if (d >= 0 && d < sums.length) sums[d] = (sums[d] ?? 0) + (pnl[i] ?? 0);
  }
  const bt = barTime(b.toTick);
  for (let d = 0; d < series.desks; d++) {
    const list = series.equity[d];
    if (!list) continue;
    const cur = list[list.length - 1];
    const value = sums[d] ?? 0;
    if (cur && cur.time === bt) cur.value = value;
    else if (!cur || bt > cur.time) pushCapped(list, { time: bt, value }, MAX_BARS);
  }
  series.version++;
}

/** Trades in which a featured agent took part, filed under that agent's desk. */
export function ingestTrades(events: readonly TradeEvent[]): void {
  let changed = false;
  for (const e of events) {
    if (e.sessionId !== series.sessionId) continue;
    const file = (agent: number, side: 'buy' | 'sell') => {
      if (agent < 0 || agent >= series.deskOf.length) return;
      const d = series.deskOf[agent] ?? -1;
      const list = series.trades[d];
      if (!list) return;
      const last = list[list.length - 1];
      if (last && (last.seq > e.seq || (last.seq === e.seq && last.side === side))) return; // already filed
      pushCapped(list, { tick: e.tick, symbol: e.symbol, side, price: e.price, qty: e.qty, seq: e.seq }, MAX_DESK_TRADES);
      series.tradeCount[d] = (series.tradeCount[d] ?? 0) + 1;
      changed = true;
    };
    file(e.buyAgent, 'buy');
    file(e.sellAgent, 'sell');
  }
  if (changed) series.version++;
}
