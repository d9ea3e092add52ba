import { buildProgram } from './program';

/** Entry of the `bullpen` CLI (bin/bullpen.mjs imports this through tsx). */
try {
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  process.stderr.write(`bullpen: ${(err as Error).message}\n`);
  process.exitCode = 1;
}
