import { z } from 'zod';
import { SessionConfig, Speed } from './config';
import { BullpenEvent, EVENT_TYPES } from './events';
import { Input } from './inputs';
import {
  BreakerConfig,
  DIFFICULTY_NAMES,
  Difficulty,
  InjectParams,
  InjectResult,
  MarketParams,
  Scenario,
  ScenarioReport,
  ScenarioState,
  ScenarioSummary,
} from './scenario';
import { Roster } from './roster';
import { recordingApiSchemas } from './recording';
import { TrainingPush, trainingApiSchemas } from './training-api';
import { dataApiSchemas } from './data-api';
import { TournamentPush, tournamentApiSchemas } from './tournament-api';
import { CrowdInspection, EngineMetrics } from './inspect';
import type { FrameBatch } from './frame';

/**
 * FloorApi: every command and query the renderer (or any client) can send to the host. Each method
 * has a params schema and a result schema; the host validates params before acting and the clients
 * may validate results. Both transports (Electron IPC, WebSocket) carry exactly these envelopes.
 */

/** Requests larger than this (serialised) are refused before parsing. */
export const MAX_REQUEST_BYTES = 64 * 1024;

export const WorkerHealth = z.enum(['idle', 'starting', 'running', 'crashed', 'stopped']);
export type WorkerHealth = z.infer<typeof WorkerHealth>;

/**
 * The recorder's state, shown on the floor: `lagMs` is how far the oldest event not yet committed to
 * disk is behind (0 when all is on disk); `failed` says recording stopped (disk full, read-only file)
 * while the floor kept running — what was committed stays readable.
 */
export const RecordingStatus = z.object({
  state: z.enum(['off', 'recording', 'failed']),
  lagMs: z.number().nonnegative(),
  pendingEvents: z.number().int().nonnegative(),
  committedEvents: z.number().int().nonnegative(),
  error: z.string().nullable(),
  /** true while the host holds the engine back so the disk can catch up (nothing is dropped) */
  backpressure: z.boolean().optional(),
});
export type RecordingStatus = z.infer<typeof RecordingStatus>;

export const SessionStatus = z.object({
  sessionId: z.string().nullable(),
  health: WorkerHealth,
  paused: z.boolean(),
  speed: Speed,
  tick: z.number().int().nonnegative(),
  /** measured over the last second */
  tickRate: z.number().nonnegative(),
  frameRate: z.number().nonnegative(),
  eventRate: z.number().nonnegative(),
  agents: z.number().int().nonnegative(),
  crowd: z.number().int().nonnegative(),
  error: z.string().nullable(),
  /** absent when the host has no recorder */
  recording: RecordingStatus.optional(),
});
export type SessionStatus = z.infer<typeof SessionStatus>;

export const SessionInfo = z.object({
  sessionId: z.string(),
  config: SessionConfig,
  roster: Roster,
  startedAt: z.string(),
});
export type SessionInfo = z.infer<typeof SessionInfo>;

export const AppInfo = z.object({
  name: z.literal('Bullpen'),
  version: z.string(),
  transport: z.enum(['ipc', 'websocket', 'direct']),
  dataDir: z.string(),
  dbPath: z.string(),
});
export type AppInfo = z.infer<typeof AppInfo>;

const Empty = z.object({}).strict();
const Ok = z.object({ ok: z.literal(true) });

export const apiSchemas = {
  'app.info': { params: Empty, result: AppInfo },
  'session.start': { params: z.object({ config: SessionConfig.partial().strict().optional() }).strict(), result: SessionInfo },
  'session.stop': { params: Empty, result: Ok },
  'session.restart': { params: Empty, result: SessionInfo },
  'session.pause': { params: Empty, result: SessionStatus },
  'session.resume': { params: Empty, result: SessionStatus },
  'session.setSpeed': { params: z.object({ speed: Speed }).strict(), result: SessionStatus },
  'session.status': { params: Empty, result: SessionStatus },
  'session.info': { params: Empty, result: SessionInfo.nullable() },
  'session.input': { params: z.object({ input: Input }).strict(), result: z.object({ tick: z.number().int() }) },
  'events.recent': {
    params: z.object({ limit: z.number().int().min(1).max(1000).default(200), types: z.array(z.enum(EVENT_TYPES)).optional() }).strict(),
    result: z.array(BullpenEvent),
  },
  'crowd.inspect': { params: z.object({ index: z.number().int().nonnegative() }).strict(), result: CrowdInspection },
  'floor.metrics': { params: Empty, result: EngineMetrics },
  'agent.history': {
    params: z.object({ agent: z.number().int().nonnegative(), limit: z.number().int().min(1).max(500).default(50) }).strict(),
    result: z.array(BullpenEvent),
  },
  // ---- crisis scenarios, live market parameters, breakers, difficulty (docs/SCENARIOS.md) ----
  'scenario.list': { params: Empty, result: z.array(ScenarioSummary) },
  'scenario.get': { params: z.object({ name: z.string().min(1).max(80) }).strict(), result: Scenario },
  'scenario.inject': { params: InjectParams, result: InjectResult },
  'scenario.cancel': {
    params: z.object({ id: z.number().int().nonnegative(), shock: z.number().int().nonnegative().optional() }).strict(),
    result: z.object({ tick: z.number().int() }),
  },
  'scenario.active': { params: Empty, result: ScenarioState },
  'scenario.reports': { params: z.object({ limit: z.number().int().min(1).max(100).default(20) }).strict(), result: z.array(ScenarioReport) },
  'market.setParams': { params: MarketParams, result: z.object({ tick: z.number().int(), inputs: z.number().int() }) },
  'breakers.configure': { params: z.object({ config: BreakerConfig }).strict(), result: z.object({ tick: z.number().int() }) },
  'difficulty.list': { params: Empty, result: z.array(Difficulty) },
  'difficulty.apply': { params: z.object({ name: z.enum(DIFFICULTY_NAMES), seed: z.number().int().min(0).max(0xffff_ffff).optional() }).strict(), result: SessionInfo },
  // recordings and replay (src-shared/recording.ts)
  ...recordingApiSchemas,
  // training runs and deployment (src-shared/training-api.ts)
  ...trainingApiSchemas,
  // cached market data, CSV import (src-shared/data-api.ts)
  ...dataApiSchemas,
  // tournaments (src-shared/tournament-api.ts)
  ...tournamentApiSchemas,
} as const;

