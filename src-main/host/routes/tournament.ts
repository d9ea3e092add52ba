import { ApiError, type TournamentMethod } from '../../../src-shared';
import type { TournamentService } from '../../tournament/service';
import { need } from '../services';
import type { HandlersFor, RouteContext } from './types';

/** A service error (bad spec field, unknown id) as a bad request naming the field; the rest stays internal. */
function asApiError(err: unknown): never {
  if (err instanceof ApiError) throw err;
  const message = err instanceof Error ? err.message : String(err);
  const field = /^([\w./]+(?:\.\d+)?): /.exec(message);
  if (field || message.startsWith('Invalid tournament spec')) {
    throw new ApiError({ code: 'bad_request', message, ...(field ? { issues: [{ path: field[1]!, message: message.slice(field[0].length) }] } : {}) });
  }
  throw err;
}

export function tournamentRoutes(ctx: RouteContext): HandlersFor<TournamentMethod> {
  const svc = (): TournamentService => need(ctx.services.tournaments, 'Tournaments');
  return {
    'tournament.start': (p) => {
      try {
        const h = svc().start(p.spec);
        void h.done.catch(() => undefined);
        return { id: h.id };
      } catch (err) {
        return asApiError(err);
      }
    },
    'tournament.list': (p) => svc().list(p.limit),
    'tournament.get': (p) => {
      const t = svc().get(p.id);
      if (!t) throw new ApiError({ code: 'bad_request', message: `No tournament "${p.id}" in this library.`, issues: [{ path: 'id', message: 'no such tournament' }] });
      return t;
    },
    'tournament.cancel': (p) => ({ cancelled: svc().cancel(p.id) }),
    'tournament.export': (p) => {
      try {
        return svc().export(p.id, p.format);
      } catch (err) {
        return asApiError(err);
      }
    },
  };
}
