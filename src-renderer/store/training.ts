import { create } from 'zustand';
import type { TrainingCheckpoint, TrainingComparison, TrainingPreset, TrainingProgress, TrainingRunSummary } from '../../src-shared/training-api';

/**
 * The training panel's state (kept apart from the floor store): whether it is shown, the presets,
 * the library's runs (most recent first) with each one's latest pushed progress, the run shown in
 * detail with its checkpoints, and the compare view. The metric series themselves live outside
 * React (training.ts, `trainingSeries`): charts read them and append points as they arrive.
 */

export interface RunDetailState {
  runId: string;
  checkpoints: TrainingCheckpoint[];
  evaluation: unknown;
}

export interface TrainingStore {
  show: boolean;
  presets: TrainingPreset[] | null;
  runs: TrainingRunSummary[] | null;
  listError: string | null;
  /** the latest progress pushed per run (live runs) */
  live: Record<string, TrainingProgress>;
  /** the run shown in detail (curves, checkpoints, deploy) */
  selected: string | null;
  detail: RunDetailState | null;
  /** runs ticked for compare */
  picked: string[];
  comparison: TrainingComparison | null;
  compareError: string | null;
  /** a training command is in flight */
  busy: boolean;
  setShow: (v: boolean) => void;
  setPresets: (p: TrainingPreset[]) => void;
  setRuns: (r: TrainingRunSummary[] | null, error?: string | null) => void;
  /** inserts or replaces one run (a push or a command's answer) */
  upsertRun: (r: Partial<TrainingRunSummary> & { id: string }) => void;
  setLive: (runId: string, p: TrainingProgress) => void;
  select: (runId: string | null) => void;
  setDetail: (d: RunDetailState | null) => void;
  pick: (runId: string) => void;
  setComparison: (c: TrainingComparison | null, error?: string | null) => void;
  setBusy: (b: boolean) => void;
}

export const useTraining = create<TrainingStore>()((set) => ({
  show: false,
  presets: null,
  runs: null,
  listError: null,
  live: {},
  selected: null,
  detail: null,
  picked: [],
  comparison: null,
  compareError: null,
  busy: false,
  setShow: (show) => set({ show }),
  setPresets: (presets) => set({ presets }),
  setRuns: (runs, error = null) => set({ runs, listError: error }),
  upsertRun: (r) =>
    set((s) => {
      const list = s.runs ?? [];
      const i = list.findIndex((x) => x.id === r.id);
      if (i < 0) {
        // a run this panel has not listed yet: only a full summary can be shown
        if (!('env' in r) || r.env === undefined) return {};
        return { runs: [r as TrainingRunSummary, ...list] };
      }
      const next = list.slice();
      next[i] = { ...list[i]!, ...r };
      return { runs: next };
    }),
  setLive: (runId, p) => set((s) => ({ live: { ...s.live, [runId]: p } })),
  select: (selected) => set((s) => (s.selected === selected ? {} : { selected, detail: null })),
  setDetail: (detail) => set({ detail }),
  pick: (runId) => set((s) => ({ picked: s.picked.includes(runId) ? s.picked.filter((x) => x !== runId) : [...s.picked, runId].slice(-8) })),
  setComparison: (comparison, error = null) => set({ comparison, compareError: error }),
  setBusy: (busy) => set({ busy }),
}));
