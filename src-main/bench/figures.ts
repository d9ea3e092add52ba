/**
 * A benchmark figure: one measured number. The harness prints each as one JSON line on stdout,
 * `{"name":"host.ticks_per_s_max","value":1234.5,"unit":"ticks/s"}`; human text goes to stderr.
 */
export interface Figure {
  /** dotted, stable name, e.g. `engine.ticks_per_s` */
  name: string;
  value: number;
  unit: string;
}

export interface BenchOptions {
  /** wall seconds each timed run should last (providers may round) */
  seconds: number;
  /** human-readable progress, written to stderr by the harness */
  log: (line: string) => void;
}

/** A provider measures something and returns its figures. */
export type FigureProvider = (opts: BenchOptions) => Promise<Figure[]>;
