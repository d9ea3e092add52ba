import { randomUUID } from 'node:crypto';
import type { Worker } from 'node:worker_threads';
import { ApiError, type SessionInfo, type SessionStatus, type PushMessage, type WorkerHealth } from '../../src-shared/api';
import { SessionConfig, withMarketShape, type HistoricalMarket, type SessionConfigInput, type Speed } from '../../src-shared/config';
import type { BullpenEvent, EventType } from '../../src-shared/events';
import type { FrameBatch } from '../../src-shared/frame';
import { DeployInput, type Input } from '../../src-shared/inputs';
import { CrowdInspection, EngineMetrics, type SimQuery } from '../../src-shared/inspect';
import { ScenarioState } from '../../src-shared/scenario';
import type { Roster } from '../../src-shared/roster';
import type { HistoricalBars, HostToSim, RecordSpec, SimBatch } from '../../src-shared/worker-protocol';
import { liveView } from './live-view';
import { Ring } from './ring';
import { parseSimMessage, type ParsedSimMessage } from './sim-messages';
import { planDeployment, rosterAfterDeploy } from '../../src-workers/sim/policy-agents';

/** Creates the sim worker (plain Node: node-worker.ts; Electron: the bundled worker path). */
export type WorkerFactory = () => Worker;

/** Where a forked session comes from: its parent recording and the tick it was forked at. */
export interface ForkOrigin {
  parentId: string;
  tick: number;
  /** the engine snapshot at that tick (src-workers/sim/snapshot.ts) */
  state: Uint8Array;
}

/**
 * Where the host records each session's start and end (the library database). A full recorder
 * (src-main/store/recorder.ts) also takes every batch: the optional methods.
 */
export interface SessionRecorder {
  recordSessionStart(rec: { id: string; config: SessionConfig; appVersion: string; startedAt: string; parent?: { id: string; tick: number } }): void;
  recordSessionEnd(id: string, status: 'stopped' | 'crashed', endedAt: string): void;
  /** keyframe and sample intervals the worker should produce (null: recording is off) */
  recordSpec?(): RecordSpec | null;
  recordRoster?(id: string, roster: Roster): void;
  /** the full stream of one batch (never the thinned live view) */
  recordBatch?(id: string, batch: SimBatch, events: readonly BullpenEvent[]): void;
  recordingStatus?(): SessionStatus['recording'];
}

export interface SessionHostOptions {
  workerFactory: WorkerFactory;
  recorder?: SessionRecorder;
  appVersion?: string;
  /** a running, unpaused worker that posts no batch for this long is declared stalled (crashed) */
  stallTimeoutMs?: number;
  /** a worker that has not answered `init` with `ready` within this long is declared crashed */
  startTimeoutMs?: number;
  /** how long pause/input/stop wait for the worker's acknowledgement */
  replyTimeoutMs?: number;
  /** capacity of the recent-events ring */
  recentEvents?: number;
  /** decisions kept per featured agent */
  agentHistory?: number;
  /** period of status pushes while a session is live */
  statusIntervalMs?: number;
  /** diagnostics (default: stderr) */
  log?: (line: string) => void;
  /** clock, for tests */
  now?: () => number;
  /**
   * the bars of a historical session (config.market.kind 'historical'), from the library's cache
   * (src-main/host/historical-bars.ts); throws an ApiError for a missing series or an empty range.
   * Without it, historical sessions are refused.
   */
  loadBars?: (market: HistoricalMarket) => HistoricalBars;
}

const RATE_WINDOW_MS = 1000;

interface RateSample {
  t: number;
  ticks: number;
  events: number;
}

