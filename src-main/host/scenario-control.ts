/**
 * The host side of crisis scenarios, live market parameters, circuit breakers and difficulty levels:
 * the FloorApi methods scenario.*, market.setParams, breakers.configure and difficulty.* land here
 * (router.ts). Every change becomes an engine Input sent through SessionHost.input, so it is applied
 * at a tick boundary and recorded with its tick; a replay reproduces it exactly.
 *
 * Checks before anything is sent (nothing is applied when one fails): the session is live (not a
 * recording being viewed — `isLive`, a hook for the recording feature, which answers with the offer
 * to fork), the preset exists, the scenario's symbols exist in this session, the start tick is not
 * in the past nor more than 24 floor-hours ahead. The engine checks again and refuses with an alert.
 *
 * One ScenarioControl per SessionHost (`scenarioControlFor`), so injection ids stay unique whichever
 * transport asked.
 */
import { ApiError, badRequest, type SessionInfo } from '../../src-shared/api';
import type { Input, MarketParam } from '../../src-shared/inputs';
import type { ScenarioEvent } from '../../src-shared/events';
import {
  DIFFICULTIES,
  MAX_SCHEDULE_AHEAD_TICKS,
  checkScenarioTargets,
  scenarioSpanTicks,
  summarizeScenario,
  type BreakerConfig,
  type Difficulty,
  type DifficultyName,
  type InjectResult,
  type MarketParams,
  type Scenario,
  type ScenarioReport,
  type ScenarioState,
  type ScenarioSummary,
} from '../../src-shared/scenario';
import { difficultyInputs } from '../../src-workers/sim/difficulty';
import { RANDOM_ID_BASE } from '../../src-workers/sim/scenarios';
import { loadPresets } from './scenario-presets';
import type { SessionHost } from './session-host';

export interface ScenarioControlOptions {
  /** presets (default: resources/scenarios) */
  presets?: () => Scenario[];
  /** false while the floor shows a recording rather than a live session (the recording feature sets it) */
  isLive?: () => boolean;
}

/** The inputs for a market.setParams request (one setParam per parameter given). */
export function marketParamInputs(p: MarketParams): Input[] {
  const out: Input[] = [];
  const add = (param: MarketParam, value: number | undefined): void => {
    if (value !== undefined) out.push({ kind: 'setParam', param, value });
  };
  add('volatility', p.volatility);
  add('liquidity', p.liquidity);
  add('newsRate', p.newsRate);
  add('feeBps', p.feeBps);
  add('latencyTicks', p.latencyTicks);
  if (p.crowdMix) {
    add('mixNoise', p.crowdMix.noise);
    add('mixMarketMaker', p.crowdMix.marketMaker);
    add('mixMomentum', p.crowdMix.momentum);
    add('mixValue', p.crowdMix.value);
  }
  return out;
}

export class ScenarioControl {
  private nextId = 1;
  private readonly reports: ScenarioReport[] = [];
  private readonly presets: () => Scenario[];
  private readonly isLive: () => boolean;

  constructor(
    private readonly host: SessionHost,
    opts: ScenarioControlOptions = {},
  ) {
    this.presets = opts.presets ?? (() => loadPresets());
    this.isLive = opts.isLive ?? (() => true);
    host.onPush((msg) => {
      if (msg.push !== 'events') return;
      for (const e of msg.events) if (e.type === 'scenario' && e.report) this.keepReport(e);
    });
  }

  private keepReport(e: ScenarioEvent): void {
    if (!e.report) return;
    this.reports.push(e.report);
    if (this.reports.length > 100) this.reports.shift();
  }

  /** Refuses a change to the market while a recording is viewed (`not_live`, with the offer to fork). */
  assertLive(what: string): void {
    if (!this.isLive()) {
      throw new ApiError({
        code: 'not_live',
        message: `You are viewing a recording: ${what} only applies to a live session. Fork the recording at this moment to get a live session you can change.`,
      });
    }
  }

  list(): ScenarioSummary[] {
    return this.presets().map(summarizeScenario);
  }

