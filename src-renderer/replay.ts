import type { SessionInfo } from '../src-shared/api';
import { TICK_MS, type Speed } from '../src-shared/config';
import type { DecisionEvent } from '../src-shared/events';
import type { ReplayState } from '../src-shared/recording';
import { applyInfo, call, commands } from './controller';
import { frames, recordDecisions } from './frames';
import { backfillReplayEquity, clearRecordingMetrics, loadRecordingMetrics } from './replayMetrics';
import { BAR_TICKS, MAX_BARS, resetSeries, series, type Bar } from './series';
import { useFloor } from './store';
import { useReplay } from './store/replay';

/**
 * The replay bar's calls (docs/API.md, "Recordings and replay"). Opening a recording makes it the
 * floor: the floor store's `info` becomes the recording's (its id is the session id of the frames
 * and events the host relays), so the floor, board, charts and popovers draw the recorded moment
 * with the live code paths; the live session keeps running behind it and comes back with
 * `backToLive` (or is replaced by a fork). Failures become error toasts.
 */

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function fail(label: string, err: unknown): null {
  useFloor.getState().notify({ level: 'error', title: `${label} failed`, message: message(err) });
  return null;
}

/** The recording as a session the floor can show (its roster is the recorded one). */
function infoOf(s: ReplayState): SessionInfo | null {
  if (!s.roster) return null;
  return { sessionId: s.recording.id, config: s.recording.config, roster: s.roster, startedAt: s.recording.startedAt };
}

/** Forgets the decisions shown (they may be later than the moment now shown); popovers reload theirs. */
function forgetDecisions(): void {
  frames.decisions.clear();
  frames.decisionLog.clear();
  frames.linkedDecisions.clear();
  frames.decisionVersion++;
}

/** The open recording's bars per symbol (recording.bars, loaded once per open), for the charts. */
let recordedBars: { id: string; bars: Bar[][] } | null = null;

async function loadBars(id: string): Promise<void> {
  try {
    const rows = await call('recording.bars', { id });
    const bars: Bar[][] = [];
    // a recorded bar labelled T covers the ticks up to T: the chart's bar starting at T - BAR_TICKS
    for (const r of rows) (bars[r.symbol] ??= []).push({ time: r.tick - BAR_TICKS, open: r.open, high: r.high, low: r.low, close: r.close, volume: r.volume });
    recordedBars = { id, bars };
  } catch {
    recordedBars = null; // the charts then build from the moments shown, as live
  }
}

/** After a jump: the charts show the recorded bars up to the moment shown (not just the frames seen since). */
function backfillCharts(s: ReplayState): void {
  const rb = recordedBars;
  if (!rb || rb.id !== s.recording.id || series.sessionId !== s.recording.id) return;
  const upTo = s.tick - (s.tick % BAR_TICKS);
  for (let sym = 0; sym < series.bars.length; sym++) {
    const rec = (rb.bars[sym] ?? []).filter((b) => b.time < upTo);
    const cur = series.bars[sym] ?? [];
    const forming = cur.filter((b) => b.time >= upTo);
    series.bars[sym] = [...rec.slice(-MAX_BARS).map((b) => ({ ...b })), ...forming];
  }
  series.epoch++;
  series.version++;
}

/** Shows a replay state answered by the host; `jumped`: the moment moved other than one tick on. */
function show(s: ReplayState, jumped: boolean): void {
  if (jumped) forgetDecisions();
  useReplay.getState().setOpen(s, { jumped });
  if (jumped) {
    backfillCharts(s);
    backfillReplayEquity(s.tick);
  }
}

/** Replay commands run one after another (a jump back is several calls; a seek must not land in between). */
let queue: Promise<unknown> = Promise.resolve();
let queued = 0;

function serial<T>(fn: () => Promise<T>): Promise<T> {
  queued++;
  useReplay.getState().setBusy(true);
  const p = queue.then(fn, fn);
  queue = p.catch(() => undefined).finally(() => {
    if (--queued === 0) useReplay.getState().setBusy(false);
  });
  return p;
}

function run(label: string, jumped: boolean, fn: () => Promise<ReplayState>): Promise<ReplayState | null> {
  if (!useReplay.getState().open) return Promise.resolve(null);
  return serial(async () => {
    if (!useReplay.getState().open) return null;
    try {
      const s = await fn();
      show(s, jumped);
      return s;
    } catch (err) {
      return fail(label, err);
    }
  });
}