interface Waiter<T> {
  resolve: (v: T) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

interface Run {
  id: string;
  config: SessionConfig;
  startedAt: string;
  worker: Worker;
  roster: Roster | null;
  health: WorkerHealth;
  error: string | null;
  paused: boolean;
  speed: Speed;
  tick: number;
  /** set once the run has ended (stopped or crashed): later worker noise is ignored */
  ended: boolean;
  /** set while a stop was asked for, so the worker's exit is not a crash */
  stopping: boolean;
  spawnedAt: number;
  lastBatchAt: number;
  /** when rate measurement (re)started: run start or resume */
  measureFrom: number;
  samples: RateSample[];
  /** resolves on `ready`; its timeout is the watchdog's start timeout */
  ready: { resolve: (r: Roster) => void; reject: (e: Error) => void } | null;
  pauseWaiters: Waiter<number>[];
  stopWaiter: Waiter<number> | null;
  inputWaiters: Map<number, Waiter<number>>;
  /** read-only questions to the worker (crowd inspection, metrics), by request id */
  queryWaiters: Map<number, Waiter<unknown>>;
  nextInputId: number;
  /** how late the last batch reached the host (ms), and whether the worker is held back for the recorder */
  deliveryLagMs: number;
  throttled: boolean;
  /** the highest recording lag seen, and when: the status shows it for a second so a blip is visible */
  peakLagMs: number;
  peakLagAt: number;
}

/** Back-pressure: hold the engine back when recording falls this far behind (ms) … */
export const BACKPRESSURE_ON_MS = 1000;
/** … and let it go when it is back under this. */
export const BACKPRESSURE_OFF_MS = 300;

type FramesListener = (batch: FrameBatch) => void;
type PushListener = (msg: PushMessage) => void;

function noSession(message = 'No session is running; start one with session.start.'): ApiError {
  return new ApiError({ code: 'no_session', message });
}

function internal(message: string): ApiError {
  return new ApiError({ code: 'internal', message });
}

/**
 * Runs one simulation session at a time in a worker thread: starts it, supervises it (crash, exit,
 * stall → health 'crashed' with the reason, never a silent hang), relays its frame batches and
 * events to listeners with the session id stamped on, keeps recent events and per-agent decision
 * history, and measures tick/frame/event rates.
 */
export class SessionHost {
  private readonly opts: Required<Omit<SessionHostOptions, 'recorder' | 'loadBars'>> & { recorder: SessionRecorder | null; loadBars: SessionHostOptions['loadBars'] };
  private run: Run | null = null;
  private lastConfig: SessionConfig | null = null;
  private lastTick = 0;
  private stoppedHealth: WorkerHealth = 'idle';
  /** why the last start failed before a run existed */
  private startError: string | null = null;
  private readonly recent: Ring<BullpenEvent>;
  private readonly decisions = new Map<number, Ring<BullpenEvent>>();
  private readonly framesListeners = new Set<FramesListener>();
  private readonly pushListeners = new Set<PushListener>();
  private readonly watchdog: NodeJS.Timeout;
  private lastStatusPush = 0;
  /** serialises start/stop/restart */
  private lifecycle: Promise<unknown> = Promise.resolve();
  private disposed = false;

  constructor(options: SessionHostOptions) {
    this.opts = {
      workerFactory: options.workerFactory,
      recorder: options.recorder ?? null,
      appVersion: options.appVersion ?? 'unknown',
      stallTimeoutMs: options.stallTimeoutMs ?? 5000,
      startTimeoutMs: options.startTimeoutMs ?? 20_000,
      replyTimeoutMs: options.replyTimeoutMs ?? 5000,
      recentEvents: options.recentEvents ?? 5000,
      agentHistory: options.agentHistory ?? 500,
      statusIntervalMs: options.statusIntervalMs ?? 500,
      log: options.log ?? ((line: string) => process.stderr.write(`[host] ${line}\n`)),
      now: options.now ?? (() => performance.now()),
      loadBars: options.loadBars,
    };
    this.recent = new Ring<BullpenEvent>(this.opts.recentEvents);
    const period = Math.max(20, Math.min(250, Math.floor(this.opts.stallTimeoutMs / 4), this.opts.statusIntervalMs));
    this.watchdog = setInterval(() => this.tickWatchdog(), period);
    this.watchdog.unref();
  }

  // ---- listeners --------------------------------------------------------------------------------

