/**
 * Trained policies on the live floor (the `deploy` input; docs/RL.md, "Deploying onto the floor").
 *
 * - `as: 'desk'`: a new desk (five accounts, Desks.addDesk) whose agents the policy drives. A PPO
 *   trading policy drives one agent (the desk's first seat, the account the training env traded
 *   from); a MAPPO desk policy drives three (analyst → seat 0, risk manager → seat 1, trader → seat
 *   2, whose account trades). It acts every `ticksPerStep` ticks, as in training, and its orders go
 *   out as the rule-based desks' do (an IOC limit on the better venue, 0.1 % through the touch).
 * - `as: 'replace'`: a featured agent's proposals in its desk's decision cycle come from a PPO
 *   trading policy; the desk still votes, resolves and risk-checks as before.
 *
 * The observation is built from the live engine with the training envs' own code (rl/envs/features.ts):
 * the same step features (kept per symbol from the deployment on, so the return history starts
 * flat, as after a training market's warm-up), the same account features; "episodes" of
 * `episodeSteps` steps follow one another (P&L and time left restart, the position carries over,
 * as between training episodes on one market). Every decision emits a DecisionEvent whose trace
 * carries `policy`: action probabilities (or the Gaussian), V(s), and gradient × input attributions.
 * Policies run on the f64 JS kernel: the same decisions on every machine, so replays and forks
 * reproduce them. The state (policies, step features, counters) is part of snapshots (saveState).
 */
import { z } from 'zod';
import { ACTION, ROLES, type AgentInfo, type Roster } from '../../src-shared/roster';
import type { DecisionTrace, PolicyTrace } from '../../src-shared/events';
import type { DeployInput } from '../../src-shared/inputs';
import { DeployedDeskPolicy, DeployedPolicy, type AgentExplanation } from '../rl/deploy';
import {
  DESK_RISK_FEATURES,
  StepFeatures,
  TRADING_OWN_FEATURES,
  deskTarget,
  deskTraderFeatureNames,
  marketFeatureCount,
  marketFeatureNames,
  tradingActionNames,
  tradingTargetUnits,
  writeDeskObservations,
  writeTradingOwn,
} from '../rl/envs/features';
import { BUY, SELL } from './book';
import { DESK_CAPITAL, DESK_PERIOD, ROLE_COUNT, type Prop, type Sig } from './desks';
import type { Engine } from './engine';
import type { Hasher } from './hash';
import { sentenceFromTrace } from './reasoning';

const AGENT_CAPITAL = DESK_CAPITAL / ROLE_COUNT;
/** attributions kept in a decision's trace, largest |gradient × input| first */
export const TOP_ATTRIBUTIONS = 8;
const MAPPO_SEATS = [0, 1, 2] as const;
const DESK_ACTION_NAMES = [
  ['bearish', 'neutral', 'bullish'],
  ['flat only', 'half limit', 'full limit'],
  ['sell 1 lot', 'hold', 'buy 1 lot'],
] as const;

/** The env config fields a deployed policy needs (the training env's, with its defaults). */
const deployEnvSchema = z.object({
  symbol: z.number().int().min(0).max(7).default(0),
  ticksPerStep: z.number().int().min(1).max(200).default(2),
  episodeSteps: z.number().int().min(2).max(1_000_000).default(256),
  lookback: z.number().int().min(1).max(64).default(8),
  lotFraction: z.number().positive().max(0.5).default(0.02),
  maxLots: z.number().int().min(1).max(50).default(4),
  action: z.enum(['discrete', 'continuous']).default('discrete'),
  sizes: z.array(z.number().int().min(1).max(50)).min(1).max(8).default([1, 2]),
});
type DeployEnv = z.output<typeof deployEnvSchema>;

/** Where a deployment goes on a floor with this roster: its desk and the agents the policy drives. */
export interface DeployPlan {
  kind: 'ppo' | 'mappo';
  desk: number;
  agents: number[];
  env: DeployEnv;
}

