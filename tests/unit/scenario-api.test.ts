import { afterAll, describe, expect, it } from 'vitest';
import { ResponseEnvelope, apiSchemas, type ApiErrorBody, type AppInfo } from '../../src-shared/api';
import type { BullpenEvent } from '../../src-shared/events';
import { InjectResult, ScenarioReport, ScenarioState, ScenarioSummary } from '../../src-shared/scenario';
import { nodeWorkerFactory } from '../../src-main/host/node-worker';
import { createRouter } from '../../src-main/host/router';
import { ScenarioControl } from '../../src-main/host/scenario-control';
import { SessionHost } from '../../src-main/host/session-host';

const appInfo: AppInfo = { name: 'Bullpen', version: 'test', transport: 'direct', dataDir: '/tmp/bp', dbPath: '/tmp/bp/x.sqlite' };

function errorOf(res: ResponseEnvelope): ApiErrorBody {
  if (res.ok) throw new Error(`expected an error, got ${JSON.stringify(res).slice(0, 300)}`);
  return res.error;
}

async function call(router: ReturnType<typeof createRouter>, method: string, params?: unknown): Promise<ResponseEnvelope> {
  const text = JSON.stringify({ id: 1, method, ...(params === undefined ? {} : { params }) });
  const res = await router.handle(text, Buffer.byteLength(text));
  expect(ResponseEnvelope.safeParse(res).success).toBe(true);
  return res;
}

describe('FloorApi scenario methods without a session', () => {
  const host = new SessionHost({
    workerFactory: () => {
      throw new Error('no sim worker here');
    },
    log: () => undefined,
  });
  const router = createRouter(host, appInfo);
  afterAll(() => host.dispose());

  it('lists the presets and difficulty levels, and serves a preset document', async () => {
    const list = await call(router, 'scenario.list');
    expect(list.ok).toBe(true);
    const presets = ScenarioSummary.array().parse(list.ok ? list.result : null);
    expect(presets.map((p) => p.name)).toContain('flash-crash-2010');
    expect(presets.find((p) => p.name === 'covid-crash-2020')).toMatchObject({ compression: 780, seconds: 690 });
    const doc = await call(router, 'scenario.get', { name: 'luna-collapse-2022' });
    expect(doc.ok && (doc.result as { name: string }).name).toBe('luna-collapse-2022');
    expect(errorOf(await call(router, 'scenario.get', { name: 'atlantis' })).message).toMatch(/Unknown scenario preset "atlantis"; presets: black-monday-1987/);
    const levels = await call(router, 'difficulty.list');
    expect(levels.ok && (levels.result as unknown[]).length).toBe(4);
  });

  it('refuses an invalid scenario naming the field and the rule, before anything is applied', async () => {
    const bad = errorOf(
      await call(router, 'scenario.inject', { scenario: { name: 'mine', shocks: [{ duration: -5, effect: { kind: 'volatility', multiplier: 2 } }] } }),
    );
    expect(bad.code).toBe('bad_request');
    expect(bad.issues).toContainEqual({ path: 'scenario.shocks.0.duration', message: 'must be ≥ 0 seconds' });
    const both = errorOf(await call(router, 'scenario.inject', { preset: 'flash-crash-2010', scenario: { name: 'x', shocks: [{ effect: { kind: 'herding', multiplier: 2 } }] } }));
    expect(both.issues?.[0]?.message).toBe('give exactly one of "preset" or "scenario"');
    expect(errorOf(await call(router, 'scenario.inject', { preset: 'flash-crash-2010', at: -3 })).issues?.[0]?.path).toBe('at');
    expect(errorOf(await call(router, 'breakers.configure', { config: { market: { levels: [0.2, 0.1] } } })).issues?.[0]).toEqual({
      path: 'config.market.levels',
      message: 'levels must increase',
    });
    expect(errorOf(await call(router, 'market.setParams', { volatility: -1 })).issues?.[0]?.path).toBe('volatility');
    // a valid request without a session
    expect(errorOf(await call(router, 'scenario.inject', { preset: 'flash-crash-2010' })).code).toBe('no_session');
    expect(errorOf(await call(router, 'scenario.active')).code).toBe('no_session');
  });

  it('every new method has params and result schemas', () => {
    for (const m of ['scenario.list', 'scenario.get', 'scenario.inject', 'scenario.cancel', 'scenario.active', 'scenario.reports', 'market.setParams', 'breakers.configure', 'difficulty.list', 'difficulty.apply'] as const) {
      expect(apiSchemas[m].params, m).toBeDefined();
      expect(apiSchemas[m].result, m).toBeDefined();
    }
  });
});

