import type { SessionConfig, Speed } from './config';
import type { EngineEvent } from './events';
import type { Frame } from './frame';
import type { Input } from './inputs';
import type { SimQuery } from './inspect';
import type { Roster } from './roster';

/**
 * Messages between the host and the simulation worker. The worker owns the tick loop and batches:
 * it posts at most one `batch` per ~33 ms, carrying the latest frame (buffers transferred), the
 * per-tick series and the events of every tick since the previous batch.
 */
export type HostToSim =
  /**
   * `record`: take a keyframe (engine snapshot) every `keyframeEvery` ticks and sample each desk's
   * equity every `sampleTicks` ticks, carried in the batches. `state`: start from this engine snapshot
   * (a fork) instead of from the seed.
   */
  | { type: 'init'; config: SessionConfig; record?: RecordSpec; state?: Uint8Array; bars?: HistoricalBars }
  | { type: 'run' }
  | { type: 'pause' }
  | { type: 'speed'; speed: Speed }
  /** back-pressure from the recorder: while on, the loop runs no ticks (not a pause: no reply) */
  | { type: 'throttle'; on: boolean }
  | { type: 'input'; id: number; input: Input }
  /** a read-only question answered between ticks with `queryResult` or `queryError` */
  | { type: 'query'; id: number; query: SimQuery }
  | { type: 'stop' };

export interface SimBatch {
  fromTick: number;
  toTick: number;
  latest: Frame;
  seriesLast: Float64Array;
  seriesVolume: Float64Array;
  events: EngineEvent[];
  /** when recording: engine snapshots taken at the end of `tick` (src-workers/sim/snapshot.ts) */
  keyframes?: Array<{ tick: number; bytes: Uint8Array }>;
  /** when recording: ticks of the equity samples, and per sample one equity per desk (row-major) */
  sampleTicks?: Int32Array;
  deskEquity?: Float64Array;
  /** Date.now() when the worker posted the batch: the host measures how far behind it is */
  postedAt?: number;
}

/**
 * The bars of a historical session (config.market.kind 'historical'), loaded by the host from the
 * library and handed to the engine in `init`: one column set per floor symbol, all on the same bar
 * clock `ts` (bar start, ms UTC). The engine keeps them private (src-workers/sim/historical.ts).
 */
export interface HistoricalBars {
  /** length of one bar in ms (the series' common timeframe) */
  barMs: number;
  ts: Float64Array;
  series: Array<{ name: string; open: Float64Array; high: Float64Array; low: Float64Array; close: Float64Array; volume: Float64Array }>;
}

export interface RecordSpec {
  keyframeEvery: number;
  sampleTicks: number;
}

export type SimToHost =
  | { type: 'ready'; roster: Roster }
  | { type: 'batch'; batch: SimBatch }
  /** an input was queued; it applies at the start of `tick` */
  | { type: 'inputAccepted'; id: number; tick: number }
  | { type: 'paused'; tick: number }
  | { type: 'queryResult'; id: number; result: unknown }
  | { type: 'queryError'; id: number; message: string }
  | { type: 'stopped'; tick: number }
  /** the session ended by itself (historical data ran out): the worker runs no more ticks */
  | { type: 'ended'; tick: number; reason: string }
  | { type: 'error'; message: string; stack?: string };

/** Wall-clock interval between batches the worker posts. */
export const SIM_BATCH_MS = 33;
