/**
 * Evaluation of trading agents on held-out markets: the agent against buy-and-hold, random and the
 * rule-based desks on the same markets, with the mean episode return, Sharpe ratio, maximum
 * drawdown and a bootstrap confidence interval of the mean return.
 */
import { Rng } from './rng';
import type { DeskEnv } from './envs/desk';
import type { MarketSim } from './envs/market';
import type { TradingEnv } from './envs/trading';

/** Market seeds of held-out evaluation: training markets are drawn below 2^30. */
export const HELD_OUT_SEED_BASE = 1 << 30;

export interface EpisodeStats {
  /** equity at the end / at the start − 1 */
  ret: number;
  /** mean / std of the step returns × √steps (the episode's Sharpe ratio; 0 when flat) */
  sharpe: number;
  /** largest fall of the equity curve from its running peak, as a fraction of the peak */
  maxDrawdown: number;
}

export interface ContenderReport {
  name: string;
  episodes: number;
  meanReturn: number;
  /** 95% percentile-bootstrap interval of the mean episode return */
  ci95: [number, number];
  meanSharpe: number;
  meanMaxDrawdown: number;
  /** mean episode return of the contender minus the agent's, with its bootstrap interval (agent row: null) */
  vsAgent: { diff: number; ci95: [number, number] } | null;
}

export interface EvaluationReport {
  seeds: number[];
  steps: number;
  contenders: ContenderReport[];
}

/** Statistics of one equity curve (equity[0] = start). */
export function curveStats(equity: ArrayLike<number>): EpisodeStats {
  const n = equity.length - 1;
  if (n < 1) return { ret: 0, sharpe: 0, maxDrawdown: 0 };
  let peak = equity[0]!;
  let mdd = 0;
  let s = 0;
  let s2 = 0;
  for (let i = 1; i <= n; i++) {
    const e = equity[i]!;
    const r = e / equity[i - 1]! - 1;
    s += r;
    s2 += r * r;
    if (e > peak) peak = e;
    const dd = peak > 0 ? (peak - e) / peak : 0;
    if (dd > mdd) mdd = dd;
  }
  const mean = s / n;
  const v = n > 1 ? (s2 - n * mean * mean) / (n - 1) : 0;
  const sd = Math.sqrt(v > 0 ? v : 0);
  return { ret: equity[n]! / equity[0]! - 1, sharpe: sd > 1e-12 ? (mean / sd) * Math.sqrt(n) : 0, maxDrawdown: mdd };
}

/** Percentile bootstrap interval of the mean of xs (seeded; `B` resamples). */
export function bootstrapMeanCI(xs: readonly number[], rng: Rng, B = 2000, level = 0.95): [number, number] {
  const n = xs.length;
  if (n === 0) return [NaN, NaN];
  const means = new Float64Array(B);
  for (let b = 0; b < B; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += xs[rng.int(n)]!;
    means[b] = s / n;
  }
  means.sort();
  const lo = Math.floor(((1 - level) / 2) * (B - 1));
  const hi = Math.ceil((1 - (1 - level) / 2) * (B - 1));
  return [means[lo]!, means[hi]!];
}

