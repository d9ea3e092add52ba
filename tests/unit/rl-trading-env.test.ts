import { describe, expect, it } from 'vitest';
import { PPO } from '../../src-workers/rl/ppo';
import { AGENT_CAPITAL } from '../../src-workers/rl/envs/market';
import { DifferentialSharpe, riskPenalty } from '../../src-workers/rl/envs/rewards';
import { TradingEnv, parseTradingEnvConfig } from '../../src-workers/rl/envs/trading';
import { HELD_OUT_SEED_BASE, bootstrapMeanCI, curveStats, evaluateTrading } from '../../src-workers/rl/evaluate';
import { Rng } from '../../src-workers/rl/rng';

const SMALL = { episodeSteps: 64, warmupTicks: 100 };

describe('differential Sharpe ratio (Moody & Saffell)', () => {
  it('matches a hand computation', () => {
    // η = 0.1, A0 = B0 = 0
    // t=1: R=0.01: B0 − A0² = 0 → D=0; A1 = 0.001, B1 = 0.1·0.0001 = 1e-5
    // t=2: R=−0.02: ΔA = −0.021, ΔB = 0.0004 − 1e-5 = 3.9e-4, B1 − A1² = 9e-6
    //      D = (1e-5·(−0.021) − ½·0.001·3.9e-4) / (9e-6)^1.5 = −4.05e-7 / 2.7e-8 = −15
    //      A2 = 0.001 − 0.0021 = −0.0011, B2 = 1e-5 + 3.9e-5 = 4.9e-5
    // t=3: R=0.015: ΔA = 0.0161, ΔB = 2.25e-4 − 4.9e-5 = 1.76e-4, B2 − A2² = 4.779e-5
    //      D = (4.9e-5·0.0161 + ½·0.0011·1.76e-4) / (4.779e-5)^1.5 = 8.857e-7 / 3.30374e-7 = 2.68090
    const d = new DifferentialSharpe(0.1);
    expect(d.update(0.01)).toBe(0);
    expect(d.a).toBeCloseTo(0.001, 15);
    expect(d.b).toBeCloseTo(1e-5, 15);
    expect(d.update(-0.02)).toBeCloseTo(-15, 9);
    expect(d.a).toBeCloseTo(-0.0011, 15);
    expect(d.b).toBeCloseTo(4.9e-5, 15);
    expect(d.update(0.015)).toBeCloseTo(8.857e-7 / Math.pow(4.779e-5, 1.5), 9);
    expect(d.update(0.005)).toBeCloseTo(0.5730567667699489, 9);
  });

  it('is the first-order change of the moving Sharpe ratio: (S_t − S_{t−1}) / η → D_t as η → 0', () => {
    const rng = new Rng(3);
    const rs = Array.from({ length: 200 }, () => 0.001 + 0.01 * rng.normal());
    const eta = 1e-4;
    // warm the moments up with the sample's own mean and second moment, so S is defined
    const m1 = rs.reduce((a, b) => a + b, 0) / rs.length;
    const m2 = rs.reduce((a, b) => a + b * b, 0) / rs.length;
    const d = new DifferentialSharpe(eta, m1, m2);
    for (const r of rs.slice(0, 20)) {
      const s0 = d.a / Math.sqrt(d.b - d.a * d.a);
      const D = d.update(r);
      const s1 = d.a / Math.sqrt(d.b - d.a * d.a);
      expect((s1 - s0) / eta).toBeCloseTo(D, 2);
    }
  });

  it('refuses an η outside (0, 1]', () => {
    expect(() => new DifferentialSharpe(0)).toThrow(/eta/);
    expect(() => new DifferentialSharpe(1.5)).toThrow(/eta/);
  });
});