/**
 * Checks that a deploy input fits the floor (the policy's kind and shapes against its env config,
 * the symbol, the agent to replace). Returns the plan, or an error message naming what does not fit.
 * The host calls it before sending the input, the engine again when applying it.
 */
export function planDeployment(input: DeployInput, roster: Pick<Roster, 'symbols' | 'desks' | 'agents'>): DeployPlan | string {
  const envR = deployEnvSchema.safeParse(input.envConfig);
  if (!envR.success) return `the env config does not fit: ${envR.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`;
  const env = envR.data;
  if (env.symbol >= roster.symbols.length) return `the policy trades symbol ${env.symbol}; this floor has ${roster.symbols.length} symbol(s)`;
  const format = input.snapshot.format;
  const L = env.lookback;
  if (format === 'bullpen-ppo-policy/1') {
    if (input.env !== 'trading') return `a PPO policy comes from the trading env, not ${input.env}`;
    const obsDim = input.snapshot.obsDim;
    const want = marketFeatureCount(L) + TRADING_OWN_FEATURES.length;
    if (obsDim !== want) return `the policy observes ${String(obsDim)} features; the trading env with lookback ${L} has ${want}`;
    const sp = input.snapshot.actionSpace as { kind?: string; n?: number; low?: unknown[] } | undefined;
    const okAction = env.action === 'discrete' ? sp?.kind === 'discrete' && sp.n === 1 + 2 * env.sizes.length : sp?.kind === 'box' && sp.low?.length === 1;
    if (!okAction) return `the policy's action space does not match the env config's ${env.action} actions`;
    if (input.as === 'desk') {
      const desk = roster.desks.length;
      return { kind: 'ppo', desk, agents: [desk * ROLE_COUNT], env };
    }
    const a = input.agent;
    if (a === null || !roster.agents[a]) return `there is no featured agent ${String(a)} (the floor has ${roster.agents.length})`;
    const info = roster.agents[a]!;
    if (info.policy) return `agent ${a} (${info.name}) is already driven by the trained policy “${info.policy.label}”`;
    return { kind: 'ppo', desk: info.desk, agents: [a], env };
  }
  if (format === 'bullpen-mappo-policy/1') {
    if (input.env !== 'desk') return `a MAPPO policy comes from the desk env, not ${input.env}`;
    if (input.as !== 'desk') return 'a MAPPO desk policy deploys as a whole desk (as: desk), not in place of one agent';
    const dims = input.snapshot.obsDims;
    const want = [marketFeatureCount(L), DESK_RISK_FEATURES.length, deskTraderFeatureNames(L).length];
    if (!Array.isArray(dims) || dims.join() !== want.join()) return `the policy's observation sizes (${String(dims)}) do not match the desk env with lookback ${L} (${want.join(', ')})`;
    const acts = input.snapshot.nActions;
    if (!Array.isArray(acts) || acts.join() !== '3,3,3') return `the policy's action sizes (${String(acts)}) are not the desk env's (3, 3, 3)`;
    const desk = roster.desks.length;
    return { kind: 'mappo', desk, agents: MAPPO_SEATS.map((r) => desk * ROLE_COUNT + r), env };
  }
  return `not a policy snapshot (format ${JSON.stringify(format)})`;
}

/** The roster after a deployment (the same function on the host and in the engine, so both agree). */
export function rosterAfterDeploy(roster: Roster, input: DeployInput, plan: DeployPlan): Roster {
  const policy = { checkpointId: input.checkpointId, runId: input.runId, label: input.label };
  if (input.as === 'replace') {
    return { ...roster, agents: roster.agents.map((a) => (plan.agents.includes(a.index) ? { ...a, policy } : a)) };
  }
  const name = deskName(input.label);
  const agents: AgentInfo[] = [...roster.agents];
  for (let r = 0; r < ROLE_COUNT; r++) {
    const index = plan.desk * ROLE_COUNT + r;
    const role = ROLES[r]!;
    agents.push({ index, id: `d${plan.desk}-${role}`, name: `${name} ${role}`, role, desk: plan.desk, ...(plan.agents.includes(index) ? { policy } : {}) });
  }
  return { ...roster, desks: [...roster.desks, { index: plan.desk, name, personality: personalityOf(plan.kind), consensus: 'majority' }], agents };
}

