/**
 * worker_threads entry of the simulation. Receives HostToSim messages, owns the tick loop and posts
 * SimToHost messages: `ready` after `init`, one `batch` per SIM_BATCH_MS while running (latest frame
 * with its buffers transferred, the per-tick last/volume series row-major [tick][symbol], the events
 * drained since the previous batch), `inputAccepted` with the tick an input applies at, `paused`,
 * `stopped`, and `error` (message + stack) if anything throws inside the loop — the loop then stops.
 *
 * Speed s runs 20·s ticks per wall second (catching up on late timers, at most one second's worth at
 * once); 'max' runs ticks in slices of a few milliseconds, yielding with setImmediate so messages are
 * still handled between slices. A historical session (init carries its bars) runs at s × real bar
 * time instead (ticksPerSecond in src-shared/config.ts), posts an empty batch at least every
 * HEARTBEAT_MS while running (a daily bar at 1× is one tick per 24 minutes: the host must not think
 * it stalled), and when its data ends posts the last batch and `ended`, and runs no more ticks.
 *
 * Test hook: if the environment variable BULLPEN_SIM_CRASH_AT_TICK is set to N, the loop throws
 * Error('simulated engine fault at tick N') when it reaches tick N. It exists only so the host's
 * crash handling can be tested end to end; it is never set in normal use.
 */
import { parentPort } from 'node:worker_threads';
import { ticksPerSecond, type SessionConfig, type Speed } from '../../src-shared/config';
import { allocFrame, frameTransferables, type Frame } from '../../src-shared/frame';
import type { Input } from '../../src-shared/inputs';
import type { CrowdInspection, EngineMetrics, SimQuery } from '../../src-shared/inspect';
import type { ScenarioState } from '../../src-shared/scenario';
import { SIM_BATCH_MS, type HostToSim, type RecordSpec, type SimBatch, type SimToHost } from '../../src-shared/worker-protocol';
import { Engine } from './engine';
import { restore, snapshot } from './snapshot';

const MAX_SLICE_MS = 8;
/** historical sessions: longest silence while running */
const HEARTBEAT_MS = 1000;
/** when the last batch was actually posted (lastBatchAt also moves when there was nothing to post) */
let lastPostAt = 0;

const port = parentPort;
if (!port) throw new Error('sim.worker must run inside a worker thread');

const crashEnv = process.env.BULLPEN_SIM_CRASH_AT_TICK;
const crashAt = crashEnv !== undefined && crashEnv !== '' && Number.isFinite(Number(crashEnv)) ? Number(crashEnv) : -1;

let engine: Engine | null = null;
let running = false;
let speed: Speed = 1;
let timer: ReturnType<typeof setTimeout> | null = null;
let immediate: ReturnType<typeof setImmediate> | null = null;
let lastBatchAt = 0;
let tickDebt = 0;
let lastRunAt = 0;
let failed = false;
const pendingInputs: Array<{ id: number; input: Input }> = [];
// per-tick series since the last batch
let series: number[] = [];
let seriesVol: number[] = [];
let fromTick = 0;
// recording: keyframes and desk-equity samples since the last batch
let record: RecordSpec | null = null;
let keyframes: Array<{ tick: number; bytes: Uint8Array }> = [];
/** back-pressure: the host's recorder is behind, run no ticks until it catches up */
let throttled = false;
let sampleAt: number[] = [];
let equity: number[] = [];

function recordTick(e: Engine): void {
  if (!record) return;
  const t = e.tick;
  if (t % record.keyframeEvery === 0) keyframes.push({ tick: t, bytes: snapshot(e) });
  if (t % record.sampleTicks === 0) {
    sampleAt.push(t);
    for (let d = 0; d < e.desks.D; d++) equity.push(e.desks.deskEquity(e, d));
  }
}

function post(msg: SimToHost, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(msg, transfer);
}