describe('FloorApi scenario methods on a live session (sim worker)', () => {
  const host = new SessionHost({ workerFactory: nodeWorkerFactory(), log: () => undefined });
  const router = createRouter(host, appInfo);
  const events: BullpenEvent[] = [];
  host.onPush((m) => {
    if (m.push === 'events') events.push(...m.events);
  });
  afterAll(() => host.dispose());

  it('injects now and at a tick, lists with remaining time, cancels, refuses unknown symbols and the past, reports', async () => {
    await host.start({ seed: 5, crowd: 400, desks: 2, speed: 'max' });
    await host.pause();
    const tick0 = host.status().tick;
    const now = await call(router, 'scenario.inject', { preset: 'liquidity-drought' });
    expect(now.ok).toBe(true);
    const r1 = InjectResult.parse(now.ok ? now.result : null);
    expect(r1).toMatchObject({ name: 'liquidity-drought', appliedAt: tick0, startTick: tick0, endTick: tick0 + 1200 });
    const later = await call(router, 'scenario.inject', {
      scenario: { name: 'short-one', shocks: [{ duration: 1, targets: { symbols: ['BPX'] }, effect: { kind: 'volatility', multiplier: 3 } }] },
      at: tick0 + 50,
    });
    const r2 = InjectResult.parse(later.ok ? later.result : null);
    expect(r2.startTick).toBe(tick0 + 50);
    const active = ScenarioState.parse((await call(router, 'scenario.active')).ok ? ((await call(router, 'scenario.active')) as { result: unknown }).result : null);
    expect(active.shocks.map((s) => [s.scenario, s.state, s.remainingTicks])).toEqual([
      ['liquidity-drought', 'active', 1200],
      ['short-one', 'queued', 50],
    ]);
    // refused: unknown symbol, a tick in the past — nothing applied
    const unknown = errorOf(await call(router, 'scenario.inject', { scenario: { name: 'x', shocks: [{ targets: { symbols: ['ZZZ'] }, effect: { kind: 'herding', multiplier: 2 } }] } }));
    expect(unknown.message).toMatch(/unknown symbol "ZZZ"/);
    if (tick0 > 0) expect(errorOf(await call(router, 'scenario.inject', { preset: 'liquidity-drought', at: tick0 - 1 })).message).toMatch(/outside the session \(in the past/);
    // cancel the first one
    expect((await call(router, 'scenario.cancel', { id: r1.id })).ok).toBe(true);
    // market parameters and breakers go in as inputs
    const sp = await call(router, 'market.setParams', { volatility: 1.5, crowdMix: { momentum: 2 }, latencyTicks: 4 });
    expect(sp.ok && (sp.result as { inputs: number }).inputs).toBe(3);
    expect((await call(router, 'breakers.configure', { config: { market: { levels: [0.05, 0.1, 0.15] } } })).ok).toBe(true);
    const st = (await call(router, 'scenario.active')) as { ok: true; result: unknown };
    const state = ScenarioState.parse(st.result);
    expect(state.shocks.map((s) => s.scenario)).toEqual(['short-one']);
    expect(state.params).toMatchObject({ volatility: 1.5, latencyTicks: 4, crowdMix: { momentum: 2 } });
    expect(state.breakers.market.levels).toEqual([0.05, 0.1, 0.15]);
    // run past the second one: its report arrives
    await host.resume();
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && !events.some((e) => e.type === 'scenario' && e.phase === 'ended')) await new Promise((r) => setTimeout(r, 50));
    const reports = await call(router, 'scenario.reports', {});
    const rs = ScenarioReport.array().parse(reports.ok ? reports.result : null);
    // the first was cancelled before any tick ran (paused): no report, a cancelled event
    expect(rs.map((r) => [r.name, r.cancelled])).toEqual([['short-one', false]]);
    expect(events.some((e) => e.type === 'scenario' && e.scenarioId === r1.id && e.phase === 'cancelled')).toBe(true);
    expect(rs[0]!.perSymbol).toHaveLength(4);
    // every injection is an input event (recorded, replayable)
    const inputs = events.filter((e) => e.type === 'input').map((e) => (e.type === 'input' ? (e.input as { kind: string }).kind : ''));
    expect(inputs.filter((k) => k === 'scenario')).toHaveLength(2);
    expect(inputs).toContain('cancelScenario');
    expect(inputs).toContain('breakers');
  }, 30_000);

  it('refuses injection while a recording is viewed, offering to fork', async () => {
    const viewing = new ScenarioControl(host, { isLive: () => false });
    await expect(viewing.inject({ preset: 'liquidity-drought' })).rejects.toMatchObject({ code: 'not_live', message: expect.stringMatching(/viewing a recording.*Fork the recording/) });
    await expect(viewing.setParams({ volatility: 2 })).rejects.toMatchObject({ code: 'not_live' });
  });
});
