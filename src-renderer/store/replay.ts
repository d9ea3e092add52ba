import { create } from 'zustand';
import type { SessionInfo } from '../../src-shared/api';
import type { RecordingComparison, RecordingMark, RecordingSummary, ReplayState } from '../../src-shared/recording';

/**
 * Replay state (kept apart from the floor store so the replay bar's files stay on their own): the
 * open recording as the host last reported it, its marks, the live session hidden behind it, the
 * recordings dialog and the compare view. While `open` is set the floor shows the recording: the
 * floor store's `info` is the recording's (session id = recording id), and the live session keeps
 * running on the host (`liveInfo`).
 */

export interface ReplayStore {
  /** the open replay (null: the floor is live) */
  open: ReplayState | null;
  marks: RecordingMark[];
  /** the live session behind the replay (restored by "Back to live") */
  liveInfo: SessionInfo | null;
  /** bumped whenever the moment shown jumps (open, seek, jump, step back): popovers reload their timeline */
  moment: number;
  /** a replay command is in flight */
  busy: boolean;
  showDialog: boolean;
  recordings: RecordingSummary[] | null;
  recordingsError: string | null;
  /** the compare view's two recordings and what the host answered */
  compare: { a: string; b: string; result: RecordingComparison | null; error: string | null } | null;
  setOpen: (s: ReplayState | null, opts?: { jumped?: boolean }) => void;
  setMarks: (m: RecordingMark[]) => void;
  setLiveInfo: (i: SessionInfo | null) => void;
  setBusy: (b: boolean) => void;
  setDialog: (v: boolean) => void;
  setRecordings: (r: RecordingSummary[] | null, error?: string | null) => void;
  setCompare: (c: ReplayStore['compare']) => void;
}

export const useReplay = create<ReplayStore>()((set) => ({
  open: null,
  marks: [],
  liveInfo: null,
  moment: 0,
  busy: false,
  showDialog: false,
  recordings: null,
  recordingsError: null,
  compare: null,
  setOpen: (open, opts) => set((s) => ({ open, moment: opts?.jumped ? s.moment + 1 : s.moment, ...(open ? {} : { marks: [] }) })),
  setMarks: (marks) => set({ marks }),
  setLiveInfo: (liveInfo) => set({ liveInfo }),
  setBusy: (busy) => set({ busy }),
  setDialog: (showDialog) => set({ showDialog }),
  setRecordings: (recordings, error = null) => set({ recordings, recordingsError: error }),
  setCompare: (compare) => set({ compare }),
}));

/** true while the floor shows a recording */
export function replayOpen(): boolean {
  return useReplay.getState().open !== null;
}

/**
 * A frame or event that is not the moment shown while a recording is open: another session's (the
 * live one behind it), or — when the recording is the running session's own (same id) — one of the
 * live session's, which runs past the tick where the recording was opened.
 */
export function hiddenByReplay(sessionId: string, tick: number): boolean {
  const r = useReplay.getState();
  const o = r.open;
  if (!o) return false;
  if (sessionId !== o.recording.id) return true;
  return r.liveInfo?.sessionId === sessionId && tick > o.recording.lastTick;
}
