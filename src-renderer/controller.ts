import type { Method, Params, PushMessage, Result, SessionInfo } from '../src-shared/api';
import type { DeskMetrics } from '../src-shared/inspect';
import type { Speed } from '../src-shared/config';
import type { BullpenEvent, CoordinationEvent, DecisionEvent, ScenarioEvent, TradeEvent } from '../src-shared/events';
import { Input } from '../src-shared/inputs';
import type { MarketParams, Scenario } from '../src-shared/scenario';
import type { FrameBatch } from '../src-shared/frame';
import { createTransport, type Transport } from './api';
import { CallError } from './api/transport';
import { decimalsFor } from './format';
import { frames, ingestBatch, observedTickRate, recordDecisions, resetFrames } from './frames';
import { fitSeriesToRoster, ingestSeries, ingestTrades, resetSeries, series } from './series';
import { noteFills } from './floor/FillArcs';
import { useFloor, type BoardRow, type DeskRow, type FeedEvent } from './store';
import { hiddenByReplay, replayOpen, useReplay } from './store/replay';
import { renderStats } from './floor/stats';
import { onTrainingPush } from './training';
import { onTournamentPush } from './store/tournament';
import { noteScenarioEvents } from './floor/stress';
import { replayLeaderboard } from './replayMetrics';

/**
 * Wires the transport to the store: the start-up sequence (connect → session.info → session.start
 * when there is none), pushes, frames, the 10 Hz panel refresh, and the commands the UI sends.
 */

let transport: Transport | null = null;
let bootSeq = 0;
/** false while boot replays the recent events (their reports do not pop up) */
let booted = false;

