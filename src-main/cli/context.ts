import type { Command } from 'commander';

/** The `--db FILE` global option as seen from any subcommand (undefined: the default library). */
export function globalDbPath(cmd: Command): string | undefined {
  const opts: { db?: unknown } = cmd.optsWithGlobals();
  return typeof opts.db === 'string' ? opts.db : undefined;
}

