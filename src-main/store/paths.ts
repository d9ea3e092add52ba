import { homedir } from 'node:os';
import { join } from 'node:path';

export const APP_FOLDER = 'Bullpen';
export const LIBRARY_FILE = 'library.sqlite';

/**
 * The folder Bullpen keeps its library in when no Electron `userData` path is at hand (CLI,
 * browser-mode server): `BULLPEN_DATA_DIR` if set, else the platform's user-data folder, the same
 * one Electron's `app.getPath('userData')` gives for an app named Bullpen.
 */
export function dataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = homedir()): string {
  const override = env.BULLPEN_DATA_DIR;
  if (override && override.trim() !== '') return override;
  switch (platform) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', APP_FOLDER);
    case 'win32':
      return join(env.APPDATA && env.APPDATA !== '' ? env.APPDATA : join(home, 'AppData', 'Roaming'), APP_FOLDER);
    default:
      return join(env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME !== '' ? env.XDG_CONFIG_HOME : join(home, '.config'), APP_FOLDER);
  }
}

/** The library database inside a data folder. */
export function libraryPath(dir: string = dataDir()): string {
  return join(dir, LIBRARY_FILE);
}
