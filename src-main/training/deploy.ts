import { ApiError, type DeployRequest, type DeployResult } from '../../src-shared';
import type { SessionHost } from '../host/session-host';
import type { RunStore } from '../store/runs';

/**
 * Puts a stored checkpoint's policy onto the live floor (training.deploy): as a new desk, or in place
 * of one featured agent's decisions.
 */
export async function deployCheckpoint(_host: SessionHost, _runs: RunStore, _req: DeployRequest): Promise<DeployResult> {
  await Promise.resolve();
  throw new ApiError({ code: 'internal', message: 'Deploying a policy onto the floor is not built yet.' });
}
