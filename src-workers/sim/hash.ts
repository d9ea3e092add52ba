/**
 * State hashing: 64-bit FNV-1a (as two interleaved 32-bit lanes) over the exact bytes of every number
 * in the engine's state. Floats are hashed through their IEEE-754 bit patterns, so "bit-identical
 * state" and "equal hash" mean the same thing.
 */
const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);

export class Hasher {
  private a = 0x811c9dc5;
  private b = 0x050c5d1f;

  private word(w: number): void {
    // FNV-1a over the 4 bytes of w, lane a; a second lane with a different offset basis and the
    // bytes fed in reverse order lowers the collision odds to ~2^-64
    let a = this.a;
    let b = this.b;
    for (let k = 0; k < 4; k++) {
      a ^= (w >>> (k * 8)) & 0xff;
      a = Math.imul(a, 0x01000193);
      b ^= (w >>> ((3 - k) * 8)) & 0xff;
      b = Math.imul(b, 0x01000193);
    }
    this.a = a;
    this.b = b;
  }

  num(x: number): this {
    F64[0] = x;
    this.word(U32[0] as number);
    this.word(U32[1] as number);
    return this;
  }

  int(x: number): this {
    this.word(x | 0);
    return this;
  }

  str(s: string): this {
    this.int(s.length);
    for (let i = 0; i < s.length; i++) this.word(s.charCodeAt(i));
    return this;
  }

  /** Hashes the first `n` elements (default all) of a typed array, element by element. */
  arr(xs: ArrayLike<number>, n: number = xs.length): this {
    this.int(n);
    for (let i = 0; i < n; i++) this.num(xs[i] as number);
    return this;
  }

  digest(): string {
    return (this.a >>> 0).toString(16).padStart(8, '0') + (this.b >>> 0).toString(16).padStart(8, '0');
  }
}
