import { existsSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { APP_VERSION } from '../../host/app-version';
import { validateForImport } from '../../store/export';
import { openLibrary, type Library } from '../../store/library';
import { libraryPath } from '../../store/paths';
import { listRecordings } from '../../store/recordings';
import { globalDbPath } from '../context';

/**
 * `FILE|ID` for replay, verify and export: an existing file is opened as a library of its own (a
 * `.bullpen` export holds one recording; with several, the most recent is taken); anything else is a
 * recording id (or unique prefix, or name) in the library (--db, or the default one).
 */
export function openRecordingRef(cmd: Command, ref: string): { lib: Library; ref: string } {
  if (existsSync(ref) && statSync(ref).isFile()) {
    // a file someone hands us: checked read-only first (header, Bullpen id, version, integrity), so a
    // foreign, corrupt or truncated file is a clear error and is never modified
    validateForImport(ref);
    const lib = openLibrary(ref, { appVersion: APP_VERSION });
    const recs = listRecordings(lib, 1);
    if (recs.length === 0) {
      lib.close();
      throw new Error(`"${ref}" holds no recordings.`);
    }
    return { lib, ref: (recs[0] as { id: string }).id };
  }
  return { lib: openLibraryOf(cmd), ref };
}

export function openLibraryOf(cmd: Command): Library {
  return openLibrary(globalDbPath(cmd) ?? libraryPath(), { appVersion: APP_VERSION });
}

export function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** ticks → floor time (one tick = 50 ms) as m:ss */
export function fmtTicks(ticks: number): string {
  const s = Math.floor(ticks / 20);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