function errorText(err: unknown): string {
  if (err instanceof CallError && err.code === 'not_live') return `Viewing a recording — fork to inject. ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}


export function call<M extends Method>(method: M, params: Params<M>): Promise<Result<M>> {
  if (!transport) return Promise.reject(new Error('no transport'));
  return transport.call(method, params);
}

export function applyInfo(info: SessionInfo | null): void {
  const st = useFloor.getState();
  if (st.info?.sessionId !== info?.sessionId) {
    st.clearFeed();
    pendingFeed = [];
    pendingCoord = [];
  }
  // frames may already have arrived for this session: keep them; drop another session's
  if (frames.sessionId !== null && frames.sessionId !== info?.sessionId) resetFrames();
  if (series.sessionId !== (info?.sessionId ?? null)) {
    const r = info?.roster;
    resetSeries(info?.sessionId ?? null, r ? r.agents.map((a) => a.desk) : [], r?.desks.length ?? 0, r?.symbols.length ?? 0);
  } else if (info) fitSeriesToRoster(info.roster); // the same session's roster grew (a deployed desk)
  st.setInfo(info);
}

async function boot(): Promise<void> {
  const seq = ++bootSeq;
  booted = false;
  const st = useFloor.getState();
  st.setPhase('loading');
  try {
    let info = await call('session.info', {});
    if (seq !== bootSeq) return;
    if (!info) {
      useFloor.getState().setPhase('starting');
      info = await call('session.start', {});
      if (seq !== bootSeq) return;
    }
    performance.mark('bullpen:session-info');
    applyInfo(info);
    // the floor is usable from here on; status and history also arrive by push, so their failure
    // is not fatal
    try {
      const status = await call('session.status', {});
      if (seq === bootSeq) useFloor.getState().setStatus(status);
    } catch (err) {
      console.warn('[bullpen] session.status failed', err);
    }
    try {
      const recent = await call('events.recent', { limit: 300, types: ['headline', 'alert', 'coordination', 'trade', 'input', 'scenario'] });
      if (seq === bootSeq) {
        onEvents(recent);
        flushFeeds();
      }
    } catch (err) {
      console.warn('[bullpen] events.recent failed', err);
    }
    if (seq === bootSeq) booted = true;
  } catch (err) {
    if (seq !== bootSeq) return;
    booted = true;
    useFloor.getState().setPhase('error', errorText(err));
  }
}

function onEvents(events: BullpenEvent[]): void {
  const feed: FeedEvent[] = [];
  const decisions: DecisionEvent[] = [];
  const coordination: CoordinationEvent[] = [];
  const trades: TradeEvent[] = [];
  const scenarios: ScenarioEvent[] = [];
  const sid = useFloor.getState().info?.sessionId;
  for (const e of events) {
    if (sid && e.sessionId !== sid) continue;
    if (hiddenByReplay(e.sessionId, e.tick)) continue;
    if (e.type === 'input') {
      const input = Input.safeParse(e.input);
      if (input.success && input.data.kind === 'halt' && input.data.desk === null) useFloor.getState().setFloorHalt(input.data.halted);
    }
    if (e.type === 'scenario') scenarios.push(e);
    else if (e.type === 'headline' || e.type === 'alert' || e.type === 'input') feed.push(e);
    else if (e.type === 'decision') decisions.push(e);
    else if (e.type === 'coordination') coordination.push(e);
    else if (e.type === 'trade' && (e.buyAgent >= 0 || e.sellAgent >= 0)) trades.push(e);
  }
  if (decisions.length) recordDecisions(decisions);
  if (trades.length) {
    ingestTrades(trades);
    noteFills(trades);
  }
  if (scenarios.length) {
    noteScenarioEvents(scenarios);
    onScenarioEvents(scenarios);
  }
  // the feed panels take these at the 10 Hz refresh, not once per push
  if (feed.length) pendingFeed.push(...feed);
  if (coordination.length) pendingCoord.push(...coordination);
}

/** A scenario that ends brings up its report; any change of a scenario's life refreshes the deck's list. */
function onScenarioEvents(events: ScenarioEvent[]): void {
  const st = useFloor.getState();
  const reports = events.flatMap((e) => (e.report && (e.phase === 'ended' || e.phase === 'cancelled') ? [e.report] : []));
  if (reports.length) {
    const known = new Set(st.reports.map((r) => r.scenarioId));
    st.addReports(reports);
    // only scenarios that ended while the floor is being watched pop up (not those loaded at start-up)
    const fresh = reports.filter((r) => !known.has(r.scenarioId) && !r.cancelled);
    const last = fresh[fresh.length - 1];
    if (last && booted) st.showReport(last.scenarioId);
  }
  if (st.showDeck) void deck.refreshActive();
}

let pendingFeed: FeedEvent[] = [];
let pendingCoord: CoordinationEvent[] = [];

function flushFeeds(): void {
  const st = useFloor.getState();
  if (pendingFeed.length) {
    const f = pendingFeed;
    pendingFeed = [];
    st.addFeed(f);
  }
  if (pendingCoord.length) {
    const c = pendingCoord.slice(-200);
    pendingCoord = [];
    st.addCoordination(c);
  }
}

function onPush(msg: PushMessage): void {
  const st = useFloor.getState();
  switch (msg.push) {
    case 'status':
      st.setStatus(msg.status);
      break;
    case 'session':
      // a recording is shown (replay.ts): the new live session waits behind it
      if (replayOpen()) {
        useReplay.getState().setLiveInfo(msg.info);
        break;
      }
      applyInfo(msg.info);
      if (!msg.info) st.setPhase('none');
      break;
    case 'events':
      onEvents(msg.events);
      break;
    case 'training':
      onTrainingPush(msg);
      break;
    case 'tournament':
      onTournamentPush(msg);
      break;
    default:
      break;
  }
}

function onFrames(batch: FrameBatch): void {
  // a recording is shown: the live session's frames (it keeps running behind it) are not drawn
  if (hiddenByReplay(batch.sessionId, batch.toTick)) return;
  if (frames.received === 0) performance.mark('bullpen:first-batch');
  ingestBatch(batch);
  ingestSeries(batch);
  renderStats.framesReceived++;
  renderStats.lastTick = batch.toTick;
}

// ---- 10 Hz panel refresh ------------------------------------------------------------------------

let lastVersion = -1;
let lastReceived = 0;
let lastRateAt = performance.now();
let batchRate = 0;

/** Ratios over fewer decision cycles than this (≈ 1.5 floor-minutes) are noise: shown as “—”. */
const MIN_RATIO_SAMPLES = 30;

/** The engine's latest per-desk metrics (`floor.metrics`), asked for at most once a second. */
let engineDesks: { sessionId: string; desks: DeskMetrics[] } | null = null;
let metricsInFlight = false;
let lastMetricsAt = 0;

function pollMetrics(sessionId: string, now: number): void {
  if (metricsInFlight || now - lastMetricsAt < 1000) return;
  metricsInFlight = true;
  lastMetricsAt = now;
  call('floor.metrics', {}).then(
    (m) => {
      metricsInFlight = false;
      engineDesks = { sessionId, desks: m.desks };
      const info = useFloor.getState().info;
      if (info?.sessionId === sessionId) useFloor.getState().setLeaderboard(leaderboardRows(info));
    },
    // no live engine (a recording is open, or the session ended): keep the last rows shown
    () => (metricsInFlight = false),
  );
}

/** Leaderboard rows from the engine's own desk metrics (the numbers the CLI and recordings use). */
function leaderboardRows(info: NonNullable<ReturnType<typeof useFloor.getState>['info']>): DeskRow[] {
  if (engineDesks?.sessionId !== info.sessionId) return [];
  return engineDesks.desks.map((m) => ({
    desk: m.desk,
    name: m.name,
    pnl: m.pnl,
    sharpe: m.returnSamples >= MIN_RATIO_SAMPLES ? m.sharpe : null,
    sortino: m.returnSamples >= MIN_RATIO_SAMPLES ? m.sortino : null,
    maxDrawdown: m.maxDrawdown,
    winRate: m.trades > 0 ? m.winRate : null,
    trades: m.trades,
    halted: m.halted,
  }));
}

function refreshPanels(): void {
  flushFeeds();
  const st = useFloor.getState();
  const now = performance.now();
  if (now - lastRateAt >= 1000) {
    batchRate = ((frames.received - lastReceived) * 1000) / (now - lastRateAt);
    lastReceived = frames.received;
    lastRateAt = now;
  }
  const patch: Parameters<typeof st.setMarket>[0] = {
    fps: Math.round(renderStats.fps),
    observedTickRate: observedTickRate(),
    batchRate,
  };
  const b = frames.batch;
  const info = st.info;
  const framesMatch = b !== null && info !== null && b.sessionId === info.sessionId;
  // (a replay of the running session's own recording has its id: its status tick is the live one's)
  const statusTick = st.status && st.status.sessionId === info?.sessionId && !replayOpen() ? st.status.tick : 0;
  patch.tick = framesMatch ? Math.max(b.toTick, statusTick) : statusTick;
  if (framesMatch && frames.version !== lastVersion) {
    lastVersion = frames.version;
    const s = b.latest.symbols;
    const rows: BoardRow[] = [];
    for (let i = 0; i < s.last.length; i++) {
      const sym = info.roster.symbols[i];
      const last = s.last[i] ?? 0;
      const open = s.open[i] ?? 0;
      rows.push({
        index: i,
        name: sym?.name ?? `SYM${i}`,
        last,
        open,
        changePct: open > 0 ? ((last - open) / open) * 100 : 0,
        bid: s.bid[i] ?? 0,
        ask: s.ask[i] ?? 0,
        regime: s.regime[i] ?? 0,
        sentiment: s.sentiment[i] ?? 0,
        volume: s.volume[i] ?? 0,
        halted: s.halted[i] ?? 0,
        decimals: decimalsFor(sym?.tickSize ?? 0.01),
      });
    }
    patch.board = rows;
  } else if (!framesMatch && info && st.board.length !== info.roster.symbols.length) {
    patch.board = info.roster.symbols.map((sym) => ({
      index: sym.index,
      name: sym.name,
      last: sym.startPrice,
      open: sym.startPrice,
      changePct: 0,
      bid: 0,
      ask: 0,
      regime: 0,
      halted: 0,
      sentiment: 0,
      volume: 0,
      decimals: decimalsFor(sym.tickSize),
    }));
  }
  st.setMarket(patch);
  // floor.metrics is the live engine's: not while a recording is shown
  if (info && frames.batch?.sessionId === info.sessionId && !replayOpen()) pollMetrics(info.sessionId, now);
  // a recording is shown: its desks at the moment shown, from its equity series and events (replayMetrics.ts)
  else if (info && replayOpen()) replayLeaderboard(info, now);
}

// ---- lifecycle ----------------------------------------------------------------------------------

export function startController(): () => void {
  const t = createTransport();
  transport = t;
  renderStats.transport = t.kind;
  const st = useFloor.getState();
  st.setTransportKind(t.kind);
  const offs = [
    t.onConnection((info) => {
      const prev = useFloor.getState().conn.state;
      useFloor.getState().setConn(info);
      if (info.state === 'open' && prev !== 'open') {
        performance.mark('bullpen:connected');
        void boot();
      }
      if (info.state !== 'open' && useFloor.getState().phase !== 'ready') useFloor.getState().setPhase('connecting');
    }),
    t.onPush(onPush),
    t.onFrames(onFrames),
  ];
  const timer = setInterval(refreshPanels, 100);
  return () => {
    clearInterval(timer);
    for (const off of offs) off();
    t.close();
    transport = null;
  };
}

// ---- commands -----------------------------------------------------------------------------------

async function command<M extends Method>(label: string, method: M, params: Params<M>): Promise<Result<M> | null> {
  try {
    return await call(method, params);
  } catch (err) {
    useFloor.getState().notify({ level: 'error', title: `${label} failed`, message: errorText(err) });
    return null;
  }
}

export const commands = {
  async pause(): Promise<void> {
    const s = await command('Pause', 'session.pause', {});
    if (s) useFloor.getState().setStatus(s);
  },
  async resume(): Promise<void> {
    const s = await command('Resume', 'session.resume', {});
    if (s) useFloor.getState().setStatus(s);
  },
  async togglePause(): Promise<void> {
    const st = useFloor.getState().status;
    if (st?.paused) await commands.resume();
    else await commands.pause();
  },
  async setSpeed(speed: Speed): Promise<void> {
    const s = await command('Set speed', 'session.setSpeed', { speed });
    if (s) useFloor.getState().setStatus(s);
  },
  async restart(): Promise<void> {
    const info = await command('Restart', 'session.restart', {});
    if (info) {
      applyInfo(info);
      const s = await command('Status', 'session.status', {});
      if (s) useFloor.getState().setStatus(s);
    }
  },
  async start(): Promise<void> {
    useFloor.getState().setPhase('starting');
    const info = await command('Start session', 'session.start', {});
    if (info) {
      applyInfo(info);
      const s = await command('Status', 'session.status', {});
      if (s) useFloor.getState().setStatus(s);
    } else useFloor.getState().setPhase('none');
  },
  retryBoot(): void {
    void boot();
  },
  reconnectNow(): void {
    transport?.reconnectNow();
  },
  inspectCrowd(index: number): Promise<Result<'crowd.inspect'>> {
    return call('crowd.inspect', { index });
  },
  agentHistory(agent: number, limit = 20): Promise<Result<'agent.history'>> {
    return call('agent.history', { agent, limit });
  },
  /** Fetches an agent's recent decisions into frames.decisionLog (the popover's timeline). */
  async loadAgentHistory(agent: number, limit = 50): Promise<void> {
    const events = await call('agent.history', { agent, limit });
    recordDecisions(events.filter((e): e is DecisionEvent => e.type === 'decision' && e.agent === agent));
  },
};

export const SPEEDS: Speed[] = [0.25, 0.5, 1, 2, 5, 10, 25, 50, 100, 'max'];

// ---- scenario deck ------------------------------------------------------------------------------

let activeInFlight = false;
/** a refresh was asked for while one was in flight: run again when it lands (its answer may be older) */
let activeAgain = false;

/** The scenario deck's calls (docs/SCENARIOS.md); failures become error toasts. */
export const deck = {
  async loadPresets(): Promise<void> {
    const p = await command('Load scenario presets', 'scenario.list', {});
    if (p) useFloor.getState().setPresets(p);
  },
  /** scenario.active (queued and active shocks, halts, live parameters); quiet on failure (polled) */
  async refreshActive(): Promise<void> {
    if (!transport) return;
    if (activeInFlight) {
      activeAgain = true;
      return;
    }
    activeInFlight = true;
    try {
      const s = await call('scenario.active', {});
      useFloor.getState().setScenarioState(s);
    } catch {
      // no live engine (a recording is shown, or no session): the list shows what it last knew
    } finally {
      activeInFlight = false;
    }
    if (activeAgain) {
      activeAgain = false;
      await deck.refreshActive();
    }
  },
  async loadReports(): Promise<void> {
    try {
      useFloor.getState().addReports(await call('scenario.reports', { limit: 20 }));
    } catch {
      // reports also arrive with the scenarios' `ended` events
    }
  },
  async inject(what: { preset: string } | { scenario: Scenario }, at: number | null): Promise<Result<'scenario.inject'> | null> {
    const name = 'preset' in what ? what.preset : what.scenario.name;
    const r = await command(`Inject “${name}”`, 'scenario.inject', { ...what, ...(at !== null ? { at } : {}) });
    if (r) void deck.refreshActive();
    return r;
  },
  async cancel(id: number, shock?: number): Promise<void> {
    const r = await command(shock === undefined ? `Cancel scenario #${id}` : `Cancel shock ${shock + 1} of #${id}`, 'scenario.cancel', {
      id,
      ...(shock !== undefined ? { shock } : {}),
    });
    if (r) void deck.refreshActive();
  },
  async setParams(p: MarketParams): Promise<void> {
    const r = await command('Change market parameters', 'market.setParams', p);
    if (r) void deck.refreshActive();
  },
  /** The floor-wide emergency halt (every desk stops trading) or its release. */
  async haltFloor(halted: boolean): Promise<void> {
    const r = await command(halted ? 'Emergency halt' : 'Resume trading', 'session.input', { input: { kind: 'halt', desk: null, halted } });
    if (r) useFloor.getState().setFloorHalt(halted);
  },
  /** Opens an agent's popover on one decision (a report line): fetches it when it is not in the log. */
  async openDecision(agent: number, seq: number): Promise<void> {
    const st = useFloor.getState();
    st.showReport(null);
    // keep the decision itself: the agent's rolling log may drop it before the popover reads it
    const inLog = frames.decisionLog.get(agent)?.find((e) => e.seq === seq);
    if (inLog) frames.linkedDecisions.set(seq, inLog);
    else {
      try {
        const events = await call('agent.history', { agent, limit: 500 });
        const d = events.find((e): e is DecisionEvent => e.type === 'decision' && e.seq === seq);
        if (d) frames.linkedDecisions.set(seq, d);
        else st.notify({ level: 'warning', title: 'Decision not found', message: `Decision #${seq} is no longer in agent ${agent}'s recent history; showing the latest.` });
      } catch (err) {
        st.notify({ level: 'error', title: 'Open decision failed', message: errorText(err) });
      }
    }
    useFloor.getState().focusDecision(agent, seq);
  },
};
