import { Option, type Command } from 'commander';
import { join } from 'node:path';
import { exportBullpen, exportTables } from '../../store/export';
import { openRecordingRef } from './recording-common';

/**
 * `bullpen export ID --format csv|parquet|bullpen --out DIR`: a recording's events, trades,
 * decisions, bars, equity and inputs as CSV or Parquet files in DIR, or the whole recording as a
 * standalone .bullpen file (DIR/<id>.bullpen, or --out FILE.bullpen).
 */
export function registerExport(program: Command): void {
  program
    .command('export')
    .description('export a recording as CSV or Parquet tables, or as its own .bullpen file')
    .argument('<recording>', 'a .bullpen file, or a recording id / id prefix / name in the library')
    .addOption(new Option('--format <format>', 'output format').choices(['csv', 'parquet', 'bullpen']).default('csv'))
    .requiredOption('--out <path>', 'output folder (or a .bullpen file name)')
    .action((ref: string, opts: { format: 'csv' | 'parquet' | 'bullpen'; out: string }, cmd: Command) => {
      const { lib, ref: id } = openRecordingRef(cmd, ref);
      try {
        if (opts.format === 'bullpen') {
          const file = opts.out.endsWith('.bullpen') ? opts.out : join(opts.out, `${id}.bullpen`);
          const rec = exportBullpen(lib, id, file);
          process.stdout.write(`${file}\t${rec.eventCount} events, ${rec.lastTick - rec.firstTick} ticks\n`);
        } else {
          for (const f of exportTables(lib, id, opts.format, opts.out)) process.stdout.write(`${f.file}\t${f.rows} rows\n`);
        }
      } finally {
        lib.close();
      }
    });
}
