import type { Command } from 'commander';

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('measure engine and host throughput (JSON lines on stdout)')
    .option('--seconds <n>', 'seconds per timed run', '3')
    .option('--only <names>', 'comma-separated providers to run (engine, host, rl)')
    .action(async (opts: { seconds: string; only?: string }) => {
      const seconds = Number(opts.seconds);
      if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 600) {
        process.stderr.write(`bullpen bench: --seconds must be a number of seconds from 0 to 600, got "${opts.seconds}"\n`);
        process.exitCode = 1;
        return;
      }
      // loaded on use, so `bullpen --help` and the other commands start fast
      const { runHarness } = await import('../../bench/harness');
      const { allProviders } = await import('../../bench/providers');
      const only = opts.only?.split(',').map((s) => s.trim()).filter((s) => s !== '');
      const providers = await allProviders(only);
      if (providers.length === 0) {
        process.stderr.write(`bullpen bench: no provider matches --only ${opts.only ?? ''}\n`);
        process.exitCode = 1;
        return;
      }
      const result = await runHarness(providers, { seconds });
      if (result.failed.length > 0) process.exitCode = 1;
    });
}