function fail(err: unknown): void {
  failed = true;
  running = false;
  clearTimers();
  const e = err instanceof Error ? err : new Error(String(err));
  post({ type: 'error', message: e.message, ...(e.stack ? { stack: e.stack } : {}) });
}

function clearTimers(): void {
  if (timer) clearTimeout(timer);
  if (immediate) clearImmediate(immediate);
  timer = null;
  immediate = null;
}

/**
 * A deploy grows the floor (a desk, its agents): what happened before it goes out in its own batch,
 * so a batch's frame and desk-equity samples never mix two floor sizes.
 */
function apply(e: Engine, input: Input): void {
  if (input.kind === 'deploy') flush(e);
  e.applyInput(input);
}

function stepOnce(e: Engine): void {
  while (pendingInputs.length > 0) {
    const p = pendingInputs.shift()!;
    apply(e, p.input);
  }
  if (crashAt >= 0 && e.tick === crashAt) throw new Error(`simulated engine fault at tick ${crashAt}`);
  e.step();
  const S = e.S;
  for (let s = 0; s < S; s++) {
    series.push(e.last[s] as number);
    seriesVol.push(e.tickVolume[s] as number);
  }
  recordTick(e);
}

function flush(e: Engine): void {
  const toTick = e.tick;
  const events = e.drainEvents();
  // nothing new at all: no batch (a batch with no ticks but events has fromTick = toTick + 1)
  const heartbeat = e.historical !== null && running && performance.now() - lastPostAt >= HEARTBEAT_MS;
  if (series.length === 0 && events.length === 0 && keyframes.length === 0 && !heartbeat) {
    lastBatchAt = performance.now();
    return;
  }
  const frame: Frame = allocFrame({ symbols: e.S, agents: e.agentsN, crowd: e.crowdN });
  e.writeFrame(frame);
  const seriesLast = Float64Array.from(series);
  const seriesVolume = Float64Array.from(seriesVol);
  series = [];
  seriesVol = [];
  const transfer: ArrayBuffer[] = [...frameTransferables(frame), seriesLast.buffer, seriesVolume.buffer];
  const batch: SimBatch = { fromTick: fromTick + 1, toTick, latest: frame, seriesLast, seriesVolume, events, postedAt: Date.now() };
  if (record) {
    batch.keyframes = keyframes;
    const st = Int32Array.from(sampleAt);
    const eq = Float64Array.from(equity);
    batch.sampleTicks = st;
    batch.deskEquity = eq;
    for (const k of keyframes) transfer.push(k.bytes.buffer as ArrayBuffer);
    transfer.push(st.buffer, eq.buffer);
    keyframes = [];
    sampleAt = [];
    equity = [];
  }
  post({ type: 'batch', batch }, transfer);
  fromTick = toTick;
  lastBatchAt = performance.now();
  lastPostAt = lastBatchAt;
}

function loop(): void {
  timer = null;
  immediate = null;
  const e = engine;
  if (!e || !running || failed || throttled) return;
  try {
    const now = performance.now();
    const sliceEnd = now + MAX_SLICE_MS;
    if (speed === 'max') {
      do stepOnce(e);
      while (!e.finished && performance.now() < sliceEnd && performance.now() - lastBatchAt < SIM_BATCH_MS);
    } else {
      const rate = ticksPerSecond(e.config.market, speed);
      // (at most one second's worth, but at least one tick: a slow historical rate is below 1 tick/s)
      tickDebt = Math.min(tickDebt + ((now - lastRunAt) / 1000) * rate, Math.max(rate, 1));
      lastRunAt = now;
      while (tickDebt >= 1 && !e.finished && performance.now() < sliceEnd) {
        stepOnce(e);
        tickDebt -= 1;
      }
    }
    if (e.finished) {
      end(e);
      return;
    }
    if (performance.now() - lastBatchAt >= SIM_BATCH_MS) flush(e);
  } catch (err) {
    fail(err);
    return;
  }
  if (speed === 'max') immediate = setImmediate(loop);
  else timer = setTimeout(loop, Math.max(1, Math.min(SIM_BATCH_MS, 1000 / ticksPerSecond(e.config.market, speed))));
}