describe('TradingEnv on the engine', () => {
  it('has the documented spaces and finite observations, and is deterministic per seed', () => {
    const run = (): number[] => {
      const env = new TradingEnv({ ...SMALL, reward: 'pnl' });
      expect(env.observationSpace.shape[0]).toBe(TradingEnv.featureNames(8).length);
      expect(env.actionSpace).toEqual({ kind: 'discrete', n: 5 });
      const out: number[] = [];
      let o = env.reset(11);
      const rng = new Rng(1);
      for (let t = 0; t < 150; t++) {
        expect(o.length).toBe(env.observationSpace.shape[0]);
        for (const x of o) expect(Number.isFinite(x)).toBe(true);
        const r = env.step(rng.int(5));
        out.push(r.reward, ...o.slice(0, 4));
        o = r.obs;
        if (r.truncated) {
          expect(t % 64).toBe(63);
          o = env.reset();
        }
      }
      return out;
    };
    expect(run()).toEqual(run());
  });

  it('executes against the book: buy, sell and hold move the position by whole lots within ±maxLots; the continuous variant targets a fraction of maxLots', () => {
    const env = new TradingEnv({ ...SMALL, reward: 'pnl', maxLots: 3, sizes: [1, 2] });
    env.resetMarket(5);
    const lot = env.market.lotUnits;
    expect(lot).toBeGreaterThan(0);
    expect(env.targetUnits(0)).toBe(0); // hold
    expect(env.targetUnits(2)).toBe(2 * lot); // buy 2
    expect(env.targetUnits(4)).toBe(-2 * lot); // sell 2
    env.step(2);
    const p1 = env.info.position;
    expect(p1).toBeGreaterThan(0);
    expect(p1).toBeLessThanOrEqual(2 * lot);
    expect(env.targetUnits(2)).toBe(Math.min(3 * lot, p1 + 2 * lot)); // clipped at +maxLots
    const cont = new TradingEnv({ ...SMALL, action: 'continuous', maxLots: 4 });
    cont.resetMarket(5);
    expect(cont.actionSpace.kind).toBe('box');
    expect(cont.targetUnits(Float64Array.of(0.5))).toBe(2 * cont.market.lotUnits);
    expect(cont.targetUnits(Float64Array.of(-7))).toBe(-4 * cont.market.lotUnits);
    expect(() => env.step(5)).toThrow(/not in Discrete\(5\)/);
    expect(() => cont.step(Float64Array.of(NaN))).toThrow(/not a number/);
  });

  it('trades against the crowd and the desks: its orders take their liquidity and move the price', () => {
    const big = { ...SMALL, reward: 'pnl' as const, lotFraction: 0.1, maxLots: 10, sizes: [10] };
    const buyer = new TradingEnv(big);
    const idle = new TradingEnv(big);
    buyer.resetMarket(21);
    idle.resetMarket(21);
    const e = buyer.market.engine;
    expect(buyer.market.mark).toBe(idle.market.mark); // same seed, same market
    const ask = (x: TradingEnv): number => Math.min(...[0, 1].map((v) => x.market.engine.books[v]!.bestAsk()).filter((p) => p > 0));
    const askDepth = (x: TradingEnv): number => x.market.engine.books[0]!.depth(-1, 1000) + x.market.engine.books[1]!.depth(-1, 1000);
    const depth0 = askDepth(buyer);
    const sent = buyer.market.trade(buyer.agent, 10 * buyer.market.lotUnits); // 10 lots at up to 0.1% through the touch
    expect(sent).toBe(10 * buyer.market.lotUnits);
    const got = buyer.market.position(buyer.agent);
    expect(got).toBeGreaterThan(0);
    // the units it bought came out of the resting asks (the crowd's and the desks' orders)
    expect(depth0 - askDepth(buyer)).toBeCloseTo(got, 9);
    expect(ask(buyer)).toBeGreaterThanOrEqual(ask(idle));
    expect(e.venueMid(0, 0) + e.venueMid(0, 1)).toBeGreaterThan(idle.market.engine.venueMid(0, 0) + idle.market.engine.venueMid(0, 1));
    // it paid the spread and the taker fee
    expect(buyer.market.equity(buyer.agent)).toBeLessThan(AGENT_CAPITAL);
  });

  it('computes the pnl and pnl_risk rewards exactly from the equity change and the position held', () => {
    for (const reward of ['pnl', 'pnl_risk'] as const) {
      const env = new TradingEnv({ ...SMALL, reward, rewardScale: 100, riskAversion: 500 });
      env.resetMarket(9);
      let eq = env.info.equity;
      const rng = new Rng(2);
      for (let t = 0; t < 40; t++) {
        const markBefore = env.market.mark;
        const r = env.step(rng.int(5));
        const ret = (env.info.equity - eq) / AGENT_CAPITAL;
        eq = env.info.equity;
        const exposure = (env.info.position * markBefore) / AGENT_CAPITAL;
        const expected = reward === 'pnl' ? 100 * ret : 100 * (ret - riskPenalty(500, exposure, env.market.stepVariance));
        expect(r.reward).toBeCloseTo(expected, 12);
        expect(env.info.stepReturn).toBe(ret);
      }
    }
    // dsr: the differential Sharpe ratio of the same step returns
    const env = new TradingEnv({ ...SMALL, reward: 'dsr', dsrEta: 0.05 });
    env.resetMarket(9);
    expect(env.dsrPrior).toBeGreaterThan(0);
    const d = new DifferentialSharpe(0.05, 0, env.dsrPrior);
    for (let t = 0; t < 40; t++) {
      const r = env.step(t % 7 === 0 ? 1 : t % 5 === 0 ? 3 : 0);
      expect(r.reward).toBeCloseTo(d.update(env.info.stepReturn), 10);
    }
  });

  it('refuses an invalid config naming the field', () => {
    expect(() => parseTradingEnvConfig({ lotFraction: 0 })).toThrow(/lotFraction/);
    expect(() => parseTradingEnvConfig({ reward: 'sharpe' })).toThrow(/reward/);
    expect(() => parseTradingEnvConfig({ ticks: 3 })).toThrow(/ticks/);
    expect(() => new TradingEnv({ symbol: 2, symbols: 1 })).toThrow(/symbol/);
  });
});

