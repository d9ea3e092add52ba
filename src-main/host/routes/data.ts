import type { DataMethod } from '../../../src-shared';
import type { HandlersFor, RouteContext } from './types';

export function dataRoutes(_ctx: RouteContext): HandlersFor<DataMethod> {
  return {};
}
