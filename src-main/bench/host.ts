import type { FrameBatch } from '../../src-shared/frame';
import { nodeWorkerFactory } from '../host/node-worker';
import { SessionHost, type WorkerFactory } from '../host/session-host';
import type { BenchOptions, Figure } from './figures';

const WARMUP_MS = 500;

/**
 * Host throughput: a default session at speed 'max' through the real sim worker, measured at the
 * host's listeners (what a transport would relay) after a short warm-up.
 */
export async function hostFigures(opts: BenchOptions, workerFactory: WorkerFactory = nodeWorkerFactory()): Promise<Figure[]> {
  const host = new SessionHost({ workerFactory, log: opts.log });
  let counting = false;
  let batches = 0;
  let ticks = 0;
  let events = 0;
  let pushed = 0;
  host.onFrames((b: FrameBatch) => {
    if (!counting) return;
    batches++;
    ticks += b.toTick - b.fromTick + 1;
  });
  host.onPush((m) => {
    if (counting && m.push === 'events') {
      // every event the engine produced reaches the host; the push is its thinned live view
      events += m.events.length + m.skipped;
      pushed += m.events.length;
    }
  });
  try {
    const info = await host.start({ speed: 'max' });
    opts.log(`session ${info.sessionId}: ${info.roster.agents.length} agents, ${info.roster.crowdTypes.length} crowd, ${info.roster.symbols.length} symbols`);
    await new Promise((r) => setTimeout(r, WARMUP_MS));
    counting = true;
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, Math.max(0.5, opts.seconds) * 1000));
    counting = false;
    const secs = (performance.now() - t0) / 1000;
    const status = host.status();
    if (status.health !== 'running') throw new Error(`session is ${status.health}: ${status.error ?? ''}`);
    opts.log(`${batches} batches, ${ticks} ticks, ${events} events (${pushed} pushed live) in ${secs.toFixed(2)} s`);
    return [
      { name: 'host.frame_batches_per_s', value: batches / secs, unit: 'batches/s' },
      { name: 'host.ticks_per_s_max', value: ticks / secs, unit: 'ticks/s' },
      { name: 'host.events_per_s', value: events / secs, unit: 'events/s' },
      { name: 'host.events_pushed_per_s', value: pushed / secs, unit: 'events/s' },
    ];
  } finally {
    await host.dispose();
  }
}
