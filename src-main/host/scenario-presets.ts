/**
 * Scenario presets and files, Node side: presets are the JSON documents in resources/scenarios/
 * (validated against `Scenario` from src-shared; a broken shipped preset is an error, never skipped
 * silently), and a user's scenario file is read and validated the same way. The engine never reads
 * files: the host and the CLI pass it validated data inside an Input.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { resourcesDir } from '../resources';
import { Scenario, describeIssues } from '../../src-shared/scenario';

export class ScenarioFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScenarioFileError';
  }
}

/** resources/scenarios (see resourcesDir for how the folder is found). */
export function presetsDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(resourcesDir(env), 'scenarios');
}

/** Validates a parsed JSON value as a scenario; the error names every field and the rule it breaks. */
export function parseScenario(value: unknown, where: string): Scenario {
  const r = Scenario.safeParse(value);
  if (!r.success) throw new ScenarioFileError(`${where} is not a valid scenario: ${describeIssues(r.error)}`);
  return r.data;
}

export function readScenarioFile(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ScenarioFileError(`cannot read scenario file ${path}: ${(err as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ScenarioFileError(`${path} is not valid JSON: ${(err as Error).message}`);
  }
  return parseScenario(value, path);
}

let cache: { dir: string; presets: Scenario[] } | null = null;

/** Every preset in resources/scenarios, sorted by name (cached per folder). */
export function loadPresets(dir = presetsDir()): Scenario[] {
  if (cache && cache.dir === dir) return cache.presets;
  if (!existsSync(dir)) return [];
  const presets = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const s = readScenarioFile(join(dir, f));
      if (`${s.name}.json` !== f) throw new ScenarioFileError(`preset ${f}: its name "${s.name}" must match the file name`);
      return s;
    });
  cache = { dir, presets };
  return presets;
}

export function findPreset(name: string, dir = presetsDir()): Scenario | null {
  return loadPresets(dir).find((p) => p.name === name) ?? null;
}

/** A preset name or a path to a scenario file (anything with a slash or ending in .json is a path). */
export function resolveScenarioArg(arg: string, dir = presetsDir()): Scenario {
  if (arg.endsWith('.json') || arg.includes('/') || arg.includes('\\')) return readScenarioFile(arg);
  const p = findPreset(arg, dir);
  if (!p) throw new ScenarioFileError(`unknown scenario preset "${arg}" (presets: ${loadPresets(dir).map((s) => s.name).join(', ')})`);
  return p;
}
