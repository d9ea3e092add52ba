import { create } from 'zustand';
import type { HistoricalMarket, Speed } from '../../src-shared/config';
import { timeframeMs } from '../../src-shared/market-data';
import type { EntrantProgress, TournamentPush, TournamentResult, TournamentSummary } from '../../src-shared/tournament-api';
import { applyInfo, call } from '../controller';
import { replay } from '../replay';
import { useFloor } from '.';
import { replayOpen } from './replay';

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
  /** "Watch it on the floor" is starting a session */
  watching: boolean;
  set: (p: Partial<Omit<TournamentStore, 'set'>>) => void;
}

export const useTournament = create<TournamentStore>()((set) => ({
  show: false,
  list: null,
  shown: null,
  live: {},
  error: null,
  busy: false,
  watching: false,
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
  /**
   * "Watch it on the floor": a live historical session over the tournament's series and period (the
   * floor keeps its seed, crowd and desks, as the Data dialog's start does), the tournament's RL
   * checkpoints deployed as desks, then the dialog closes. Failures are error toasts; a policy that
   * cannot be deployed does not stop the session.
   */
  async watchOnFloor(t: Pick<TournamentResult, 'spec'>): Promise<boolean> {
    const spec = t.spec;
    const market: HistoricalMarket = {
      kind: 'historical',
      series: [spec.series],
      ...(spec.since !== undefined ? { since: Date.parse(spec.since) } : {}),
      // the tournament's until is exclusive, the session's inclusive
      ...(spec.until !== undefined ? { until: Date.parse(spec.until) - 1 } : {}),
    };
    const notify = useFloor.getState().notify;
    useTournament.getState().set({ watching: true });
    try {
      if (replayOpen()) await replay.backToLive();
      const cur = useFloor.getState().info?.config;
      const shape = cur ? { seed: cur.seed, crowd: cur.crowd, desks: cur.desks } : {};
      const info = await call('session.start', { config: { ...shape, market, symbols: 1, speed: watchSpeed(spec.series.timeframe) } });
      applyInfo(info);
      for (const checkpointId of spec.policies) {
        try {
          await call('training.deploy', { checkpointId, as: 'desk' });
        } catch (err) {
          notify({ level: 'error', title: `Deploying ${checkpointId.slice(0, 8)} failed`, message: message(err) });
        }
      }
      useTournament.getState().set({ show: false });
      try {
        useFloor.getState().setStatus(await call('session.status', {}));
      } catch {
        // the status arrives by push as well
      }
      return true;
    } catch (err) {
      notify({ level: 'error', title: 'Watch it on the floor failed', message: message(err) });
      return false;
    } finally {
      useTournament.getState().set({ watching: false });
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

/** About one bar a second of wall time (a 1-minute bar at 60×); bars longer than 100 s play at full speed. */
export function watchSpeed(timeframe: string): Speed {
  const x = timeframeMs(timeframe) / 1000;
  return x > 100 ? 'max' : Math.max(0.25, x);
}