function deskName(label: string): string {
  return `RL: ${label}`;
}

function personalityOf(kind: 'ppo' | 'mappo'): string {
  return kind === 'ppo' ? 'trained policy (PPO)' : 'trained desk (MAPPO)';
}

const r4 = (x: number): number => Math.round(x * 1e4) / 1e4;

/** One deployment's live state. */
interface Deployment {
  input: DeployInput;
  plan: DeployPlan;
  ppo: DeployedPolicy | null;
  mappo: DeployedDeskPolicy | null;
  /** per symbol */
  steps: StepFeatures[];
  volume: Float64Array;
  lotUnits: Float64Array;
  /** ticks into the current step; -1 before the first decision */
  into: number;
  /** steps into the current episode */
  t: number;
  /** per driven agent (plan.agents order): equity at the episode's start */
  startEquity: Float64Array;
  // MAPPO desk
  peak: number;
  limitLots: number;
  view: number;
  startTick: number;
  /** the last observation a PPO policy acted on (inspection and tests; not state) */
  lastObs: Float64Array | null;
}

/** What a deployment's state is in a snapshot (plain data): the live state less the policies (rebuilt from the input). */
type SavedDeployment = Omit<Deployment, 'ppo' | 'mappo' | 'lastObs' | 'steps'> & {
  steps: Array<{ marks: Float64Array; head: number; stepVolume: number; avgVolume: number; prevSentiment: number; sentimentChange: number }>;
};

export class PolicyAgents {
  private list: Deployment[] = [];
  /** agent index → deployment that drives it in place of its rules (replace) */
  private byAgent = new Map<number, Deployment>();

  get active(): boolean {
    return this.list.length > 0;
  }

  /** some featured agent's proposals come from a policy (the desks ask `propose`) */
  get replacing(): boolean {
    return this.byAgent.size > 0;
  }

  /** true when a deployed policy has taken over featured agent a's decisions (replace) */
  drives(a: number): boolean {
    return this.byAgent.has(a);
  }

  /** Applies a deploy input at a tick boundary (refused with an alert when it does not fit). */
  deploy(e: Engine, input: DeployInput): void {
    const plan = planDeployment(input, e.roster);
    if (typeof plan === 'string') {
      e.emit({ type: 'alert', severity: 'warning', source: 'training', message: `deploying “${input.label}” refused: ${plan}` });
      return;
    }
    let dep: Deployment;
    try {
      dep = this.build(input, plan, e.S);
    } catch (err) {
      e.emit({ type: 'alert', severity: 'warning', source: 'training', message: `deploying “${input.label}” refused: ${(err as Error).message}` });
      return;
    }
    if (input.as === 'desk') {
      // the roster's desks are the desks' own info list: addDesk extends both
      const next = rosterAfterDeploy(e.roster, input, plan);
      e.desks.addDesk(deskName(input.label), personalityOf(plan.kind));
      e.agentsN = e.desks.A;
      e.roster.agents.splice(0, e.roster.agents.length, ...next.agents);
    } else {
      const next = rosterAfterDeploy(e.roster, input, plan);
      e.roster.agents.splice(0, e.roster.agents.length, ...next.agents);
    }
    dep.startTick = e.tick;
    for (let s = 0; s < e.S; s++) {
      dep.lotUnits[s] = Math.max(1, Math.round((plan.env.lotFraction * AGENT_CAPITAL) / (e.startPrice[s] as number)));
      // no warm-up on the live floor: the volume average starts at the first step's volume (0 = not yet)
      dep.steps[s]!.start(e, s, 0);
    }
    this.newEpisode(e, dep);
    this.list.push(dep);
    if (input.as === 'replace') for (const a of plan.agents) this.byAgent.set(a, dep);
    const who = input.as === 'desk' ? `as ${deskName(input.label)}` : `driving ${e.roster.agents[plan.agents[0]!]?.name ?? `agent ${plan.agents[0]}`}`;
    e.emit({ type: 'alert', severity: 'info', source: 'training', message: `trained policy “${input.label}” (checkpoint ${input.checkpointId}) deployed ${who}` });
  }