  onFrames(cb: FramesListener): () => void {
    this.framesListeners.add(cb);
    return () => this.framesListeners.delete(cb);
  }

  onPush(cb: PushListener): () => void {
    this.pushListeners.add(cb);
    return () => this.pushListeners.delete(cb);
  }

  /** Sends a message to every client (the host's own pushes, and services': training, tournaments). */
  publish(msg: PushMessage): void {
    for (const cb of this.pushListeners) {
      try {
        cb(msg);
      } catch (err) {
        this.opts.log(`push listener failed: ${(err as Error).message}`);
      }
    }
  }

  private pushStatus(): void {
    this.lastStatusPush = this.opts.now();
    this.publish({ push: 'status', status: this.status() });
  }

  /**
   * Sends a frame batch and its events to the listeners as if they came from a session: a replay
   * (src-main/replay/service.ts) shows recorded moments this way, under the recording's id.
   */
  relay(frames: FrameBatch, events: readonly BullpenEvent[] = []): void {
    for (const cb of this.framesListeners) {
      try {
        cb(frames);
      } catch (err) {
        this.opts.log(`frames listener failed: ${(err as Error).message}`);
      }
    }
    if (events.length > 0) this.publish({ push: 'events', ...liveView([...events]) });
  }

  // ---- lifecycle --------------------------------------------------------------------------------

  /** Starts a new session (stopping the current one first). Resolves once the worker is running. */
  start(config: SessionConfigInput = {}): Promise<SessionInfo> {
    return this.serialise(() => this.startNow(SessionConfig.parse(config)));
  }

  /** Starts a new live session from a recorded moment (see src-main/replay): a fork of `origin.parentId`. */
  fork(config: SessionConfig, origin: ForkOrigin): Promise<SessionInfo> {
    return this.serialise(() => this.startNow(SessionConfig.parse(config), origin));
  }

  /** Starts the last session's configuration again, in a fresh worker, under a new session id. */
  restart(): Promise<SessionInfo> {
    return this.serialise(async () => {
      const config = this.run?.config ?? this.lastConfig;
      if (!config) throw noSession('There is no session to restart; start one with session.start.');
      return this.startNow(config);
    });
  }

  /** Stops the current session and its worker. */
  stop(): Promise<{ ok: true }> {
    return this.serialise(async () => {
      if (!this.run) throw noSession();
      await this.stopNow();
      return { ok: true as const };
    });
  }

  /** Stops everything and releases timers; the host cannot be used afterwards. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    await this.serialise(async () => {
      if (this.run) await this.stopNow();
    }).catch(() => undefined);
    this.disposed = true;
    clearInterval(this.watchdog);
    this.framesListeners.clear();
    this.pushListeners.clear();
  }

  private serialise<T>(fn: () => Promise<T>): Promise<T> {
    if (this.disposed) return Promise.reject(internal('The session host has been shut down.'));
    const p = this.lifecycle.then(fn, fn);
    this.lifecycle = p.catch(() => undefined);
    return p;
  }

  /**
   * A historical session's bars, loaded before anything else happens (a bad series leaves the current
   * session running); the config gets one symbol per series and the exact range replayed, so its
   * recording can be replayed from the cache.
   */
  private historicalBars(config: SessionConfig): { config: SessionConfig; bars?: HistoricalBars } {
    const market = config.market;
    if (market.kind !== 'historical') return { config };
    const load = this.opts.loadBars;
    if (!load) throw new ApiError({ code: 'bad_request', message: 'Historical sessions need the library (its market data cache), and this host has none.' });
    let bars: HistoricalBars;
    try {
      bars = load(market);
    } catch (err) {
      if (err instanceof ApiError) throw err;
      throw internal(`Could not load the historical bars: ${(err as Error).message}`);
    }
    const since = bars.ts[0] as number;
    const until = bars.ts[bars.ts.length - 1] as number;
    return { config: withMarketShape({ ...config, market: { ...market, since, until } }), bars };
  }

