import { z } from 'zod';
import { SessionConfig, Speed } from './config';
import { BullpenEvent, EVENT_TYPES } from './events';
import { Roster } from './roster';

/**
 * Recordings in the FloorApi (docs/API.md, docs/SCHEMA.md): list and manage the library's recorded
 * sessions, open one and move through it (play, pause, speed, step, seek, jump to marked events),
 * fork a new live session from a recorded tick, compare two forks, export and import. An open
 * replay streams the recorded moment as ordinary FrameBatches and event pushes whose session id is
 * the recording's id, so the floor, board, charts and popovers show it like a live session.
 */

export const RecordingSummary = z.object({
  id: z.string(),
  name: z.string().nullable(),
  tags: z.array(z.string()),
  seed: z.number().int(),
  config: SessionConfig,
  appVersion: z.string(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  status: z.enum(['running', 'stopped', 'crashed', 'interrupted']),
  parentId: z.string().nullable(),
  forkTick: z.number().int().nullable(),
  firstTick: z.number().int().nonnegative(),
  lastTick: z.number().int().nonnegative(),
  eventCount: z.number().int().nonnegative(),
  bytes: z.number().nonnegative(),
  error: z.string().nullable(),
});
export type RecordingSummary = z.infer<typeof RecordingSummary>;

export const MarkKind = z.enum(['input', 'halt', 'alert', 'trade']);
export const RecordingMark = z.object({ seq: z.number().int(), tick: z.number().int(), kind: MarkKind, label: z.string() });
export type RecordingMark = z.infer<typeof RecordingMark>;

export const ReplayState = z.object({
  recording: RecordingSummary,
  roster: Roster.nullable(),
  tick: z.number().int().nonnegative(),
  playing: z.boolean(),
  speed: Speed,
  /** the mark jumped to (recording.jump) */
  mark: RecordingMark.nullable(),
});
export type ReplayState = z.infer<typeof ReplayState>;

export const DeskCompare = z.object({
  desk: z.number().int(),
  name: z.string(),
  a: z.object({ pnl: z.number(), maxDrawdown: z.number(), finalEquity: z.number() }),
  b: z.object({ pnl: z.number(), maxDrawdown: z.number(), finalEquity: z.number() }),
  pnlDiff: z.number(),
  drawdownDiff: z.number(),
});

export const RecordingComparison = z.object({
  a: z.object({ id: z.string(), halts: z.number().int() }),
  b: z.object({ id: z.string(), halts: z.number().int() }),
  sharedParent: z.string(),
  desks: z.array(DeskCompare),
  curves: z.array(z.object({ tick: z.number().int(), desk: z.number().int(), a: z.number().nullable(), b: z.number().nullable() })),
});
export type RecordingComparison = z.infer<typeof RecordingComparison>;

const Id = z.object({ id: z.string().min(1).max(200) }).strict();
const Empty = z.object({}).strict();
const Ok = z.object({ ok: z.literal(true) });

export const recordingApiSchemas = {
  'recording.list': { params: z.object({ limit: z.number().int().min(1).max(10_000).default(500) }).strict(), result: z.array(RecordingSummary) },
  'recording.open': { params: Id, result: ReplayState },
  'recording.close': { params: Empty, result: Ok },
  'recording.state': { params: Empty, result: ReplayState.nullable() },
  'recording.play': { params: Empty, result: ReplayState },
  'recording.pause': { params: Empty, result: ReplayState },
  'recording.setSpeed': { params: z.object({ speed: Speed }).strict(), result: ReplayState },
  'recording.step': { params: z.object({ delta: z.union([z.literal(1), z.literal(-1)]) }).strict(), result: ReplayState },
  'recording.seek': { params: z.object({ tick: z.number().int().nonnegative() }).strict(), result: ReplayState },
  'recording.jump': { params: z.object({ dir: z.enum(['next', 'prev']), kinds: z.array(MarkKind).optional() }).strict(), result: ReplayState },
  'recording.marks': { params: Id, result: z.array(RecordingMark) },
  'recording.events': {
    params: z
      .object({
        fromTick: z.number().int().nonnegative(),
        toTick: z.number().int().nonnegative(),
        types: z.array(z.enum(EVENT_TYPES)).optional(),
        agent: z.number().int().nonnegative().optional(),
        limit: z.number().int().min(1).max(5000).default(500),
      })
      .strict(),
    result: z.array(BullpenEvent),
  },
  'recording.bars': {
    params: z.object({ id: z.string().min(1), symbol: z.number().int().nonnegative().optional() }).strict(),
    result: z.array(z.object({ symbol: z.number().int(), tick: z.number().int(), open: z.number(), high: z.number(), low: z.number(), close: z.number(), volume: z.number() })),
  },
  'recording.equity': { params: Id, result: z.array(z.object({ desk: z.number().int(), tick: z.number().int(), equity: z.number() })) },
  'recording.fork': { params: z.object({ tick: z.number().int().nonnegative().optional() }).strict(), result: z.object({ sessionId: z.string(), parentId: z.string(), tick: z.number().int() }) },
  'recording.compare': { params: z.object({ a: z.string().min(1), b: z.string().min(1) }).strict(), result: RecordingComparison },
  'recording.rename': { params: z.object({ id: z.string().min(1), name: z.string().max(200).nullable() }).strict(), result: RecordingSummary },
  'recording.tag': {
    params: z.object({ id: z.string().min(1), add: z.array(z.string().min(1).max(64)).max(50).default([]), remove: z.array(z.string()).max(50).default([]) }).strict(),
    result: RecordingSummary,
  },
  'recording.delete': { params: Id, result: Ok },
  'recording.vacuum': { params: Empty, result: Ok },
  'recording.export': {
    params: z.object({ id: z.string().min(1), format: z.enum(['bullpen', 'csv', 'parquet']), out: z.string().min(1).max(4096) }).strict(),
    result: z.object({ files: z.array(z.object({ file: z.string(), rows: z.number().int() })) }),
  },
  'recording.import': { params: z.object({ file: z.string().min(1).max(4096) }).strict(), result: z.object({ imported: z.array(z.string()), skipped: z.array(z.string()) }) },
} as const;
