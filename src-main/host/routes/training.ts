import { ApiError, type TrainingMethod } from '../../../src-shared';
import type { HandlersFor, RouteContext } from './types';

export function trainingRoutes(_ctx: RouteContext): HandlersFor<TrainingMethod> {
  return {
    'training.deploy': () => {
      throw new ApiError({ code: 'internal', message: 'Deploying a policy onto the floor is not built yet.' });
    },
  };
}
