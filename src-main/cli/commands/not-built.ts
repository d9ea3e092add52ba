import type { Command } from 'commander';
import { EXIT_NOT_BUILT } from '../context';

/**
 * Subcommands whose feature is not built yet: they are listed (so `--help` shows the whole tool),
 * and running one says honestly which feature brings it, exiting with code 2.
 */
const NOT_BUILT: readonly { name: string; description: string; feature: string }[] = [];

export function registerNotBuilt(program: Command): void {
  for (const c of NOT_BUILT) {
    program
      .command(c.name)
      .description(`${c.description} (not built yet)`)
      .helpOption(false)
      .allowUnknownOption()
      .allowExcessArguments()
      .action(() => {
        process.stderr.write(`bullpen ${c.name}: not built yet — it arrives with ${c.feature}.\n`);
        process.exitCode = EXIT_NOT_BUILT;
      });
  }
}
