import Database from 'better-sqlite3';
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { SessionConfig } from '../../src-shared/config';

/**
 * The library database: one SQLite file per library. better-sqlite3, WAL, foreign keys on, schema
 * versions in `PRAGMA user_version`, the file marked as Bullpen's with `PRAGMA application_id`.
 * A file that is not SQLite, a SQLite file that belongs to something else, or a library written by
 * a newer Bullpen is refused with a clear message and never modified.
 */

/** "BPEN" — marks a SQLite file as a Bullpen library. */
export const BULLPEN_APPLICATION_ID = 0x4250454e;

interface Migration {
  version: number;
  description: string;
  sql: string;
}

/** Ordered schema migrations; migration N brings user_version from N-1 to N. Never edit a shipped one. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'sessions',
    sql: `
      CREATE TABLE sessions (
        id          TEXT PRIMARY KEY,
        seed        INTEGER NOT NULL,
        config      TEXT NOT NULL CHECK (json_valid(config)),
        app_version TEXT NOT NULL,
        started_at  TEXT NOT NULL,
        ended_at    TEXT,
        status      TEXT NOT NULL CHECK (status IN ('running', 'stopped', 'crashed'))
      ) STRICT;
      CREATE INDEX sessions_started_at ON sessions (started_at);
    `,
  },
  {
    version: 2,
    description: 'market data: bar series and their bars (src-main/store/bars.ts)',
    sql: `
      CREATE TABLE bar_series (
        exchange   TEXT NOT NULL,
        symbol     TEXT NOT NULL,
        timeframe  TEXT NOT NULL,
        source     TEXT NOT NULL CHECK (source IN ('exchange', 'csv', 'bundled')),
        name       TEXT NOT NULL,
        calendar   TEXT NOT NULL CHECK (calendar IN ('continuous', 'weekdays')),
        gaps       TEXT NOT NULL CHECK (json_valid(gaps)),
        origin     TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (exchange, symbol, timeframe)
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE bars (
        exchange  TEXT NOT NULL,
        symbol    TEXT NOT NULL,
        timeframe TEXT NOT NULL,
        ts        INTEGER NOT NULL,
        open      REAL NOT NULL,
        high      REAL NOT NULL,
        low       REAL NOT NULL,
        close     REAL NOT NULL,
        volume    REAL NOT NULL,
        PRIMARY KEY (exchange, symbol, timeframe, ts),
        FOREIGN KEY (exchange, symbol, timeframe) REFERENCES bar_series (exchange, symbol, timeframe) ON DELETE CASCADE
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 3,
    description: 'recordings: inputs, event chunks, marks, keyframes, bars, equity (src-main/store/recorder.ts, docs/SCHEMA.md)',
    sql: `
      CREATE TABLE recordings (
        session_id     TEXT PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
        name           TEXT,
        tags           TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags)),
        parent_id      TEXT,
        fork_tick      INTEGER,
        roster         TEXT CHECK (roster IS NULL OR json_valid(roster)),
        keyframe_every INTEGER NOT NULL,
        sample_ticks   INTEGER NOT NULL,
        first_tick     INTEGER NOT NULL DEFAULT 0,
        last_tick      INTEGER NOT NULL DEFAULT 0,
        event_count    INTEGER NOT NULL DEFAULT 0,
        interrupted    INTEGER NOT NULL DEFAULT 0 CHECK (interrupted IN (0, 1)),
        error          TEXT
      ) STRICT;
      CREATE INDEX recordings_parent ON recordings (parent_id);
      CREATE TABLE rec_inputs (
        session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        seq        INTEGER NOT NULL,
        tick       INTEGER NOT NULL,
        input      TEXT NOT NULL CHECK (json_valid(input)),
        PRIMARY KEY (session_id, seq)
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE rec_event_chunks (
        session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        first_seq  INTEGER NOT NULL,
        last_seq   INTEGER NOT NULL,
        first_tick INTEGER NOT NULL,
        last_tick  INTEGER NOT NULL,
        count      INTEGER NOT NULL,
        codec      TEXT NOT NULL CHECK (codec IN ('json+deflate')),
        data       BLOB NOT NULL,
        PRIMARY KEY (session_id, first_seq)
      ) STRICT;
      CREATE INDEX rec_event_chunks_tick ON rec_event_chunks (session_id, last_tick);
      CREATE TABLE rec_marks (
        session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        seq        INTEGER NOT NULL,
        tick       INTEGER NOT NULL,
        kind       TEXT NOT NULL CHECK (kind IN ('input', 'halt', 'alert', 'trade')),
        label      TEXT NOT NULL,
        PRIMARY KEY (session_id, seq)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX rec_marks_tick ON rec_marks (session_id, tick);
      CREATE TABLE rec_keyframes (
        session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        tick       INTEGER NOT NULL,
        codec      TEXT NOT NULL CHECK (codec IN ('deflate')),
        raw_size   INTEGER NOT NULL,
        data       BLOB NOT NULL,
        PRIMARY KEY (session_id, tick)
      ) STRICT;
      CREATE TABLE rec_bars (
        session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        symbol     INTEGER NOT NULL,
        tick       INTEGER NOT NULL,
        open       REAL NOT NULL,
        high       REAL NOT NULL,
        low        REAL NOT NULL,
        close      REAL NOT NULL,
        volume     REAL NOT NULL,
        PRIMARY KEY (session_id, symbol, tick)
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE rec_equity (
        session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        desk       INTEGER NOT NULL,
        tick       INTEGER NOT NULL,
        equity     REAL NOT NULL,
        PRIMARY KEY (session_id, desk, tick)
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 4,
    description: 'training runs: runs, per-update metrics, checkpoints (src-main/store/runs.ts, docs/RL.md)',
    sql: `
      CREATE TABLE training_runs (
        id           TEXT PRIMARY KEY,
        env          TEXT NOT NULL CHECK (env IN ('trading', 'desk')),
        algo         TEXT NOT NULL CHECK (algo IN ('ppo', 'mappo')),
        status       TEXT NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'cancelled', 'failed')),
        seed         INTEGER NOT NULL,
        total_steps  INTEGER NOT NULL,
        steps_done   INTEGER NOT NULL DEFAULT 0,
        hyperparams  TEXT NOT NULL CHECK (json_valid(hyperparams)),
        env_config   TEXT NOT NULL CHECK (json_valid(env_config)),
        curriculum   INTEGER NOT NULL DEFAULT 0,
        resumed_from TEXT,
        created_at   TEXT NOT NULL,
        started_at   TEXT,
        ended_at     TEXT,
        error        TEXT,
        evaluation   TEXT CHECK (evaluation IS NULL OR json_valid(evaluation))
      ) STRICT;
      CREATE INDEX training_runs_created_at ON training_runs (created_at);
      CREATE TABLE training_metrics (
        run_id    TEXT NOT NULL REFERENCES training_runs (id) ON DELETE CASCADE,
        update_no INTEGER NOT NULL,
        timesteps INTEGER NOT NULL,
        metrics   TEXT NOT NULL CHECK (json_valid(metrics)),
        PRIMARY KEY (run_id, update_no)
      ) STRICT;
      CREATE TABLE training_checkpoints (
        id         TEXT PRIMARY KEY,
        run_id     TEXT NOT NULL REFERENCES training_runs (id) ON DELETE CASCADE,
        timesteps  INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        snapshot   TEXT NOT NULL CHECK (json_valid(snapshot))
      ) STRICT;
      CREATE INDEX training_checkpoints_run ON training_checkpoints (run_id, timesteps);
    `,
  },
  {
    version: 5,
    description: 'tournaments: tournaments, entrants with their results, regime breakdowns, equity curves (src-main/store/tournaments.ts, docs/SCHEMA.md)',
    sql: `
      CREATE TABLE tournaments (
        id          TEXT PRIMARY KEY,
        name        TEXT NOT NULL,
        spec        TEXT NOT NULL CHECK (json_valid(spec)),
        mode        TEXT NOT NULL CHECK (mode IN ('isolated', 'shared', 'floor')),
        status      TEXT NOT NULL CHECK (status IN ('running', 'completed', 'cancelled', 'failed')),
        exchange    TEXT NOT NULL,
        symbol      TEXT NOT NULL,
        timeframe   TEXT NOT NULL,
        bars        INTEGER NOT NULL,
        first_ts    INTEGER,
        last_ts     INTEGER,
        periods_per_year REAL NOT NULL,
        regime_bars TEXT NOT NULL CHECK (json_valid(regime_bars)),
        created_at  TEXT NOT NULL,
        ended_at    TEXT,
        error       TEXT
      ) STRICT;
      CREATE INDEX tournaments_created_at ON tournaments (created_at);
      CREATE TABLE tournament_entrants (
        tournament_id TEXT NOT NULL REFERENCES tournaments (id) ON DELETE CASCADE,
        idx           INTEGER NOT NULL,
        name          TEXT NOT NULL,
        kind          TEXT NOT NULL CHECK (kind IN ('desk', 'policy', 'buy-and-hold', 'random')),
        ref           TEXT,
        PRIMARY KEY (tournament_id, idx)
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE tournament_results (
        tournament_id TEXT NOT NULL,
        idx           INTEGER NOT NULL,
        rank          INTEGER NOT NULL,
        total_return  REAL NOT NULL,
        sharpe        REAL,
        sharpe_lo     REAL,
        sharpe_hi     REAL,
        sortino       REAL,
        max_drawdown  REAL NOT NULL,
        calmar        REAL,
        win_rate      REAL,
        turnover      REAL NOT NULL,
        fees_paid     REAL NOT NULL,
        slippage_paid REAL NOT NULL,
        trades        INTEGER NOT NULL,
        exposure      REAL NOT NULL,
        final_equity  REAL NOT NULL,
        PRIMARY KEY (tournament_id, idx),
        FOREIGN KEY (tournament_id, idx) REFERENCES tournament_entrants (tournament_id, idx) ON DELETE CASCADE
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE tournament_regimes (
        tournament_id TEXT NOT NULL,
        idx           INTEGER NOT NULL,
        regime        TEXT NOT NULL CHECK (regime IN ('trending', 'ranging', 'volatile', 'crisis')),
        bars          INTEGER NOT NULL,
        total_return  REAL NOT NULL,
        sharpe        REAL,
        PRIMARY KEY (tournament_id, idx, regime),
        FOREIGN KEY (tournament_id, idx) REFERENCES tournament_entrants (tournament_id, idx) ON DELETE CASCADE
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE tournament_equity (
        tournament_id TEXT NOT NULL,
        idx           INTEGER NOT NULL,
        seq           INTEGER NOT NULL,
        ts            INTEGER NOT NULL,
        equity        REAL NOT NULL,
        PRIMARY KEY (tournament_id, idx, seq),
        FOREIGN KEY (tournament_id, idx) REFERENCES tournament_entrants (tournament_id, idx) ON DELETE CASCADE
      ) STRICT, WITHOUT ROWID;
    `,
  },
];

/** The newest schema version this build knows. */
export const SCHEMA_VERSION = MIGRATIONS.length;

