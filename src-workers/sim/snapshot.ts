/**
 * Engine snapshots: the complete state of an Engine as bytes, and an Engine rebuilt from them.
 *
 * `snapshot(e)` walks the engine's object graph (own enumerable properties, depth first, in property
 * order) and writes every value exactly: numbers as IEEE-754 doubles (or int32 when they are one —
 * NaN, -0 and infinities survive), typed arrays as their raw bytes, arrays, plain and class objects,
 * and references to objects already written (the books share the order pool and call back into the
 * engine). pure-rand's generators are plain objects of four int32 words, so the RNG streams come along
 * like everything else. A component may take over its own encoding by offering `saveState(): unknown`
 * and `loadState(state: unknown): void` (the scenario runner does); its saveState value is written
 * through the same encoder.
 *
 * `restore(bytes, config)` builds a fresh Engine for the same configuration (so every object has its
 * class and its methods), then walks the snapshot and the fresh graph side by side, overwriting
 * numbers, copying typed arrays in place (or replacing them when they grew), and rebinding references.
 * The contract, tested in tests/unit/snapshot-engine.test.ts: restore(snapshot(e at T)) then N ticks
 * (same inputs) ⇒ the same stateHash() as e at T + N.
 *
 * Pure TypeScript (TextEncoder/TextDecoder only): the engine runs in workers and browsers alike.
 * Compression is the host's business (node:zlib in the recorder).
 */
import { SessionConfig } from '../../src-shared/config';
import { Engine, type EngineOptions } from './engine';

/** "BPSN" + format version */
const MAGIC = 0x4e535042;
export const SNAPSHOT_FORMAT = 1;

/** Engine fields that are not state: the undrained event buffer (events belong to the stream). */
const SKIP_KEYS: ReadonlySet<string> = new Set(['events']);

const enum Tag {
  Undefined = 0,
  Null = 1,
  False = 2,
  True = 3,
  F64 = 4,
  I32 = 5,
  Str = 6,
  Typed = 7,
  Arr = 8,
  Obj = 9,
  Ref = 10,
  Custom = 11,
}

type Typed =
  | Float64Array
  | Float32Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray;

const TYPED_CTORS = [Float64Array, Float32Array, Int32Array, Uint32Array, Int16Array, Uint16Array, Int8Array, Uint8Array, Uint8ClampedArray] as const;

function typedKind(v: unknown): number {
  for (let i = 0; i < TYPED_CTORS.length; i++) if (v instanceof TYPED_CTORS[i]!) return i;
  return -1;
}

function makeTyped(kind: number, bytes: Uint8Array): Typed {
  const C = TYPED_CTORS[kind];
  if (!C) throw new SnapshotError(`unknown typed-array kind ${kind}`);
  const buf = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(buf).set(bytes);
  return new C(buf);
}

export class SnapshotError extends Error {
  constructor(message: string) {
    super(`engine snapshot: ${message}`);
    this.name = 'SnapshotError';
  }
}

interface Custom {
  saveState(): unknown;
  loadState(state: unknown): void;
}

function isCustom(v: object): v is Custom {
  const c = v as Partial<Custom>;
  return typeof c.saveState === 'function' && typeof c.loadState === 'function';
}

/** encoded field names (the same few hundred in every snapshot) */
const keyBytes = new Map<string, Uint8Array>();

/** size of the last snapshot written, so the next one allocates once */
let sizeHint = 1 << 16;

class Writer {
  private buf = new Uint8Array(sizeHint + 4096);
  private view = new DataView(this.buf.buffer);
  pos = 0;
  private readonly enc = new TextEncoder();
  private readonly ids = new Map<object, number>();

