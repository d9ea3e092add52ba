import { z } from 'zod';
import { Roster } from '../../src-shared/roster';
import type { EngineEvent } from '../../src-shared/events';
import type { Frame } from '../../src-shared/frame';
import type { SimToHost } from '../../src-shared/worker-protocol';

/**
 * Validation of what the sim worker posts. The roster is checked in full (once per session); the
 * high-rate batch is checked structurally (typed-array columns of consistent length, event headers)
 * so a protocol mistake surfaces as a crash with a message instead of as garbage downstream.
 */

const int = z.number().int();

function isFrame(v: unknown): v is Frame {
  if (typeof v !== 'object' || v === null) return false;
  const f = v as Partial<Frame>;
  const s = f.symbols;
  const a = f.agents;
  const c = f.crowd;
  if (typeof f.tick !== 'number' || !s || !a || !c) return false;
  const ns = s.last?.length;
  const na = a.position?.length;
  const nc = c.position?.length;
  return (
    s.last instanceof Float64Array &&
    s.bid instanceof Float64Array && s.bid.length === ns &&
    s.ask instanceof Float64Array && s.ask.length === ns &&
    s.bidSize instanceof Float64Array && s.bidSize.length === ns &&
    s.askSize instanceof Float64Array && s.askSize.length === ns &&
    s.open instanceof Float64Array && s.open.length === ns &&
    s.volume instanceof Float64Array && s.volume.length === ns &&
    s.regime instanceof Uint8Array && s.regime.length === ns &&
    s.sentiment instanceof Float32Array && s.sentiment.length === ns &&
    s.halted instanceof Uint8Array && s.halted.length === ns &&
    a.position instanceof Float64Array &&
    a.pnl instanceof Float64Array && a.pnl.length === na &&
    a.action instanceof Int8Array && a.action.length === na &&
    a.confidence instanceof Float32Array && a.confidence.length === na &&
    a.halted instanceof Uint8Array && a.halted.length === na &&
    c.position instanceof Float32Array &&
    c.pnl instanceof Float32Array && c.pnl.length === nc &&
    c.action instanceof Int8Array && c.action.length === nc
  );
}

function isEngineEvent(v: unknown): v is EngineEvent {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as { type?: unknown; tick?: unknown; seq?: unknown };
  return typeof e.type === 'string' && Number.isInteger(e.tick) && Number.isInteger(e.seq);
}

const SimBatchSchema = z
  .object({
    fromTick: int.nonnegative(),
    toTick: int.nonnegative(),
    latest: z.custom<Frame>(isFrame, 'batch.latest is not a frame of typed-array columns'),
    seriesLast: z.instanceof(Float64Array),
    seriesVolume: z.instanceof(Float64Array),
    events: z.array(z.custom<EngineEvent>(isEngineEvent, 'event without type, tick or seq')),
    keyframes: z.array(z.object({ tick: int.nonnegative(), bytes: z.instanceof(Uint8Array) })).optional(),
    sampleTicks: z.instanceof(Int32Array).optional(),
    deskEquity: z.instanceof(Float64Array).optional(),
    postedAt: z.number().optional(),
  })
  // a batch may carry events but no ticks (an input applied while paused): fromTick = toTick + 1
  .refine((b) => b.toTick >= b.fromTick - 1, 'batch.toTick < batch.fromTick - 1')
  .refine((b) => b.seriesLast.length === b.seriesVolume.length, 'series lengths differ');

export const SimToHostSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), roster: Roster }),
  z.object({ type: z.literal('batch'), batch: SimBatchSchema }),
  z.object({ type: z.literal('inputAccepted'), id: int, tick: int.nonnegative() }),
  z.object({ type: z.literal('paused'), tick: int.nonnegative() }),
  z.object({ type: z.literal('queryResult'), id: int, result: z.unknown() }),
  z.object({ type: z.literal('queryError'), id: int, message: z.string() }),
  z.object({ type: z.literal('stopped'), tick: int.nonnegative() }),
  z.object({ type: z.literal('ended'), tick: int.nonnegative(), reason: z.string() }),
  z.object({ type: z.literal('error'), message: z.string(), stack: z.string().optional() }),
]);

export type ParsedSimMessage = z.infer<typeof SimToHostSchema>;

// compile-time check: the schema accepts exactly the protocol's shapes
type _Same = ParsedSimMessage['type'] extends SimToHost['type'] ? (SimToHost['type'] extends ParsedSimMessage['type'] ? true : never) : never;
const _same: _Same = true;
void _same;

export function parseSimMessage(raw: unknown): { ok: true; msg: ParsedSimMessage } | { ok: false; error: string } {
  const r = SimToHostSchema.safeParse(raw);
  if (r.success) return { ok: true, msg: r.data };
  const first = r.error.issues[0];
  const path = first ? first.path.map(String).join('.') : '';
  return { ok: false, error: `${path ? path + ': ' : ''}${first?.message ?? 'invalid message'}` };
}
