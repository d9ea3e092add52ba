import { Command } from 'commander';
import { APP_VERSION } from '../host/app-version';
import { registerBench } from './commands/bench';
import { registerData } from './commands/data';
import { registerExport } from './commands/export';
import { registerRecordings } from './commands/recordings';
import { registerReplay } from './commands/replay';
import { registerScenarios } from './commands/scenarios';
import { registerServe } from './commands/serve';
import { registerSim } from './commands/sim';
import { registerTournament } from './commands/tournament';
import { registerEval, registerTrain } from './commands/train';
import { registerVerify } from './commands/verify';

/** The `bullpen` command line: one program, subcommands registered by the features that own them. */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name('bullpen')
    .description('Bullpen — a trading floor of AI agents on a simulated market. Headless tools.')
    .version(APP_VERSION, '-v, --version')
    .option('--db <file>', 'library database file (default: the Bullpen data folder, or $BULLPEN_DATA_DIR)')
    .showHelpAfterError()
    .configureHelp({ sortSubcommands: false });
  registerSim(program);
  registerScenarios(program);
  registerData(program);
  registerReplay(program);
  registerVerify(program);
  registerExport(program);
  registerRecordings(program);
  registerTrain(program);
  registerEval(program);
  registerTournament(program);
  registerBench(program);
  registerServe(program);
  return program;
}