export type LibraryErrorCode = 'not_sqlite' | 'not_bullpen' | 'too_new' | 'open_failed' | 'corrupt';

export class LibraryError extends Error {
  readonly code: LibraryErrorCode;
  readonly path: string;
  constructor(code: LibraryErrorCode, path: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LibraryError';
    this.code = code;
    this.path = path;
  }
}

export interface LibraryOptions {
  /** path to a better-sqlite3 native addon (the Electron build lives apart from the Node one) */
  nativeBinding?: string;
  /** the running app's version, named in the "newer library" message */
  appVersion?: string;
}

export const SessionRunStatus = z.enum(['running', 'stopped', 'crashed']);
export type SessionRunStatus = z.infer<typeof SessionRunStatus>;

export interface SessionRecord {
  id: string;
  seed: number;
  config: SessionConfig;
  appVersion: string;
  startedAt: string;
  endedAt: string | null;
  status: SessionRunStatus;
}

const SessionRowSchema = z.object({
  id: z.string(),
  seed: z.number().int(),
  config: z.string(),
  app_version: z.string(),
  started_at: z.string(),
  ended_at: z.string().nullable(),
  status: SessionRunStatus,
});

function rowToRecord(raw: unknown): SessionRecord {
  const row = SessionRowSchema.parse(raw);
  return {
    id: row.id,
    seed: row.seed,
    config: SessionConfig.parse(JSON.parse(row.config)),
    appVersion: row.app_version,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    status: row.status,
  };
}

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/** Reads the first bytes of an existing, non-empty file; refuses anything without the SQLite header. */
function assertSqliteFile(path: string): void {
  if (!existsSync(path)) return;
  const st = statSync(path);
  if (!st.isFile()) throw new LibraryError('not_sqlite', path, `"${path}" is not a file, so it cannot be a Bullpen library.`);
  if (st.size === 0) return; // an empty file is a new, empty database to SQLite
  const head = Buffer.alloc(SQLITE_MAGIC.length);
  const fd = openSync(path, 'r');
  let n = 0;
  try {
    n = readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  if (n < SQLITE_MAGIC.length || !head.equals(SQLITE_MAGIC)) {
    throw new LibraryError(
      'not_sqlite',
      path,
      `"${path}" is not a SQLite database (it lacks the SQLite file header), so it is not a Bullpen library. It was left untouched.`,
    );
  }
  assertNotTruncated(path, st.size);
}

/**
 * A file cut short (a partial copy or download) still opens, and SQLite would write to it: compare
 * its size with the page count its header declares (when that count is valid) and refuse it first.
 */
function assertNotTruncated(path: string, size: number): void {
  const hdr = Buffer.alloc(100);
  const fd = openSync(path, 'r');
  let n = 0;
  try {
    n = readSync(fd, hdr, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  if (n < 100) throw new LibraryError('not_sqlite', path, `"${path}" is truncated (${size} bytes, shorter than a SQLite header). It was left untouched.`);
  const rawPage = hdr.readUInt16BE(16);
  const pageSize = rawPage === 1 ? 65536 : rawPage;
  const pages = hdr.readUInt32BE(28);
  const valid = hdr.readUInt32BE(92) === hdr.readUInt32BE(24);
  if (valid && pages > 0 && size < pages * pageSize) {
    throw new LibraryError(
      'corrupt',
      path,
      `"${path}" is truncated: its header declares ${pages} pages of ${pageSize} bytes (${pages * pageSize} bytes) but the file has ${size}. It was left untouched.`,
    );
  }
}

/** Where openLibrary copies a library before migrating it from an older schema version. */
export function backupPathFor(path: string, version: number): string {
  let p = `${path}.v${version}.backup`;
  for (let i = 2; existsSync(p); i++) p = `${path}.v${version}.backup${i}`;
  return p;
}

export class Library {
  readonly path: string;
  readonly db: Database.Database;

  constructor(path: string, db: Database.Database) {
    this.path = path;
    this.db = db;
  }

  get schemaVersion(): number {
    return Number(this.db.pragma('user_version', { simple: true }));
  }

  recordSessionStart(rec: { id: string; config: SessionConfig; appVersion: string; startedAt: string }): void {
    this.db
      .prepare(
        `INSERT INTO sessions (id, seed, config, app_version, started_at, ended_at, status)
         VALUES (?, ?, ?, ?, ?, NULL, 'running')`,
      )
      .run(rec.id, rec.config.seed, JSON.stringify(rec.config), rec.appVersion, rec.startedAt);
  }

  recordSessionEnd(id: string, status: Exclude<SessionRunStatus, 'running'>, endedAt: string): void {
    this.db.prepare(`UPDATE sessions SET ended_at = ?, status = ? WHERE id = ?`).run(endedAt, status, id);
  }

  getSession(id: string): SessionRecord | null {
    const row: unknown = this.db.prepare(`SELECT * FROM sessions WHERE id = ?`).get(id);
    return row === undefined ? null : rowToRecord(row);
  }

  /** Most recent first. */
  listSessions(limit = 100): SessionRecord[] {
    const rows: unknown[] = this.db.prepare(`SELECT * FROM sessions ORDER BY started_at DESC, rowid DESC LIMIT ?`).all(limit);
    return rows.map(rowToRecord);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/**
 * Opens (creating if needed) the library at `path`, refusing files that are not Bullpen libraries
 * or are newer than this build, then applies pending migrations one transaction each.
 */
export function openLibrary(path: string, opts: LibraryOptions = {}): Library {
  const appVersion = opts.appVersion ?? 'unknown';
  const memory = path === ':memory:';
  if (!memory) {
    assertSqliteFile(path);
    mkdirSync(dirname(path), { recursive: true });
  }
  let db: Database.Database;
  try {
    db = new Database(path, opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {});
  } catch (err) {
    throw new LibraryError('open_failed', path, `Could not open the library "${path}": ${(err as Error).message}`, { cause: err });
  }
  try {
    // Identify the file before writing anything to it.
    let appId: number;
    let version: number;
    let tables: number;
    try {
      appId = Number(db.pragma('application_id', { simple: true }));
      version = Number(db.pragma('user_version', { simple: true }));
      tables = Number(
        db.prepare(`SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).pluck().get(),
      );
    } catch (err) {
      throw new LibraryError('not_bullpen', path, `"${path}" is not a readable SQLite database: ${(err as Error).message}. It was left untouched.`, {
        cause: err,
      });
    }
    const fresh = appId === 0 && version === 0 && tables === 0;
    if (appId !== BULLPEN_APPLICATION_ID && !fresh) {
      throw new LibraryError(
        'not_bullpen',
        path,
        `"${path}" is a SQLite database but not a Bullpen library (application_id ${appId}, ${tables} table(s)). It was left untouched.`,
      );
    }
    if (version > SCHEMA_VERSION) {
      throw new LibraryError(
        'too_new',
        path,
        `The library "${path}" has schema version ${version}, but this Bullpen (${appVersion}) knows schema versions up to ${SCHEMA_VERSION}. ` +
          `Open it with a newer Bullpen; it was left untouched.`,
      );
    }
    if (!memory && version >= 1 && version < SCHEMA_VERSION) {
      // an older library: keep a copy of it as it was before migrating (VACUUM INTO writes a new file)
      const backup = backupPathFor(path, version);
      db.prepare(`VACUUM INTO ?`).run(backup);
    }
    if (!memory) db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    for (const m of MIGRATIONS) {
      if (m.version <= version) continue;
      db.transaction(() => {
        db.exec(m.sql);
        if (m.version === 1) db.pragma(`application_id = ${BULLPEN_APPLICATION_ID}`);
        db.pragma(`user_version = ${m.version}`);
      })();
    }
  } catch (err) {
    db.close();
    throw err;
  }
  return new Library(path, db);
}
