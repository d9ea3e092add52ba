import { HISTORICAL_TICKS_PER_BAR, defaultSessionConfig } from '../../src-shared/config';
import type { HistoricalBars } from '../../src-shared/worker-protocol';
import { Engine } from '../../src-workers/sim/engine';
import { bundledDataSet, loadBundled } from '../market-data/bundled';
import type { BenchOptions, Figure } from './figures';

/**
 * Market-data figures, measured on the Engine class directly in this thread (no worker, no host):
 *  - data.replay_bars_per_s — historical bars per wall second driving the floor as fast as possible:
 *    the bundled S&P 500 daily series, five desks, the default crowd (2,000), one symbol, each bar
 *    HISTORICAL_TICKS_PER_BAR ticks (path, synthetic book, crowd, desks, indicators all included);
 *  - data.replay_bars_per_cpu_s — the same per CPU-second of this process (what one free core gives,
 *    steadier than wall time on a shared machine).
 */

const DEFAULT_OPTS: BenchOptions = { seconds: 3, log: () => {} };

function bundledBars(): HistoricalBars {
  const { bars } = loadBundled('sp500');
  const col = (f: (b: (typeof bars)[number]) => number): Float64Array => Float64Array.from(bars, f);
  return {
    barMs: 86_400_000,
    ts: col((b) => b.ts),
    series: [{ name: 'SP500', open: col((b) => b.open), high: col((b) => b.high), low: col((b) => b.low), close: col((b) => b.close), volume: col((b) => b.volume) }],
  };
}

export async function dataFigures(opts: BenchOptions = DEFAULT_OPTS): Promise<Figure[]> {
  const secs = Math.max(0.5, opts.seconds);
  const historical = bundledBars();
  const config = defaultSessionConfig({ seed: 1, desks: 5, symbols: 1, market: { kind: 'historical', series: [bundledDataSet('sp500').key] } });
  const e = new Engine(config, { historical });
  // warm-up: a few bars, so the JIT and the books have settled
  for (let t = 0; t < 5 * HISTORICAL_TICKS_PER_BAR; t++) {
    e.step();
    e.drainEvents();
  }
  const tick0 = e.tick;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const end = t0 + secs * 1000;
  let now = t0;
  while (now < end && !e.finished) {
    for (let k = 0; k < HISTORICAL_TICKS_PER_BAR && !e.finished; k++) {
      e.step();
      e.drainEvents();
    }
    now = performance.now();
  }
  const cpu = process.cpuUsage(cpu0);
  const bars = (e.tick - tick0) / HISTORICAL_TICKS_PER_BAR;
  const elapsed = (now - t0) / 1000;
  const cpuS = (cpu.user + cpu.system) / 1e6;
  opts.log(`S&P 500 daily, 5 desks, ${config.crowd} crowd: ${bars.toFixed(0)} bars (${e.tick - tick0} ticks) in ${elapsed.toFixed(2)} s, ${cpuS.toFixed(2)} CPU-s`);
  return [
    { name: 'data.replay_bars_per_s', value: bars / elapsed, unit: 'bars/s' },
    { name: 'data.replay_bars_per_cpu_s', value: bars / Math.max(cpuS, 1e-3), unit: 'bars/CPU-s' },
  ];
}
