/**
 * Difficulty levels, engine side (shared by the floor and the RL environments): a level's desk count
 * goes into the session config, its market numbers become inputs applied at tick 0. What each number
 * means in the engine: docs/SCENARIOS.md, "Difficulty levels".
 */
import { defaultSessionConfig, type SessionConfigInput } from '../../src-shared/config';
import type { Input } from '../../src-shared/inputs';
import { ADVERSARIAL_PER_MINUTE, BLACK_SWAN_PER_MINUTE, DIFFICULTIES, difficultyVolMult, type Difficulty, type DifficultyName } from '../../src-shared/scenario';
import { Engine, type EngineOptions } from './engine';

/** The inputs that put a difficulty level's market parameters in force. */
export function difficultyInputs(d: Difficulty): Input[] {
  return [
    { kind: 'setParam', param: 'volatility', value: difficultyVolMult(d.volatility) },
    { kind: 'setParam', param: 'dataNoise', value: d.dataNoise * 0.01 },
    { kind: 'setParam', param: 'adversarialRate', value: d.adversarial ? ADVERSARIAL_PER_MINUTE : 0 },
    { kind: 'setParam', param: 'blackSwanRate', value: d.blackSwans ? BLACK_SWAN_PER_MINUTE : 0 },
  ];
}

/** A fresh engine at a difficulty level (its desks; its parameters applied before the first tick). */
export function engineAtDifficulty(name: DifficultyName, config: SessionConfigInput = {}, opts: EngineOptions = {}): Engine {
  const d = DIFFICULTIES[name];
  const e = new Engine(defaultSessionConfig({ ...config, desks: d.desks }), opts);
  for (const input of difficultyInputs(d)) e.applyInput(input);
  return e;
}