/** Makes an open replay the floor (after recording.open, or found open at start-up). */
async function enter(s: ReplayState): Promise<void> {
  const info = infoOf(s);
  if (!info) throw new Error(`Recording ${s.recording.id} has no roster: it cannot be shown on the floor.`);
  const r = useReplay.getState();
  const floor = useFloor.getState();
  // the live session behind it (keep the one already saved when switching recordings)
  if (!r.open && floor.info) r.setLiveInfo(floor.info);
  show(s, true);
  applyInfo(info);
  // the running session's own recording has its id: start the feed and charts afresh all the same
  floor.clearFeed();
  // the desk metrics (floor.metrics) are the live engine's: the leaderboard shows the recording's
  // (replayMetrics.ts, from its equity and fills at the moment shown)
  floor.setLeaderboard([]);
  freshSeries(info);
  void loadRecordingMetrics(s);
  if (recordedBars?.id !== s.recording.id) await loadBars(s.recording.id);
  backfillCharts(useReplay.getState().open ?? s);
  // live frames may have landed after the recorded moment: ask for it again, now that only the
  // recording's frames are drawn
  if (frames.batch?.sessionId !== s.recording.id) show(await call('recording.seek', { tick: s.tick }), false);
  try {
    useReplay.getState().setMarks(await call('recording.marks', { id: s.recording.id }));
  } catch (err) {
    fail('Load marks', err);
  }
}

function freshSeries(info: SessionInfo | null): void {
  const r = info?.roster;
  resetSeries(info?.sessionId ?? null, r ? r.agents.map((a) => a.desk) : [], r?.desks.length ?? 0, r?.symbols.length ?? 0);
}

/** Back to the live floor once the replay is closed (or forked). */
async function leave(): Promise<void> {
  useReplay.getState().setOpen(null);
  recordedBars = null;
  clearRecordingMetrics();
  // the recording's rows go; the live engine's come with the next floor.metrics (≤ 1 s)
  useFloor.getState().setLeaderboard([]);
  forgetDecisions();
  const info = await call('session.info', {});
  applyInfo(info);
  useFloor.getState().clearFeed();
  freshSeries(info);
  useReplay.getState().setLiveInfo(null);
  const s = await call('session.status', {});
  useFloor.getState().setStatus(s);
}

let polling: ReturnType<typeof setInterval> | null = null;

/** While playing, the host may stop at the end of the recording: ask it 2×/s. */
function watchPlayback(): void {
  const playing = useReplay.getState().open?.playing ?? false;
  if (playing && !polling) {
    polling = setInterval(() => {
      call('recording.state', {}).then(
        (s) => {
          const r = useReplay.getState();
          if (!r.open) return;
          if (!s) void leave();
          else if (s.recording.id === r.open.recording.id) r.setOpen(s);
        },
        () => undefined,
      );
    }, 500);
  } else if (!playing && polling) {
    clearInterval(polling);
    polling = null;
  }
}
useReplay.subscribe(watchPlayback);

