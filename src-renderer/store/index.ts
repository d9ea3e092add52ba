import { create, type StateCreator } from 'zustand';
import type { SessionInfo, SessionStatus } from '../../src-shared/api';
import type { AlertEvent, BullpenEvent, CoordinationEvent, HeadlineEvent, Severity } from '../../src-shared/events';
import type { ScenarioReport, ScenarioState, ScenarioSummary } from '../../src-shared/scenario';
import type { ConnInfo } from '../api/transport';

/**
 * The UI store, built from slices. It holds only low-rate state: connection, session, a ~10 Hz
 * market summary for the panels, the selection and the event feed. Frame data never goes here
 * (see frames.ts).
 */

// ---- connection -------------------------------------------------------------------------------

export interface ConnectionSlice {
  conn: ConnInfo;
  transportKind: 'ipc' | 'websocket' | null;
  /** true once the transport has been open at least once */
  everConnected: boolean;
  setConn: (conn: ConnInfo) => void;
  setTransportKind: (k: 'ipc' | 'websocket') => void;
}

const connectionSlice: StateCreator<FloorState, [], [], ConnectionSlice> = (set) => ({
  conn: { state: 'connecting', attempt: 0, retryAt: null, reason: null },
  transportKind: null,
  everConnected: false,
  setConn: (conn) => set((s) => ({ conn, everConnected: s.everConnected || conn.state === 'open' })),
  setTransportKind: (transportKind) => set({ transportKind }),
});

// ---- session ----------------------------------------------------------------------------------

export type Phase = 'connecting' | 'loading' | 'starting' | 'ready' | 'none' | 'error';

export interface Notice {
  id: number;
  level: 'error' | 'warning' | 'info';
  title: string;
  message: string;
  at: number;
}

export interface SessionSlice {
  phase: Phase;
  phaseError: string | null;
  info: SessionInfo | null;
  status: SessionStatus | null;
  /** user-facing notices (failed commands etc.); the crash and connection errors are derived */
  notices: Notice[];
  setPhase: (phase: Phase, error?: string | null) => void;
  setInfo: (info: SessionInfo | null) => void;
  setStatus: (status: SessionStatus) => void;
  notify: (n: Omit<Notice, 'id' | 'at'>) => void;
  dismiss: (id: number) => void;
}

let noticeId = 1;

const sessionSlice: StateCreator<FloorState, [], [], SessionSlice> = (set) => ({
  phase: 'connecting',
  phaseError: null,
  info: null,
  status: null,
  notices: [],
  setPhase: (phase, error = null) => set({ phase, phaseError: error }),
  setInfo: (info) =>
    set((s) => ({
      info,
      phase: info ? 'ready' : s.phase === 'ready' ? 'none' : s.phase,
      ...(info && s.info && info.sessionId === s.info.sessionId
        ? {}
        : { selected: null, inspected: null, pinned: [], coordination: [], leaderboard: [], scenarioState: null, reports: [], openReport: null, floorHalt: null, decisionFocus: null }),
    })),
  setStatus: (status) => set({ status }),
  notify: (n) =>
    set((s) => {
      // same message again: refresh it rather than stacking duplicates
      const rest = s.notices.filter((x) => !(x.title === n.title && x.message === n.message));
      return { notices: [...rest, { ...n, id: noticeId++, at: Date.now() }].slice(-4) };
    }),
  dismiss: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
});

// ---- market (throttled summary) ---------------------------------------------------------------

export interface BoardRow {
  index: number;
  name: string;
  last: number;
  open: number;
  changePct: number;
  bid: number;
  ask: number;
  regime: number;
  sentiment: number;
  volume: number;
  decimals: number;
  /** frame's halted bits: bit v = venue v cannot trade; 3 = halted everywhere */
  halted: number;
}

