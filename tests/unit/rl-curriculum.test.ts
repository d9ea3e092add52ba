import { describe, expect, it } from 'vitest';
import { CURRICULUM_LEVELS, Curriculum, curriculumConfigSchema, curriculumInputs } from '../../src-workers/rl/curriculum';
import { TradingEnv } from '../../src-workers/rl/envs/trading';
import train from '../../src-workers/rl/train.worker';
import { validateTrainSpec, type TrainingProgress, type WorkerMessage } from '../../src-workers/rl/train-task';

function runWorker(spec: Record<string, unknown>): { progress: TrainingProgress[]; checkpoints: unknown[] } {
  const messages: WorkerMessage[] = [];
  const res = train({
    runId: 'test',
    resolved: validateTrainSpec(spec),
    resume: null,
    cancel: new Int32Array(new SharedArrayBuffer(4)),
    port: { postMessage: (m) => messages.push(m as WorkerMessage) },
  });
  expect(res.error).toBeNull();
  return {
    progress: messages.flatMap((m) => (m.type === 'progress' ? [m.progress] : [])),
    checkpoints: messages.flatMap((m) => (m.type === 'checkpoint' ? [JSON.parse(m.snapshotJson) as unknown] : [])),
  };
}

const smallMarket = { crowd: 16, desks: 1, episodeSteps: 16, warmupTicks: 20, episodesPerMarket: 2 };
const smallPPO = { n_envs: 2, n_steps: 32, batch_size: 64, n_epochs: 1 };

describe('curriculum', () => {
  it('waits for a full window before judging', () => {
    const c = new Curriculum({ window: 3, thresholds: [1, 2, 3] });
    expect(c.levelName).toBe('beginner');
    expect(c.observe([5, 5], 1, 10)).toBe(false); // two episodes: not a window yet
    expect(c.level).toBe(0);
    expect(c.observe([-4], 2, 20)).toBe(true); // (5 + 5 − 4) / 3 = 2 ≥ 1
    expect(c.promotions).toEqual([{ update: 2, timesteps: 20, level: 1, meanReturn: 2 }]);
  });

  it('promotes at the first update whose window holds the threshold', () => {
    const c = new Curriculum({ window: 3, thresholds: [1, 2, 3] });
    expect(c.observe([0, 0, 0], 1, 10)).toBe(false); // mean 0 < 1
    expect(c.observe([3, 3], 2, 20)).toBe(true); // last 3: 0, 3, 3 → 2 ≥ 1
    expect(c.level).toBe(1);
    expect(c.windowMean).toBeNaN(); // the new level starts with an empty window
    expect(c.observe([2, 2], 3, 30)).toBe(false);
    expect(c.observe([2], 4, 40)).toBe(true); // 2 ≥ 2
    expect(c.observe([9, 9, 9], 5, 50)).toBe(true); // 9 ≥ 3 → master
    expect(c.observe([9, 9, 9], 6, 60)).toBe(false); // master is the top
    expect(c.levelName).toBe('master');
    expect(c.promotions.map((p) => [p.update, p.level])).toEqual([[2, 1], [4, 2], [5, 3]]);
  });

  it('refuses invalid settings naming the field', () => {
    expect(() => new Curriculum({ window: 0 })).toThrow(/window/);
    expect(() => new Curriculum({ thresholds: [1] })).toThrow(/thresholds/);
    expect(() => validateTrainSpec({ env: 'trading', algo: 'ppo', steps: 10, envConfig: { curriculum: { windw: 3 } } })).toThrow(/windw/);
  });

  it('levels map onto the difficulty levels; black swans from expert up', () => {
    const cfg = curriculumConfigSchema.parse({});
    const at = (l: number) => Object.fromEntries(curriculumInputs(l, { volatility: 1, newsRate: 1, liquidity: 1 }, cfg).map((i) => (i.kind === 'setParam' ? [i.param, i.value] : ['?', 0])));
    expect(CURRICULUM_LEVELS).toEqual(['beginner', 'intermediate', 'expert', 'master']);
    expect(at(0)).toMatchObject({ volatility: 0.75, blackSwanRate: 0, adversarialRate: 0 });
    expect(at(1)).toMatchObject({ volatility: 1.25, blackSwanRate: 0 });
    expect(at(2)).toMatchObject({ volatility: 1.75, blackSwanRate: 1, adversarialRate: 0.5 });
    expect(at(3)).toMatchObject({ volatility: 2.5, blackSwanRate: 1 });
    // the env's own volatility multiplies the level's
    expect(curriculumInputs(0, { volatility: 2, newsRate: 3, liquidity: 1 }, cfg)).toContainEqual({ kind: 'setParam', param: 'newsRate', value: 3 });
  });

  it('an env at master trades a market with black swans; without a level the configured market', () => {
    const env = new TradingEnv({ ...smallMarket, curriculum: { blackSwanPerMinute: 50 } });
    env.reset(1);
    expect(env.market.engine.scenarios.params.blackSwanRate).toBe(0);
    expect(env.market.engine.fundamental.volMult).toBe(1);
    env.setCurriculumLevel(3);
    env.reset();
    expect(env.market.engine.scenarios.params.blackSwanRate).toBe(50);
    expect(env.market.engine.fundamental.volMult).toBe(2.5);
    // 50 per minute: some black swan is drawn within an episode or two
    let shocks = 0;
    for (let i = 0; i < 64; i++) {
      env.step(0);
      shocks = env.market.engine.scenarios.state().shocks.filter((s) => s.scenario === 'black-swan').length;
      if (shocks > 0) break;
    }
    expect(shocks).toBeGreaterThan(0);
  });

  it('a seeded curriculum run with a low threshold promotes, at the same update every time; an impossible one never does', () => {
    const spec = (thresholds: number[]) => ({
      env: 'trading',
      algo: 'ppo',
      steps: 64 * 6,
      seed: 3,
      curriculum: true,
      hyperparams: smallPPO,
      envConfig: { ...smallMarket, curriculum: { window: 4, thresholds } },
      evalEpisodes: 0,
      checkpointEvery: 100,
    });
    const a = runWorker(spec([-1e9, -1e9, 1e9]));
    const levels = a.progress.map((p) => p.curriculum_level);
    expect(levels[0]).toBe(0);
    expect(Math.max(...levels)).toBe(2); // beginner → intermediate → expert, never master (its threshold is impossible)
    const firstPromotion = levels.findIndex((l) => l > 0);
    expect(firstPromotion).toBeGreaterThan(0);
    expect(a.progress.map((p) => p.curriculum_name)).toContain('expert');
    // the checkpoint remembers the level reached
    expect((a.checkpoints.at(-1) as { training: { curriculumLevel: number } }).training.curriculumLevel).toBe(2);
    const b = runWorker(spec([-1e9, -1e9, 1e9]));
    expect(b.progress.map((p) => p.curriculum_level)).toEqual(levels);
    expect(b.progress.map((p) => p.ep_rew_mean)).toEqual(a.progress.map((p) => p.ep_rew_mean));
    const never = runWorker(spec([1e9, 1e9, 1e9]));
    expect(never.progress.every((p) => p.curriculum_level === 0 && p.curriculum_name === 'beginner')).toBe(true);
  });
});