  private async startNow(requested: SessionConfig, origin?: ForkOrigin): Promise<SessionInfo> {
    const { config, bars } = this.historicalBars(requested);
    if (this.run) await this.stopNow();
    this.recent.clear();
    this.decisions.clear();
    this.lastConfig = config;
    const now = this.opts.now();
    let worker: Worker;
    try {
      worker = this.opts.workerFactory();
    } catch (err) {
      this.stoppedHealth = 'crashed';
      this.startError = `Could not start the sim worker: ${(err as Error).message}`;
      this.pushStatus();
      throw internal(this.startError);
    }
    this.startError = null;
    const run: Run = {
      id: randomUUID(),
      config,
      startedAt: new Date().toISOString(),
      worker,
      roster: null,
      health: 'starting',
      error: null,
      paused: false,
      speed: config.speed,
      tick: 0,
      ended: false,
      stopping: false,
      spawnedAt: now,
      lastBatchAt: now,
      measureFrom: now,
      samples: [],
      ready: null,
      pauseWaiters: [],
      stopWaiter: null,
      inputWaiters: new Map(),
      queryWaiters: new Map(),
      nextInputId: 1,
      deliveryLagMs: 0,
      throttled: false,
      peakLagMs: 0,
      peakLagAt: 0,
    };
    this.run = run;
    this.lastTick = 0;
    worker.on('message', (raw: unknown) => this.onWorkerMessage(run, raw));
    worker.on('error', (err: Error) => this.crash(run, `sim worker threw: ${err.message}`));
    worker.on('exit', (code: number) => {
      if (!run.ended && !run.stopping) this.crash(run, `sim worker exited unexpectedly (exit code ${code})`);
      else if (run.stopWaiter) this.settle(run.stopWaiter, run.tick, run, 'stop');
    });
    try {
      this.opts.recorder?.recordSessionStart({
        id: run.id,
        config,
        appVersion: this.opts.appVersion,
        startedAt: run.startedAt,
        ...(origin ? { parent: { id: origin.parentId, tick: origin.tick } } : {}),
      });
    } catch (err) {
      this.opts.log(`could not record session start: ${(err as Error).message}`);
    }
    this.pushStatus();
    const ready = new Promise<Roster>((resolve, reject) => {
      run.ready = { resolve, reject };
    });
    let record: RecordSpec | null = null;
    try {
      record = this.opts.recorder?.recordSpec?.() ?? null;
    } catch (err) {
      this.opts.log(`recording is off: ${(err as Error).message}`);
    }
    this.post(run, { type: 'init', config, ...(record ? { record } : {}), ...(origin ? { state: origin.state } : {}), ...(bars ? { bars } : {}) });
    const roster = await ready;
    run.roster = roster;
    try {
      this.opts.recorder?.recordRoster?.(run.id, roster);
    } catch (err) {
      this.opts.log(`could not record the roster: ${(err as Error).message}`);
    }
    run.health = 'running';
    run.lastBatchAt = this.opts.now();
    run.measureFrom = run.lastBatchAt;
    this.post(run, { type: 'run' });
    const info = this.infoOf(run);
    this.publish({ push: 'session', info });
    this.pushStatus();
    return info;
  }

  private async stopNow(): Promise<void> {
    const run = this.run;
    if (!run) return;
    if (!run.ended) {
      run.stopping = true;
      const stopped = new Promise<number>((resolve, reject) => {
        run.stopWaiter = {
          resolve,
          reject,
          timer: setTimeout(() => resolve(run.tick), this.opts.replyTimeoutMs),
        };
      });
      this.post(run, { type: 'stop' });
      await stopped.catch(() => undefined);
      this.endRun(run, 'stopped', null);
    }
    this.lastTick = run.tick;
    this.run = null;
    this.stoppedHealth = 'stopped';
    this.startError = null;
    this.publish({ push: 'session', info: null });
    this.pushStatus();
  }

