import { closeSync, openSync, writeSync } from 'node:fs';
import type { Bar } from '../../src-shared/market-data';

/**
 * Bars to CSV: `timestamp` (ms since the epoch, UTC), `date` (ISO 8601, UTC), open, high, low, close,
 * volume, with every number written in full (round-trips exactly through `bullpen data import`).
 */

export const EXPORT_HEADER = 'timestamp,date,open,high,low,close,volume';

export function barToCsvLine(b: Bar): string {
  return `${b.ts},${new Date(b.ts).toISOString()},${b.open},${b.high},${b.low},${b.close},${b.volume}`;
}

export function barsToCsv(bars: readonly Bar[]): string {
  return [EXPORT_HEADER, ...bars.map(barToCsvLine)].join('\n') + '\n';
}

/** Writes bars to a file in chunks; returns the number of bars written. */
export function writeBarsCsv(path: string, bars: readonly Bar[]): number {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, EXPORT_HEADER + '\n');
    for (let i = 0; i < bars.length; i += 10_000) {
      writeSync(fd, bars.slice(i, i + 10_000).map(barToCsvLine).join('\n') + '\n');
    }
  } finally {
    closeSync(fd);
  }
  return bars.length;
}