export interface MarketSlice {
  /** tick shown in the status bar: the latest frame's tick, or the status tick when no frames */
  tick: number;
  board: BoardRow[];
  fps: number;
  /** ticks/s observed from frames */
  observedTickRate: number;
  /** frame batches per second received */
  batchRate: number;
  setMarket: (m: Partial<Pick<MarketSlice, 'tick' | 'board' | 'fps' | 'observedTickRate' | 'batchRate'>>) => void;
}

const marketSlice: StateCreator<FloorState, [], [], MarketSlice> = (set) => ({
  tick: 0,
  board: [],
  fps: 0,
  observedTickRate: 0,
  batchRate: 0,
  setMarket: (m) => set(m),
});

// ---- selection and inspection ------------------------------------------------------------------

/** What a popover shows: a featured agent (row in the agent columns) or a crowd trader. */
export type InspectTarget = { kind: 'agent'; index: number } | { kind: 'crowd'; index: number };

export function targetKey(t: InspectTarget): string {
  return `${t.kind}-${t.index}`;
}

/** At most this many pinned popovers; pinning another unpins the oldest. */
export const MAX_PINNED = 4;

export interface SelectionSlice {
  /** the featured agent of the open (unpinned) popover, or null; drives the ring and the name tag */
  selected: number | null;
  /** the open (unpinned) popover's target: a featured agent or a crowd trader */
  inspected: InspectTarget | null;
  /** popovers the analyst pinned; they stay open (Esc does not close them) */
  pinned: InspectTarget[];
  hovered: number | null;
  /** bumped to ask the camera to fly back to its home view */
  cameraResetNonce: number;
  /** bumped to ask the camera to frame the selected agent */
  cameraFocusNonce: number;
  /** desk the camera should frame on the next cameraFocusNonce (null: focusAgent or the selected agent) */
  focusDesk: number | null;
  /** agent the camera should frame on the next cameraFocusNonce (null: the selected agent) */
  focusAgent: number | null;
  select: (agent: number | null) => void;
  inspect: (target: InspectTarget | null) => void;
  /** pins the open popover (or the given target) */
  pin: (target: InspectTarget) => void;
  unpin: (target: InspectTarget) => void;
  hover: (agent: number | null) => void;
  resetCamera: () => void;
  focusSelected: () => void;
  focusOnDesk: (desk: number) => void;
  focusOnAgent: (agent: number) => void;
}

const sameTarget = (a: InspectTarget | null, b: InspectTarget | null): boolean =>
  a !== null && b !== null && a.kind === b.kind && a.index === b.index;

const selectionSlice: StateCreator<FloorState, [], [], SelectionSlice> = (set) => ({
  selected: null,
  inspected: null,
  pinned: [],
  hovered: null,
  cameraResetNonce: 0,
  cameraFocusNonce: 0,
  focusDesk: null,
  focusAgent: null,
  select: (agent) => set({ selected: agent, inspected: agent === null ? null : { kind: 'agent', index: agent } }),
  inspect: (target) =>
    set((s) => {
      // clicking something already pinned does not open a second popover for it
      if (target && s.pinned.some((p) => sameTarget(p, target))) return { inspected: null, selected: null };
      return { inspected: target, selected: target?.kind === 'agent' ? target.index : null };
    }),
  pin: (target) =>
    set((s) => {
      if (s.pinned.some((p) => sameTarget(p, target))) return s;
      const pinned = [...s.pinned, target].slice(-MAX_PINNED);
      const wasOpen = sameTarget(s.inspected, target);
      return { pinned, inspected: wasOpen ? null : s.inspected, selected: wasOpen ? null : s.selected };
    }),
  unpin: (target) => set((s) => ({ pinned: s.pinned.filter((p) => !sameTarget(p, target)) })),
  hover: (hovered) => set((s) => (s.hovered === hovered ? s : { hovered })),
  resetCamera: () => set((s) => ({ cameraResetNonce: s.cameraResetNonce + 1 })),
  focusSelected: () => set((s) => ({ focusDesk: null, focusAgent: null, cameraFocusNonce: s.cameraFocusNonce + 1 })),
  focusOnDesk: (desk) => set((s) => ({ focusDesk: desk, focusAgent: null, cameraFocusNonce: s.cameraFocusNonce + 1 })),
  focusOnAgent: (agent) => set((s) => ({ focusDesk: null, focusAgent: agent, cameraFocusNonce: s.cameraFocusNonce + 1 })),
});

