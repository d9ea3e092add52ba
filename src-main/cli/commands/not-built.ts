import type { Command } from 'commander';
import { EXIT_NOT_BUILT } from '../context';

/**
 * Subcommands whose feature is not built yet: they are listed (so `--help` shows the whole tool),
 * and running one says honestly which feature brings it, exiting with code 2.
 */
const NOT_BUILT = [
  { name: 'replay', description: 'replay a recorded session', feature: 'session recording and replay' },
  { name: 'verify', description: 're-simulate a recording, check its hash', feature: 'session recording and replay' },
  { name: 'export', description: 'export a session to its own .bullpen file', feature: 'session recording and export' },
  { name: 'train', description: 'train a reinforcement-learning agent headless', feature: 'reinforcement-learning training' },
  { name: 'data', description: 'import and manage market data', feature: 'historical market data' },
  { name: 'tournament', description: 'pit agents and policies against each other', feature: 'the agent tournament and leaderboard' },
] as const;

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
