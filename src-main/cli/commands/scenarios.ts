import type { Command } from 'commander';
import { z } from 'zod';
import { Scenario, scenarioSpanTicks } from '../../../src-shared/scenario';
import { ScenarioFileError, loadPresets, presetsDir, readScenarioFile } from '../../host/scenario-presets';

/**
 * `bullpen scenarios`: lists the scenario presets (name, floor duration, compression, title);
 * `bullpen scenarios --check FILE` validates a scenario file and names every field that breaks a rule;
 * `bullpen scenarios --schema` prints the scenario format as JSON Schema (the one in docs/SCENARIOS.md).
 */

/** The scenario format as JSON Schema (zod 4), for editors. */
export function scenarioJsonSchema(): string {
  return JSON.stringify(z.toJSONSchema(Scenario, { io: 'input' }), null, 2);
}
export function registerScenarios(program: Command): void {
  program
    .command('scenarios')
    .description('list the crisis scenario presets (use one with: bullpen sim --scenario NAME --at TICK)')
    .option('--check <file>', 'validate a scenario file instead')
    .option('--json', 'print the presets as JSON')
    .option('--schema', 'print the scenario format as JSON Schema')
    .action((opts: { check?: string; json?: boolean; schema?: boolean }) => {
      try {
        if (opts.schema) {
          process.stdout.write(scenarioJsonSchema() + '\n');
          return;
        }
        if (opts.check !== undefined) {
          const s = readScenarioFile(opts.check);
          process.stdout.write(`${opts.check}: valid scenario "${s.name}", ${s.shocks.length} shock(s), ${(scenarioSpanTicks(s) / 20).toFixed(2)} floor seconds\n`);
          return;
        }
        const presets = loadPresets();
        if (opts.json) {
          process.stdout.write(JSON.stringify(presets, null, 2) + '\n');
          return;
        }
        const rows = presets.map((s) => [s.name, `${(scenarioSpanTicks(s) / 20).toFixed(1)} s`, `${s.compression}×`, s.title ?? '']);
        const header = ['name', 'floor time', 'compression', 'title'];
        const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
        const fmt = (r: string[]): string => r.map((c, i) => c.padEnd(w[i] as number)).join('  ').trimEnd();
        process.stdout.write([fmt(header), ...rows.map(fmt), '', `${presets.length} presets in ${presetsDir()}; details and sources: docs/SCENARIOS.md`].join('\n') + '\n');
      } catch (err) {
        if (!(err instanceof ScenarioFileError)) throw err;
        process.stderr.write(`bullpen scenarios: ${err.message}\n`);
        process.exitCode = 1;
      }
    });
}
