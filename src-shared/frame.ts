/**
 * Frames: the high-rate state stream as typed-array columns, so they can be transferred between
 * threads without copying and written straight into instanced buffers. One frame is the state at the
 * end of one tick. A batch carries the latest frame in full plus a per-tick price/volume series, so a
 * renderer that draws at 60 Hz misses nothing the charts need while the host sends one message per
 * 16–50 ms whatever the tick rate.
 */

export interface SymbolColumns {
  /** last traded price, venue-blended */
  last: Float64Array;
  bid: Float64Array;
  ask: Float64Array;
  bidSize: Float64Array;
  askSize: Float64Array;
  /** price at session start, for % change */
  open: Float64Array;
  /** volume traded during this tick */
  volume: Float64Array;
  /** index into REGIMES */
  regime: Uint8Array;
  /** -1..1 */
  sentiment: Float32Array;
  /**
   * trading stopped on the symbol's venues: bit v set while venue v cannot trade (circuit breaker,
   * limit band, outage or halt shock, floor halt); 3 = halted everywhere, 0 = trading
   */
  halted: Uint8Array;
}

export interface AgentColumns {
  position: Float64Array;
  pnl: Float64Array;
  /** ACTION code of the latest decision: -1 sell, 0 hold, 1 buy */
  action: Int8Array;
  confidence: Float32Array;
  /** 1 when the agent's desk is halted */
  halted: Uint8Array;
}

export interface CrowdColumns {
  position: Float32Array;
  pnl: Float32Array;
  /** ACTION code of the trader's last order */
  action: Int8Array;
}

export interface Frame {
  tick: number;
  symbols: SymbolColumns;
  agents: AgentColumns;
  crowd: CrowdColumns;
}

export interface FrameBatch {
  sessionId: string;
  /** ticks covered by this batch (inclusive) */
  fromTick: number;
  toTick: number;
  latest: Frame;
  /** per covered tick, row-major [tick][symbol] */
  seriesLast: Float64Array;
  seriesVolume: Float64Array;
}

export interface FrameShape {
  symbols: number;
  agents: number;
  crowd: number;
}

export function allocFrame(shape: FrameShape): Frame {
  const s = shape.symbols;
  return {
    tick: 0,
    symbols: {
      last: new Float64Array(s),
      bid: new Float64Array(s),
      ask: new Float64Array(s),
      bidSize: new Float64Array(s),
      askSize: new Float64Array(s),
      open: new Float64Array(s),
      volume: new Float64Array(s),
      regime: new Uint8Array(s),
      sentiment: new Float32Array(s),
      halted: new Uint8Array(s),
    },
    agents: {
      position: new Float64Array(shape.agents),
      pnl: new Float64Array(shape.agents),
      action: new Int8Array(shape.agents),
      confidence: new Float32Array(shape.agents),
      halted: new Uint8Array(shape.agents),
    },
    crowd: {
      position: new Float32Array(shape.crowd),
      pnl: new Float32Array(shape.crowd),
      action: new Int8Array(shape.crowd),
    },
  };
}

export function frameShape(f: Frame): FrameShape {
  return { symbols: f.symbols.last.length, agents: f.agents.position.length, crowd: f.crowd.position.length };
}

type Column = Float64Array | Float32Array | Int8Array | Uint8Array;

/** Dimension and element size of each column, in columnsOf() order (used to size-check messages). */
/**
 * Each column's dimension and element size, in codec order, derived from a probe frame whose
 * dimensions differ (1, 2, 3) so the layout can never drift from columnsOf.
 */
const FRAME_COLUMN_LAYOUT: readonly (readonly [keyof FrameShape, number])[] = (() => {
  const dims: Record<number, keyof FrameShape> = { 1: 'symbols', 2: 'agents', 3: 'crowd' };
  return columnsOf(allocFrame({ symbols: 1, agents: 2, crowd: 3 })).map((c) => [dims[c.length] as keyof FrameShape, c.BYTES_PER_ELEMENT] as const);
})();

function columnsOf(f: Frame): Column[] {
  const s = f.symbols;
  const a = f.agents;
  const c = f.crowd;
  return [
    s.last, s.bid, s.ask, s.bidSize, s.askSize, s.open, s.volume, s.regime, s.sentiment, s.halted,
    a.position, a.pnl, a.action, a.confidence, a.halted,
    c.position, c.pnl, c.action,
  ];
}

/** Buffers of a frame, for a postMessage transfer list. */
export function frameTransferables(f: Frame): ArrayBuffer[] {
  return columnsOf(f).map((col) => col.buffer as ArrayBuffer);
}

export function cloneFrame(f: Frame): Frame {
  const out = allocFrame(frameShape(f));
  out.tick = f.tick;
  const src = columnsOf(f);
  const dst = columnsOf(out);
  for (let i = 0; i < src.length; i++) (dst[i] as Column).set(src[i] as never);
  return out;
}

export function copyFrameInto(src: Frame, dst: Frame): void {
  dst.tick = src.tick;
  const a = columnsOf(src);
  const b = columnsOf(dst);
  for (let i = 0; i < a.length; i++) (b[i] as Column).set(a[i] as never);
}

// ---- binary codec (WebSocket transport) ---------------------------------------------------------

