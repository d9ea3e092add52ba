import { describe, expect, it } from 'vitest';
import { defaultSessionConfig } from '../../src-shared/config';
import { BullpenEvent, type DecisionEvent } from '../../src-shared/events';
import { DeployInput, describeInput, Input } from '../../src-shared/inputs';
import { DeployedDeskPolicy, DeployedPolicy } from '../../src-workers/rl/deploy';
import { DeskEnv, parseDeskEnvConfig } from '../../src-workers/rl/envs/desk';
import { TradingEnv, parseTradingEnvConfig } from '../../src-workers/rl/envs/trading';
import { MAPPO } from '../../src-workers/rl/mappo';
import { PPO } from '../../src-workers/rl/ppo';
import { Engine } from '../../src-workers/sim/engine';
import { TOP_ATTRIBUTIONS } from '../../src-workers/sim/policy-agents';
import { restore, snapshot } from '../../src-workers/sim/snapshot';

const envCfg = { crowd: 16, desks: 1, episodeSteps: 16, warmupTicks: 20 };
const tradingConfig = parseTradingEnvConfig(envCfg);
const ppoSnap = new PPO(() => new TradingEnv(envCfg), { n_envs: 2, n_steps: 32, batch_size: 64, n_epochs: 2, seed: 1, ent_coef: 0.01, kernel: 'js', normalize: { norm_obs: true, norm_reward: true } })
  .learn(128)
  .snapshot();
const deskConfig = parseDeskEnvConfig(envCfg);
const mappoSnap = new MAPPO(() => new DeskEnv(envCfg), { n_envs: 2, n_steps: 16, batch_size: 32, n_epochs: 1, seed: 2, kernel: 'js' }).learn(64).snapshot();

function deployInput(over: Partial<DeployInput> = {}): DeployInput {
  return DeployInput.parse({ kind: 'deploy', as: 'desk', checkpointId: 'cp-1', runId: 'run-1', label: 'ppo test', env: 'trading', envConfig: tradingConfig, snapshot: JSON.parse(JSON.stringify(ppoSnap)), ...over });
}

function engine(seed = 4): Engine {
  return new Engine(defaultSessionConfig({ seed, symbols: 2, crowd: 200, desks: 2 }));
}

function run(e: Engine, ticks: number, at: number | null, input: Input | null): DecisionEvent[] {
  const out: DecisionEvent[] = [];
  for (let t = 0; t < ticks; t++) {
    if (input && e.tick === at) e.applyInput(input);
    e.step();
    for (const ev of e.drainEvents()) if (ev.type === 'decision') out.push(ev as DecisionEvent);
  }
  return out;
}

