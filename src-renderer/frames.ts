import type { FrameBatch } from '../src-shared/frame';
import type { DecisionEvent } from '../src-shared/events';

/**
 * High-rate data lives HERE, never in React state. The transport writes the latest FrameBatch into
 * this plain mutable holder; the floor reads it inside `useFrame` (instanced buffers), and a 10 Hz
 * timer (controller.ts) copies a small summary into the zustand store for the panels.
 */

/** Ticks of per-symbol price history kept for sparklines. */
export const HISTORY_TICKS = 1200;

export interface PriceHistory {
  symbols: number;
  /** ring buffer, [slot][symbol] */
  data: Float64Array;
  /** next slot to write */
  head: number;
  count: number;
}

export interface FrameHolder {
  batch: FrameBatch | null;
  /** increments on every batch; consumers compare with the version they last drew */
  version: number;
  sessionId: string | null;
  received: number;
  firstAt: number | null;
  lastAt: number;
  history: PriceHistory;
  /** latest decision per featured agent (index) for the selection panel */
  decisions: Map<number, DecisionEvent>;
  /** recent decisions per featured agent, oldest first (≤ DECISION_LOG), for the popover timeline */
  decisionLog: Map<number, DecisionEvent[]>;
  /** decisions fetched because something links to them (a scenario report line), by seq */
  linkedDecisions: Map<number, DecisionEvent>;
  /** bumped whenever a decision is recorded */
  decisionVersion: number;
  /** arrival timestamps (ms) of recent batches, to measure the tick rate seen by the renderer */
  tickMarks: { t: number; tick: number }[];
}

function emptyHistory(symbols: number): PriceHistory {
  return { symbols, data: new Float64Array(HISTORY_TICKS * Math.max(1, symbols)), head: 0, count: 0 };
}

export const frames: FrameHolder = {
  batch: null,
  version: 0,
  sessionId: null,
  received: 0,
  firstAt: null,
  lastAt: 0,
  history: emptyHistory(0),
  decisions: new Map(),
  decisionLog: new Map(),
  linkedDecisions: new Map(),
  decisionVersion: 0,
  tickMarks: [],
};

/** Decisions kept per agent for the popover's timeline (agent.history serves up to 500). */
export const DECISION_LOG = 80;

/**
 * Records decisions (pushed live or fetched with agent.history) into the latest-decision map and the
 * per-agent log, in seq order without duplicates.
 */
export function recordDecisions(events: readonly DecisionEvent[]): void {
  let changed = false;
  for (const e of events) {
    if (frames.sessionId !== null && e.sessionId !== frames.sessionId) continue;
    const prev = frames.decisions.get(e.agent);
    if (!prev || prev.seq <= e.seq) frames.decisions.set(e.agent, e);
    let log = frames.decisionLog.get(e.agent);
    if (!log) {
      log = [];
      frames.decisionLog.set(e.agent, log);
    }
    const last = log[log.length - 1];
    if (!last || last.seq < e.seq) log.push(e);
    else if (!log.some((x) => x.seq === e.seq)) {
      log.push(e);
      log.sort((a, b) => a.seq - b.seq);
    } else continue;
    if (log.length > DECISION_LOG) log.splice(0, log.length - DECISION_LOG);
    changed = true;
  }
  if (changed) frames.decisionVersion++;
}

export function resetFrames(): void {
  frames.batch = null;
  frames.sessionId = null;
  frames.history = emptyHistory(0);
  frames.decisions.clear();
  frames.decisionLog.clear();
  frames.linkedDecisions.clear();
  frames.decisionVersion++;
  frames.tickMarks = [];
  frames.version++;
}

export function ingestBatch(b: FrameBatch): void {
  const prev = frames.batch;
  const symbols = b.latest.symbols.last.length;
  const sessionChanged = frames.sessionId !== b.sessionId;
  const wentBack = prev !== null && b.toTick < prev.toTick;
  if (sessionChanged || wentBack || frames.history.symbols !== symbols) {
    frames.history = emptyHistory(symbols);
    frames.tickMarks = [];
    if (sessionChanged) {
      frames.decisions.clear();
      frames.decisionLog.clear();
      frames.linkedDecisions.clear();
      frames.decisionVersion++;
    }
  }
  frames.sessionId = b.sessionId;
  const h = frames.history;
  if (symbols > 0) {
    const ticks = Math.floor(b.seriesLast.length / symbols);
    // only the tail that fits matters
    const start = Math.max(0, ticks - HISTORY_TICKS);
    for (let t = start; t < ticks; t++) {
      h.data.set(b.seriesLast.subarray(t * symbols, (t + 1) * symbols), h.head * symbols);
      h.head = (h.head + 1) % HISTORY_TICKS;
      h.count = Math.min(HISTORY_TICKS, h.count + 1);
    }
    if (ticks === 0) {
      h.data.set(b.latest.symbols.last, h.head * symbols);
      h.head = (h.head + 1) % HISTORY_TICKS;
      h.count = Math.min(HISTORY_TICKS, h.count + 1);
    }
  }
  const now = performance.now();
  frames.tickMarks.push({ t: now, tick: b.toTick });
  while (frames.tickMarks.length > 2 && now - (frames.tickMarks[0]?.t ?? now) > 2000) frames.tickMarks.shift();
  frames.batch = b;
  frames.received++;
  frames.lastAt = now;
  if (frames.firstAt === null) frames.firstAt = Date.now();
  frames.version++;
}

/** Ticks per second as seen by the renderer over the last ~2 s. */
export function observedTickRate(): number {
  const m = frames.tickMarks;
  if (m.length < 2) return 0;
  const a = m[0];
  const b = m[m.length - 1];
  if (!a || !b || b.t - a.t < 1) return 0;
  if (performance.now() - b.t > 1500) return 0;
  return ((b.tick - a.tick) * 1000) / (b.t - a.t);
}

/**
 * Copies up to `points` evenly spaced samples of one symbol's recent prices (oldest first) into
 * `out`; returns how many were written.
 */
export function sampleHistory(symbol: number, out: Float64Array, points: number): number {
  const h = frames.history;
  if (symbol >= h.symbols || h.count === 0) return 0;
  const n = Math.min(points, h.count, out.length);
  const oldest = (h.head - h.count + HISTORY_TICKS) % HISTORY_TICKS;
  for (let i = 0; i < n; i++) {
    const k = n === 1 ? h.count - 1 : Math.round((i * (h.count - 1)) / (n - 1));
    const slot = (oldest + k) % HISTORY_TICKS;
    out[i] = h.data[slot * h.symbols + symbol] ?? 0;
  }
  return n;
}