  /** Ends a run: rejects whatever waits on it, terminates its worker, records the end. */
  private endRun(run: Run, how: 'stopped' | 'crashed', error: string | null): void {
    if (run.ended) return;
    run.ended = true;
    run.health = how;
    run.error = error;
    run.paused = false;
    run.samples = [];
    const reason = internal(error ?? 'The session was stopped.');
    if (run.ready) {
      run.ready.reject(reason);
      run.ready = null;
    }
    for (const w of run.pauseWaiters) {
      clearTimeout(w.timer);
      w.reject(reason);
    }
    run.pauseWaiters = [];
    for (const w of run.inputWaiters.values()) {
      clearTimeout(w.timer);
      w.reject(reason);
    }
    run.inputWaiters.clear();
    for (const w of run.queryWaiters.values()) {
      clearTimeout(w.timer);
      w.reject(reason);
    }
    run.queryWaiters.clear();
    if (run.stopWaiter) {
      clearTimeout(run.stopWaiter.timer);
      run.stopWaiter.resolve(run.tick);
      run.stopWaiter = null;
    }
    void run.worker.terminate().catch(() => undefined);
    try {
      this.opts.recorder?.recordSessionEnd(run.id, how, new Date().toISOString());
    } catch (err) {
      this.opts.log(`could not record session end: ${(err as Error).message}`);
    }
  }

  private crash(run: Run, message: string): void {
    if (run.ended || run !== this.run) return;
    this.opts.log(`session ${run.id} crashed at tick ${run.tick}: ${message}`);
    this.endRun(run, 'crashed', message);
    this.pushStatus();
  }

  private tickWatchdog(): void {
    const run = this.run;
    const now = this.opts.now();
    if (run && !run.ended) {
      if (run.health === 'starting' && now - run.spawnedAt > this.opts.startTimeoutMs) {
        this.crash(run, `sim worker did not become ready within ${this.opts.startTimeoutMs} ms`);
        return;
      }
      if (run.throttled && this.recordingLag(run) < BACKPRESSURE_OFF_MS) {
        run.throttled = false;
        run.lastBatchAt = now;
        this.post(run, { type: 'throttle', on: false });
      }
      if (run.health === 'running' && !run.paused && !run.throttled && now - run.lastBatchAt > this.opts.stallTimeoutMs) {
        this.crash(run, `sim worker stalled: no frames for ${Math.round(now - run.lastBatchAt)} ms (limit ${this.opts.stallTimeoutMs} ms)`);
        return;
      }
      if (now - this.lastStatusPush >= this.opts.statusIntervalMs) this.pushStatus();
    }
  }

  private post(run: Run, msg: HostToSim): void {
    if (run.ended) return;
    try {
      run.worker.postMessage(msg);
    } catch (err) {
      this.crash(run, `could not message the sim worker: ${(err as Error).message}`);
    }
  }

  private settle<T>(w: Waiter<T>, v: T, run: Run, kind: 'stop'): void {
    clearTimeout(w.timer);
    w.resolve(v);
    if (kind === 'stop') run.stopWaiter = null;
  }

  // ---- worker messages --------------------------------------------------------------------------