/** The data of a historical session has ended: the last batch (with the engine's alert), then `ended`. */
function end(e: Engine): void {
  running = false;
  clearTimers();
  flush(e);
  post({ type: 'ended', tick: e.tick, reason: `historical data ended at tick ${e.tick}` });
}

function start(): void {
  if (!engine || running || failed) return;
  if (engine.finished) {
    // a fork taken after the last bar: nothing left to run
    end(engine);
    return;
  }
  running = true;
  lastRunAt = performance.now();
  lastBatchAt = lastRunAt;
  lastPostAt = lastRunAt;
  tickDebt = 0;
  loop();
}

/** Answers a host query from the engine's current state; a bad question is the asker's error, not a crash. */
function answer(e: Engine, id: number, query: SimQuery): SimToHost {
  if (query.kind === 'metrics') {
    const result: EngineMetrics = e.metrics();
    return { type: 'queryResult', id, result };
  }
  if (query.kind === 'scenarios') {
    const result: ScenarioState = e.scenarios.state();
    return { type: 'queryResult', id, result };
  }
  if (!Number.isInteger(query.index) || query.index < 0 || query.index >= e.crowdN) {
    return { type: 'queryError', id, message: `no crowd trader ${query.index}: the crowd has ${e.crowdN} traders (0–${e.crowdN - 1})` };
  }
  const result: CrowdInspection = e.inspectCrowd(query.index);
  return { type: 'queryResult', id, result };
}

port.on('message', (msg: HostToSim) => {
  try {
    switch (msg.type) {
      case 'init': {
        clearTimers();
        running = false;
        failed = false;
        pendingInputs.length = 0;
        const config: SessionConfig = msg.config;
        speed = config.speed;
        const opts = msg.bars ? { historical: msg.bars } : {};
        engine = msg.state ? restore(msg.state, config, opts) : new Engine(config, opts);
        fromTick = engine.tick;
        series = [];
        seriesVol = [];
        record = msg.record ?? null;
        keyframes = [];
        sampleAt = [];
        equity = [];
        // the first keyframe: the state the session starts from (tick 0, or the fork's tick)
        if (record) keyframes.push({ tick: engine.tick, bytes: snapshot(engine) });
        post({ type: 'ready', roster: engine.roster });
        break;
      }
      case 'run':
        start();
        break;
      case 'pause':
        running = false;
        clearTimers();
        if (engine) {
          if (!failed) flush(engine);
          post({ type: 'paused', tick: engine.tick });
        }
        break;
      case 'throttle':
        throttled = msg.on;
        clearTimers();
        if (engine && !failed) {
          if (throttled) flush(engine);
          else if (running) {
            tickDebt = 0;
            lastRunAt = performance.now();
            loop();
          }
        }
        break;
      case 'speed':
        speed = msg.speed;
        tickDebt = 0;
        lastRunAt = performance.now();
        if (running) {
          clearTimers();
          loop();
        }
        break;
      case 'input': {
        if (!engine) throw new Error('input before init');
        pendingInputs.push({ id: msg.id, input: msg.input });
        post({ type: 'inputAccepted', id: msg.id, tick: engine.tick });
        if (!running && !failed) {
          // paused: apply at this tick boundary right away so the host sees its event
          while (pendingInputs.length > 0) apply(engine, pendingInputs.shift()!.input);
          flush(engine);
        }
        break;
      }
      case 'query': {
        if (!engine) throw new Error('query before init');
        post(answer(engine, msg.id, msg.query));
        break;
      }
      case 'stop':
        running = false;
        clearTimers();
        post({ type: 'stopped', tick: engine ? engine.tick : 0 });
        port.close();
        break;
    }
  } catch (err) {
    fail(err);
  }
});