export type ApiSchemas = typeof apiSchemas;
export type Method = keyof ApiSchemas;
export const METHODS = Object.keys(apiSchemas) as Method[];
export type Params<M extends Method> = z.input<ApiSchemas[M]['params']>;
export type ParsedParams<M extends Method> = z.output<ApiSchemas[M]['params']>;
export type Result<M extends Method> = z.output<ApiSchemas[M]['result']>;

export const ErrorCode = z.enum([
  'bad_request',
  'unknown_method',
  'payload_too_large',
  'no_session',
  /** recording.* when there is no library, no open replay, or no such recording */
  'no_recording',
  'unauthorized',
  /** the command changes a live session and the floor is showing a recording (fork it first) */
  'not_live',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ApiErrorBody = z.object({
  code: ErrorCode,
  message: z.string(),
  /** field paths and messages for bad_request */
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly issues: ApiErrorBody['issues'];
  constructor(body: ApiErrorBody) {
    super(body.message);
    this.name = 'ApiError';
    this.code = body.code;
    this.issues = body.issues;
  }
  toBody(): ApiErrorBody {
    return { code: this.code, message: this.message, ...(this.issues ? { issues: this.issues } : {}) };
  }
}

export const RequestEnvelope = z
  .object({ id: z.number().int().nonnegative(), method: z.string().max(64), params: z.unknown().optional() })
  .strict();
export type RequestEnvelope = z.infer<typeof RequestEnvelope>;

export const ResponseEnvelope = z.union([
  z.object({ id: z.number().int(), ok: z.literal(true), result: z.unknown() }),
  z.object({ id: z.number().int(), ok: z.literal(false), error: ApiErrorBody }),
]);
export type ResponseEnvelope = z.infer<typeof ResponseEnvelope>;

/** Server-pushed JSON messages (frames travel separately, as binary). */
export const PushMessage = z.discriminatedUnion('push', [
  /**
   * The live view of the event stream. At high speed the host thins it per batch (see
   * src-main/host/live-view.ts) and says how many events it left out; the full stream stays
   * queryable (`events.recent`, `agent.history`) and is what gets recorded.
   */
  z.object({ push: z.literal('events'), events: z.array(BullpenEvent), skipped: z.number().int().nonnegative().default(0) }),
  z.object({ push: z.literal('status'), status: SessionStatus }),
  z.object({ push: z.literal('session'), info: SessionInfo.nullable() }),
  TrainingPush,
  TournamentPush,
]);
export type PushMessage = z.infer<typeof PushMessage>;

/** What the renderer sees, whichever transport implements it. */
export interface FloorApi {
  call<M extends Method>(method: M, params: Params<M>): Promise<Result<M>>;
  onFrames(cb: (batch: FrameBatch) => void): () => void;
  onPush(cb: (msg: PushMessage) => void): () => void;
}

/** Turns zod issues into the stable, readable form sent back to clients. */
export function issuesOf(err: z.ZodError): NonNullable<ApiErrorBody['issues']> {
  return err.issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message }));
}

export function badRequest(message: string, err?: z.ZodError): ApiError {
  return new ApiError({ code: 'bad_request', message, ...(err ? { issues: issuesOf(err) } : {}) });
}

/**
 * What the Electron preload exposes to the renderer as `window.bullpen` (contextBridge). The renderer
 * uses it when present and the WebSocket otherwise; both carry the same envelopes and messages.
 * Frames arrive as structured-cloned typed arrays (not transferred ArrayBuffers).
 */
export interface BullpenBridge {
  request(env: RequestEnvelope): Promise<ResponseEnvelope>;
  /** returns an unsubscribe function */
  onFrames(cb: (batch: FrameBatch) => void): () => void;
  /** returns an unsubscribe function */
  onPush(cb: (msg: PushMessage) => void): () => void;
}