export const replay = {
  async listRecordings(): Promise<void> {
    try {
      useReplay.getState().setRecordings(await call('recording.list', { limit: 200 }));
    } catch (err) {
      useReplay.getState().setRecordings(null, message(err));
    }
  },
  openDialog(): void {
    useReplay.getState().setDialog(true);
    void replay.listRecordings();
  },
  open(id: string): Promise<boolean> {
    return serial(async () => {
      try {
        const s = await call('recording.open', { id });
        await enter(s);
        useReplay.getState().setDialog(false);
        return true;
      } catch (err) {
        fail('Open recording', err);
        return false;
      }
    });
  },
  /** "Back to live": closes the replay; the floor shows the live session again. */
  backToLive(): Promise<void> {
    return serial(async () => {
      try {
        await call('recording.close', {});
        await leave();
      } catch (err) {
        fail('Back to live', err);
      }
    });
  },
  play: () => run('Play', false, () => call('recording.play', {})),
  pause: () => run('Pause', false, () => call('recording.pause', {})),
  async togglePlay(): Promise<void> {
    const o = useReplay.getState().open;
    if (!o) return;
    if (o.playing) await replay.pause();
    else {
      // at the end: play again from the start
      if (useFloor.getState().tick >= o.recording.lastTick) await replay.seek(o.recording.firstTick);
      await replay.play();
    }
  },
  setSpeed: (speed: Speed) => run('Set replay speed', false, () => call('recording.setSpeed', { speed })),
  step: (delta: 1 | -1) => run(delta > 0 ? 'Step forward' : 'Step back', delta < 0, () => call('recording.step', { delta })),
  seek: (tick: number) => run('Seek', true, () => call('recording.seek', { tick: Math.max(0, Math.round(tick)) })),
  jump: (dir: 'next' | 'prev') =>
    run(dir === 'next' ? 'Next mark' : 'Previous mark', true, async () => {
      const s = await call('recording.jump', { dir });
      const before = useReplay.getState().open?.tick;
      // just after a mark, "previous" finds that same mark (the tick shown is the one after it):
      // step behind it and ask again
      if (dir === 'prev' && s.mark && s.tick === before && s.tick > s.recording.firstTick) {
        await call('recording.seek', { tick: s.tick - 1 });
        const again = await call('recording.jump', { dir });
        // none before it: stay where we were
        return again.mark ? again : call('recording.seek', { tick: s.tick });
      }
      return s;
    }),
  /** "Fork from here": a new live session from the moment shown becomes the floor. */
  fork(): Promise<Result | null> {
    return serial(async () => {
      if (!useReplay.getState().open) return null;
      try {
        const res = await call('recording.fork', {});
        await call('recording.close', {});
        await leave();
        useFloor.getState().notify({ level: 'info', title: 'Forked', message: `Live session ${res.sessionId.slice(0, 12)} continues from tick ${res.tick}.` });
        return res;
      } catch (err) {
        return fail('Fork', err);
      }
    });
  },
  async rename(id: string, name: string | null): Promise<void> {
    try {
      await call('recording.rename', { id, name });
    } catch (err) {
      fail('Rename', err);
    }
    await replay.listRecordings();
  },
  async tag(id: string, add: string[], remove: string[]): Promise<void> {
    try {
      await call('recording.tag', { id, add, remove });
    } catch (err) {
      fail('Tag', err);
    }
    await replay.listRecordings();
  },
  async remove(id: string): Promise<void> {
    try {
      await call('recording.delete', { id });
    } catch (err) {
      fail('Delete recording', err);
    }
    await replay.listRecordings();
  },
  async compare(a: string, b: string): Promise<void> {
    const r = useReplay.getState();
    r.setCompare({ a, b, result: null, error: null });
    try {
      const result = await call('recording.compare', { a, b });
      useReplay.getState().setCompare({ a, b, result, error: null });
    } catch (err) {
      useReplay.getState().setCompare({ a, b, result: null, error: message(err) });
    }
  },
  closeCompare(): void {
    useReplay.getState().setCompare(null);
  },
  /** Finds a replay the host already has open (a reload, a reconnect) and shows it. */
  async sync(): Promise<void> {
    try {
      const s = await call('recording.state', {});
      const open = useReplay.getState().open;
      if (s) await enter(s);
      else if (open) await leave();
    } catch {
      // no library: there is nothing to replay
    }
  },
};

type Result = { sessionId: string; parentId: string; tick: number };

/**
 * An agent's decisions for the popover's timeline: live, its recent history (agent.history); in a
 * replay, the recorded decisions made before the moment shown (a decision stamped tick t is made in
 * the step that ends at t + 1).
 */
export async function loadTimeline(agent: number, limit = 50): Promise<void> {
  const open = useReplay.getState().open;
  if (!open) return commands.loadAgentHistory(agent, limit);
  // the tick the host answered last (while playing, the latest frame's)
  const tick = open.playing ? Math.max(open.tick, useFloor.getState().tick) : open.tick;
  const events = await call('recording.events', { fromTick: 0, toTick: Math.max(0, tick - 1), types: ['decision'], agent, limit });
  recordDecisions(events.filter((e): e is DecisionEvent => e.type === 'decision' && e.agent === agent));
}

/** Re-enters a replay after every (re)connection's boot: the host keeps it open across reloads. */
export function installReplaySync(): () => void {
  let prev = useFloor.getState().phase;
  if (prev === 'ready') void replay.sync();
  return useFloor.subscribe((s) => {
    if (s.phase === 'ready' && prev !== 'ready') void replay.sync();
    prev = s.phase;
  });
}

/** Floor time of a tick: m:ss or h:mm:ss (1× speed = TICK_MS per tick). */
export function floorTime(tick: number): string {
  const s = Math.floor((Math.max(0, tick) * TICK_MS) / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
