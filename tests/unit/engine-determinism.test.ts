import { describe, expect, it } from 'vitest';
import { defaultSessionConfig } from '../../src-shared/config';
import { allocFrame } from '../../src-shared/frame';
import { BullpenEvent } from '../../src-shared/events';
import { Roster } from '../../src-shared/roster';
import type { Input } from '../../src-shared/inputs';
import { Engine } from '../../src-workers/sim/engine';
import { Hasher } from '../../src-workers/sim/hash';

const INPUTS: Array<{ tick: number; input: Input }> = [
  { tick: 150, input: { kind: 'setParam', param: 'volatility', value: 3 } },
  { tick: 320, input: { kind: 'halt', desk: 1, halted: true } },
  { tick: 480, input: { kind: 'setParam', param: 'feeBps', value: 5 } },
  { tick: 610, input: { kind: 'halt', desk: 1, halted: false } },
];

/** Runs a session and records the state hash every 100 ticks. */
function run(seed: number, ticks: number, inputs = INPUTS): { hashes: string[]; events: number; last: number[] } {
  const e = new Engine(defaultSessionConfig({ seed, crowd: 600 }));
  const hashes: string[] = [];
  let events = 0;
  let k = 0;
  for (let t = 0; t < ticks; t++) {
    while (k < inputs.length && inputs[k]!.tick === e.tick) e.applyInput(inputs[k++]!.input);
    e.step();
    events += e.drainEvents().length;
    if (e.tick % 100 === 0) hashes.push(e.stateHash());
  }
  return { hashes, events, last: Array.from(e.last) };
}

describe('engine determinism', () => {
  it('same seed and same inputs at the same ticks give bit-identical state every 100 ticks', () => {
    const a = run(42, 800);
    const b = run(42, 800);
    expect(a.hashes).toHaveLength(8);
    expect(b.hashes).toEqual(a.hashes);
    expect(b.events).toBe(a.events);
    expect(b.last).toEqual(a.last);
    // the state actually evolves: every checkpoint differs from the previous one
    expect(new Set(a.hashes).size).toBe(a.hashes.length);
  });

  it('a different seed gives a different market', () => {
    const a = run(42, 300);
    const b = run(43, 300);
    expect(b.hashes[0]).not.toBe(a.hashes[0]);
    expect(b.last).not.toEqual(a.last);
  });

  it('an input changes the state from the tick it is applied at, not before', () => {
    const inputs = [{ tick: 250, input: { kind: 'setParam', param: 'volatility', value: 4 } as Input }];
    const a = run(9, 400, []);
    const b = run(9, 400, inputs);
    expect(b.hashes[0]).toBe(a.hashes[0]); // tick 100
    expect(b.hashes[1]).toBe(a.hashes[1]); // tick 200
    expect(b.hashes[2]).not.toBe(a.hashes[2]); // tick 300
  });

  it('the state hash covers the books: cancelling one resting order changes it', () => {
    const e = new Engine(defaultSessionConfig({ seed: 5, crowd: 300 }));
    for (let i = 0; i < 50; i++) e.step();
    const before = e.stateHash();
    expect(e.stateHash()).toBe(before); // hashing does not change state
    let victim = -1;
    e.books[0]!.forEachOrder(1, (id) => {
      if (victim < 0) victim = id;
    });
    expect(victim).toBeGreaterThanOrEqual(0);
    e.cancelOrder(victim);
    expect(e.stateHash()).not.toBe(before);
  });

  it('roster, events and frames follow the shared contract', () => {
    const e = new Engine(defaultSessionConfig({ seed: 3, crowd: 400, symbols: 3, desks: 5 }));
    expect(Roster.parse(e.roster)).toEqual(e.roster);
    expect(e.roster.symbols.map((s) => s.name)).toEqual(['BPX', 'ORCA', 'KITE']);
    expect(e.roster.venues).toEqual(['NOVA', 'ARC']);
    expect(e.roster.desks).toHaveLength(5);
    expect(new Set(e.roster.desks.map((d) => d.personality)).size).toBe(5);
    expect(e.roster.agents).toHaveLength(25);
    expect(e.roster.agents[6]).toMatchObject({ index: 6, desk: 1, role: 'RiskManager' });
    expect(e.roster.crowdTypes).toHaveLength(400);
    e.applyInput({ kind: 'halt', desk: 2, halted: true });
    let prevSeq = -1;
    const types = new Set<string>();
    for (let t = 0; t < 400; t++) {
      e.step();
      for (const ev of e.drainEvents()) {
        expect(ev.seq).toBe(prevSeq + 1);
        prevSeq = ev.seq;
        types.add(ev.type);
        BullpenEvent.parse({ ...ev, sessionId: 's' });
      }
    }
    for (const t of ['input', 'alert', 'decision', 'coordination', 'trade', 'order']) expect(types).toContain(t);
    const f = allocFrame({ symbols: 3, agents: 25, crowd: 400 });
    e.writeFrame(f);
    expect(f.tick).toBe(400);
    expect(Array.from(f.agents.halted.subarray(10, 15))).toEqual([1, 1, 1, 1, 1]);
    expect(Array.from(f.agents.halted.subarray(0, 5))).toEqual([0, 0, 0, 0, 0]);
    expect(f.crowd.position.some((p) => p !== 0)).toBe(true);
    expect(f.symbols.volume.length).toBe(3);
  });

  it('a floor halt stops all trading until it is lifted', () => {
    const e = new Engine(defaultSessionConfig({ seed: 11, crowd: 500 }));
    for (let t = 0; t < 100; t++) e.step();
    e.applyInput({ kind: 'halt', desk: null, halted: true });
    const tradesAt = e.trades;
    const hash = e.books.map((b) => `${b.bestBid()}/${b.bestAsk()}`).join();
    for (let t = 0; t < 100; t++) e.step();
    expect(e.trades).toBe(tradesAt);
    expect(e.books.map((b) => `${b.bestBid()}/${b.bestAsk()}`).join()).toBe(hash);
    const alerts = e.drainEvents().filter((ev) => ev.type === 'alert');
    expect(alerts.some((a) => a.type === 'alert' && a.severity === 'emergency')).toBe(true);
    const frame = allocFrame({ symbols: 4, agents: e.agentsN, crowd: e.crowdN });
    e.writeFrame(frame);
    expect(Array.from(frame.symbols.halted)).toEqual([3, 3, 3, 3]);
    e.applyInput({ kind: 'halt', desk: null, halted: false });
    for (let t = 0; t < 50; t++) e.step();
    expect(e.trades).toBeGreaterThan(tradesAt);
    e.writeFrame(frame);
    expect(Array.from(frame.symbols.halted)).toEqual([0, 0, 0, 0]);
  });
});

