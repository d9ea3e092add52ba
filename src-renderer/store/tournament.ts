import { create } from 'zustand';
import type { EntrantProgress, TournamentPush, TournamentResult, TournamentSummary } from '../../src-shared/tournament-api';
import { call } from '../controller';

/**
 * The tournament panel's state and calls (docs/TOURNAMENTS.md): whether the dialog is shown, the
 * library's tournaments, the one shown (its stored result), and the pushed progress of running ones.
 * When a pushed tournament ends, the one shown is reloaded.
 */
export interface TournamentStore {
  show: boolean;
  list: TournamentSummary[] | null;
  shown: TournamentResult | null;
  /** the pushed progress and status of running (or just ended) tournaments */
  live: Record<string, { status: TournamentPush['status']; progress: EntrantProgress[]; error: string | null }>;
  error: string | null;
  busy: boolean;
  set: (p: Partial<Omit<TournamentStore, 'set'>>) => void;
}

export const useTournament = create<TournamentStore>()((set) => ({
  show: false,
  list: null,
  shown: null,
  live: {},
  error: null,
  busy: false,
  set: (p) => set(p),
}));

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export const tournaments = {
  toggle(): void {
    const st = useTournament.getState();
    st.set({ show: !st.show });
    if (!st.show) void tournaments.refresh();
  },
  async refresh(): Promise<void> {
    try {
      useTournament.getState().set({ list: await call('tournament.list', { limit: 50 }) });
    } catch (err) {
      useTournament.getState().set({ error: message(err) });
    }
  },
  async open(id: string): Promise<void> {
    try {
      useTournament.getState().set({ shown: await call('tournament.get', { id }), error: null });
    } catch (err) {
      useTournament.getState().set({ error: message(err) });
    }
  },
  async start(spec: Parameters<typeof call<'tournament.start'>>[1]['spec']): Promise<void> {
    const st = useTournament.getState();
    st.set({ busy: true, error: null });
    try {
      const { id } = await call('tournament.start', { spec });
      await tournaments.open(id);
      await tournaments.refresh();
    } catch (err) {
      useTournament.getState().set({ error: message(err) });
    } finally {
      useTournament.getState().set({ busy: false });
    }
  },
  async cancel(id: string): Promise<void> {
    try {
      await call('tournament.cancel', { id });
    } catch (err) {
      useTournament.getState().set({ error: message(err) });
    }
  },
  /** Saves the export as a file through the browser (a Blob and a download link). */
  async download(id: string, format: 'csv' | 'json'): Promise<void> {
    try {
      const x = await call('tournament.export', { id, format });
      const url = URL.createObjectURL(new Blob([x.content], { type: format === 'csv' ? 'text/csv' : 'application/json' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = x.filename;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch (err) {
      useTournament.getState().set({ error: message(err) });
    }
  },
};

/** `{ push: 'tournament' }` (controller.ts): progress, and a reload when the one shown ends. */
export function onTournamentPush(msg: TournamentPush): void {
  const st = useTournament.getState();
  st.set({ live: { ...st.live, [msg.id]: { status: msg.status, progress: msg.progress, error: msg.error } } });
  if (msg.status !== 'running') {
    if (st.shown?.id === msg.id) void tournaments.open(msg.id);
    if (st.show) void tournaments.refresh();
  }
}
