/**
 * State hashing: two independent 32-bit MurmurHash3-style lanes (64 bits in all) over the exact bytes
 * of every number in the engine's state. Floats are hashed through their IEEE-754 bit patterns and
 * typed arrays through their raw bytes, so "bit-identical state" and "equal hash" mean the same thing
 * (up to a 2^-64 collision chance).
 */
const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);

type Numeric = Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array;

export class Hasher {
  private a = 0x9747b28c;
  private b = 0x1b873593;
  private n = 0;

  private word(w: number): void {
    let k = Math.imul(w, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    let a = this.a ^ k;
    a = (a << 13) | (a >>> 19);
    this.a = (Math.imul(a, 5) + 0xe6546b64) | 0;
    let j = Math.imul(w ^ 0x5bd1e995, 0x85ebca6b);
    j = (j << 13) | (j >>> 19);
    j = Math.imul(j, 0xc2b2ae35);
    let b = this.b ^ j;
    b = (b << 17) | (b >>> 15);
    this.b = (Math.imul(b, 9) + 0x7a2b3c4d) | 0;
    this.n++;
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

  /** Hashes the first `n` elements (default all) of an array: raw bytes for typed arrays. */
  arr(xs: Numeric | readonly number[], n: number = xs.length): this {
    this.int(n);
    if (Array.isArray(xs) || !ArrayBuffer.isView(xs)) {
      for (let i = 0; i < n; i++) this.num(xs[i] as number);
      return this;
    }
    const t = xs as Numeric;
    const bytes = n * t.BYTES_PER_ELEMENT;
    const words = bytes >>> 2;
    if ((t.byteOffset & 3) === 0) {
      const u = new Uint32Array(t.buffer, t.byteOffset, words);
      for (let i = 0; i < words; i++) this.word(u[i] as number);
    } else {
      const dv = new DataView(t.buffer, t.byteOffset, bytes);
      for (let i = 0; i < words; i++) this.word(dv.getUint32(i * 4, true));
    }
    const u8 = new Uint8Array(t.buffer, t.byteOffset + words * 4, bytes - words * 4);
    for (let i = 0; i < u8.length; i++) this.word(u8[i] as number);
    return this;
  }

  digest(): string {
    const fmix = (h: number): number => {
      h ^= h >>> 16;
      h = Math.imul(h, 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      h ^= h >>> 16;
      return h >>> 0;
    };
    const a = fmix(this.a ^ this.n);
    const b = fmix(this.b ^ Math.imul(this.n, 0x27d4eb2f));
    return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
  }
}
