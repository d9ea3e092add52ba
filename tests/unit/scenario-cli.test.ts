import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planScenarios, runSim, type SimOptions } from '../../src-main/cli/commands/sim';
import { scenarioJsonSchema } from '../../src-main/cli/commands/scenarios';
import { ScenarioFileError, readScenarioFile } from '../../src-main/host/scenario-presets';

const base: SimOptions = { seed: 2, ticks: 900, crowd: 300, symbols: 4, desks: 2, barTicks: 10 };
const names = ['BPX', 'ORCA', 'KITE', 'LUMA'];

describe('bullpen sim --scenario NAME|FILE --at TICK', () => {
  it('injects presets and files at their ticks and prints each report; the same run twice gives the same hash', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bp-scn-'));
    const file = join(dir, 'mine.json');
    writeFileSync(file, JSON.stringify({ name: 'mine', shocks: [{ duration: 5, targets: { symbols: ['KITE'] }, effect: { kind: 'volatility', multiplier: 3 } }] }));
    const o: SimOptions = { ...base, scenario: ['liquidity-drought', file], at: [100] };
    const out: string[] = [];
    const a = runSim({ ...o, ticks: 1500 }, { out: (s) => out.push(s), err: () => undefined, tty: false });
    const b = runSim({ ...o, ticks: 1500 }, { out: () => undefined, err: () => undefined, tty: false });
    expect(a.stateHash).toBe(b.stateHash);
    expect(a.scenarios.map((r) => [r.name, r.startTick])).toEqual([
      ['mine', 0],
      ['liquidity-drought', 100],
    ]);
    const text = out.join('');
    expect(text).toMatch(/scenario liquidity-drought \(ticks 100–1300\): index trough/);
    expect(text).toMatch(/desks: Trend Desk [+-]\d+ \(max drawdown/);
  });

  it('refuses, before running, an invalid file, an unknown preset or symbol, and a start outside the session', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bp-scn-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ name: 'bad', shocks: [{ duration: -1, effect: { kind: 'herding', multiplier: 2 } }] }));
    expect(() => planScenarios({ ...base, scenario: [bad] }, names)).toThrow(/bad\.json is not a valid scenario: shocks\.0\.duration: must be ≥ 0 seconds/);
    const notJson = join(dir, 'x.json');
    writeFileSync(notJson, '{ nope');
    expect(() => readScenarioFile(notJson)).toThrow(/is not valid JSON/);
    expect(() => planScenarios({ ...base, scenario: ['no-such-preset'] }, names)).toThrow(/unknown scenario preset "no-such-preset" \(presets: black-monday-1987/);
    const sym = join(dir, 'sym.json');
    writeFileSync(sym, JSON.stringify({ name: 'sym', shocks: [{ targets: { symbols: ['TSLA'] }, effect: { kind: 'herding', multiplier: 2 } }] }));
    expect(() => planScenarios({ ...base, scenario: [sym] }, names)).toThrow(/shocks\.0\.targets\.symbols: unknown symbol "TSLA"/);
    expect(() => planScenarios({ ...base, scenario: ['pump-and-dump'], at: [900] }, names)).toThrow(/--at 900 for pump-and-dump is outside the session \(it runs ticks 0 to 899\)/);
    expect(() => planScenarios({ ...base, scenario: ['pump-and-dump'], at: [1, 2] }, names)).toThrow(ScenarioFileError);
  });

  it('bullpen scenarios --schema prints the JSON Schema', () => {
    const schema = JSON.parse(scenarioJsonSchema()) as { required: string[] };
    expect(schema.required).toEqual(['name', 'shocks']);
  });
});