  private build(input: DeployInput, plan: DeployPlan, S: number): Deployment {
    return {
      input,
      plan,
      ppo: plan.kind === 'ppo' ? DeployedPolicy.fromSnapshot(input.snapshot, 'js') : null,
      mappo: plan.kind === 'mappo' ? DeployedDeskPolicy.fromSnapshot(input.snapshot, 'js') : null,
      steps: Array.from({ length: S }, () => new StepFeatures(plan.env.lookback)),
      volume: new Float64Array(S),
      lotUnits: new Float64Array(S).fill(1),
      into: -1,
      t: 0,
      startEquity: new Float64Array(plan.agents.length),
      peak: 0,
      limitLots: plan.env.maxLots,
      view: 0,
      startTick: 0,
      lastObs: null,
    };
  }

  /** The deployments in order, with the last observation each PPO policy acted on. */
  inspect(): Array<{ label: string; agents: number[]; lastObservation: Float64Array | null }> {
    return this.list.map((d) => ({ label: d.input.label, agents: [...d.plan.agents], lastObservation: d.lastObs }));
  }

  /** the account whose position and equity the observation reads (and which trades) for driven agent i */
  private account(dep: Deployment, i: number): number {
    return dep.plan.kind === 'mappo' ? dep.plan.agents[2]! : dep.plan.agents[i]!;
  }

  private newEpisode(e: Engine, dep: Deployment): void {
    dep.t = 0;
    for (let i = 0; i < dep.plan.agents.length; i++) dep.startEquity[i] = e.desks.agentEquity(e, this.account(dep, i));
    if (dep.plan.kind === 'mappo') {
      dep.peak = dep.startEquity[0]!;
      dep.limitLots = dep.plan.env.maxLots;
      dep.view = 0;
    }
  }

  /** At the start of tick t: closes a step every ticksPerStep ticks, and lets desk policies act. */
  beforeTick(e: Engine, t: number): void {
    for (const dep of this.list) {
      const k = dep.plan.env.ticksPerStep;
      if (dep.into < 0) {
        dep.into = 0;
        if (dep.input.as === 'desk') this.act(e, dep, t);
        continue;
      }
      // the volume of the tick just ended (tickVolume is cleared when this tick starts)
      for (let s = 0; s < e.S; s++) dep.volume[s] = (dep.volume[s] as number) + (e.tickVolume[s] as number);
      if (++dep.into < k) continue;
      dep.into = 0;
      for (let s = 0; s < e.S; s++) {
        const f = dep.steps[s]!;
        if (f.avgVolume === 0) f.avgVolume = Math.max(1, dep.volume[s] as number);
        f.advance(e, s, dep.volume[s] as number);
        dep.volume[s] = 0;
      }
      dep.t++;
      if (dep.plan.kind === 'mappo') dep.peak = Math.max(dep.peak, e.desks.agentEquity(e, this.account(dep, 0)));
      if (dep.t >= dep.plan.env.episodeSteps) this.newEpisode(e, dep);
      if (dep.input.as === 'desk') this.act(e, dep, t);
    }
    // equity samples of the policy desks for their Sharpe / drawdown metrics, at the rule-based desks' cadence
    if ((t + 1) % DESK_PERIOD === 0) {
      for (const dep of this.list) {
        if (dep.input.as !== 'desk') continue;
        for (let r = 0; r < ROLE_COUNT; r++) e.desks.agentPerf.add(dep.plan.desk * ROLE_COUNT + r, e.desks.agentEquity(e, dep.plan.desk * ROLE_COUNT + r));
        e.desks.deskPerf.add(dep.plan.desk, e.desks.deskEquity(e, dep.plan.desk));
      }
    }
  }

