import type { Command } from 'commander';
import { verifyRecording } from '../../replay/verify';
import { openRecordingRef } from './recording-common';

/**
 * `bullpen verify FILE|ID`: re-simulates the recording from its seed and recorded inputs and compares
 * the state hash at every keyframe; reports the first divergence and exits 1 if there is one.
 */
export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description('re-simulate a recording from seed + inputs and compare state hashes at every keyframe')
    .argument('<recording>', 'a .bullpen file, or a recording id / id prefix / name in the library')
    .option('--json', 'print the report as JSON')
    .action((ref: string, opts: { json?: boolean }, cmd: Command) => {
      const { lib, ref: id } = openRecordingRef(cmd, ref);
      try {
        const tty = process.stderr.isTTY === true;
        const r = verifyRecording(lib, id, tty ? (t, last) => void process.stderr.write(`\rverifying… tick ${t} / ${last}`) : undefined);
        if (tty) process.stderr.write('\n');
        if (opts.json) process.stdout.write(JSON.stringify(r) + '\n');
        else if (r.firstDivergence) {
          const d = r.firstDivergence;
          process.stdout.write(
            `DIVERGED at tick ${d.tick}: recorded state hash ${d.expected}, re-simulated ${d.actual} ` +
              `(${r.checked - 1} of ${r.keyframes} keyframes matched before it; ${r.inputs} inputs; from ${r.from}).\n`,
          );
        } else if (!r.ok) process.stdout.write(`Nothing to verify: recording ${r.id} has no keyframes.\n`);
        else process.stdout.write(`OK: ${r.checked} keyframes match over ${r.ticks} ticks (${r.inputs} inputs, from ${r.from}) in ${r.ms} ms.\n`);
        if (!r.ok) process.exitCode = 1;
      } finally {
        lib.close();
      }
    });
}
