import type { Input } from '../../src-shared/inputs';
import { Engine } from '../../src-workers/sim/engine';
import { restore } from '../../src-workers/sim/snapshot';
import { engineBarsFor } from '../host/historical-bars';
import type { Library } from '../store/library';
import { getRecording, keyframeAtOrBefore, keyframeTicks, readInputs } from '../store/recordings';
import { advance } from './cursor';

export interface Divergence {
  tick: number;
  expected: string;
  actual: string;
}

export interface VerifyReport {
  id: string;
  /** 'seed': from the seed and config; 'fork point': a fork, from its first keyframe (the state it was forked from) */
  from: 'seed' | 'fork point';
  keyframes: number;
  checked: number;
  ticks: number;
  inputs: number;
  ok: boolean;
  firstDivergence: Divergence | null;
  ms: number;
}

/**
 * Re-simulates a recording from its seed and recorded inputs and compares the engine's state hash
 * with the hash of each recorded keyframe (restored), in tick order; stops at the first divergence.
 */
export function verifyRecording(lib: Library, ref: string, onProgress?: (tick: number, last: number) => void): VerifyReport {
  const t0 = performance.now();
  const rec = getRecording(lib, ref);
  const ticks = keyframeTicks(lib, rec.id);
  const inputs = new Map<number, Input[]>();
  const recorded = readInputs(lib, rec.id);
  for (const r of recorded) {
    const list = inputs.get(r.tick);
    if (list) list.push(r.input);
    else inputs.set(r.tick, [r.input]);
  }
  let from: VerifyReport['from'] = 'seed';
  let e: Engine;
  const opts = engineBarsFor(lib.db, rec.config);
  if (rec.parentId === null && rec.firstTick === 0) e = new Engine(rec.config, opts);
  else {
    const kf = keyframeAtOrBefore(lib, rec.id, rec.firstTick);
    if (!kf) throw new Error(`Recording ${rec.id} is a fork without its fork-point keyframe.`);
    e = restore(kf.bytes, rec.config, opts);
    from = 'fork point';
  }
  let checked = 0;
  let firstDivergence: Divergence | null = null;
  for (const t of ticks) {
    if (t < e.tick) continue;
    advance(e, t, inputs);
    const kf = keyframeAtOrBefore(lib, rec.id, t);
    if (!kf || kf.tick !== t) throw new Error(`keyframe at tick ${t} disappeared while verifying`);
    const expected = restore(kf.bytes, rec.config, opts).stateHash();
    const actual = e.stateHash();
    checked++;
    if (expected !== actual) {
      firstDivergence = { tick: t, expected, actual };
      break;
    }
    onProgress?.(t, ticks[ticks.length - 1] ?? t);
  }
  return {
    id: rec.id,
    from,
    keyframes: ticks.length,
    checked,
    ticks: e.tick - rec.firstTick,
    inputs: recorded.length,
    ok: firstDivergence === null && checked > 0,
    firstDivergence,
    ms: Math.round(performance.now() - t0),
  };
}