describe('deploying a trained policy onto the floor', () => {
  it('as a new desk: the roster grows, the policy agent decides every step with its trace', () => {
    const e = engine();
    const input = deployInput();
    const decisions = run(e, 300, 100, input);
    expect(e.roster.desks.map((d) => d.name)).toEqual(['Trend Desk', 'Reversion Desk', 'RL: ppo test']);
    expect(e.roster.agents).toHaveLength(15);
    expect(e.agentsN).toBe(15);
    expect(e.roster.agents[10]!.policy).toEqual({ checkpointId: 'cp-1', runId: 'run-1', label: 'ppo test' });
    expect(e.roster.agents.filter((a) => a.policy)).toHaveLength(1);
    const mine = decisions.filter((d) => d.agent === 10);
    // every ticksPerStep (2) ticks from the deploy tick on
    expect(mine.map((d) => d.tick)).toEqual(Array.from({ length: 100 }, (_, i) => 100 + 2 * i));
    const tr = mine[0]!.trace.policy!;
    expect(tr.checkpointId).toBe('cp-1');
    expect(tr.actions!.map((a) => a.name)).toEqual(['hold', 'buy 1', 'buy 2', 'sell 1', 'sell 2']);
    expect(tr.actions!.reduce((s, a) => s + a.probability, 0)).toBeCloseTo(1, 3);
    expect(tr.attributions.length).toBe(TOP_ATTRIBUTIONS);
    const mags = tr.attributions.map((a) => Math.abs(a.gradXInput));
    expect(mags).toEqual([...mags].sort((a, b) => b - a));
    expect(TradingEnv.featureNames(8)).toEqual(expect.arrayContaining(tr.attributions.map((a) => a.feature)));
    // the decision is a valid event, its sentence names the policy's strongest features
    expect(BullpenEvent.safeParse({ ...mine[0], sessionId: 's' }).success).toBe(true);
    expect(mine[0]!.sentence).toContain(tr.attributions[0]!.feature);
    // the frame has the new agents
    const metrics = e.metrics();
    expect(metrics.agents).toHaveLength(15);
    expect(metrics.desks[2]!.name).toBe('RL: ppo test');
    expect(describeInput(input)).toBe('trained policy “ppo test” deployed as a new desk');
  });

  it('the policy acts greedily: the chosen action is its most probable one', () => {
    const e = engine(9);
    run(e, 120, 60, deployInput());
    const d = run(e, 2, null, null).find((x) => x.agent === 10)!;
    const chosen = d.trace.policy!.actions!.reduce((best, a, i, all) => (a.probability > all[best]!.probability ? i : best), 0);
    expect(d.trace.inputs.chosen).toBe(d.trace.policy!.actions![chosen]!.name);
  });

  it('observes the live engine exactly as the training env does (same engine, same step phase)', () => {
    // the policy deployed onto a training env's own engine: both read one market, step by step
    const env = new TradingEnv(envCfg);
    const envObs: Float64Array[] = [Float64Array.from(env.reset(21))];
    env.market.engine.applyInput(deployInput());
    const seen: Float64Array[] = [];
    for (let k = 0; k < 40; k++) {
      const r = env.step(0);
      seen.push(Float64Array.from(env.market.engine.policies.inspect()[0]!.lastObservation!));
      envObs.push(Float64Array.from(r.obs));
    }
    const L = tradingConfig.lookback;
    const marketEnd = L + 7 + 9 + 3;
    // the k-th decision sees the market of the env's k-th observation (the volume feature compares the
    // step's volume with a running average that starts at the deploy, not at a warm-up: left out)
    for (let k = 0; k < seen.length; k++) {
      for (let i = 0; i < marketEnd; i++) if (i !== L) expect(seen[k]![i], `step ${k}, feature ${TradingEnv.featureNames(L)[i]}`).toBe(envObs[k]![i]);
    }
    // returns really moved: the comparison is not of zeros
    expect(seen.at(-1)!.slice(0, L).some((x) => x !== 0)).toBe(true);
  });

  it('as a replacement: the agent proposes what the policy wants and its desk still votes with it', () => {
    const e = engine();
    const decisions = run(e, 400, 50, deployInput({ as: 'replace', agent: 3 }));
    expect(e.roster.agents).toHaveLength(10);
    expect(e.roster.agents[3]!.policy?.label).toBe('ppo test');
    const mine = decisions.filter((d) => d.agent === 3 && d.tick >= 50);
    expect(mine.length).toBeGreaterThan(5);
    for (const d of mine) {
      expect(d.trace.policy).toBeDefined();
      expect(d.trace.consensus).toBeTruthy();
      const vote = d.trace.consensus!.votes.find((v) => v.agent === 3)!;
      expect(vote.action).toBe(d.trace.proposal.action);
    }
    // before the deploy its decisions were rule-based
    expect(decisions.filter((d) => d.agent === 3 && d.tick < 50).every((d) => d.trace.policy === undefined)).toBe(true);
    // the other members stay rule-based
    expect(decisions.filter((d) => d.agent === 2).every((d) => d.trace.policy === undefined)).toBe(true);
  });

  it('a MAPPO desk deploys as three agents: analyst, risk manager, trader', () => {
    const e = engine();
    const decisions = run(e, 200, 40, deployInput({ env: 'desk', envConfig: deskConfig, snapshot: JSON.parse(JSON.stringify(mappoSnap)), label: 'desk test' }));
    expect(e.roster.agents.filter((a) => a.policy).map((a) => a.index)).toEqual([10, 11, 12]);
    for (const a of [10, 11, 12]) {
      const mine = decisions.filter((d) => d.agent === a);
      expect(mine.length).toBe(80);
      expect(mine[0]!.trace.policy!.actions).toHaveLength(3);
    }
    expect(decisions.find((d) => d.agent === 11)!.trace.policy!.actions!.map((x) => x.name)).toEqual(['flat only', 'half limit', 'full limit']);
  });

  it('same seed + same deploy input at the same tick ⇒ the same state; a snapshot after it restores exactly', () => {
    const a = engine();
    const b = engine();
    run(a, 250, 80, deployInput());
    run(b, 250, 80, deployInput());
    expect(a.stateHash()).toBe(b.stateHash());
    const c = engine();
    run(c, 250, 81, deployInput());
    expect(c.stateHash()).not.toBe(a.stateHash());
    // keyframes: restore(snapshot) after the deploy continues identically
    const r = restore(snapshot(a), a.config);
    expect(r.roster.agents).toHaveLength(15);
    run(a, 100, null, null);
    run(r, 100, null, null);
    expect(r.stateHash()).toBe(a.stateHash());
  });

  it('refuses a policy that does not fit, with an alert, and changes nothing', () => {
    const e = engine();
    const bad = deployInput({ envConfig: { ...tradingConfig, lookback: 4 } });
    e.applyInput(bad);
    const alerts = e.drainEvents().filter((x) => x.type === 'alert');
    expect(alerts.map((x) => (x as { message: string }).message).join()).toMatch(/observes 31 features; the trading env with lookback 4 has 27/);
    expect(e.roster.agents).toHaveLength(10);
    expect(e.policies.active).toBe(false);
    e.applyInput(deployInput({ as: 'replace', agent: 99 }));
    expect(e.drainEvents().some((x) => x.type === 'alert' && /no featured agent 99/.test(x.message))).toBe(true);
  });
});

