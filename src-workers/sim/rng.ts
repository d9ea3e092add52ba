/**
 * The engine's only source of randomness: pure-rand's xoroshiro128+. One generator is built from the
 * session seed and each subsystem gets its own stream, the base generator jumped `k` times (each jump
 * skips 2^64 draws), where `k` is fixed per subsystem in STREAM. Adding a subsystem or an agent type
 * therefore never reshuffles the draws the others see.
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/** Stream numbers: never renumber an existing one (it would change every recorded session). */
export const STREAM = {
  fundamental: 0,
  news: 1,
  crowdSchedule: 2,
  crowd: 3,
  crowdSetup: 4,
  market: 5,
  /** scenarios: random shocks of the difficulty levels (scenarios.ts) */
  scenario: 6,
  /** desk d uses STREAM.desk0 + d */
  desk0: 16,
} as const;

type Gen = ReturnType<typeof xoroshiro128plus>;

const TWO_NEG_32 = 1 / 4294967296;

export class Rng {
  private spare = NaN;
  constructor(private readonly g: Gen) {}

  static stream(seed: number, k: number): Rng {
    const g = xoroshiro128plus(seed >>> 0);
    for (let i = 0; i < k; i++) g.jump();
    // the first outputs after seeding from a 32-bit seed are poorly mixed: discard them
    for (let i = 0; i < 16; i++) g.next();
    return new Rng(g);
  }

  /** raw 32-bit draw */
  u32(): number {
    return this.g.next() >>> 0;
  }

  /** uniform in the open interval (0, 1) */
  next(): number {
    return ((this.g.next() >>> 0) + 0.5) * TWO_NEG_32;
  }

  /** uniform integer in [0, n) */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  uniform(a: number, b: number): number {
    return a + (b - a) * this.next();
  }

  /** standard normal (Marsaglia polar method; the spare is part of the state) */
  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const s = this.spare;
      this.spare = NaN;
      return s;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * m;
    return u * m;
  }

  exp(mean = 1): number {
    return -Math.log(this.next()) * mean;
  }

  /** Poisson count: Knuth's product method for small means, a rounded normal above 30. */
  poisson(lambda: number): number {
    if (!(lambda > 0)) return 0;
    if (lambda < 30) {
      const l = Math.exp(-lambda);
      let k = 0;
      let p = this.next();
      while (p > l) {
        k++;
        p *= this.next();
      }
      return k;
    }
    const x = Math.round(lambda + Math.sqrt(lambda) * this.normal());
    return x < 0 ? 0 : x;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  state(): readonly number[] {
    return this.g.getState();
  }

  spareValue(): number {
    return this.spare;
  }
}
