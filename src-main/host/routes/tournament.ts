import type { TournamentMethod } from '../../../src-shared';
import type { HandlersFor, RouteContext } from './types';

export function tournamentRoutes(_ctx: RouteContext): HandlersFor<TournamentMethod> {
  return {};
}
