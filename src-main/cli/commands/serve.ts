import type { Command } from 'commander';
import { globalDbPath } from '../context';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the floor to a browser on 127.0.0.1, print its URL')
    .option('--seed <n>', 'seed of the default session', '1')
    .option('--port <n>', 'port to listen on (0 = any free port)', '0')
    .action(async (opts: { seed: string; port: string }, cmd: Command) => {
      // loaded on use, so `bullpen --help` and the other commands start fast
      const { parseServeArgs, runServe } = await import('../../web/serve');
      const db = globalDbPath(cmd);
      const parsed = parseServeArgs(['--seed', opts.seed, '--port', opts.port, ...(db ? ['--db', db] : [])]);
      await runServe(parsed);
    });
}