// ---- feed -------------------------------------------------------------------------------------

export type FeedEvent = HeadlineEvent | AlertEvent | Extract<BullpenEvent, { type: 'input' }>;
export const FEED_MAX = 150;

export interface FeedSlice {
  feed: FeedEvent[];
  addFeed: (events: FeedEvent[]) => void;
  clearFeed: () => void;
}

const feedSlice: StateCreator<FloorState, [], [], FeedSlice> = (set) => ({
  feed: [],
  addFeed: (events) =>
    set((s) => {
      if (events.length === 0) return s;
      const seen = new Set(s.feed.map((e) => `${e.sessionId}:${e.seq}`));
      const fresh = events.filter((e) => !seen.has(`${e.sessionId}:${e.seq}`));
      if (fresh.length === 0) return s;
      const merged = [...fresh.reverse(), ...s.feed];
      merged.sort((a, b) => b.seq - a.seq);
      return { feed: merged.slice(0, FEED_MAX) };
    }),
  clearFeed: () => set({ feed: [] }),
});

// ---- panels: coordination feed, leaderboard, charts (all ≤ 10 Hz) ------------------------------

export const COORD_MAX = 120;

/** One desk's row in the leaderboard, from the engine's desk metrics (`floor.metrics`). */
export interface DeskRow {
  desk: number;
  name: string;
  pnl: number;
  sharpe: number | null;
  sortino: number | null;
  /** fraction of the peak equity */
  maxDrawdown: number;
  winRate: number | null;
  trades: number;
  halted: boolean;
}

export type FeedTab = 'news' | 'alerts' | 'votes';
export type ChartMode = 'candles' | 'equity';

export interface PanelsSlice {
  coordination: CoordinationEvent[];
  leaderboard: DeskRow[];
  feedTab: FeedTab;
  /** severities shown in the alerts tab */
  severities: Severity[];
  chartSymbol: number;
  /** desk whose trades are marked on the candles (null: none) */
  chartDesk: number | null;
  chartMode: ChartMode;
  addCoordination: (events: CoordinationEvent[]) => void;
  setLeaderboard: (rows: DeskRow[]) => void;
  setFeedTab: (tab: FeedTab) => void;
  toggleSeverity: (s: Severity) => void;
  setChart: (c: Partial<Pick<PanelsSlice, 'chartSymbol' | 'chartDesk' | 'chartMode'>>) => void;
}

const panelsSlice: StateCreator<FloorState, [], [], PanelsSlice> = (set) => ({
  coordination: [],
  leaderboard: [],
  feedTab: 'news',
  severities: ['info', 'warning', 'error', 'critical', 'emergency'],
  chartSymbol: 0,
  chartDesk: 0,
  chartMode: 'candles',
  addCoordination: (events) =>
    set((s) => {
      if (events.length === 0) return s;
      const seen = new Set(s.coordination.map((e) => `${e.sessionId}:${e.seq}`));
      const fresh = events.filter((e) => !seen.has(`${e.sessionId}:${e.seq}`));
      if (fresh.length === 0) return s;
      const merged = [...fresh, ...s.coordination].sort((a, b) => b.seq - a.seq);
      return { coordination: merged.slice(0, COORD_MAX) };
    }),
  setLeaderboard: (leaderboard) => set({ leaderboard }),
  setFeedTab: (feedTab) => set({ feedTab }),
  toggleSeverity: (sev) =>
    set((s) => ({ severities: s.severities.includes(sev) ? s.severities.filter((x) => x !== sev) : [...s.severities, sev] })),
  setChart: (c) => set(c),
});

// ---- ui ---------------------------------------------------------------------------------------