const MAGIC = 0x42504652; // "BPFR"
const VERSION = 3;
/**
 * uint32 words: magic, version, symbols, agents, crowd, session id bytes, tick (float64, 2 words),
 * series ticks, reserved. The explicit series tick count makes every truncation detectable.
 */
const HEADER_WORDS = 10;
const MAX_SESSION_ID = 64;

function align8(n: number): number {
  return (n + 7) & ~7;
}

/** Encodes a batch as one ArrayBuffer: header, session id, then every column 8-byte aligned. */
export function encodeFrameBatch(b: FrameBatch): ArrayBuffer {
  const idBytes = new TextEncoder().encode(b.sessionId);
  if (idBytes.length > MAX_SESSION_ID) throw new Error('session id too long');
  const cols: Column[] = [...columnsOf(b.latest), b.seriesLast, b.seriesVolume];
  const symbols = b.latest.symbols.last.length;
  if (b.seriesVolume.length !== b.seriesLast.length || (symbols > 0 && b.seriesLast.length % symbols !== 0)) {
    throw new Error('series length is not a whole number of ticks × symbols');
  }
  const seriesTicks = symbols > 0 ? b.seriesLast.length / symbols : 0;
  let size = HEADER_WORDS * 4 + align8(idBytes.length);
  for (const c of cols) size += align8(c.byteLength);
  const buf = new ArrayBuffer(size);
  const dv = new DataView(buf);
  const shape = frameShape(b.latest);
  dv.setUint32(0, MAGIC, true);
  dv.setUint32(4, VERSION, true);
  dv.setUint32(8, shape.symbols, true);
  dv.setUint32(12, shape.agents, true);
  dv.setUint32(16, shape.crowd, true);
  dv.setUint32(20, idBytes.length, true);
  dv.setFloat64(24, b.latest.tick, true);
  dv.setUint32(32, seriesTicks, true);
  dv.setUint32(36, 0, true);
  const u8 = new Uint8Array(buf);
  let off = HEADER_WORDS * 4;
  u8.set(idBytes, off);
  off += align8(idBytes.length);
  // toTick = latest.tick; fromTick = toTick - seriesTicks + 1 (the ticks the series covers)
  for (const c of cols) {
    u8.set(new Uint8Array(c.buffer, c.byteOffset, c.byteLength), off);
    off += align8(c.byteLength);
  }
  return buf;
}

export class FrameDecodeError extends Error {}

export function decodeFrameBatch(buf: ArrayBuffer): FrameBatch {
  if (buf.byteLength < HEADER_WORDS * 4) throw new FrameDecodeError('frame message too short');
  const dv = new DataView(buf);
  if (dv.getUint32(0, true) !== MAGIC) throw new FrameDecodeError('not a frame message');
  if (dv.getUint32(4, true) !== VERSION) throw new FrameDecodeError('unsupported frame version');
  const shape: FrameShape = {
    symbols: dv.getUint32(8, true),
    agents: dv.getUint32(12, true),
    crowd: dv.getUint32(16, true),
  };
  const idLen = dv.getUint32(20, true);
  const tick = dv.getFloat64(24, true);
  const seriesTicks = dv.getUint32(32, true);
  if (idLen > MAX_SESSION_ID) throw new FrameDecodeError('bad session id length');
  if (!Number.isInteger(tick) || tick < 0) throw new FrameDecodeError('bad frame tick');
  // check the declared shape against the message size before allocating anything
  let fixed = HEADER_WORDS * 4 + align8(idLen);
  for (const [dim, bytes] of FRAME_COLUMN_LAYOUT) fixed += align8(shape[dim] * bytes);
  if (fixed > buf.byteLength) throw new FrameDecodeError('frame message truncated');
  // two Float64 series of seriesTicks × symbols values each
  const n = seriesTicks * shape.symbols;
  if (fixed + 16 * n !== buf.byteLength) {
    throw new FrameDecodeError(fixed + 16 * n > buf.byteLength ? 'frame message truncated' : 'frame message has trailing bytes');
  }
  if (seriesTicks > tick + 1) throw new FrameDecodeError('frame series longer than the session');
  let off = HEADER_WORDS * 4;
  const sessionId = new TextDecoder().decode(new Uint8Array(buf, off, idLen));
  off += align8(idLen);
  const latest = allocFrame(shape);
  latest.tick = tick;
  const cols = columnsOf(latest);
  const take = <T extends Column>(ctor: { new (b: ArrayBuffer, o: number, n: number): T; BYTES_PER_ELEMENT: number }, n: number): T => {
    const bytes = n * ctor.BYTES_PER_ELEMENT;
    if (off + bytes > buf.byteLength) throw new FrameDecodeError('frame message truncated');
    const view = new ctor(buf, off, n);
    off += align8(bytes);
    return view;
  };
  for (const c of cols) {
    const view = take(c.constructor as never, c.length) as Column;
    (c as Column).set(view as never);
  }
  const seriesLast = new Float64Array(take(Float64Array, n));
  const seriesVolume = new Float64Array(take(Float64Array, n));
  return { sessionId, fromTick: tick - seriesTicks + 1, toTick: tick, latest, seriesLast, seriesVolume };
}
