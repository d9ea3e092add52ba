import type { EngineEvent } from '../../src-shared/events';
import type { Input } from '../../src-shared/inputs';
import { Engine, type EngineOptions } from '../../src-workers/sim/engine';
import { restore, restoreInto } from '../../src-workers/sim/snapshot';
import { engineBarsFor } from '../host/historical-bars';
import type { Library } from '../store/library';
import { getRecording, keyframeAtOrBefore, readInputs, type RecordingInfo } from '../store/recordings';

/**
 * A position in a recording, as a live Engine: seek(T) restores the nearest keyframe at or before T
 * and re-simulates forward with the recorded inputs (applied at the start of their tick, in order),
 * so the engine is exactly the recorded one at T — frames, books, and every featured agent's reasoning
 * at that moment. Stepping forward or seeking a little ahead continues from the current engine.
 */
export class ReplayCursor {
  readonly rec: RecordingInfo;
  private readonly lib: Library;
  private readonly inputs = new Map<number, Input[]>();
  private engine: Engine | null = null;
  /** a historical recording's bars, reloaded from the cache (src-main/host/historical-bars.ts) */
  private readonly engineOpts: EngineOptions;

  constructor(lib: Library, ref: string) {
    this.lib = lib;
    this.rec = getRecording(lib, ref);
    this.engineOpts = engineBarsFor(lib.db, this.rec.config);
    for (const r of readInputs(lib, this.rec.id)) {
      const list = this.inputs.get(r.tick);
      if (list) list.push(r.input);
      else this.inputs.set(r.tick, [r.input]);
    }
  }

  get firstTick(): number {
    return this.rec.firstTick;
  }

  /** the last tick recorded (for a live recording: when the cursor was opened) */
  get lastTick(): number {
    return this.rec.lastTick;
  }

  get tick(): number {
    return this.engine?.tick ?? this.rec.firstTick;
  }

  /** The engine at exactly `tick` (clamped to the recording). Events of the re-simulated ticks go to `onEvents`. */
  seek(tick: number, onEvents?: (events: EngineEvent[]) => void): Engine {
    const target = Math.max(this.firstTick, Math.min(this.lastTick, Math.floor(tick)));
    let e = this.engine;
    if (!e || e.tick > target || target - e.tick > this.rec.keyframeEvery) {
      const kf = keyframeAtOrBefore(this.lib, this.rec.id, target);
      // reuse the engine we have (no new allocations: steadier seek times); a fresh one the first time
      if (kf) e = e ? restoreInto(e, kf.bytes) : restore(kf.bytes, this.rec.config, this.engineOpts);
      else if (this.rec.parentId === null && this.rec.firstTick === 0) e = new Engine(this.rec.config, this.engineOpts);
      else throw new Error(`Recording ${this.rec.id} has no keyframe at or before tick ${target}.`);
      this.engine = e;
    }
    advance(e, target, this.inputs, onEvents);
    return e;
  }

  step(delta: 1 | -1, onEvents?: (events: EngineEvent[]) => void): Engine {
    return this.seek(this.tick + delta, onEvents);
  }

  /** the engine as it is now (seek first) */
  current(): Engine {
    return this.engine ?? this.seek(this.firstTick);
  }
}

/** Steps `e` to `target`, applying the inputs recorded for each tick first (as the sim worker does). */
export function advance(e: Engine, target: number, inputs: ReadonlyMap<number, readonly Input[]>, onEvents?: (events: EngineEvent[]) => void): void {
  while (e.tick < target) {
    const list = inputs.get(e.tick);
    if (list) for (const i of list) e.applyInput(i);
    e.step();
    const ev = e.drainEvents();
    if (onEvents && ev.length > 0) onEvents(ev);
  }
}
