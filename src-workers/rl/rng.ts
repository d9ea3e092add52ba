import { xoroshiro128plus, xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { JumpableRandomGenerator } from 'pure-rand/types/JumpableRandomGenerator';

/**
 * The one source of randomness in the RL code: a seeded xoroshiro128+ (pure-rand) with the few
 * distributions PPO needs. Same seed ⇒ same sequence, on every platform.
 */
/** A generator's complete state (for checkpoints that resume training exactly). */
export interface RngState {
  words: number[];
  spare: number;
  hasSpare: boolean;
}

export class Rng {
  private g: JumpableRandomGenerator;
  private spare = 0;
  private hasSpare = false;

  constructor(seed: number | JumpableRandomGenerator) {
    this.g = typeof seed === 'number' ? xoroshiro128plus(seed | 0) : seed;
    // xoroshiro's first outputs from a small seed are poorly mixed: burn a few
    if (typeof seed === 'number') for (let i = 0; i < 8; i++) this.g.next();
  }

  /** An independent stream (2^64 steps ahead); this one is advanced past it too. */
  fork(): Rng {
    const child = this.g.clone();
    child.jump();
    this.g.jump();
    this.g.jump();
    return new Rng(child);
  }

  state(): RngState {
    return { words: [...this.g.getState()], spare: this.spare, hasSpare: this.hasSpare };
  }

  /** Continues from a state taken with `state()`. */
  setState(s: RngState): void {
    this.g = xoroshiro128plusFromState(s.words);
    this.spare = s.spare;
    this.hasSpare = s.hasSpare;
  }

  /** uniform in [0, 1), 53 random bits */
  uniform(): number {
    const a = this.g.next() & 0x3ffffff;
    const b = this.g.next() & 0x7ffffff;
    return a * 1.4901161193847656e-8 + b * 1.1102230246251565e-16;
  }

  /** uniform in [lo, hi) */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** integer in [0, n) (n ≤ 2^31); rejection sampling, no modulo bias */
  int(n: number): number {
    if (n <= 1) return 0;
    const lim = 0x100000000 - (0x100000000 % n);
    for (;;) {
      const u = this.g.next() >>> 0;
      if (u < lim) return u % n;
    }
  }

  /** standard normal (Marsaglia polar method) */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let u = 0;
    let v = 0;
    let s = 0;
    do {
      u = this.uniform() * 2 - 1;
      v = this.uniform() * 2 - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * m;
    this.hasSpare = true;
    return u * m;
  }

  /** Fisher–Yates shuffle of 0..n-1 into `out` */
  permutation(out: Int32Array): Int32Array {
    const n = out.length;
    for (let i = 0; i < n; i++) out[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = out[i]!;
      out[i] = out[j]!;
      out[j] = t;
    }
    return out;
  }
}
