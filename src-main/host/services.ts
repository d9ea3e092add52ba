import { ApiError } from '../../src-shared/api';
import type { Library } from '../store/library';
import type { TrainingService } from '../training/service';
import type { TournamentService } from '../tournament/service';

/**
 * What the router reaches besides the session host: each is optional so a host without a library
 * (tests, a library that failed to open) still serves the floor and answers the rest with a clear error.
 */
export interface RouterServices {
  /** the library database (cached bars, runs, tournaments) */
  library?: Library;
  /** the training pool */
  training?: TrainingService;
  /** strategy tournaments (its progress is pushed by whoever constructs it: host.publish) */
  tournaments?: TournamentService;
}

/** The service, or an error saying what is missing. */
export function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new ApiError({ code: 'internal', message: `${what} is not available: the library is not open.` });
  return value;
}