const mean = (xs: readonly number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

export type ActionPicker = (obs: Float64Array, env: TradingEnv) => number | Float64Array;

/** Buy-and-hold: buys the full position on the first step and holds it. */
export function buyAndHold(env: TradingEnv): ActionPicker {
  return () => (env.config.action === 'continuous' ? Float64Array.of(1) : 1 + env.config.sizes.indexOf(Math.max(...env.config.sizes)));
}

/** Uniformly random actions (seeded). */
export function randomPolicy(env: TradingEnv, rng: Rng): ActionPicker {
  const n = 1 + 2 * env.config.sizes.length;
  return () => (env.config.action === 'continuous' ? Float64Array.of(rng.range(-1, 1)) : rng.int(n));
}

/** One contender's way through an episode on a given market. */
export interface EpisodeRunner {
  /** starts an episode on the market of `seed`; returns the starting equity */
  begin(seed: number): number;
  /** plays one step; returns the equity after it and whether the episode ended */
  step(): { equity: number; done: boolean };
}

/**
 * Plays one episode per held-out market seed for every contender and records the rule-based desks'
 * equity over the first contender's (the agent's) episodes. Every contender sees the same markets.
 */
export function evaluateRunners(
  contenders: readonly { name: string; runner: EpisodeRunner }[],
  market: () => MarketSim,
  opts: { episodes?: number; seedBase?: number; bootstrapSeed?: number; steps: number },
): EvaluationReport {
  const episodes = opts.episodes ?? 20;
  const base = opts.seedBase ?? HELD_OUT_SEED_BASE;
  const seeds = Array.from({ length: episodes }, (_, i) => base + i);
  const rng = new Rng(opts.bootstrapSeed ?? 7);
  const stats: EpisodeStats[][] = contenders.map(() => []);
  let deskStats: EpisodeStats[][] = [];
  let deskNames: string[] = [];
  for (const seed of seeds) {
    contenders.forEach((c, ci) => {
      const eq = [c.runner.begin(seed)];
      const m = market();
      const D = m.cfg.desks;
      if (ci === 0 && deskStats.length === 0) {
        deskStats = Array.from({ length: D }, () => []);
        deskNames = Array.from({ length: D }, (_, d) => `desk: ${m.engine.roster.desks[d]?.name ?? d}`);
      }
      const deskEq: number[][] = Array.from({ length: ci === 0 ? D : 0 }, (_, d) => [m.engine.desks.deskEquity(m.engine, d)]);
      for (;;) {
        const r = c.runner.step();
        eq.push(r.equity);
        for (let d = 0; d < deskEq.length; d++) deskEq[d]!.push(m.engine.desks.deskEquity(m.engine, d));
        if (r.done) break;
      }
      stats[ci]!.push(curveStats(eq));
      deskEq.forEach((curve, d) => deskStats[d]!.push(curveStats(curve)));
    });
  }
  const names = [...contenders.map((c) => c.name), ...deskNames];
  const all = [...stats, ...deskStats];
  const agentRets = all[0]!.map((s) => s.ret);
  const rows: ContenderReport[] = all.map((st, i) => {
    const rets = st.map((s) => s.ret);
    const diffs = rets.map((r, k) => r - agentRets[k]!);
    return {
      name: names[i]!,
      episodes: st.length,
      meanReturn: mean(rets),
      ci95: bootstrapMeanCI(rets, rng),
      meanSharpe: mean(st.map((s) => s.sharpe)),
      meanMaxDrawdown: mean(st.map((s) => s.maxDrawdown)),
      vsAgent: i === 0 ? null : { diff: mean(diffs), ci95: bootstrapMeanCI(diffs, rng) },
    };
  });
  return { seeds, steps: opts.steps, contenders: rows };
}

/** The single-agent trading env: the agent against buy-and-hold, random and the rule-based desks. */
export function evaluateTrading(
  makeEnv: () => TradingEnv,
  agent: ActionPicker,
  opts: { episodes?: number; seedBase?: number; bootstrapSeed?: number } = {},
): EvaluationReport {
  const env = makeEnv();
  const runner = (pick: ActionPicker): EpisodeRunner => {
    let obs: Float64Array = new Float64Array(0);
    return {
      begin(seed) {
        obs = env.resetMarket(seed);
        return env.info.equity;
      },
      step() {
        const r = env.step(pick(obs, env));
        obs = r.obs;
        return { equity: env.info.equity, done: r.terminated || r.truncated };
      },
    };
  };
  return evaluateRunners(
    [
      { name: 'agent', runner: runner(agent) },
      { name: 'buy-and-hold', runner: runner(buyAndHold(env)) },
      { name: 'random', runner: runner(randomPolicy(env, new Rng((opts.bootstrapSeed ?? 7) ^ 0x9e37))) },
    ],
    () => env.market,
    { ...opts, steps: env.config.episodeSteps },
  );
}

/** The multi-agent desk: the trained desk against buy-and-hold, random and the rule-based desks. */
export function evaluateDesk(
  makeEnv: () => DeskEnv,
  agent: (obs: readonly Float64Array[]) => ArrayLike<number>,
  opts: { episodes?: number; seedBase?: number; bootstrapSeed?: number } = {},
): EvaluationReport {
  const env = makeEnv();
  const rng = new Rng((opts.bootstrapSeed ?? 7) ^ 0x9e37);
  const runner = (pick: (obs: readonly Float64Array[]) => ArrayLike<number>): EpisodeRunner => {
    let obs: readonly Float64Array[] = [];
    return {
      begin(seed) {
        obs = env.resetMarket(seed);
        return env.equity;
      },
      step() {
        const r = env.step(pick(obs));
        obs = r.obs;
        return { equity: env.equity, done: r.terminated || r.truncated };
      },
    };
  };
  return evaluateRunners(
    [
      { name: 'agent desk', runner: runner(agent) },
      // neutral analyst, widest limit, trader always buying: a full long position held
      { name: 'buy-and-hold', runner: runner(() => [1, 2, 2]) },
      { name: 'random', runner: runner(() => [rng.int(3), rng.int(3), rng.int(3)]) },
    ],
    () => env.market,
    { ...opts, steps: env.config.episodeSteps },
  );
}

/** The report as a plain-text table (the CLI's final evaluation). */
export function formatReport(r: EvaluationReport): string {
  const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;
  const lines = [
    `held-out markets: ${r.seeds.length} (seeds ${r.seeds[0]}…${r.seeds[r.seeds.length - 1]}), ${r.steps} steps each`,
    `${'contender'.padEnd(26)} ${'mean return'.padStart(11)} ${'95% CI'.padStart(21)} ${'Sharpe'.padStart(7)} ${'max DD'.padStart(7)}  vs agent (95% CI)`,
  ];
  for (const c of r.contenders) {
    lines.push(
      `${c.name.padEnd(26)} ${pct(c.meanReturn).padStart(11)} ${`[${pct(c.ci95[0])}, ${pct(c.ci95[1])}]`.padStart(21)} ${c.meanSharpe.toFixed(2).padStart(7)} ${pct(c.meanMaxDrawdown).padStart(7)}  ${
        c.vsAgent ? `${pct(c.vsAgent.diff)} [${pct(c.vsAgent.ci95[0])}, ${pct(c.vsAgent.ci95[1])}]` : '—'
      }`,
    );
  }
  return lines.join('\n');
}