  /** the trading env's observation for driven agent i on symbol s */
  private tradingObs(e: Engine, dep: Deployment, i: number, s: number): Float64Array {
    const env = dep.plan.env;
    const obs = new Float64Array(marketFeatureCount(env.lookback) + TRADING_OWN_FEATURES.length);
    const a = this.account(dep, i);
    const off = dep.steps[s]!.write(e, s, obs, 0);
    const pos = e.desks.pos[a * e.S + s] as number;
    writeTradingOwn(obs, off, { position: pos, cash: e.desks.cash[a] as number, equity: e.desks.agentEquity(e, a), startEquity: dep.startEquity[i]!, lotUnits: dep.lotUnits[s]! }, AGENT_CAPITAL, env.maxLots, dep.t, env.episodeSteps);
    return obs;
  }

  /** A PPO policy's decision for agent i on symbol s: the action, the order it implies, its trace. */
  private ppoDecision(e: Engine, dep: Deployment, i: number, s: number): { prop: Prop; diff: number } {
    const env = dep.plan.env;
    const a = this.account(dep, i);
    const obs = this.tradingObs(e, dep, i, s);
    dep.lastObs = obs;
    const x = dep.ppo!.explain(obs);
    const pos = e.desks.pos[a * e.S + s] as number;
    const target = tradingTargetUnits(env.action === 'discrete' ? x.action[0]! : Float64Array.from(x.action), pos, dep.lotUnits[s]!, env.maxLots, env.sizes);
    const diff = Math.round(target) - pos;
    const names = env.action === 'discrete' ? tradingActionNames(env.sizes) : null;
    const confidence = x.probabilities ? x.probabilities[0]![x.action[0]!]! : Math.max(0.05, Math.min(1, 1 - (x.std?.[0] ?? 1) / 2));
    const policy: PolicyTrace = {
      checkpointId: dep.input.checkpointId,
      actions: names && x.probabilities ? names.map((name, j) => ({ name, probability: r4(x.probabilities![0]![j]!) })) : null,
      mean: x.mean ? x.mean.map(r4) : null,
      std: x.std ? x.std.map(r4) : null,
      value: r4(x.value),
      attributions: topAttributions([...marketFeatureNames(env.lookback), ...TRADING_OWN_FEATURES], x.input, x.gradXInput),
    };
    const code = Math.sign(diff);
    const inputs: Record<string, number | string> = { policy: dep.input.label, checkpoint: dep.input.checkpointId, chosen: names ? names[x.action[0]!]! : `target ${r4(x.action[0]!)}`, position: pos, value: r4(x.value) };
    // a buy or sell the position limit swallows: the trace and the sentence say so (the popover's bars show the choice)
    if (names && diff === 0 && x.action[0]! !== 0) inputs['limit'] = `±${env.maxLots} lots reached`;
    return { prop: { action: code, size: Math.abs(diff), confidence, signals: signalsOf(policy, code), inputs, policy }, diff };
  }

  /** For the desks' decision cycle: the proposal of agent a, when a policy drives it (else null). */
  propose(e: Engine, a: number, s: number): Prop | null {
    const dep = this.byAgent.get(a);
    if (!dep) return null;
    return this.ppoDecision(e, dep, dep.plan.agents.indexOf(a), s).prop;
  }

  private act(e: Engine, dep: Deployment, _t: number): void {
    if (e.floorHalted) return;
    if (dep.plan.kind === 'ppo') {
      const s = dep.plan.env.symbol;
      const a = dep.plan.agents[0]!;
      const { prop, diff } = this.ppoDecision(e, dep, 0, s);
      if (diff !== 0) e.desks.sendIOC(e, a, s, diff > 0 ? BUY : SELL, Math.abs(diff));
      this.record(e, dep, a, s, prop);
      return;
    }
    this.actDesk(e, dep);
  }