describe('state hasher', () => {
  it('sees every bit of typed arrays, numbers and their order', () => {
    const base = new Float64Array([1.5, -2.25, 1e-300, 42]);
    const h0 = new Hasher().arr(base).digest();
    expect(new Hasher().arr(Float64Array.from(base)).digest()).toBe(h0);
    const flipped = Float64Array.from(base);
    const raw = new Uint8Array(flipped.buffer);
    raw[13] = raw[13]! ^ 1; // one bit of the second element
    expect(new Hasher().arr(flipped).digest()).not.toBe(h0);
    expect(new Hasher().arr(new Float64Array([-2.25, 1.5, 1e-300, 42])).digest()).not.toBe(h0);
    // -0 and 0 are different bit patterns, so different states
    expect(new Hasher().num(0).digest()).not.toBe(new Hasher().num(-0).digest());
    // odd-length byte arrays and unaligned views are covered to the last byte
    const bytes = new Uint8Array([1, 2, 3, 4, 5, 6, 7]);
    const b2 = Uint8Array.from(bytes);
    b2[6] = 8;
    expect(new Hasher().arr(bytes).digest()).not.toBe(new Hasher().arr(b2).digest());
    const buf = new ArrayBuffer(16);
    const view = new Int16Array(buf, 2, 5);
    view.set([1, 2, 3, 4, 5]);
    expect(new Hasher().arr(view).digest()).toBe(new Hasher().arr(Int16Array.from([1, 2, 3, 4, 5])).digest());
    // a prefix length is part of the hash
    expect(new Hasher().arr(base, 3).digest()).not.toBe(h0);
  });
});