describe('gradient × input attributions', () => {
  it('the gradient of the chosen action’s log-probability matches central finite differences (PPO, normalised obs)', () => {
    const p = DeployedPolicy.fromSnapshot(ppoSnap, 'js');
    const env = new TradingEnv(envCfg);
    const obs = Float64Array.from(env.reset(11));
    for (let i = 0; i < 5; i++) env.step(i % 5);
    obs.set(env.step(1).obs);
    const x = p.explain(obs);
    const norm = ppoSnap.obsNorm!;
    const h = 1e-5;
    for (let i = 0; i < obs.length; i++) {
      const scale = Math.sqrt(norm.var[i]! + norm.epsilon);
      if (Math.abs(x.input[i]!) >= norm.clip) continue; // clipped: no gradient through the clip
      const up = Float64Array.from(obs);
      const dn = Float64Array.from(obs);
      up[i] = up[i]! + h * scale;
      dn[i] = dn[i]! - h * scale;
      const fd = (p.logProb(up, x.action) - p.logProb(dn, x.action)) / (2 * h);
      const g = x.input[i] !== 0 ? x.gradXInput[i]! / x.input[i]! : null;
      if (g !== null) expect(g).toBeCloseTo(fd, 5);
    }
  });

  it('MAPPO: each agent’s attribution gradient matches finite differences', () => {
    const p = DeployedDeskPolicy.fromSnapshot(mappoSnap);
    const env = new DeskEnv(envCfg);
    let obs = env.reset(3);
    obs = env.step([2, 1, 2]).obs;
    for (let j = 0; j < 3; j++) {
      const o = Float64Array.from(obs[j]!);
      const x = p.explain(j, o);
      const lp = (v: Float64Array): number => Math.log(p.explain(j, v).probabilities[x.action]!);
      for (let i = 0; i < o.length; i++) {
        if (o[i] === 0) continue;
        const up = Float64Array.from(o);
        const dn = Float64Array.from(o);
        up[i] = up[i]! + 1e-6;
        dn[i] = dn[i]! - 1e-6;
        expect(x.gradXInput[i]! / o[i]!).toBeCloseTo((lp(up) - lp(dn)) / 2e-6, 5);
      }
    }
  });
});
