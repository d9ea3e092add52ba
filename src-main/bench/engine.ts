import { defaultSessionConfig } from '../../src-shared/config';
import { allocFrame } from '../../src-shared/frame';
import { Engine } from '../../src-workers/sim/engine';
import type { BenchOptions, Figure } from './figures';

/**
 * Engine figures, measured on the Engine class directly in this thread (no worker, no transport):
 *  - engine.crowd_decisions_per_s — crowd decisions per wall second with a 10,000-trader crowd, whole
 *    ticks timed (desks, matching, indicators included; target ≥ 1,000,000);
 *  - engine.tick_p99_ms_default — 99th percentile of one step() on the default floor (4 symbols,
 *    2,000 crowd, 5 desks), after a warm-up (target ≤ 2 ms);
 *  - engine.ticks_per_s_100k — ticks per second with 100,000 crowd traders (target ≥ 10);
 *  - engine.heap_mb_100k — JS heap plus ArrayBuffer memory of the process while the 100k engine is
 *    live, after a GC when the process runs with --expose-gc (target ≤ 300);
 * plus engine.ticks_per_s_default and engine.build_ms_100k for context.
 */

const DEFAULT_OPTS: BenchOptions = { seconds: 3, log: () => {} };

function drive(e: Engine, seconds: number, onTick?: (ms: number) => void): { ticks: number; secs: number } {
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  let ticks = 0;
  let now = t0;
  while (now < end) {
    const a = now;
    e.step();
    e.drainEvents();
    now = performance.now();
    onTick?.(now - a);
    ticks++;
  }
  return { ticks, secs: (now - t0) / 1000 };
}

function warm(e: Engine, ticks: number): void {
  for (let t = 0; t < ticks; t++) {
    e.step();
    e.drainEvents();
  }
}

function memoryMb(): number {
  const g = (globalThis as { gc?: () => void }).gc;
  if (typeof g === 'function') g();
  const m = process.memoryUsage();
  return (m.heapUsed + m.arrayBuffers) / (1024 * 1024);
}

export async function engineFigures(opts: BenchOptions = DEFAULT_OPTS): Promise<Figure[]> {
  const secs = Math.max(0.5, opts.seconds);
  const figures: Figure[] = [];

  // crowd decisions, 10k crowd
  {
    const e = new Engine(defaultSessionConfig({ seed: 1, crowd: 10_000 }));
    warm(e, 300);
    const d0 = e.crowd.decisions;
    const r = drive(e, secs);
    const perS = (e.crowd.decisions - d0) / r.secs;
    opts.log(`10k crowd: ${r.ticks} ticks, ${e.crowd.decisions - d0} crowd decisions in ${r.secs.toFixed(2)} s`);
    figures.push({ name: 'engine.crowd_decisions_per_s', value: perS, unit: 'decisions/s' });
  }

  // tick latency on the default floor
  {
    const e = new Engine(defaultSessionConfig({ seed: 1 }));
    warm(e, 500);
    const lat: number[] = [];
    const frame = allocFrame({ symbols: e.S, agents: e.agentsN, crowd: e.crowdN });
    const r = drive(e, secs, (ms) => lat.push(ms));
    e.writeFrame(frame);
    lat.sort((a, b) => a - b);
    const p99 = lat[Math.min(lat.length - 1, Math.floor(lat.length * 0.99))] as number;
    const p50 = lat[Math.floor(lat.length * 0.5)] as number;
    opts.log(`default floor: ${r.ticks} ticks in ${r.secs.toFixed(2)} s, p50 ${p50.toFixed(3)} ms, p99 ${p99.toFixed(3)} ms`);
    figures.push({ name: 'engine.tick_p99_ms_default', value: p99, unit: 'ms' });
    figures.push({ name: 'engine.ticks_per_s_default', value: r.ticks / r.secs, unit: 'ticks/s' });
  }

  // 100k crowd
  {
    const t0 = performance.now();
    const e = new Engine(defaultSessionConfig({ seed: 1, crowd: 100_000 }));
    const build = performance.now() - t0;
    warm(e, 50);
    const r = drive(e, secs);
    const mb = memoryMb();
    opts.log(`100k crowd: built in ${build.toFixed(0)} ms, ${r.ticks} ticks in ${r.secs.toFixed(2)} s, ${mb.toFixed(1)} MB heap + buffers, ${e.pool.liveCount} resting orders`);
    figures.push({ name: 'engine.ticks_per_s_100k', value: r.ticks / r.secs, unit: 'ticks/s' });
    figures.push({ name: 'engine.heap_mb_100k', value: mb, unit: 'MB' });
    figures.push({ name: 'engine.build_ms_100k', value: build, unit: 'ms' });
    // keep the engine reachable until after the memory reading
    if (e.tick < 0) throw new Error('unreachable');
  }
  return figures;
}
