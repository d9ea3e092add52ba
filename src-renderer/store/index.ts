import { create, type StateCreator } from 'zustand';
import type { SessionInfo, SessionStatus } from '../../src-shared/api';
import type { AlertEvent, BullpenEvent, HeadlineEvent } from '../../src-shared/events';
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
      selected: info && s.info && info.sessionId === s.info.sessionId ? s.selected : null,
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

// ---- selection --------------------------------------------------------------------------------

export interface SelectionSlice {
  selected: number | null;
  hovered: number | null;
  /** bumped to ask the camera to fly back to its home view */
  cameraResetNonce: number;
  /** bumped to ask the camera to frame the selected agent */
  cameraFocusNonce: number;
  select: (agent: number | null) => void;
  hover: (agent: number | null) => void;
  resetCamera: () => void;
  focusSelected: () => void;
}

const selectionSlice: StateCreator<FloorState, [], [], SelectionSlice> = (set) => ({
  selected: null,
  hovered: null,
  cameraResetNonce: 0,
  cameraFocusNonce: 0,
  select: (selected) => set({ selected }),
  hover: (hovered) => set((s) => (s.hovered === hovered ? s : { hovered })),
  resetCamera: () => set((s) => ({ cameraResetNonce: s.cameraResetNonce + 1 })),
  focusSelected: () => set((s) => ({ cameraFocusNonce: s.cameraFocusNonce + 1 })),
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

// ---- ui ---------------------------------------------------------------------------------------

export interface UiSlice {
  showFeed: boolean;
  showBoard: boolean;
  showHelp: boolean;
  toggle: (k: 'showFeed' | 'showBoard' | 'showHelp', v?: boolean) => void;
}

const uiSlice: StateCreator<FloorState, [], [], UiSlice> = (set) => ({
  showFeed: true,
  showBoard: true,
  showHelp: false,
  toggle: (k, v) => set((s) => ({ [k]: v ?? !s[k] }) as Partial<UiSlice>),
});

export type FloorState = ConnectionSlice & SessionSlice & MarketSlice & SelectionSlice & FeedSlice & UiSlice;

export const useFloor = create<FloorState>()((...a) => ({
  ...connectionSlice(...a),
  ...sessionSlice(...a),
  ...marketSlice(...a),
  ...selectionSlice(...a),
  ...feedSlice(...a),
  ...uiSlice(...a),
}));
