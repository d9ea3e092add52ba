import type { BenchOptions, Figure, FigureProvider } from './figures';

export interface NamedProvider {
  name: string;
  run: FigureProvider;
}

export interface HarnessResult {
  figures: Figure[];
  failed: string[];
}

function isFigure(f: unknown): f is Figure {
  if (typeof f !== 'object' || f === null) return false;
  const x = f as Record<string, unknown>;
  return typeof x.name === 'string' && typeof x.value === 'number' && Number.isFinite(x.value) && typeof x.unit === 'string';
}

/**
 * Runs each provider in turn and prints ONE JSON LINE per figure on `out` (stdout):
 * `{"name":"host.ticks_per_s_max","value":1234.5,"unit":"ticks/s"}`. Progress and failures go to
 * `err` (stderr) only, so stdout stays machine-readable. A failing provider does not stop the others.
 */
export async function runHarness(
  providers: readonly NamedProvider[],
  opts: { seconds: number },
  out: (line: string) => void = (l) => process.stdout.write(l + '\n'),
  err: (line: string) => void = (l) => process.stderr.write(l + '\n'),
): Promise<HarnessResult> {
  const figures: Figure[] = [];
  const failed: string[] = [];
  const benchOpts: BenchOptions = { seconds: opts.seconds, log: (l) => err(`  ${l}`) };
  for (const p of providers) {
    err(`bench: ${p.name}…`);
    const t0 = performance.now();
    try {
      const got = await p.run(benchOpts);
      for (const f of got) {
        if (!isFigure(f)) throw new Error(`provider returned a malformed figure: ${JSON.stringify(f)}`);
        const fig: Figure = { name: f.name, value: Math.round(f.value * 1000) / 1000, unit: f.unit };
        figures.push(fig);
        out(JSON.stringify(fig));
      }
      err(`bench: ${p.name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    } catch (e) {
      failed.push(p.name);
      err(`bench: ${p.name} FAILED: ${(e as Error).stack ?? String(e)}`);
    }
  }
  return { figures, failed };
}