describe('evaluation helpers', () => {
  it('computes return, Sharpe and maximum drawdown of an equity curve', () => {
    const s = curveStats([100, 110, 99, 120]);
    expect(s.ret).toBeCloseTo(0.2, 12);
    expect(s.maxDrawdown).toBeCloseTo(11 / 110, 12);
    const r = [0.1, -0.1, 120 / 99 - 1];
    const m = r.reduce((a, b) => a + b) / 3;
    const sd = Math.sqrt(r.reduce((a, b) => a + (b - m) ** 2, 0) / 2);
    expect(s.sharpe).toBeCloseTo((m / sd) * Math.sqrt(3), 12);
    expect(curveStats([5, 5, 5]).sharpe).toBe(0);
  });

  it('bootstraps a seeded interval around the mean', () => {
    const xs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const a = bootstrapMeanCI(xs, new Rng(1));
    expect(a).toEqual(bootstrapMeanCI(xs, new Rng(1)));
    expect(a[0]).toBeLessThan(5.5);
    expect(a[1]).toBeGreaterThan(5.5);
    expect(a[1] - a[0]).toBeGreaterThan(2);
    expect(a[1] - a[0]).toBeLessThan(6);
  });
});

describe('PPO on the trading env', () => {
  it('learns to beat random trading on held-out markets of a news-driven regime', () => {
    const cfg = { reward: 'pnl' as const, newsRate: 20, episodeSteps: 128 };
    const model = new PPO(() => new TradingEnv(cfg), {
      n_envs: 4,
      n_steps: 256,
      batch_size: 256,
      n_epochs: 10,
      gamma: 0.5,
      ent_coef: 0.005,
      normalize: { norm_obs: false, norm_reward: true },
      seed: 1,
    });
    model.learn(40_960);
    const first = model.metrics[1]!.ep_rew_mean;
    const last = model.metrics[model.metrics.length - 1]!.ep_rew_mean;
    expect(last).toBeGreaterThan(first);
    const rep = evaluateTrading(() => new TradingEnv(cfg), (o) => model.predict(o, true)[0]!, { episodes: 12 });
    expect(rep.seeds[0]).toBe(HELD_OUT_SEED_BASE);
    const [agent, bh, random] = rep.contenders;
    expect([agent!.name, bh!.name, random!.name]).toEqual(['agent', 'buy-and-hold', 'random']);
    expect(rep.contenders.length).toBe(5);
    // random pays the spread and fees on every trade: the agent's mean return is above random's interval
    expect(agent!.meanReturn).toBeGreaterThan(random!.ci95[1]);
    // and random is worse than the agent in the paired bootstrap
    expect(random!.vsAgent!.ci95[1]).toBeLessThan(0);
  }, 60_000);
});
