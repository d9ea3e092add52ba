import type { SessionConfig } from '../../src-shared/config';
import { allocFrame } from '../../src-shared/frame';
import type { BullpenEvent } from '../../src-shared/events';
import type { Input } from '../../src-shared/inputs';
import type { RecordSpec, SimBatch } from '../../src-shared/worker-protocol';
import { Engine } from '../../src-workers/sim/engine';
import { snapshot } from '../../src-workers/sim/snapshot';

/**
 * Drives an Engine in this thread exactly as the sim worker does when recording (inputs at the start
 * of a tick, a keyframe every `keyframeEvery` ticks and at the start, desk equity every `sampleTicks`),
 * and hands out SimBatches — for tests and benchmarks of the recorder without a worker.
 */
export class EngineFeed {
  readonly engine: Engine;
  readonly sessionId: string;
  private readonly spec: RecordSpec | null;
  private pendingKeyframes: Array<{ tick: number; bytes: Uint8Array }> = [];
  private pendingInputs: Input[] = [];

  constructor(sessionId: string, config: SessionConfig, spec: RecordSpec | null, engine?: Engine) {
    this.sessionId = sessionId;
    this.engine = engine ?? new Engine(config);
    this.spec = spec;
    if (spec) this.pendingKeyframes.push({ tick: this.engine.tick, bytes: snapshot(this.engine) });
  }

  input(i: Input): void {
    this.pendingInputs.push(i);
  }

  /** Runs `ticks` ticks and returns them as one batch plus its stamped events. */
  batch(ticks: number): { batch: SimBatch; events: BullpenEvent[] } {
    const e = this.engine;
    const S = e.S;
    const fromTick = e.tick + 1;
    const last = new Float64Array(ticks * S);
    const vol = new Float64Array(ticks * S);
    const sampleAt: number[] = [];
    const equity: number[] = [];
    const keyframes = this.pendingKeyframes;
    this.pendingKeyframes = [];
    for (let k = 0; k < ticks; k++) {
      for (const i of this.pendingInputs) e.applyInput(i);
      this.pendingInputs = [];
      e.step();
      for (let s = 0; s < S; s++) {
        last[k * S + s] = e.last[s] as number;
        vol[k * S + s] = e.tickVolume[s] as number;
      }
      if (this.spec) {
        if (e.tick % this.spec.keyframeEvery === 0) keyframes.push({ tick: e.tick, bytes: snapshot(e) });
        if (e.tick % this.spec.sampleTicks === 0) {
          sampleAt.push(e.tick);
          for (let d = 0; d < e.desks.D; d++) equity.push(e.desks.deskEquity(e, d));
        }
      }
    }
    const frame = allocFrame({ symbols: S, agents: e.agentsN, crowd: e.crowdN });
    e.writeFrame(frame);
    const engineEvents = e.drainEvents();
    const batch: SimBatch = { fromTick, toTick: e.tick, latest: frame, seriesLast: last, seriesVolume: vol, events: engineEvents };
    if (this.spec) {
      batch.keyframes = keyframes;
      batch.sampleTicks = Int32Array.from(sampleAt);
      batch.deskEquity = Float64Array.from(equity);
    }
    const events = engineEvents.map((ev) => ({ ...ev, sessionId: this.sessionId }) as BullpenEvent);
    return { batch, events };
  }
}