  private need(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.pos + n) cap *= 2;
    const b = new Uint8Array(cap);
    b.set(this.buf.subarray(0, this.pos));
    this.buf = b;
    this.view = new DataView(b.buffer);
  }

  u8(x: number): void {
    this.need(1);
    this.buf[this.pos++] = x;
  }

  u32(x: number): void {
    this.need(4);
    this.view.setUint32(this.pos, x, true);
    this.pos += 4;
  }

  str(s: string): void {
    let b = keyBytes.get(s);
    if (b === undefined) {
      b = this.enc.encode(s);
      if (s.length <= 64 && keyBytes.size < 4096) keyBytes.set(s, b);
    }
    this.u32(b.length);
    this.need(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  value(v: unknown, key: string): void {
    switch (typeof v) {
      case 'undefined':
        this.u8(Tag.Undefined);
        return;
      case 'boolean':
        this.u8(v ? Tag.True : Tag.False);
        return;
      case 'number':
        if ((v | 0) === v && !Object.is(v, -0)) {
          this.u8(Tag.I32);
          this.need(4);
          this.view.setInt32(this.pos, v, true);
          this.pos += 4;
        } else {
          this.u8(Tag.F64);
          this.need(8);
          this.view.setFloat64(this.pos, v, true);
          this.pos += 8;
        }
        return;
      case 'string':
        this.u8(Tag.Str);
        this.str(v);
        return;
      case 'object':
        break;
      default:
        throw new SnapshotError(`cannot encode a ${typeof v} (at "${key}")`);
    }
    if (v === null) {
      this.u8(Tag.Null);
      return;
    }
    const seen = this.ids.get(v);
    if (seen !== undefined) {
      this.u8(Tag.Ref);
      this.u32(seen);
      return;
    }
    this.ids.set(v, this.ids.size);
    const kind = typedKind(v);
    if (kind >= 0) {
      const t = v as Typed;
      this.u8(Tag.Typed);
      this.u8(kind);
      this.u32(t.byteLength);
      this.need(t.byteLength);
      this.buf.set(new Uint8Array(t.buffer, t.byteOffset, t.byteLength), this.pos);
      this.pos += t.byteLength;
      return;
    }
    if (Array.isArray(v)) {
      this.u8(Tag.Arr);
      this.u32(v.length);
      for (let i = 0; i < v.length; i++) this.value(v[i], key);
      return;
    }
    if (v instanceof Map || v instanceof Set) throw new SnapshotError(`Map/Set state is not supported (at "${key}"): offer saveState/loadState`);
    if (isCustom(v)) {
      this.u8(Tag.Custom);
      this.value(v.saveState(), key);
      return;
    }
    const keys = Object.keys(v).filter((k) => !SKIP_KEYS.has(k) && typeof (v as Record<string, unknown>)[k] !== 'function');
    this.u8(Tag.Obj);
    this.u32(keys.length);
    for (const k of keys) {
      this.str(k);
      this.value((v as Record<string, unknown>)[k], k);
    }
  }

  bytes(): Uint8Array {
    sizeHint = Math.max(sizeHint, this.pos);
    return this.pos === this.buf.length ? this.buf : this.buf.slice(0, this.pos);
  }
}

class Reader {
  private pos = 0;
  private readonly view: DataView;
  private readonly dec = new TextDecoder();
  private readonly objs: object[] = [];

  constructor(private readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  private check(n: number): void {
    if (this.pos + n > this.buf.length) throw new SnapshotError('truncated');
  }

  u8(): number {
    this.check(1);
    return this.buf[this.pos++] as number;
  }

  u32(): number {
    this.check(4);
    const x = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return x;
  }

  str(): string {
    const n = this.u32();
    this.check(n);
    const b = this.buf;
    const p = this.pos;
    this.pos += n;
    // field names are short ASCII: decoding them by hand is ~10× faster than TextDecoder on tiny inputs
    if (n <= 64) {
      let ascii = true;
      for (let i = p; i < p + n; i++) {
        if ((b[i] as number) >= 0x80) {
          ascii = false;
          break;
        }
      }
      if (ascii) return String.fromCharCode.apply(null, b.subarray(p, p + n) as unknown as number[]);
    }
    return this.dec.decode(b.subarray(p, p + n));
  }

  get done(): boolean {
    return this.pos === this.buf.length;
  }

  /**
   * Reads one value; `target` is the fresh engine's value at the same place (reused when it has the
   * same shape, so objects keep their classes and shared references stay shared).
   */
  value(target: unknown, key: string): unknown {
    const tag = this.u8();
    switch (tag) {
      case Tag.Undefined:
        return undefined;
      case Tag.Null:
        return null;
      case Tag.False:
        return false;
      case Tag.True:
        return true;
      case Tag.I32: {
        this.check(4);
        const x = this.view.getInt32(this.pos, true);
        this.pos += 4;
        return x;
      }
      case Tag.F64: {
        this.check(8);
        const x = this.view.getFloat64(this.pos, true);
        this.pos += 8;
        return x;
      }
      case Tag.Str:
        return this.str();
      case Tag.Ref: {
        const id = this.u32();
        const o = this.objs[id];
        if (o === undefined) throw new SnapshotError(`dangling reference ${id} (at "${key}")`);
        return o;
      }
      case Tag.Typed: {
        const kind = this.u8();
        const n = this.u32();
        this.check(n);
        const bytes = this.buf.subarray(this.pos, this.pos + n);
        this.pos += n;
        let out: Typed;
        if (typedKind(target) === kind && (target as Typed).byteLength === n) {
          out = target as Typed;
          new Uint8Array(out.buffer, out.byteOffset, out.byteLength).set(bytes);
        } else out = makeTyped(kind, bytes);
        this.objs.push(out);
        return out;
      }
      case Tag.Arr: {
        const n = this.u32();
        const arr: unknown[] = Array.isArray(target) ? target : [];
        this.objs.push(arr);
        const old = arr.slice();
        arr.length = n;
        for (let i = 0; i < n; i++) arr[i] = this.value(old[i], key);
        return arr;
      }
      case Tag.Custom: {
        if (target === undefined) {
          // peeking without an engine: the component's own state, as written
          this.objs.push({});
          return this.value(undefined, key);
        }
        if (typeof target !== 'object' || target === null || !isCustom(target)) {
          throw new SnapshotError(`a component with saveState/loadState is missing in this engine (at "${key}")`);
        }
        this.objs.push(target);
        target.loadState(this.value(undefined, key));
        return target;
      }
      case Tag.Obj: {
        const n = this.u32();
        let obj: Record<string, unknown>;
        if (typeof target === 'object' && target !== null && !Array.isArray(target) && typedKind(target) < 0) obj = target as Record<string, unknown>;
        else if (target === undefined || target === null) obj = {};
        else throw new SnapshotError(`shape mismatch at "${key}"`);
        this.objs.push(obj);
        for (let i = 0; i < n; i++) {
          const k = this.str();
          obj[k] = this.value(obj[k], k);
        }
        return obj;
      }
      default:
        throw new SnapshotError(`bad tag ${tag} (at "${key}")`);
    }
  }
}

/** The complete state of `engine` (between ticks) as bytes. */
export function snapshot(engine: Engine): Uint8Array {
  const w = new Writer();
  w.u32(MAGIC);
  w.u32(SNAPSHOT_FORMAT);
  w.value(engine, 'engine');
  return w.bytes();
}

/** The tick a snapshot was taken at, without restoring it. */
export function snapshotTick(bytes: Uint8Array): number {
  const t = peek(bytes)._tick;
  if (typeof t !== 'number') throw new SnapshotError('no tick in the snapshot');
  return t;
}

function peek(bytes: Uint8Array): Record<string, unknown> {
  const r = new Reader(bytes);
  if (r.u32() !== MAGIC) throw new SnapshotError('not an engine snapshot');
  r.u32();
  const v = r.value(undefined, 'engine');
  if (typeof v !== 'object' || v === null) throw new SnapshotError('no engine in the snapshot');
  return v as Record<string, unknown>;
}

/**
 * A new Engine in exactly the state `bytes` captured. `config` must be the session's configuration
 * (null: the one stored in the snapshot).
 */
export function restore(bytes: Uint8Array, config: SessionConfig | null, opts: EngineOptions = {}): Engine {
  const r = new Reader(bytes);
  if (r.u32() !== MAGIC) throw new SnapshotError('not an engine snapshot');
  const fmt = r.u32();
  if (fmt !== SNAPSHOT_FORMAT) throw new SnapshotError(`format ${fmt} is not supported (this build reads format ${SNAPSHOT_FORMAT})`);
  const cfg = config ?? peekConfig(bytes);
  const engine = new Engine(cfg, opts);
  r.value(engine, 'engine');
  if (!r.done) throw new SnapshotError('trailing bytes');
  engine.drainEvents();
  return engine;
}

/**
 * Overwrites `engine` (built for the same configuration) with the state `bytes` captured, reusing its
 * objects and arrays instead of building a new Engine: what a replay cursor does on every seek.
 */
export function restoreInto(engine: Engine, bytes: Uint8Array): Engine {
  const r = new Reader(bytes);
  if (r.u32() !== MAGIC) throw new SnapshotError('not an engine snapshot');
  const fmt = r.u32();
  if (fmt !== SNAPSHOT_FORMAT) throw new SnapshotError(`format ${fmt} is not supported (this build reads format ${SNAPSHOT_FORMAT})`);
  r.value(engine, 'engine');
  if (!r.done) throw new SnapshotError('trailing bytes');
  engine.drainEvents();
  return engine;
}

/** The session configuration stored in a snapshot (the engine's `config` field). */
export function peekConfig(bytes: Uint8Array): SessionConfig {
  return SessionConfig.parse(peek(bytes).config);
}
