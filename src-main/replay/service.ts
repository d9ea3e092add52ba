import { ApiError } from '../../src-shared/api';
import { ticksPerSecond, type Speed } from '../../src-shared/config';
import type { BullpenEvent, EngineEvent, EventType } from '../../src-shared/events';
import { allocFrame, type FrameBatch } from '../../src-shared/frame';
import type { RecordingComparison, RecordingMark, RecordingSummary, ReplayState } from '../../src-shared/recording';
import { snapshot } from '../../src-workers/sim/snapshot';
import type { SessionHost } from '../host/session-host';
import { exportBullpen, exportTables, importBullpen } from '../store/export';
import type { Library } from '../store/library';
import {
  adjacentMark,
  deleteRecording,
  getRecording,
  listRecordings,
  readBars,
  readEquity,
  readEvents,
  readMarks,
  renameRecording,
  tagRecording,
  vacuumLibrary,
  type BarRow,
  type EquityRow,
  type MarkKind,
  type RecordingInfo,
} from '../store/recordings';
import { compareRecordings } from './compare';
import { ReplayCursor } from './cursor';

/** Wall-clock period of the replay loop (one FrameBatch per period while playing). */
export const REPLAY_FRAME_MS = 33;
/** At speed 'max' the replay re-simulates for at most this long per period. */
const MAX_SLICE_MS = 25;

function noRecording(message: string): ApiError {
  return new ApiError({ code: 'no_recording', message });
}

function summary(r: RecordingInfo): RecordingSummary {
  const { roster: _roster, keyframeEvery: _k, sampleTicks: _s, ...rest } = r;
  return rest;
}

/**
 * The recordings side of the API: library management, and one open replay whose moments are
 * streamed through the host's frame and event listeners (session id = the recording's id), so the
 * renderer shows a recorded moment with the same types as a live one. Playback re-simulates
 * forward from the current engine; seeking restores the nearest keyframe (src-main/replay/cursor.ts).
 */
export class RecordingService {
  private cursor: ReplayCursor | null = null;
  private playing = false;
  private speed: Speed = 1;
  private timer: NodeJS.Timeout | null = null;
  private lastRun = 0;
  private debt = 0;
  private lastMark: RecordingMark | null = null;

  constructor(
    private readonly lib: Library,
    private readonly host: SessionHost,
  ) {}

  private get(ref: string): RecordingInfo {
    try {
      return getRecording(this.lib, ref);
    } catch (err) {
      throw noRecording((err as Error).message);
    }
  }

  private open_(): ReplayCursor {
    if (!this.cursor) throw noRecording('No recording is open; open one with recording.open.');
    return this.cursor;
  }

  list(limit: number): RecordingSummary[] {
    return listRecordings(this.lib, limit).map(summary);
  }

  state(): ReplayState | null {
    const c = this.cursor;
    if (!c) return null;
    return { recording: summary(c.rec), roster: c.rec.roster, tick: c.tick, playing: this.playing, speed: this.speed, mark: this.lastMark };
  }

  private stateNow(): ReplayState {
    const s = this.state();
    if (!s) throw noRecording('No recording is open.');
    return s;
  }

  open(id: string): ReplayState {
    const rec = this.get(id);
    this.close();
    this.cursor = new ReplayCursor(this.lib, rec.id);
    this.show([]);
    return this.stateNow();
  }

  close(): { ok: true } {
    this.pause();
    this.cursor = null;
    this.lastMark = null;
    return { ok: true };
  }

  /** Relays the engine's current moment (and the events re-simulated to reach it) to the host's listeners. */
  private show(events: EngineEvent[], series?: { last: number[]; volume: number[]; from: number }): void {
    const c = this.open_();
    const e = c.current();
    const frame = allocFrame({ symbols: e.S, agents: e.agentsN, crowd: e.crowdN });
    e.writeFrame(frame);
    const batch: FrameBatch = {
      sessionId: c.rec.id,
      fromTick: series ? series.from : e.tick,
      toTick: e.tick,
      latest: frame,
      seriesLast: Float64Array.from(series?.last ?? Array.from(e.last)),
      seriesVolume: Float64Array.from(series?.volume ?? Array.from(e.tickVolume)),
    };
    const stamped = events.map((ev) => ({ ...ev, sessionId: c.rec.id }) as BullpenEvent);
    this.host.relay(batch, stamped);
  }

  seek(tick: number): ReplayState {
    const c = this.open_();
    c.seek(tick);
    this.lastMark = null;
    this.show([]);
    return this.stateNow();
  }

  step(delta: 1 | -1): ReplayState {
    const c = this.open_();
    const events: EngineEvent[] = [];
    c.step(delta, (ev) => events.push(...ev));
    this.show(delta > 0 ? events : []);
    return this.stateNow();
  }

