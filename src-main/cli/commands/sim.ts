import type { Command } from 'commander';

/**
 * PLACEHOLDER — the engine engineer replaces this file with the real `bullpen sim` command.
 * It exists so the CLI compiles and `bullpen --help` lists `sim` before the engine lands.
 */
export function registerSim(program: Command): void {
  program
    .command('sim')
    .description('run a headless simulation session and print its summary')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      process.stderr.write('bullpen sim: not built yet — arrives with the simulation engine.\n');
      process.exitCode = 2;
    });
}
