/**
 * A seeded synthetic OHLCV series (tests and the tournament benchmark; no 1-minute data set ships):
 * log-price steps with regime-switching volatility and drift (calm, trending, turbulent, crash
 * stretches, switching with a small chance per bar), intrabar high/low from the bar's own noise, and
 * a volume that rises with the move. Same seed ⇒ same bars.
 */
import { Rng } from '../rl/rng';
import { allocColumns, type BarColumns } from './bars';

const STATES = [
  { vol: 0.0008, drift: 0 },
  { vol: 0.001, drift: 0.0002 },
  { vol: 0.0025, drift: 0 },
  { vol: 0.004, drift: -0.0006 },
] as const;

export function syntheticBars(n: number, seed: number, opts: { start?: number; stepMs?: number; price?: number; volume?: number; shared?: boolean } = {}): { buffer: ArrayBufferLike; cols: BarColumns } {
  const rng = new Rng(seed);
  const a = allocColumns(n, opts.shared ?? true);
  const c = a.cols;
  const step = opts.stepMs ?? 60_000;
  const baseVol = opts.volume ?? 1000;
  let t = opts.start ?? Date.UTC(2024, 0, 1);
  let px = opts.price ?? 100;
  let state = 0;
  for (let i = 0; i < n; i++) {
    if (rng.uniform() < 0.002) state = rng.int(STATES.length);
    const s = STATES[state]!;
    const open = px;
    const r = s.drift + s.vol * rng.normal();
    const close = open * Math.exp(r);
    const wick = s.vol * Math.abs(rng.normal()) * 0.5;
    c.ts[i] = t;
    c.open[i] = open;
    c.close[i] = close;
    c.high[i] = Math.max(open, close) * (1 + wick);
    c.low[i] = Math.min(open, close) * (1 - wick);
    c.volume[i] = Math.round(baseVol * (0.5 + rng.uniform()) * (1 + Math.abs(r) / s.vol));
    px = close;
    t += step;
  }
  return a;
}
