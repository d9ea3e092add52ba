/**
 * The bar series a tournament runs on, as columns (shareable between worker threads without a
 * copy), and the look-ahead guard: a strategy never gets the columns, only a `BarView` — a cursor
 * whose private fields (`#`) hold the data and the current bar t, and whose accessors refuse any bar
 * after t. The runner moves the cursor; nothing a strategy holds can move it or reach past it.
 */

export interface BarColumns {
  ts: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

export const COLUMN_NAMES = ['ts', 'open', 'high', 'low', 'close', 'volume'] as const;

/** Columns over one SharedArrayBuffer (or a plain one), n bars each. */
export function allocColumns(n: number, shared = true): { buffer: ArrayBufferLike; cols: BarColumns } {
  const bytes = n * 8 * COLUMN_NAMES.length;
  const buffer = shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  return { buffer, cols: columnsOf(buffer, n) };
}

/** The columns laid out in `buffer` by allocColumns. */
export function columnsOf(buffer: ArrayBufferLike, n: number): BarColumns {
  const col = (i: number): Float64Array => new Float64Array(buffer, i * n * 8, n);
  return { ts: col(0), open: col(1), high: col(2), low: col(3), close: col(4), volume: col(5) };
}

export function columnsFromBars(bars: readonly { ts: number; open: number; high: number; low: number; close: number; volume: number }[], shared = true): { buffer: ArrayBufferLike; cols: BarColumns } {
  const a = allocColumns(bars.length, shared);
  const c = a.cols;
  for (let i = 0; i < bars.length; i++) {
    const b = bars[i]!;
    c.ts[i] = b.ts;
    c.open[i] = b.open;
    c.high[i] = b.high;
    c.low[i] = b.low;
    c.close[i] = b.close;
    c.volume[i] = b.volume;
  }
  return a;
}

export class LookAheadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LookAheadError';
  }
}

// module-private (set by BarView's static block): only the runner's cursor (createCursor) can move a view
let setT: (view: BarView, t: number) => void = () => {
  throw new Error('BarView is not initialised');
};

/**
 * What a strategy sees at bar t: bars 0…t, addressed backwards (`close(0)` is bar t's close,
 * `close(k)` the close k bars earlier). Asking for a bar after t, or before the first, throws.
 */
export class BarView {
  readonly #c: BarColumns;
  #t = -1;

  constructor(cols: BarColumns) {
    this.#c = cols;
  }

  /** index of the current (latest visible) bar */
  get t(): number {
    return this.#t;
  }

  /** bars visible (t + 1) */
  get length(): number {
    return this.#t + 1;
  }

  #at(k: number): number {
    if (!Number.isInteger(k) || k < 0) throw new LookAheadError(`bar ${k} bars back is not visible at bar ${this.#t} (only bars up to now are)`);
    const i = this.#t - k;
    if (i < 0) throw new LookAheadError(`bar ${k} bars back is before the first bar`);
    return i;
  }

  ts(k = 0): number {
    return this.#c.ts[this.#at(k)]!;
  }
  open(k = 0): number {
    return this.#c.open[this.#at(k)]!;
  }
  high(k = 0): number {
    return this.#c.high[this.#at(k)]!;
  }
  low(k = 0): number {
    return this.#c.low[this.#at(k)]!;
  }
  close(k = 0): number {
    return this.#c.close[this.#at(k)]!;
  }
  volume(k = 0): number {
    return this.#c.volume[this.#at(k)]!;
  }

  static {
    setT = (view, t) => {
      view.#t = t;
    };
  }
}

/** A view over the columns and the runner's handle that moves it (strategies get `view` only). */
export function createCursor(cols: BarColumns): { view: BarView; moveTo: (t: number) => void } {
  const view = new BarView(cols);
  return { view, moveTo: (t) => setT(view, t) };
}