  private onWorkerMessage(run: Run, raw: unknown): void {
    if (run.ended || run !== this.run) return;
    const parsed = parseSimMessage(raw);
    if (!parsed.ok) {
      this.crash(run, `sim worker sent a malformed message (${parsed.error})`);
      return;
    }
    const msg: ParsedSimMessage = parsed.msg;
    switch (msg.type) {
      case 'ready':
        if (run.ready) {
          const w = run.ready;
          run.ready = null;
          w.resolve(msg.roster);
        }
        break;
      case 'batch':
        this.onBatch(run, msg.batch);
        break;
      case 'queryResult':
      case 'queryError': {
        const w = run.queryWaiters.get(msg.id);
        if (w) {
          run.queryWaiters.delete(msg.id);
          clearTimeout(w.timer);
          if (msg.type === 'queryResult') w.resolve(msg.result);
          else w.reject(new ApiError({ code: 'bad_request', message: msg.message }));
        }
        break;
      }
      case 'inputAccepted': {
        const w = run.inputWaiters.get(msg.id);
        if (w) {
          run.inputWaiters.delete(msg.id);
          clearTimeout(w.timer);
          w.resolve(msg.tick);
        }
        break;
      }
      case 'paused': {
        run.tick = Math.max(run.tick, msg.tick);
        const waiters = run.pauseWaiters;
        run.pauseWaiters = [];
        for (const w of waiters) {
          clearTimeout(w.timer);
          w.resolve(msg.tick);
        }
        break;
      }
      case 'stopped':
        run.tick = Math.max(run.tick, msg.tick);
        if (run.stopWaiter) this.settle(run.stopWaiter, msg.tick, run, 'stop');
        break;
      case 'ended':
        // the session ran out of historical data: stopped, not crashed; the floor stays on show
        run.tick = Math.max(run.tick, msg.tick);
        this.opts.log(`session ${run.id} ended: ${msg.reason}`);
        this.endRun(run, 'stopped', null);
        this.pushStatus();
        break;
      case 'error':
        this.crash(run, `sim engine error: ${msg.message}`);
        break;
    }
  }

  private onBatch(run: Run, b: SimBatch): void {
    const now = this.opts.now();
    run.lastBatchAt = now;
    run.tick = b.toTick;
    // a trained policy deployed as a desk grew the floor: publish the roster before the frames that show it
    for (const e of b.events) if (e.type === 'input') this.onDeployApplied(run, e.input);
    run.samples.push({ t: now, ticks: b.toTick - b.fromTick + 1, events: b.events.length });
    this.pruneSamples(run, now);
    const sessionId = run.id;
    const frames: FrameBatch = {
      sessionId,
      fromTick: b.fromTick,
      toTick: b.toTick,
      latest: b.latest,
      seriesLast: b.seriesLast,
      seriesVolume: b.seriesVolume,
    };
    for (const cb of this.framesListeners) {
      try {
        cb(frames);
      } catch (err) {
        this.opts.log(`frames listener failed: ${(err as Error).message}`);
      }
    }
    const events = b.events.length > 0 ? b.events.map((e) => ({ ...e, sessionId }) as BullpenEvent) : [];
    if (this.opts.recorder?.recordBatch) {
      try {
        this.opts.recorder.recordBatch(sessionId, b, events);
      } catch (err) {
        this.opts.log(`recording failed: ${(err as Error).message}`);
      }
      // back-pressure: a disk (or a host thread) that falls behind holds the engine back; nothing is dropped
      run.deliveryLagMs = b.postedAt !== undefined ? Math.max(0, Date.now() - b.postedAt) : 0;
      const lag = this.recordingLag(run);
      if (lag >= run.peakLagMs || now - run.peakLagAt > RATE_WINDOW_MS) {
        run.peakLagMs = lag;
        run.peakLagAt = now;
      }
      if (!run.throttled && this.recordingLag(run) > BACKPRESSURE_ON_MS) {
        run.throttled = true;
        this.opts.log(`recording is ${Math.round(this.recordingLag(run))} ms behind: holding the engine back until it catches up`);
        this.post(run, { type: 'throttle', on: true });
      }
    }
    if (events.length > 0) {
      for (const e of events) {
        this.recent.push(e);
        if (e.type === 'decision') {
          let ring = this.decisions.get(e.agent);
          if (!ring) {
            ring = new Ring<BullpenEvent>(this.opts.agentHistory);
            this.decisions.set(e.agent, ring);
          }
          ring.push(e);
        }
      }
      this.publish({ push: 'events', ...liveView(events) });
    }
  }

  private pruneSamples(run: Run, now: number): void {
    const cutoff = now - RATE_WINDOW_MS;
    let drop = 0;
    while (drop < run.samples.length && (run.samples[drop] as RateSample).t <= cutoff) drop++;
    if (drop > 0) run.samples.splice(0, drop);
  }

  // ---- commands ---------------------------------------------------------------------------------

