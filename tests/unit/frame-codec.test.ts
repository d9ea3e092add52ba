import { describe, expect, it } from 'vitest';
import { FrameDecodeError, allocFrame, decodeFrameBatch, encodeFrameBatch, type Frame, type FrameBatch, type FrameShape } from '../../src-shared/frame';

/** A small seeded generator (mulberry32) so every run builds the same frames. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function makeBatch(shape: FrameShape, ticks: number, toTick: number, sessionId: string, seed = 7): FrameBatch {
  const r = rng(seed);
  const f: Frame = allocFrame(shape);
  f.tick = toTick;
  const s = f.symbols;
  for (let i = 0; i < shape.symbols; i++) {
    s.last[i] = 100 + r() * 50;
    s.bid[i] = (s.last[i] as number) - 0.01;
    s.ask[i] = (s.last[i] as number) + 0.01;
    s.bidSize[i] = Math.floor(r() * 1000);
    s.askSize[i] = Math.floor(r() * 1000);
    s.open[i] = 100;
    s.volume[i] = r() * 1e6;
    s.regime[i] = Math.floor(r() * 9);
    s.sentiment[i] = r() * 2 - 1;
    s.halted[i] = Math.floor(r() * 4);
  }
  for (let i = 0; i < shape.agents; i++) {
    f.agents.position[i] = Math.floor(r() * 2000) - 1000;
    f.agents.pnl[i] = r() * 1e5 - 5e4;
    f.agents.action[i] = Math.floor(r() * 3) - 1;
    f.agents.confidence[i] = r();
    f.agents.halted[i] = r() < 0.1 ? 1 : 0;
  }
  for (let i = 0; i < shape.crowd; i++) {
    f.crowd.position[i] = Math.floor(r() * 200) - 100;
    f.crowd.pnl[i] = r() * 1000 - 500;
    f.crowd.action[i] = Math.floor(r() * 3) - 1;
  }
  const seriesLast = new Float64Array(ticks * shape.symbols).map(() => 100 + r());
  const seriesVolume = new Float64Array(ticks * shape.symbols).map(() => r() * 100);
  return { sessionId, fromTick: toTick - ticks + 1, toTick, latest: f, seriesLast, seriesVolume };
}

describe('frame batch binary codec', () => {
  it('round-trips every column, the session id and the tick range exactly', () => {
    const batch = makeBatch({ symbols: 4, agents: 25, crowd: 2000 }, 7, 1234, 'b3c1a2f0-0000-4000-8000-000000000001');
    const out = decodeFrameBatch(encodeFrameBatch(batch));
    expect(out.sessionId).toBe(batch.sessionId);
    expect(out.fromTick).toBe(1228);
    expect(out.toTick).toBe(1234);
    expect(out.latest.tick).toBe(1234);
    // toEqual compares typed arrays element by element and by type
    expect(out.latest).toEqual(batch.latest);
    expect(out.seriesLast).toEqual(batch.seriesLast);
    expect(out.seriesVolume).toEqual(batch.seriesVolume);
    expect(out.latest.agents.action).toBeInstanceOf(Int8Array);
    expect(out.latest.symbols.sentiment).toBeInstanceOf(Float32Array);
  });

  it('round-trips odd shapes: one symbol, no crowd, one tick, a non-ASCII session id', () => {
    const batch = makeBatch({ symbols: 1, agents: 3, crowd: 0 }, 1, 0, 'séance-Δ-1', 99);
    const out = decodeFrameBatch(encodeFrameBatch(batch));
    expect(out.sessionId).toBe('séance-Δ-1');
    expect(out.fromTick).toBe(0);
    expect(out.toTick).toBe(0);
    expect(out.latest).toEqual(batch.latest);
    expect(Array.from(out.seriesLast)).toEqual(Array.from(batch.seriesLast));
  });

  it('decodes into copies: later changes to the message buffer do not alter the decoded batch', () => {
    const batch = makeBatch({ symbols: 2, agents: 2, crowd: 2 }, 2, 10, 's');
    const buf = encodeFrameBatch(batch);
    const out = decodeFrameBatch(buf);
    new Uint8Array(buf).fill(0);
    expect(out.latest).toEqual(batch.latest);
    expect(out.seriesVolume).toEqual(batch.seriesVolume);
  });

  it('refuses a session id longer than 64 bytes when encoding', () => {
    const batch = makeBatch({ symbols: 1, agents: 1, crowd: 1 }, 1, 0, 'x'.repeat(65));
    expect(() => encodeFrameBatch(batch)).toThrow(/session id too long/);
  });

  it('throws FrameDecodeError (never a RangeError or a wrong batch) for every truncation of a message', () => {
    const buf = encodeFrameBatch(makeBatch({ symbols: 3, agents: 5, crowd: 11 }, 4, 50, 'sess'));
    for (let n = 0; n < buf.byteLength; n++) {
      expect(() => decodeFrameBatch(buf.slice(0, n)), `cut at ${n} of ${buf.byteLength}`).toThrow(FrameDecodeError);
    }
  });

  it('throws FrameDecodeError for garbage, a wrong magic, a wrong version and absurd shapes', () => {
    const r = rng(3);
    const garbage = new Uint8Array(4096).map(() => Math.floor(r() * 256));
    expect(() => decodeFrameBatch(garbage.buffer)).toThrow(FrameDecodeError);
    expect(() => decodeFrameBatch(new TextEncoder().encode('{"push":"status"}').buffer as ArrayBuffer)).toThrow(FrameDecodeError);

    const good = encodeFrameBatch(makeBatch({ symbols: 2, agents: 2, crowd: 2 }, 1, 5, 'sess'));
    const withWord = (offset: number, value: number): ArrayBuffer => {
      const copy = good.slice(0);
      new DataView(copy).setUint32(offset, value, true);
      return copy;
    };
    expect(() => decodeFrameBatch(withWord(0, 0xdeadbeef))).toThrow(/not a frame message/);
    expect(() => decodeFrameBatch(withWord(4, 99))).toThrow(/unsupported frame version/);
    // a header claiming four billion crowd traders must be refused before anything is allocated
    expect(() => decodeFrameBatch(withWord(16, 0xffffffff))).toThrow(FrameDecodeError);
    expect(() => decodeFrameBatch(withWord(20, 1000))).toThrow(/session id length/);
    // one extra symbol declared: the columns no longer add up to the message size
    expect(() => decodeFrameBatch(withWord(8, 3))).toThrow(FrameDecodeError);
  });
});
