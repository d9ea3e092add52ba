import type { Method, ParsedParams, Result } from '../../../src-shared/api';
import type { SessionHost } from '../session-host';
import type { RouterServices } from '../services';

/** The handlers for a group of FloorApi methods; the router requires one per method. */
export type HandlersFor<K extends Method> = { [M in K]: (params: ParsedParams<M>) => Promise<Result<M>> | Result<M> };

export interface RouteContext {
  host: SessionHost;
  services: RouterServices;
  /** false while the floor shows a recording: commands that change the live session answer not_live */
  isLive: () => boolean;
}
