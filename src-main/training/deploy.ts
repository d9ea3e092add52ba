import { ApiError, badRequest, type DeployRequest, type DeployResult } from '../../src-shared';
import { DeployInput } from '../../src-shared/inputs';
import { planDeployment } from '../../src-workers/sim/policy-agents';
import type { SessionHost } from '../host/session-host';
import type { RunStore } from '../store/runs';

export interface DeployOptions {
  /** false while the floor shows a recording: deploying then answers `not_live` (as scenario injection does) */
  isLive?: () => boolean;
}

/**
 * Puts a stored checkpoint's policy onto the live floor (training.deploy): as a new desk, or in place
 * of one featured agent's decisions. Loads the snapshot and the env config it was trained with from
 * the runs store, checks that it fits the floor (kind, observation size, symbol, the agent to
 * replace) with the engine's own check, and sends one `deploy` input through the host: applied at
 * the next tick boundary and recorded like every input, so replays and forks reproduce it. The host
 * publishes the grown roster when the engine has applied it.
 */
export async function deployCheckpoint(host: SessionHost, runs: RunStore, req: DeployRequest, opts: DeployOptions = {}): Promise<DeployResult> {
  if (opts.isLive && !opts.isLive()) {
    throw new ApiError({
      code: 'not_live',
      message: 'You are viewing a recording: deploying a policy only applies to a live session. Fork the recording at this moment to get a live session you can change.',
    });
  }
  const info = host.info();
  if (!info) throw new ApiError({ code: 'no_session', message: 'No session is running; start one with session.start, then deploy.' });
  const cp = runs.checkpointSnapshot(req.checkpointId);
  if (!cp) throw badRequest(`checkpointId: no checkpoint "${req.checkpointId}" in this library.`);
  const run = runs.getRun(cp.runId);
  if (!run) throw badRequest(`checkpointId: the run ${cp.runId} of checkpoint "${req.checkpointId}" is missing from the library.`);
  const parsed = DeployInput.safeParse({
    kind: 'deploy',
    as: req.as,
    agent: req.agent ?? null,
    checkpointId: req.checkpointId,
    runId: run.id,
    label: `${run.algo.toUpperCase()} ${run.id.slice(0, 8)} @ ${cp.timesteps}`,
    env: run.env,
    envConfig: run.envConfig,
    snapshot: cp.snapshot,
  });
  if (!parsed.success) throw badRequest(`checkpointId: checkpoint "${req.checkpointId}" cannot be deployed (${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}).`, parsed.error);
  const input = parsed.data;
  const plan = planDeployment(input, info.roster);
  if (typeof plan === 'string') throw badRequest(`${req.as === 'replace' && /agent/.test(plan) ? 'agent' : 'checkpointId'}: checkpoint "${req.checkpointId}" does not fit this floor: ${plan}.`);
  const { tick } = await host.input(input);
  return { tick, agents: plan.agents, desk: plan.desk };
}
