import { describe, expect, it } from 'vitest';
import type { Roster } from '../../src-shared/roster';
import { HISTORY_TICKS, type PriceHistory } from '../../src-renderer/frames';
import { computeLayout } from '../../src-renderer/floor/layout';
import {
  activeScenarios,
  beaconsOn,
  noteScenarioEvents,
  realisedVolatility,
  recentAlertLevel,
  smoothStress,
  stressParts,
  stressTarget,
  type StressInputs,
} from '../../src-renderer/floor/stress';
import { fitSeriesToRoster, resetSeries, series } from '../../src-renderer/series';
import type { ScenarioEvent } from '../../src-shared/events';

// The floor's pure parts: the stress level behind the lights and beacons, and a roster that grows
// while the session runs (a deployed policy's desk) — the layout and the chart buffers follow it.

const calm: StressInputs = {
  rmsReturn: 3e-4,
  symbolsHalted: 0,
  symbolsVenueHalted: 0,
  desksHalted: 0,
  floorHalt: false,
  activeScenarios: 0,
  activeShocks: 0,
  alertLevel: 0,
};

describe('stress', () => {
  it('is 0 on a calm floor and rises with each alarm', () => {
    expect(stressTarget(stressParts(calm))).toBe(0);
    const shock = stressTarget(stressParts({ ...calm, activeScenarios: 1 }));
    const storm = stressTarget(stressParts({ ...calm, rmsReturn: 12e-4 }));
    const halted = stressTarget(stressParts({ ...calm, symbolsHalted: 0.5 }));
    const floorHalt = stressTarget(stressParts({ ...calm, floorHalt: true }));
    for (const v of [shock, storm, halted, floorHalt]) expect(v).toBeGreaterThan(0.35);
    // several at once push further toward 1, never past it
    const all = stressTarget(stressParts({ ...calm, activeScenarios: 2, rmsReturn: 12e-4, symbolsHalted: 1, alertLevel: 2 }));
    expect(all).toBeGreaterThan(Math.max(shock, storm, halted));
    expect(all).toBeLessThanOrEqual(1);
  });

  it('eases up fast and calms down slowly', () => {
    let up = 0;
    for (let i = 0; i < 30; i++) up = smoothStress(up, 1, 1 / 30); // 1 s
    let down = 1;
    for (let i = 0; i < 30; i++) down = smoothStress(down, 0, 1 / 30);
    expect(up).toBeGreaterThan(0.8);
    expect(down).toBeGreaterThan(0.6);
  });

  it('switches beacons with hysteresis', () => {
    expect(beaconsOn(0.3, false)).toBe(false);
    expect(beaconsOn(0.4, false)).toBe(true);
    expect(beaconsOn(0.3, true)).toBe(true);
    expect(beaconsOn(0.2, true)).toBe(false);
  });

  it('measures realised volatility from the price history ring', () => {
    const h: PriceHistory = { symbols: 2, data: new Float64Array(HISTORY_TICKS * 2), head: 0, count: 0 };
    const push = (a: number, b: number) => {
      h.data[h.head * 2] = a;
      h.data[h.head * 2 + 1] = b;
      h.head = (h.head + 1) % HISTORY_TICKS;
      h.count = Math.min(HISTORY_TICKS, h.count + 1);
    };
    for (let i = 0; i < 100; i++) push(100, 50);
    expect(realisedVolatility(h)).toBe(0);
    // symbol 0 alternates ±1 %: RMS log return ≈ 0.00995; symbol 1 stays flat
    for (let i = 0; i < 100; i++) push(i % 2 === 0 ? 101 : 100, 50);
    expect(realisedVolatility(h, 60)).toBeCloseTo(Math.log(1.01) / 2, 4);
  });

  it('counts recent severe alerts only', () => {
    const alert = (tick: number, severity: 'error' | 'critical' | 'warning') => ({ type: 'alert', tick, severity, message: `m${tick}`, source: 's', seq: tick, sessionId: 'x' });
    expect(recentAlertLevel([alert(10, 'critical')], 500).level).toBe(0);
    expect(recentAlertLevel([alert(450, 'warning')], 500).level).toBe(0);
    expect(recentAlertLevel([alert(450, 'error')], 500).level).toBe(1);
    expect(recentAlertLevel([alert(450, 'error'), alert(480, 'critical')], 500)).toEqual({ level: 2, message: 'm480' });
  });

  it('tracks running scenarios from their events', () => {
    const ev = (phase: ScenarioEvent['phase'], id: number, report: boolean): ScenarioEvent => ({
      type: 'scenario',
      sessionId: 's1',
      tick: 1,
      seq: 1,
      phase,
      scenarioId: id,
      name: 'x',
      message: '',
      report: report
        ? { scenarioId: id, name: 'x', startTick: 0, endTick: 1, cancelled: phase === 'cancelled', indexTrough: 0, indexEnd: 0, recoverTicks: null, halts: 0, desks: [], agents: [], decisions: [] } as unknown as ScenarioEvent['report']
        : null,
    });
    noteScenarioEvents([ev('queued', 1, false), ev('started', 1, false), ev('started', 2, false)]);
    expect(activeScenarios('s1')).toBe(2);
    expect(activeScenarios('other')).toBe(0);
    // one shock of #1 cancelled: the scenario still runs
    noteScenarioEvents([ev('cancelled', 1, false)]);
    expect(activeScenarios('s1')).toBe(2);
    noteScenarioEvents([ev('ended', 1, true), ev('cancelled', 2, true)]);
    expect(activeScenarios('s1')).toBe(0);
  });
});