  jump(dir: 'next' | 'prev', kinds: readonly MarkKind[] = []): ReplayState {
    const c = this.open_();
    const m = adjacentMark(this.lib, c.rec.id, c.tick, dir === 'next' ? 1 : -1, kinds);
    if (m) {
      // a mark at tick t happened during the step that ends at t + 1
      c.seek(m.tick + 1);
      this.lastMark = m;
      this.show([]);
    }
    return this.stateNow();
  }

  play(): ReplayState {
    this.open_();
    if (!this.playing) {
      this.playing = true;
      this.lastRun = performance.now();
      this.debt = 0;
      this.timer = setInterval(() => this.loop(), REPLAY_FRAME_MS);
      this.timer.unref();
    }
    return this.stateNow();
  }

  pause(): ReplayState | null {
    this.playing = false;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    return this.state();
  }

  setSpeed(speed: Speed): ReplayState {
    this.open_();
    this.speed = speed;
    this.debt = 0;
    return this.stateNow();
  }

  private loop(): void {
    const c = this.cursor;
    if (!c || !this.playing) return;
    try {
      const now = performance.now();
      const e = c.current();
      const S = e.S;
      const last: number[] = [];
      const volume: number[] = [];
      const events: EngineEvent[] = [];
      const from = e.tick + 1;
      const collect = (ev: EngineEvent[]): void => {
        events.push(...ev);
      };
      const stepOne = (): void => {
        c.step(1, collect);
        for (let s = 0; s < S; s++) {
          last.push(e.last[s] as number);
          volume.push(e.tickVolume[s] as number);
        }
      };
      if (this.speed === 'max') {
        while (performance.now() - now < MAX_SLICE_MS && c.tick < c.lastTick) stepOne();
      } else {
        // a historical recording plays at speed × real bar time, as it ran (src-shared/config.ts)
        const rate = ticksPerSecond(c.rec.config.market, this.speed);
        this.debt = Math.min(this.debt + ((now - this.lastRun) / 1000) * rate, Math.max(rate, 1));
        while (this.debt >= 1 && c.tick < c.lastTick && performance.now() - now < MAX_SLICE_MS) {
          stepOne();
          this.debt -= 1;
        }
      }
      this.lastRun = now;
      if (last.length > 0) this.show(events, { last, volume, from });
      if (c.tick >= c.lastTick) this.pause();
    } catch (err) {
      this.pause();
      throw err;
    }
  }

  marks(id: string): RecordingMark[] {
    return readMarks(this.lib, this.get(id).id);
  }

  /** Events of the open recording between two ticks (e.g. an agent's decisions up to the moment shown). */
  events(fromTick: number, toTick: number, types: readonly EventType[] | undefined, agent: number | undefined, limit: number): BullpenEvent[] {
    const c = this.open_();
    let evs = readEvents(this.lib, c.rec.id, fromTick, toTick, types);
    if (agent !== undefined) evs = evs.filter((e) => 'agent' in e && e.agent === agent);
    return evs.slice(-limit);
  }

  bars(id: string, symbol?: number): BarRow[] {
    return readBars(this.lib, this.get(id).id, symbol);
  }

  equity(id: string): EquityRow[] {
    return readEquity(this.lib, this.get(id).id);
  }

  /** A new live session from the open recording at `tick` (default: the tick shown). */
  async fork(tick?: number): Promise<{ sessionId: string; parentId: string; tick: number }> {
    const c = this.open_();
    this.pause();
    const e = c.seek(tick ?? c.tick);
    const state = snapshot(e);
    const info = await this.host.fork(c.rec.config, { parentId: c.rec.id, tick: e.tick, state });
    return { sessionId: info.sessionId, parentId: c.rec.id, tick: e.tick };
  }

  compare(a: string, b: string): RecordingComparison {
    try {
      return compareRecordings(this.lib, a, b);
    } catch (err) {
      throw noRecording((err as Error).message);
    }
  }

  rename(id: string, name: string | null): RecordingSummary {
    renameRecording(this.lib, this.get(id).id, name);
    return summary(this.get(id));
  }

  tag(id: string, add: readonly string[], remove: readonly string[]): RecordingSummary {
    tagRecording(this.lib, this.get(id).id, add, remove);
    return summary(this.get(id));
  }

  delete(id: string): { ok: true } {
    const rec = this.get(id);
    if (this.cursor?.rec.id === rec.id) this.close();
    deleteRecording(this.lib, rec.id);
    return { ok: true };
  }

  vacuum(): { ok: true } {
    vacuumLibrary(this.lib);
    return { ok: true };
  }

  export(id: string, format: 'bullpen' | 'csv' | 'parquet', out: string): { files: Array<{ file: string; rows: number }> } {
    const rec = this.get(id);
    if (format === 'bullpen') {
      const r = exportBullpen(this.lib, rec.id, out);
      return { files: [{ file: out, rows: r.eventCount }] };
    }
    return { files: exportTables(this.lib, rec.id, format, out) };
  }

  import(file: string): { imported: string[]; skipped: string[] } {
    return importBullpen(this.lib, file);
  }

  dispose(): void {
    this.close();
  }
}
