/**
 * Curriculum training (docs/RL.md, "Curriculum"): the trading envs start at the easiest difficulty
 * level and are promoted one level at a time when the mean return of the last `window` finished
 * episodes at the current level reaches that level's threshold. A level is the scenario feature's
 * difficulty (src-shared/scenario.ts DIFFICULTIES): its volatility, data noise and adversarial
 * shocks; from `blackSwanFrom` on, black-swan shocks (a gap down, a liquidity drought, a volatility
 * burst: the engine's own random black swans) are drawn at `blackSwanPerMinute`. The env keeps its
 * configured number of rule-based desks at every level (a level's 10 or 20 desks would make a
 * training step many times slower).
 */
import { z } from 'zod';
import type { Input } from '../../src-shared/inputs';
import { DIFFICULTIES, DIFFICULTY_NAMES, type DifficultyName } from '../../src-shared/scenario';
import { difficultyInputs } from '../sim/difficulty';

export const CURRICULUM_LEVELS: readonly DifficultyName[] = DIFFICULTY_NAMES;

export const curriculumConfigSchema = z
  .object({
    /** finished episodes at the current level whose mean return decides a promotion */
    window: z.number().int().min(1).max(100_000).default(20),
    /**
     * the mean episode return to hold for promotion out of beginner, intermediate and expert (in the
     * reward's units: for `dsr` a sum of differential Sharpe ratios, for `pnl`/`pnl_risk` % of capital)
     */
    thresholds: z.array(z.number().finite()).length(CURRICULUM_LEVELS.length - 1).default([0, 0, 0]),
    /** the first level with black swans */
    blackSwanFrom: z.enum(DIFFICULTY_NAMES).default('expert'),
    /** black swans per floor minute from that level on (an episode of 256 steps × 2 ticks is ~0.4 floor minutes) */
    blackSwanPerMinute: z.number().min(0).max(100).default(1),
  })
  .strict();
export type CurriculumConfigInput = z.input<typeof curriculumConfigSchema>;
export type CurriculumConfig = z.output<typeof curriculumConfigSchema>;

/** The market inputs of a curriculum level on top of the env's own market parameters. */
export function curriculumInputs(level: number, market: { volatility: number; newsRate: number; liquidity: number }, cfg: CurriculumConfig): Input[] {
  const name = CURRICULUM_LEVELS[Math.max(0, Math.min(CURRICULUM_LEVELS.length - 1, level))]!;
  const out = difficultyInputs(DIFFICULTIES[name]).map((i): Input => {
    if (i.kind !== 'setParam') return i;
    if (i.param === 'volatility') return { ...i, value: Math.min(100, i.value * market.volatility) };
    if (i.param === 'blackSwanRate') return { ...i, value: level >= CURRICULUM_LEVELS.indexOf(cfg.blackSwanFrom) ? cfg.blackSwanPerMinute : 0 };
    return i;
  });
  if (market.newsRate !== 1) out.push({ kind: 'setParam', param: 'newsRate', value: market.newsRate });
  if (market.liquidity !== 1) out.push({ kind: 'setParam', param: 'liquidity', value: market.liquidity });
  return out;
}

export interface Promotion {
  /** the update after which the envs moved up */
  update: number;
  timesteps: number;
  /** the new level */
  level: number;
  /** the mean return that earned it */
  meanReturn: number;
}

/** The promotion schedule: feed it each update's newly finished episode returns. */
export class Curriculum {
  readonly config: CurriculumConfig;
  level = 0;
  readonly promotions: Promotion[] = [];
  /** returns of the episodes finished at the current level (the last `window`) */
  private recent: number[] = [];

  constructor(config: CurriculumConfigInput = {}) {
    const r = curriculumConfigSchema.safeParse(config);
    if (!r.success) throw new Error(`Invalid curriculum config — ${r.error.issues.map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`).join('; ')}`);
    this.config = r.data;
  }

  get levelName(): DifficultyName {
    return CURRICULUM_LEVELS[this.level]!;
  }

  /** The mean return over the window, or NaN while fewer than `window` episodes finished at this level. */
  get windowMean(): number {
    const w = this.config.window;
    if (this.recent.length < w) return NaN;
    let s = 0;
    for (let i = this.recent.length - w; i < this.recent.length; i++) s += this.recent[i]!;
    return s / w;
  }

  /**
   * Records the returns of episodes finished since the last call; promotes (and returns true) when
   * the window's mean holds the level's threshold. After a promotion the window starts empty: the
   * next level has to be earned on its own episodes.
   */
  observe(returns: readonly number[], update: number, timesteps: number): boolean {
    for (const r of returns) this.recent.push(r);
    const w = this.config.window;
    if (this.recent.length > w) this.recent = this.recent.slice(-w);
    if (this.level >= CURRICULUM_LEVELS.length - 1) return false;
    const mean = this.windowMean;
    if (!(mean >= this.config.thresholds[this.level]!)) return false;
    this.level++;
    this.recent = [];
    this.promotions.push({ update, timesteps, level: this.level, meanReturn: mean });
    return true;
  }

  /** For a resumed run: start at a level reached before. */
  startAt(level: number): void {
    this.level = Math.max(0, Math.min(CURRICULUM_LEVELS.length - 1, Math.floor(level)));
    this.recent = [];
  }
}
