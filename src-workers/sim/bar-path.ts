/**
 * The price path inside one historical bar: `n` points from the open (first) to the close (last)
 * that pass through the high and the low, in an order and at ticks drawn from a seeded generator.
 * Between those anchors the path is a log-linear line plus a Brownian bridge (zero at both ends),
 * kept inside [low, high], so the bar replayed on the floor has exactly the bar's open, high, low
 * and close. The generator is derived from (seed, bar) alone: a bar's path never depends on any
 * other bar, and can be rebuilt after a snapshot is restored.
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { Rng } from './rng';

/** share of the bar's log-range that the bridge's noise is scaled by (per √step) */
const BRIDGE_SCALE = 0.35;

/** A generator for bar `bar` of a session seeded `seed` (a hash of both, so neighbouring bars differ). */
export function barRng(seed: number, bar: number): Rng {
  let h = Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul((bar + 1) >>> 0, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  h ^= h >>> 16;
  const g = xoroshiro128plus(h >>> 0);
  // the first outputs after seeding from a 32-bit seed are poorly mixed (as in rng.ts)
  for (let i = 0; i < 16; i++) g.next();
  return new Rng(g);
}

/**
 * Writes the bar's path into out[at … at + n − 1]. The high comes first with probability 0.5 minus
 * a lean towards the bar's direction (an up bar more often makes its low first); the two extremes
 * fall on distinct interior ticks. Needs n ≥ 4.
 */
export function barPath(open: number, high: number, low: number, close: number, n: number, rng: Rng, out: Float64Array, at = 0): void {
  if (n < 4) throw new RangeError(`a bar path needs at least 4 points (got ${n})`);
  const lo = Math.log(low);
  const hi = Math.log(high);
  const range = hi - lo;
  const dir = range > 0 ? (Math.log(close) - Math.log(open)) / range : 0;
  const highFirst = rng.next() < 0.5 - 0.3 * dir;
  // two distinct interior ticks for the extremes: 1 ≤ k1 < k2 ≤ n − 2
  const a = 1 + rng.int(n - 2);
  let b = 1 + rng.int(n - 3);
  if (b >= a) b++;
  const k1 = Math.min(a, b);
  const k2 = Math.max(a, b);
  const anchors = [0, k1, k2, n - 1];
  const values = [Math.log(open), highFirst ? hi : lo, highFirst ? lo : hi, Math.log(close)];
  const sigma = (BRIDGE_SCALE * range) / Math.sqrt(n);
  for (let seg = 0; seg < 3; seg++) {
    const j0 = anchors[seg] as number;
    const j1 = anchors[seg + 1] as number;
    const v0 = values[seg] as number;
    const v1 = values[seg + 1] as number;
    const m = j1 - j0;
    // a random walk over the segment, then tied down at its end: a Brownian bridge
    let w = 0;
    const walk = new Float64Array(m + 1);
    for (let j = 1; j <= m; j++) {
      w += rng.normal();
      walk[j] = w;
    }
    for (let j = 0; j < m; j++) {
      const f = j / m;
      let x = v0 + (v1 - v0) * f + sigma * ((walk[j] as number) - f * w);
      if (x > hi) x = hi;
      if (x < lo) x = lo;
      out[at + j0 + j] = Math.min(high, Math.max(low, Math.exp(x)));
    }
  }
  // the anchors exactly (exp(log(x)) may differ from x in the last bit)
  out[at] = open;
  out[at + k1] = highFirst ? high : low;
  out[at + k2] = highFirst ? low : high;
  out[at + n - 1] = close;
}