  private liveRun(): Run {
    const run = this.run;
    if (!run) throw noSession();
    if (run.health === 'crashed') throw noSession(`The session crashed (${run.error ?? 'unknown error'}); use session.restart.`);
    if (run.health === 'stopped') throw noSession('The session has ended: its historical data ran out. Start a new one with session.start.');
    if (run.health !== 'running') throw noSession('The session is still starting.');
    return run;
  }

  async pause(): Promise<SessionStatus> {
    const run = this.liveRun();
    if (run.paused) return this.status();
    const paused = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        run.pauseWaiters = run.pauseWaiters.filter((w) => w.timer !== timer);
        const message = `sim worker stalled: it did not acknowledge pause within ${this.opts.replyTimeoutMs} ms`;
        reject(internal(message));
        // an unresponsive worker is a stalled one: say so instead of leaving it 'running'
        this.crash(run, message);
      }, this.opts.replyTimeoutMs);
      run.pauseWaiters.push({ resolve, reject, timer });
    });
    this.post(run, { type: 'pause' });
    await paused;
    run.paused = true;
    this.pushStatus();
    return this.status();
  }

  async resume(): Promise<SessionStatus> {
    const run = this.liveRun();
    if (run.paused) {
      run.paused = false;
      const now = this.opts.now();
      run.lastBatchAt = now;
      run.measureFrom = now;
      run.samples = [];
      this.post(run, { type: 'run' });
      this.pushStatus();
    }
    return this.status();
  }

  async setSpeed(speed: Speed): Promise<SessionStatus> {
    const run = this.liveRun();
    run.speed = speed;
    const now = this.opts.now();
    run.measureFrom = now;
    run.samples = [];
    this.post(run, { type: 'speed', speed });
    this.pushStatus();
    return this.status();
  }

  /** The engine applied a deploy input: the same plan on the host's roster (policy-agents.ts), recorded and published. */
  private onDeployApplied(run: Run, raw: unknown): void {
    if (!run.roster || (raw as { kind?: unknown } | null)?.kind !== 'deploy') return;
    const input = DeployInput.safeParse(raw);
    if (!input.success) return;
    const plan = planDeployment(input.data, run.roster);
    if (typeof plan === 'string') return; // the engine refused it too (with an alert)
    run.roster = rosterAfterDeploy(run.roster, input.data, plan);
    try {
      this.opts.recorder?.recordRoster?.(run.id, run.roster);
    } catch (err) {
      this.opts.log(`could not record the roster: ${(err as Error).message}`);
    }
    this.publish({ push: 'session', info: this.infoOf(run) });
  }

  /** Queues an input; resolves with the tick at whose start it applies. */
  async input(input: Input): Promise<{ tick: number }> {
    const run = this.liveRun();
    const id = run.nextInputId++;
    const accepted = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        run.inputWaiters.delete(id);
        const message = `sim worker stalled: it did not accept an input within ${this.opts.replyTimeoutMs} ms`;
        reject(internal(message));
        this.crash(run, message);
      }, this.opts.replyTimeoutMs);
      run.inputWaiters.set(id, { resolve, reject, timer });
    });
    this.post(run, { type: 'input', id, input });
    return { tick: await accepted };
  }

  /** One crowd trader as the engine sees it now: type, position, P&L, last order and why. */
  async inspectCrowd(index: number): Promise<CrowdInspection> {
    return CrowdInspection.parse(await this.query({ kind: 'crowd', index }));
  }

  /** Per-agent, per-desk and floor metrics (P&L, Sharpe, Sortino, drawdown, win rate, …). */
  async metrics(): Promise<EngineMetrics> {
    return EngineMetrics.parse(await this.query({ kind: 'metrics' }));
  }

  /** Scheduled scenarios and shocks, halts in force, breaker rules and live market parameters. */
  async scenarioState(): Promise<ScenarioState> {
    return ScenarioState.parse(await this.query({ kind: 'scenarios' }));
  }

  /** Asks the worker between ticks; a worker that does not answer in time is declared stalled. */
  private query(query: SimQuery): Promise<unknown> {
    const run = this.liveRun();
    const id = run.nextInputId++;
    const answered = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        run.queryWaiters.delete(id);
        const message = `sim worker stalled: it did not answer a query within ${this.opts.replyTimeoutMs} ms`;
        reject(internal(message));
        this.crash(run, message);
      }, this.opts.replyTimeoutMs);
      run.queryWaiters.set(id, { resolve, reject, timer });
    });
    this.post(run, { type: 'query', id, query });
    return answered;
  }

  // ---- queries ----------------------------------------------------------------------------------

  status(): SessionStatus {
    const run = this.run;
    if (!run) {
      return {
        sessionId: null,
        health: this.stoppedHealth,
        paused: false,
        speed: this.lastConfig?.speed ?? 1,
        tick: this.lastTick,
        tickRate: 0,
        frameRate: 0,
        eventRate: 0,
        agents: 0,
        crowd: 0,
        error: this.stoppedHealth === 'crashed' ? this.startError : null,
        ...this.recordingField(),
      };
    }
    const now = this.opts.now();
    this.pruneSamples(run, now);
    let ticks = 0;
    let events = 0;
    for (const s of run.samples) {
      ticks += s.ticks;
      events += s.events;
    }
    // over the last second, or since measuring began if that is more recent (at least 250 ms)
    const seconds = Math.max(0.25, Math.min(RATE_WINDOW_MS, now - run.measureFrom) / 1000);
    const round = (x: number): number => Math.round(x * 10) / 10;
    return {
      sessionId: run.id,
      health: run.health,
      paused: run.paused,
      speed: run.speed,
      tick: run.tick,
      tickRate: round(ticks / seconds),
      frameRate: round(run.samples.length / seconds),
      eventRate: round(events / seconds),
      agents: run.roster?.agents.length ?? 0,
      crowd: run.roster?.crowdTypes.length ?? run.config.crowd,
      error: run.error,
      ...this.recordingField(),
    };
  }

  /** the recording lag: the recorder's oldest uncommitted event, or how late batches reach the host */
  private recordingLag(run: Run): number {
    const r = this.opts.recorder?.recordingStatus?.();
    if (!r || r.state !== 'recording') return 0;
    return Math.max(r.lagMs, run.throttled ? 0 : run.deliveryLagMs);
  }

  private recordingField(): { recording?: SessionStatus['recording'] } {
    const r = this.opts.recorder?.recordingStatus?.();
    if (!r) return {};
    const run = this.run;
    if (!run || run.ended) return { recording: r };
    const peak = this.opts.now() - run.peakLagAt <= RATE_WINDOW_MS ? run.peakLagMs : 0;
    return { recording: { ...r, lagMs: Math.round(Math.max(r.lagMs, run.deliveryLagMs, peak)), backpressure: run.throttled } };
  }

  private infoOf(run: Run): SessionInfo {
    if (!run.roster) throw internal('The session has no roster yet.');
    return { sessionId: run.id, config: run.config, roster: run.roster, startedAt: run.startedAt };
  }

  /** The current session (also while crashed, so the floor can still be shown); null when none. */
  info(): SessionInfo | null {
    const run = this.run;
    return run && run.roster ? this.infoOf(run) : null;
  }

  /** Up to `limit` most recent events (optionally of some types), oldest first. */
  recentEvents(limit: number, types?: readonly EventType[]): BullpenEvent[] {
    if (!types || types.length === 0) return this.recent.latest(limit);
    const set = new Set<string>(types);
    return this.recent.latest(limit, (e) => set.has(e.type));
  }

  /** Up to `limit` most recent decisions of featured agent `agent`, oldest first. */
  agentHistory(agent: number, limit: number): BullpenEvent[] {
    return this.decisions.get(agent)?.latest(limit) ?? [];
  }

  /** The session id and whether a session is live (for transports). */
  get sessionId(): string | null {
    return this.run?.id ?? null;
  }
}