function roster(desks: number, crowd = 500, policyDesk = -1): Roster {
  return {
    symbols: [{ index: 0, name: 'A', startPrice: 100, tickSize: 0.01 }],
    venues: ['v0', 'v1'],
    desks: Array.from({ length: desks }, (_, i) => ({ index: i, name: `Desk ${i}`, personality: 'p', consensus: 'majority' as const })),
    agents: Array.from({ length: desks * 5 }, (_, i) => ({
      index: i,
      id: `a${i}`,
      name: `A${i}`,
      role: 'MarketAnalyst' as const,
      desk: Math.floor(i / 5),
      ...(Math.floor(i / 5) === policyDesk ? { policy: { checkpointId: 'c', runId: 'r', label: 'ppo' } } : {}),
    })),
    crowdTypes: Array.from({ length: crowd }, (_, i) => i % 4),
  };
}

describe('a roster that grows while the session runs', () => {
  it('lays out the new desk and its agents, keeping the crowd array', () => {
    const before = computeLayout(roster(5));
    const after = computeLayout(roster(6, 500, 5), before);
    expect(after.desks).toHaveLength(6);
    expect(after.agents).toHaveLength(30);
    expect(after.crowd).toBe(before.crowd);
    // every desk stands apart from the others
    for (let i = 0; i < 6; i++)
      for (let j = i + 1; j < 6; j++) {
        const a = after.desks[i]!;
        const b = after.desks[j]!;
        expect(Math.hypot(a.x - b.x, a.z - b.z)).toBeGreaterThan(4);
      }
    // a different crowd is laid out afresh
    expect(computeLayout(roster(6, 600), after).crowd).not.toBe(after.crowd);
  });

  it('grows the chart buffers without losing what was drawn', () => {
    resetSeries('s', roster(2).agents.map((a) => a.desk), 2, 1);
    series.equity[0]?.push({ time: 0, value: 5 });
    const epoch = series.epoch;
    fitSeriesToRoster(roster(3));
    expect(series.desks).toBe(3);
    expect(series.deskOf.length).toBe(15);
    expect(series.deskOf[14]).toBe(2);
    expect(series.equity[2]).toEqual([]);
    expect(series.equity[0]).toEqual([{ time: 0, value: 5 }]);
    expect(series.epoch).toBe(epoch + 1);
    // the same roster again changes nothing
    fitSeriesToRoster(roster(3));
    expect(series.epoch).toBe(epoch + 1);
  });
});
