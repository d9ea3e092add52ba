import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, type PushMessage } from '../../src-shared/api';
import type { DecisionEvent } from '../../src-shared/events';
import type { Roster } from '../../src-shared/roster';
import { DeskEnv, parseDeskEnvConfig } from '../../src-workers/rl/envs/desk';
import { TradingEnv, parseTradingEnvConfig } from '../../src-workers/rl/envs/trading';
import { MAPPO } from '../../src-workers/rl/mappo';
import { PPO } from '../../src-workers/rl/ppo';
import { nodeWorkerFactory } from '../../src-main/host/node-worker';
import { SessionHost } from '../../src-main/host/session-host';
import { openLibrary, type Library } from '../../src-main/store/library';
import { Recorder } from '../../src-main/store/recorder';
import { getRecording, readInputs } from '../../src-main/store/recordings';
import { RunStore } from '../../src-main/store/runs';
import { verifyRecording } from '../../src-main/replay/verify';
import { deployCheckpoint } from '../../src-main/training/deploy';

/**
 * Deploying a stored checkpoint onto a live floor through a real SessionHost (real sim worker,
 * recorder and library): the roster grows and is published, the policy's agents decide with their
 * trace, the input is recorded, and the recording re-simulates to the same keyframes.
 */

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

const envCfg = { crowd: 16, desks: 1, episodeSteps: 16, warmupTicks: 20 };

let dir: string;
let lib: Library;
let recorder: Recorder;
let host: SessionHost;
let runs: RunStore;
const pushes: PushMessage[] = [];
let lastFrameAgents = 0;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bullpen-deploy-'));
  lib = openLibrary(join(dir, 'library.sqlite'), { appVersion: 'test' });
  recorder = new Recorder(lib, { keyframeEvery: 100, sampleTicks: 20, log: () => undefined });
  host = new SessionHost({ workerFactory: nodeWorkerFactory(), recorder, appVersion: 'test', log: () => undefined });
  host.onPush((m) => pushes.push(m));
  host.onFrames((f) => {
    lastFrameAgents = f.latest.agents.position.length;
  });
  runs = new RunStore(lib.db);
  const at = '2026-01-01T00:00:00Z';
  const ppo = new PPO(() => new TradingEnv(envCfg), { n_envs: 2, n_steps: 32, batch_size: 64, n_epochs: 1, seed: 1 }).learn(64);
  runs.createRun({ id: 'run-ppo', env: 'trading', algo: 'ppo', seed: 1, totalSteps: 64, hyperparams: {}, envConfig: parseTradingEnvConfig(envCfg) as unknown as Record<string, unknown>, curriculum: false, resumedFrom: null, createdAt: at });
  runs.addCheckpoint('run-ppo', 'cp-ppo', 64, ppo.snapshot(), at);
  const mappo = new MAPPO(() => new DeskEnv(envCfg), { n_envs: 2, n_steps: 16, batch_size: 32, n_epochs: 1, seed: 2 }).learn(32);
  runs.createRun({ id: 'run-mappo', env: 'desk', algo: 'mappo', seed: 2, totalSteps: 32, hyperparams: {}, envConfig: parseDeskEnvConfig(envCfg) as unknown as Record<string, unknown>, curriculum: false, resumedFrom: null, createdAt: at });
  runs.addCheckpoint('run-mappo', 'cp-mappo', 32, mappo.snapshot(), at);
});

afterAll(async () => {
  await host.dispose();
  recorder.close();
  lib.close();
  rmSync(dir, { recursive: true, force: true });
});

const apiError = async (p: Promise<unknown>): Promise<ApiError> => {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected an ApiError');
};

