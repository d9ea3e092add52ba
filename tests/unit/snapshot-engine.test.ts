import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultSessionConfig } from '../../src-shared/config';
import { Input } from '../../src-shared/inputs';
import { Engine } from '../../src-workers/sim/engine';
import { SnapshotError, peekConfig, restore, restoreInto, snapshot, snapshotTick } from '../../src-workers/sim/snapshot';

/** The snapshot contract: restore(snapshot(e at T)) then N ticks ⇒ the same stateHash as e at T + N. */
describe('engine snapshot', () => {
  it('restores a bit-identical engine that stays identical for the next ticks (inputs included)', () => {
    const cfg = defaultSessionConfig({ seed: 11, crowd: 600, symbols: 3, desks: 3 });
    const e = new Engine(cfg);
    for (let i = 0; i < 700; i++) e.step();
    e.applyInput({ kind: 'setParam', param: 'volatility', value: 3 });
    for (let i = 0; i < 50; i++) e.step();
    e.drainEvents();
    const bytes = snapshot(e);
    expect(snapshotTick(bytes)).toBe(750);
    expect(peekConfig(bytes)).toEqual(cfg);
    const r = restore(bytes, cfg);
    expect(r.tick).toBe(750);
    expect(r.stateHash()).toBe(e.stateHash());
    for (let i = 0; i < 400; i++) {
      if (i === 100) {
        const halt = { kind: 'halt', desk: 1, halted: true } as const;
        e.applyInput(halt);
        r.applyInput(halt);
      }
      e.step();
      r.step();
    }
    expect(r.stateHash()).toBe(e.stateHash());
    // the event streams continue identically too (same seq numbers)
    expect(JSON.stringify(r.drainEvents())).toBe(JSON.stringify(e.drainEvents()));
  });

  it('survives order-pool growth (a snapshot larger than a fresh engine) and a snapshot of a restored engine', () => {
    const cfg = defaultSessionConfig({ seed: 3, crowd: 50, symbols: 1, desks: 1 });
    const e = new Engine(cfg);
    for (let i = 0; i < 300; i++) e.step();
    const first = restore(snapshot(e), null);
    const second = restore(snapshot(first), cfg);
    for (let i = 0; i < 300; i++) {
      e.step();
      second.step();
    }
    expect(second.stateHash()).toBe(e.stateHash());
  });

  it('captures a running crisis scenario (the runner and breakers through their saveState/loadState)', () => {
    const cfg = defaultSessionConfig({ seed: 9, crowd: 300, symbols: 2, desks: 2 });
    const scenario: unknown = JSON.parse(readFileSync(new URL('../../resources/scenarios/covid-crash-2020.json', import.meta.url), 'utf8'));
    const inject = Input.parse({ kind: 'scenario', id: 1, startTick: null, scenario });
    const e = new Engine(cfg);
    for (let i = 0; i < 50; i++) e.step();
    e.applyInput(inject);
    // into the scenario: some shocks have fired, others are pending
    for (let i = 0; i < 400; i++) e.step();
    e.drainEvents();
    const r = restore(snapshot(e), cfg);
    expect(r.stateHash()).toBe(e.stateHash());
    for (let i = 0; i < 1500; i++) {
      e.step();
      r.step();
    }
    expect(r.stateHash()).toBe(e.stateHash());
    expect(JSON.stringify(r.drainEvents())).toBe(JSON.stringify(e.drainEvents()));
  });

  it('restoreInto rewinds an engine that has moved on to the exact state of an earlier snapshot', () => {
    const cfg = defaultSessionConfig({ seed: 12, crowd: 400, symbols: 2, desks: 2 });
    const e = new Engine(cfg);
    for (let i = 0; i < 300; i++) e.step();
    e.drainEvents();
    const at300 = snapshot(e);
    const h300 = e.stateHash();
    for (let i = 0; i < 300; i++) e.step();
    const later = new Engine(cfg);
    for (let i = 0; i < 900; i++) later.step();
    restoreInto(later, at300);
    expect(later.tick).toBe(300);
    expect(later.stateHash()).toBe(h300);
    for (let i = 0; i < 300; i++) later.step();
    expect(later.stateHash()).toBe(e.stateHash());
  });

  it('refuses bytes that are not a snapshot, truncated or of another format', () => {
    const cfg = defaultSessionConfig({ seed: 3, crowd: 50, symbols: 1, desks: 1 });
    const bytes = snapshot(new Engine(cfg));
    expect(() => restore(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), cfg)).toThrow(SnapshotError);
    expect(() => restore(bytes.subarray(0, bytes.length - 10), cfg)).toThrow(/truncated/);
    const other = bytes.slice();
    other[4] = 99;
    expect(() => restore(other, cfg)).toThrow(/format 99/);
  });
});