  private actDesk(e: Engine, dep: Deployment): void {
    const env = dep.plan.env;
    const s = env.symbol;
    const L = env.lookback;
    const trader = this.account(dep, 0);
    const pos = e.desks.pos[trader * e.S + s] as number;
    const an = new Float64Array(marketFeatureCount(L));
    const rk = new Float64Array(DESK_RISK_FEATURES.length);
    const tr = new Float64Array(deskTraderFeatureNames(L).length);
    const view = { position: pos, cash: e.desks.cash[trader] as number, equity: e.desks.agentEquity(e, trader), startEquity: dep.startEquity[0]!, lotUnits: dep.lotUnits[s]!, mark: e.mark[s] as number, peak: dep.peak, limitLots: dep.limitLots, view: dep.view };
    writeDeskObservations(e, s, dep.steps[s]!, view, AGENT_CAPITAL, env.maxLots, dep.t, env.episodeSteps, an, rk, tr);
    const obs = [an, rk, tr];
    const state = new Float64Array(an.length + rk.length + tr.length);
    state.set(an, 0);
    state.set(rk, an.length);
    state.set(tr, an.length + rk.length);
    const m = dep.mappo!;
    const xs: AgentExplanation[] = obs.map((o, j) => m.explain(j, o));
    const value = m.value(state);
    const next = deskTarget(xs.map((x) => x.action), pos, dep.lotUnits[s]!, env.maxLots);
    dep.view = next.view;
    dep.limitLots = next.limitLots;
    const diff = Math.round(next.target) - pos;
    if (diff !== 0) e.desks.sendIOC(e, trader, s, diff > 0 ? BUY : SELL, Math.abs(diff));
    const featureNames = [marketFeatureNames(L), [...DESK_RISK_FEATURES], deskTraderFeatureNames(L)];
    xs.forEach((x, j) => {
      const names = DESK_ACTION_NAMES[j]!;
      const policy: PolicyTrace = {
        checkpointId: dep.input.checkpointId,
        actions: names.map((name, q) => ({ name, probability: r4(x.probabilities[q]!) })),
        mean: null,
        std: null,
        value: r4(value),
        attributions: topAttributions(featureNames[j]!, x.input, x.gradXInput),
      };
      // the analyst's view reads as a direction, the risk manager sets a limit (holds), the trader trades
      const code = j === 0 ? x.action - 1 : j === 2 ? Math.sign(diff) : ACTION.hold;
      const inputs: Record<string, number | string> = { policy: dep.input.label, checkpoint: dep.input.checkpointId, chosen: names[x.action]!, limitLots: dep.limitLots, position: pos };
      const prop: Prop = { action: code, size: j === 2 ? Math.abs(diff) : 0, confidence: x.probabilities[x.action]!, signals: signalsOf(policy, code), inputs, policy };
      this.record(e, dep, dep.plan.agents[j]!, s, prop);
    });
  }

  /** the agent's frame columns and its decision event */
  private record(e: Engine, dep: Deployment, a: number, s: number, prop: Prop): void {
    e.desks.action[a] = prop.action;
    e.desks.conf[a] = prop.confidence;
    e.desks.decisions[a] = (e.desks.decisions[a] as number) + 1;
    const r = a % ROLE_COUNT;
    const act = prop.action > 0 ? 'buy' : prop.action < 0 ? 'sell' : 'hold';
    const p = { action: act, symbol: s, size: prop.size, confidence: r4(prop.confidence) } as const;
    const trace: DecisionTrace = {
      inputs: { role: ROLES[r]!, desk: e.desks.info[dep.plan.desk]?.name ?? deskName(dep.input.label), symbolName: e.symbolName(s), ...prop.inputs },
      signals: prop.signals,
      proposal: p,
      risk: null,
      final: p,
      consensus: null,
      ...(prop.policy ? { policy: prop.policy } : {}),
    };
    const limited = prop.inputs['limit'];
    const sentence =
      sentenceFromTrace(trace) +
      (typeof limited === 'string' ? ` The policy chose “${String(prop.inputs['chosen'])}”, but the position limit is reached (${limited}), so it holds.` : '');
    e.emit({ type: 'decision', agent: a, role: ROLES[r]!, desk: dep.plan.desk, trace, sentence });
  }

