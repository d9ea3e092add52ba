import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder of what Bullpen ships and reads at run time (scenario presets, the bundled data set):
 * $BULLPEN_RESOURCES_DIR if set, else `resources/` at the package root, found by walking up from
 * this module — src-main in the tree, out/main in a build, app.asar/out/main when packaged.
 */
export function resourcesDir(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.BULLPEN_RESOURCES_DIR;
  if (override && override.trim() !== '') return override;
  const here = dirname(fileURLToPath(import.meta.url));
  let dir = here;
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'resources');
    if (existsSync(join(candidate, 'scenarios')) || existsSync(join(candidate, 'data'))) return candidate;
    const parent = resolve(dir, '..');
    if (parent === dir) break;
    dir = parent;
  }
  return resolve(here, '..', 'resources');
}