export type PanelFlag = 'showFeed' | 'showBoard' | 'showHelp' | 'showCharts' | 'showLeaderboard' | 'showSystem' | 'showDeck';

export interface UiSlice {
  showFeed: boolean;
  showBoard: boolean;
  showHelp: boolean;
  showCharts: boolean;
  showLeaderboard: boolean;
  showSystem: boolean;
  /** the scenario deck (D) */
  showDeck: boolean;
  toggle: (k: PanelFlag, v?: boolean) => void;
}

const uiSlice: StateCreator<FloorState, [], [], UiSlice> = (set) => ({
  showFeed: true,
  showBoard: true,
  showHelp: false,
  showCharts: true,
  showLeaderboard: true,
  showSystem: true,
  showDeck: false,
  toggle: (k, v) => set((s) => ({ [k]: v ?? !s[k] }) as Partial<UiSlice>),
});

// ---- scenario deck -----------------------------------------------------------------------------

export type DeckTab = 'presets' | 'custom' | 'market';

export interface DeckSlice {
  deckTab: DeckTab;
  /** scenario.list, loaded when the deck first opens */
  presets: ScenarioSummary[] | null;
  /** scenario.active, polled ~1 Hz while the deck is open */
  scenarioState: ScenarioState | null;
  /** reports of ended scenarios (scenario.reports and `ended` / `cancelled` events), oldest first */
  reports: ScenarioReport[];
  /** scenarioId of the report shown in the report modal, or null */
  openReport: number | null;
  /** the floor-wide emergency halt as last applied by the engine (input events); null: unknown */
  floorHalt: boolean | null;
  /** a decision the popover of `agent` should show (a report line links to it) */
  decisionFocus: { agent: number; seq: number; nonce: number } | null;
  setDeckTab: (tab: DeckTab) => void;
  setPresets: (p: ScenarioSummary[]) => void;
  setScenarioState: (s: ScenarioState | null) => void;
  addReports: (r: ScenarioReport[]) => void;
  showReport: (id: number | null) => void;
  setFloorHalt: (h: boolean | null) => void;
  focusDecision: (agent: number, seq: number) => void;
}

const deckSlice: StateCreator<FloorState, [], [], DeckSlice> = (set) => ({
  deckTab: 'presets',
  presets: null,
  scenarioState: null,
  reports: [],
  openReport: null,
  floorHalt: null,
  decisionFocus: null,
  setDeckTab: (deckTab) => set({ deckTab }),
  setPresets: (presets) => set({ presets }),
  setScenarioState: (scenarioState) => set({ scenarioState }),
  addReports: (r) =>
    set((s) => {
      const fresh = r.filter((x) => !s.reports.some((y) => y.scenarioId === x.scenarioId && y.endTick === x.endTick));
      if (fresh.length === 0) return s;
      return { reports: [...s.reports, ...fresh].sort((a, b) => a.endTick - b.endTick).slice(-30) };
    }),
  showReport: (openReport) => set({ openReport }),
  setFloorHalt: (floorHalt) => set({ floorHalt }),
  focusDecision: (agent, seq) =>
    set((s) => ({
      decisionFocus: { agent, seq, nonce: (s.decisionFocus?.nonce ?? 0) + 1 },
      inspected: { kind: 'agent', index: agent },
      selected: agent,
      pinned: s.pinned.filter((p) => !(p.kind === 'agent' && p.index === agent)),
    })),
});

export type FloorState = ConnectionSlice & SessionSlice & MarketSlice & SelectionSlice & FeedSlice & PanelsSlice & UiSlice & DeckSlice;

export const useFloor = create<FloorState>()((...a) => ({
  ...connectionSlice(...a),
  ...sessionSlice(...a),
  ...marketSlice(...a),
  ...selectionSlice(...a),
  ...feedSlice(...a),
  ...panelsSlice(...a),
  ...uiSlice(...a),
  ...deckSlice(...a),
}));