  // ---- snapshots and hashing -----------------------------------------------------------------------

  saveState(): unknown {
    return this.list.map(
      (d): SavedDeployment => ({
        input: d.input,
        plan: d.plan,
        steps: d.steps.map((f) => ({ marks: f.marks, head: f.head, stepVolume: f.stepVolume, avgVolume: f.avgVolume, prevSentiment: f.prevSentiment, sentimentChange: f.sentimentChange })),
        volume: d.volume,
        lotUnits: d.lotUnits,
        into: d.into,
        t: d.t,
        startEquity: d.startEquity,
        peak: d.peak,
        limitLots: d.limitLots,
        view: d.view,
        startTick: d.startTick,
      }),
    );
  }

  loadState(state: unknown): void {
    const saved = (Array.isArray(state) ? state : []) as SavedDeployment[];
    this.list = [];
    this.byAgent = new Map();
    for (const sv of saved) {
      const dep = this.build(sv.input, sv.plan, sv.steps.length);
      sv.steps.forEach((f, s) => {
        const g = dep.steps[s]!;
        g.marks.set(f.marks);
        g.head = f.head;
        g.stepVolume = f.stepVolume;
        g.avgVolume = f.avgVolume;
        g.prevSentiment = f.prevSentiment;
        g.sentimentChange = f.sentimentChange;
      });
      dep.volume.set(sv.volume);
      dep.lotUnits.set(sv.lotUnits);
      dep.into = sv.into;
      dep.t = sv.t;
      dep.startEquity.set(sv.startEquity);
      dep.peak = sv.peak;
      dep.limitLots = sv.limitLots;
      dep.view = sv.view;
      dep.startTick = sv.startTick;
      this.list.push(dep);
      if (sv.input.as === 'replace') for (const a of sv.plan.agents) this.byAgent.set(a, dep);
    }
  }

  hash(h: Hasher): void {
    for (const d of this.list) {
      h.int(d.startTick).int(d.into).int(d.t).num(d.peak).num(d.limitLots).num(d.view).arr(d.volume).arr(d.startEquity);
      for (const f of d.steps) h.arr(f.marks).int(f.head).num(f.stepVolume).num(f.avgVolume).num(f.prevSentiment).num(f.sentimentChange);
    }
  }
}

/** The `TOP_ATTRIBUTIONS` largest |gradient × input| features, largest first (ties: feature order). */
export function topAttributions(names: readonly string[], input: readonly number[], gx: readonly number[]): PolicyTrace['attributions'] {
  return gx
    .map((g, i) => ({ feature: names[i] ?? `x${i}`, value: r4(input[i]!), gradXInput: g, i }))
    .filter((a) => Number.isFinite(a.gradXInput))
    .sort((a, b) => Math.abs(b.gradXInput) - Math.abs(a.gradXInput) || a.i - b.i)
    .slice(0, TOP_ATTRIBUTIONS)
    .map(({ feature, value, gradXInput }) => ({ feature, value, gradXInput: r4(gradXInput) }));
}

/**
 * The top attributions as the trace's signals (what the sentence names): weight = |gradient × input|,
 * vote = the direction of the chosen action when the feature pushed towards it, against it otherwise.
 */
function signalsOf(policy: PolicyTrace, direction: number): Sig[] {
  return policy.attributions.slice(0, 3).map((a) => ({ name: a.feature, value: a.value, weight: r4(Math.abs(a.gradXInput)), vote: direction === 0 || a.gradXInput === 0 ? 0 : direction * Math.sign(a.gradXInput) }));
}