  get(name: string): Scenario {
    const p = this.presets().find((s) => s.name === name);
    if (!p) throw badRequest(`Unknown scenario preset "${name}"; presets: ${this.presets().map((s) => s.name).join(', ')}.`);
    return p;
  }

  async inject(p: { preset?: string | undefined; scenario?: Scenario | undefined; at?: number | undefined }): Promise<InjectResult> {
    this.assertLive('injecting a scenario');
    const scenario = p.scenario ?? this.get(p.preset ?? '');
    const info: SessionInfo | null = this.host.info();
    if (!info) throw new ApiError({ code: 'no_session', message: 'No session is running; start one with session.start.' });
    const problems = checkScenarioTargets(scenario, info.roster.symbols.map((s) => s.name));
    if (problems.length > 0) {
      throw new ApiError({ code: 'bad_request', message: `Scenario "${scenario.name}" refused: ${problems.join('; ')}.`, issues: problems.map((m) => ({ path: `scenario.${m.split(':')[0] ?? ''}`, message: m })) });
    }
    const now = this.host.status().tick;
    if (p.at !== undefined) {
      if (p.at < now) throw badRequest(`Scenario "${scenario.name}" refused: tick ${p.at} is outside the session (in the past; the floor is at tick ${now}).`);
      if (p.at - now > MAX_SCHEDULE_AHEAD_TICKS) throw badRequest(`Scenario "${scenario.name}" refused: tick ${p.at} is outside the session (more than 24 floor-hours ahead of tick ${now}).`);
    }
    // ids stay clear of those already scheduled in the engine (a session forked from a recording keeps its scenarios)
    const scheduled = await this.host.scenarioState();
    for (const s of scheduled.shocks) if (s.scenarioId < RANDOM_ID_BASE && s.scenarioId >= this.nextId) this.nextId = s.scenarioId + 1;
    const id = this.nextId++;
    const { tick } = await this.host.input({ kind: 'scenario', id, startTick: p.at ?? null, scenario });
    const startTick = Math.max(p.at ?? tick, tick);
    return { id, name: scenario.name, appliedAt: tick, startTick, endTick: startTick + scenarioSpanTicks(scenario) };
  }

  async cancel(id: number, shock?: number): Promise<{ tick: number }> {
    this.assertLive('cancelling a scenario');
    return this.host.input({ kind: 'cancelScenario', id, shock: shock ?? null });
  }

  active(): Promise<ScenarioState> {
    return this.host.scenarioState();
  }

  recentReports(limit: number): ScenarioReport[] {
    return this.reports.slice(-limit);
  }

  async setParams(p: MarketParams): Promise<{ tick: number; inputs: number }> {
    this.assertLive('changing market parameters');
    const inputs = marketParamInputs(p);
    if (inputs.length === 0) throw badRequest('market.setParams: give at least one parameter.');
    let tick = 0;
    for (const input of inputs) tick = (await this.host.input(input)).tick;
    return { tick, inputs: inputs.length };
  }

  async configureBreakers(config: BreakerConfig): Promise<{ tick: number }> {
    this.assertLive('configuring circuit breakers');
    return this.host.input({ kind: 'breakers', config });
  }

  difficulties(): Difficulty[] {
    return Object.values(DIFFICULTIES);
  }

  /** Starts a session at a difficulty level: its desk count, then its market parameters from tick 0. */
  async applyDifficulty(name: DifficultyName, seed?: number): Promise<SessionInfo> {
    this.assertLive('applying a difficulty level');
    const d = DIFFICULTIES[name];
    const last = this.host.info()?.config;
    const info = await this.host.start({ ...(last ?? {}), ...(seed !== undefined ? { seed } : {}), desks: d.desks });
    for (const input of difficultyInputs(d)) await this.host.input(input);
    return info;
  }
}

const controls = new WeakMap<SessionHost, ScenarioControl>();

/** The one ScenarioControl of a host (created on first use). */
export function scenarioControlFor(host: SessionHost, opts?: ScenarioControlOptions): ScenarioControl {
  let c = controls.get(host);
  if (!c) {
    c = new ScenarioControl(host, opts);
    controls.set(host, c);
  }
  return c;
}