describe('training.deploy on a live floor', () => {
  let sessionId = '';

  it('deploys a PPO checkpoint as a new desk and a MAPPO desk beside it; the roster grows and is published', async () => {
    const info = await host.start({ crowd: 300, symbols: 2, desks: 2, seed: 12, speed: 'max' });
    sessionId = info.sessionId;
    await until(() => host.status().tick > 150, 20_000, 'tick 150');
    const res = await deployCheckpoint(host, runs, { checkpointId: 'cp-ppo', as: 'desk' });
    expect(res).toMatchObject({ agents: [10], desk: 2 });
    expect(res.tick).toBeGreaterThan(150);
    await until(() => (host.info()?.roster.agents.length ?? 0) === 15, 10_000, 'the grown roster');
    const roster = host.info()!.roster;
    expect(roster.desks[2]!.name).toMatch(/^RL: PPO run-ppo @ 64$/);
    expect(roster.agents[10]!.policy).toEqual({ checkpointId: 'cp-ppo', runId: 'run-ppo', label: 'PPO run-ppo @ 64' });
    const published = pushes.filter((p): p is Extract<PushMessage, { push: 'session' }> => p.push === 'session' && p.info !== null).map((p) => p.info!.roster as Roster);
    expect(published.at(-1)!.agents).toHaveLength(15);
    const desk = await deployCheckpoint(host, runs, { checkpointId: 'cp-mappo', as: 'desk' });
    expect(desk).toMatchObject({ agents: [15, 16, 17], desk: 3 });
    await until(() => (host.info()?.roster.agents.length ?? 0) === 20 && lastFrameAgents === 20, 10_000, 'the second desk in roster and frames');
    await until(() => host.agentHistory(10, 5).length >= 5 && host.agentHistory(17, 5).length >= 5, 10_000, 'policy decisions');
    for (const a of [10, 15, 16, 17]) {
      const d = host.agentHistory(a, 5).at(-1) as DecisionEvent;
      expect(d.trace.policy?.actions?.length).toBeGreaterThan(0);
      expect(d.trace.policy!.attributions.length).toBeGreaterThan(0);
      expect(Number.isFinite(d.trace.policy!.value)).toBe(true);
    }
  }, 60_000);

  it('replaces a featured agent: its proposals carry the policy trace; misfits are refused naming the field', async () => {
    const res = await deployCheckpoint(host, runs, { checkpointId: 'cp-ppo', as: 'replace', agent: 1 });
    expect(res).toMatchObject({ agents: [1], desk: 0 });
    await until(() => host.info()?.roster.agents[1]?.policy !== undefined, 10_000, 'agent 1 marked');
    await until(() => host.agentHistory(1, 50).some((d) => (d as DecisionEvent).trace.policy !== undefined), 10_000, 'a policy proposal from agent 1');
    const d = host.agentHistory(1, 50).filter((x) => (x as DecisionEvent).trace.policy).at(-1) as DecisionEvent;
    expect(d.trace.consensus).toBeTruthy();

    expect((await apiError(deployCheckpoint(host, runs, { checkpointId: 'nope', as: 'desk' }))).message).toMatch(/checkpointId: no checkpoint "nope"/);
    const again = await apiError(deployCheckpoint(host, runs, { checkpointId: 'cp-ppo', as: 'replace', agent: 1 }));
    expect(again.code).toBe('bad_request');
    expect(again.message).toMatch(/agent: .*already driven/);
    expect((await apiError(deployCheckpoint(host, runs, { checkpointId: 'cp-ppo', as: 'replace', agent: 99 }))).message).toMatch(/agent: .*no featured agent 99/);
    expect((await apiError(deployCheckpoint(host, runs, { checkpointId: 'cp-mappo', as: 'replace', agent: 2 }))).message).toMatch(/deploys as a whole desk/);
    expect((await apiError(deployCheckpoint(host, runs, { checkpointId: 'cp-ppo', as: 'desk' }, { isLive: () => false }))).code).toBe('not_live');
  }, 60_000);

  it('records the deploy inputs and the grown roster; the recording re-simulates to the same keyframes', async () => {
    const t = host.status().tick;
    await until(() => host.status().tick > t + 250, 20_000, 'ticks after the deploys');
    await host.stop();
    const inputs = readInputs(lib, sessionId);
    expect(inputs.map((i) => i.input.kind)).toEqual(['deploy', 'deploy', 'deploy']);
    expect(getRecording(lib, sessionId).roster?.agents).toHaveLength(20);
    const report = verifyRecording(lib, sessionId);
    expect(report.ok).toBe(true);
    expect(report.inputs).toBe(3);
    expect(report.checked).toBe(report.keyframes);
  }, 60_000);
});
