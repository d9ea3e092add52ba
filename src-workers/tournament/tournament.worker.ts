import { runTournamentTask, type TournamentTask, type TournamentTaskResult } from './task';

/** Piscina entry: one tournament task per call (src-main/tournament/service.ts). */
export default function run(task: TournamentTask): TournamentTaskResult {
  return runTournamentTask(task);
}
