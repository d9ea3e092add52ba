import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppInfo, ResponseEnvelope } from '../../src-shared/api';
import { CrowdInspection, EngineMetrics } from '../../src-shared/inspect';
import { CROWD_TYPES } from '../../src-shared/roster';
import { nodeWorkerFactory } from '../../src-main/host/node-worker';
import { createRouter, type Router } from '../../src-main/host/router';
import { SessionHost } from '../../src-main/host/session-host';

// Crowd inspection and floor metrics: questions the host asks the real sim worker between ticks.
const appInfo: AppInfo = { name: 'Bullpen', version: 'test', transport: 'direct', dataDir: '/tmp', dbPath: '/tmp/x' };

let host: SessionHost;
let router: Router;
let nextId = 1;
const call = async (method: string, params: unknown = {}): Promise<ResponseEnvelope> => router.handle({ id: nextId++, method, params }, 64);

beforeAll(() => {
  host = new SessionHost({ workerFactory: nodeWorkerFactory(), log: () => undefined });
  router = createRouter(host, appInfo);
});
afterAll(() => host.dispose());

describe('inspecting the floor through the API', () => {
  it('refuses questions when no session runs', async () => {
    const r = await call('crowd.inspect', { index: 0 });
    expect(r.ok ? null : r.error.code).toBe('no_session');
  });

  it('shows any crowd trader\'s type, position, P&L, last order and why, matching the roster and the frame', async () => {
    const info = await host.start({ seed: 11, crowd: 300, symbols: 2, desks: 2, speed: 'max' });
    let latestCrowdPosition: Float32Array = new Float32Array(0);
    const off = host.onFrames((b) => (latestCrowdPosition = b.latest.crowd.position));
    await new Promise((r) => setTimeout(r, 400));
    await host.pause();
    off();
    let traded = 0;
    for (const index of [0, 57, 299]) {
      const r = await call('crowd.inspect', { index });
      if (!r.ok) throw new Error(r.error.message);
      const c = CrowdInspection.parse(r.result);
      expect(c.index).toBe(index);
      expect(c.type).toBe(CROWD_TYPES[info.roster.crowdTypes[index] as number]);
      expect(c.position).toBeCloseTo(latestCrowdPosition[index] as number, 3);
      expect(c.why.length).toBeGreaterThan(5);
      if (c.lastOrder) traded++;
    }
    expect(traded).toBeGreaterThan(0);

    const bad = await call('crowd.inspect', { index: 300 });
    expect(bad.ok ? null : bad.error).toMatchObject({ code: 'bad_request', message: expect.stringContaining('0–299') });
    const malformed = await call('crowd.inspect', { index: -1 });
    expect(malformed.ok ? null : malformed.error.code).toBe('bad_request');
  });

  it('reports per-desk and per-agent performance consistent with the frames', async () => {
    const r = await call('floor.metrics');
    if (!r.ok) throw new Error(r.error.message);
    const m = EngineMetrics.parse(r.result);
    expect(m.desks).toHaveLength(2);
    expect(m.agents).toHaveLength(10);
    expect(m.floor.ticks).toBe(host.status().tick);
    expect(m.floor.trades).toBeGreaterThan(0);
    for (const d of m.desks) {
      const members = m.agents.filter((a) => a.desk === d.desk);
      expect(members).toHaveLength(5);
      // a desk's P&L is its members' P&L
      expect(d.pnl).toBeCloseTo(members.reduce((s, a) => s + a.pnl, 0), 6);
      expect(d.maxDrawdown).toBeGreaterThanOrEqual(0);
    }
  });
});
