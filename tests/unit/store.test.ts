import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultSessionConfig } from '../../src-shared/config';
import { BULLPEN_APPLICATION_ID, LibraryError, SCHEMA_VERSION, openLibrary } from '../../src-main/store/library';
import { dataDir, libraryPath } from '../../src-main/store/paths';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bullpen-store-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function expectLibraryError(fn: () => unknown, code: string): LibraryError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(LibraryError);
    expect((err as LibraryError).code).toBe(code);
    return err as LibraryError;
  }
  throw new Error('expected a LibraryError');
}

describe('library database', () => {
  it('creates a new library with every migration applied, WAL and foreign keys on', () => {
    const path = join(dir, 'nested', 'library.sqlite');
    const lib = openLibrary(path, { appVersion: '0.1.0' });
    try {
      expect(lib.schemaVersion).toBe(SCHEMA_VERSION);
      expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(1);
      expect(lib.db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(lib.db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(lib.db.pragma('application_id', { simple: true })).toBe(BULLPEN_APPLICATION_ID);
      const cols = (lib.db.prepare(`SELECT name FROM pragma_table_info('sessions') ORDER BY cid`).pluck().all() as string[]);
      expect(cols).toEqual(['id', 'seed', 'config', 'app_version', 'started_at', 'ended_at', 'status']);
    } finally {
      lib.close();
    }
  });

  it('records a session start and end, and keeps them across reopening (migrations run once)', () => {
    const path = join(dir, 'library.sqlite');
    const config = defaultSessionConfig({ seed: 42, crowd: 500 });
    const lib = openLibrary(path);
    lib.recordSessionStart({ id: 's-1', config, appVersion: '0.1.0', startedAt: '2026-11-21T06:00:00.000Z' });
    expect(lib.getSession('s-1')).toEqual({
      id: 's-1',
      seed: 42,
      config,
      appVersion: '0.1.0',
      startedAt: '2026-11-21T06:00:00.000Z',
      endedAt: null,
      status: 'running',
    });
    lib.recordSessionEnd('s-1', 'crashed', '2026-11-21T06:01:00.000Z');
    lib.close();

    const again = openLibrary(path);
    try {
      expect(again.schemaVersion).toBe(SCHEMA_VERSION);
      expect(again.listSessions()).toEqual([
        expect.objectContaining({ id: 's-1', status: 'crashed', endedAt: '2026-11-21T06:01:00.000Z', config }),
      ]);
      // the schema refuses statuses it does not know
      expect(() => again.db.prepare(`UPDATE sessions SET status = 'exploded'`).run()).toThrow(/CHECK constraint/);
    } finally {
      again.close();
    }
  });

  it('refuses a library written by a newer Bullpen, naming both versions, without touching it', () => {
    const path = join(dir, 'library.sqlite');
    openLibrary(path).close();
    const raw = new Database(path);
    raw.pragma('user_version = 99');
    raw.close();
    const before = readFileSync(path);
    const err = expectLibraryError(() => openLibrary(path, { appVersion: '0.1.0' }), 'too_new');
    expect(err.message).toContain('schema version 99');
    expect(err.message).toContain(`up to ${SCHEMA_VERSION}`);
    expect(err.message).toContain('0.1.0');
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('refuses a file that is not SQLite and leaves its bytes unchanged (no -wal/-shm either)', () => {
    const path = join(dir, 'notes.sqlite');
    const bytes = Buffer.from('These are my trading notes, not a database.\n'.repeat(200));
    writeFileSync(path, bytes);
    const err = expectLibraryError(() => openLibrary(path), 'not_sqlite');
    expect(err.message).toContain(path);
    expect(err.message).toContain('not a SQLite database');
    expect(readFileSync(path).equals(bytes)).toBe(true);
    expect(existsSync(`${path}-wal`)).toBe(false);
    expect(existsSync(`${path}-shm`)).toBe(false);
    // a file shorter than the SQLite header too
    writeFileSync(path, 'SQLite');
    expectLibraryError(() => openLibrary(path), 'not_sqlite');
    expect(readFileSync(path, 'utf8')).toBe('SQLite');
  });

  it("refuses another application's SQLite database and leaves it unchanged", () => {
    const path = join(dir, 'other.db');
    const other = new Database(path);
    other.exec(`CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO recipes (name) VALUES ('soup');`);
    other.close();
    const before = readFileSync(path);
    const err = expectLibraryError(() => openLibrary(path), 'not_bullpen');
    expect(err.message).toContain('not a Bullpen library');
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('treats an empty file as a new library', () => {
    const path = join(dir, 'empty.sqlite');
    writeFileSync(path, '');
    const lib = openLibrary(path);
    expect(lib.schemaVersion).toBe(SCHEMA_VERSION);
    lib.close();
  });
});

describe('data folder', () => {
  it('uses BULLPEN_DATA_DIR when set, else the platform user-data folder like Electron', () => {
    expect(dataDir({ BULLPEN_DATA_DIR: '/data/bp' }, 'linux', '/home/ann')).toBe('/data/bp');
    expect(dataDir({}, 'linux', '/home/ann')).toBe(join('/home/ann', '.config', 'Bullpen'));
    expect(dataDir({ XDG_CONFIG_HOME: '/xdg' }, 'linux', '/home/ann')).toBe(join('/xdg', 'Bullpen'));
    expect(dataDir({}, 'darwin', '/Users/ann')).toBe(join('/Users/ann', 'Library', 'Application Support', 'Bullpen'));
    expect(dataDir({ APPDATA: 'C:\\Users\\ann\\AppData\\Roaming' }, 'win32', 'C:\\Users\\ann')).toBe(
      join('C:\\Users\\ann\\AppData\\Roaming', 'Bullpen'),
    );
    expect(libraryPath('/data/bp')).toBe(join('/data/bp', 'library.sqlite'));
  });
});
