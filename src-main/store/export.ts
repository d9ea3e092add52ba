import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { BULLPEN_APPLICATION_ID, LibraryError, SCHEMA_VERSION, openLibrary, type Library } from './library';
import { forEachEvent, getRecording, readBars, readEquity, readInputs, type RecordingInfo } from './recordings';

/**
 * Exchange: a session as a standalone `.bullpen` file (a Bullpen library holding just that session),
 * importing one (validated first: SQLite header, application id, schema version, integrity check),
 * and tables (events, trades, decisions, bars, equity, inputs) as CSV or Parquet for pandas, Polars
 * or DuckDB. Parquet is written by hyparquet-writer (pure JavaScript, MIT).
 */

/** Every table a recording owns, in an order that satisfies the foreign keys. */
const REC_TABLES = ['recordings', 'rec_inputs', 'rec_event_chunks', 'rec_marks', 'rec_keyframes', 'rec_bars', 'rec_equity'] as const;

export const BULLPEN_EXT = '.bullpen';

/** Writes recording `ref` (and only it) to a new file `out`; refuses to overwrite. */
export function exportBullpen(lib: Library, ref: string, out: string): RecordingInfo {
  const rec = getRecording(lib, ref);
  if (rec.status === 'running') throw new Error(`Recording ${rec.id} is still being recorded; stop the session first.`);
  if (existsSync(out)) throw new Error(`"${out}" already exists; choose another file name.`);
  // creates the file with the current schema
  openLibrary(out, { appVersion: rec.appVersion }).close();
  lib.db.prepare(`ATTACH DATABASE ? AS dst`).run(out);
  try {
    lib.db.transaction(() => {
      lib.db.prepare(`INSERT INTO dst.sessions SELECT * FROM main.sessions WHERE id = ?`).run(rec.id);
      for (const t of REC_TABLES) lib.db.prepare(`INSERT INTO dst.${t} SELECT * FROM main.${t} WHERE session_id = ?`).run(rec.id);
      // the parent is not in the file: keep its id as a reference only
    })();
  } finally {
    lib.db.exec(`DETACH DATABASE dst`);
  }
  // a standalone file: fold the WAL back in so one file is all there is
  const db = new Database(out);
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.pragma('journal_mode = DELETE');
  } finally {
    db.close();
  }
  return rec;
}

export interface ImportResult {
  imported: string[];
  skipped: string[];
}

/**
 * Imports every recording of a `.bullpen` file (or another library). The file is validated before
 * anything is copied and is never modified: an older file is migrated in a temporary copy.
 */
export function importBullpen(lib: Library, file: string): ImportResult {
  if (!existsSync(file)) throw new Error(`"${file}" does not exist.`);
  let src = file;
  let tmp: string | null = null;
  const probe = validateForImport(file);
  if (probe.version < SCHEMA_VERSION) {
    tmp = mkdtempSync(join(tmpdir(), 'bullpen-import-'));
    src = join(tmp, 'import.sqlite');
    copyFileSync(file, src);
    openLibrary(src).close();
  }
  try {
    lib.db.prepare(`ATTACH DATABASE ? AS src`).run(src);
    try {
      const ids = lib.db.prepare(`SELECT session_id FROM src.recordings ORDER BY rowid`).pluck().all() as string[];
      const imported: string[] = [];
      const skipped: string[] = [];
      lib.db.transaction(() => {
        for (const id of ids) {
          if (lib.db.prepare(`SELECT 1 FROM main.sessions WHERE id = ?`).get(id) !== undefined) {
            skipped.push(id);
            continue;
          }
          lib.db.prepare(`INSERT INTO main.sessions SELECT * FROM src.sessions WHERE id = ?`).run(id);
          for (const t of REC_TABLES) lib.db.prepare(`INSERT INTO main.${t} SELECT * FROM src.${t} WHERE session_id = ?`).run(id);
          imported.push(id);
        }
      })();
      return { imported, skipped };
    } finally {
      lib.db.exec(`DETACH DATABASE src`);
    }
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

/** Opens `file` read-only and checks that it is an intact Bullpen library this build can read. */
export function validateForImport(file: string): { version: number; sessions: number } {
  // the header, the truncation check and the identity checks of openLibrary, without its writes
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new LibraryError('open_failed', file, `Could not open "${file}": ${(err as Error).message}`);
  }
  try {
    let appId: number;
    let version: number;
    try {
      appId = Number(db.pragma('application_id', { simple: true }));
      version = Number(db.pragma('user_version', { simple: true }));
    } catch (err) {
      throw new LibraryError('not_sqlite', file, `"${file}" is not a SQLite database (${(err as Error).message}). It was left untouched.`);
    }
    if (appId !== BULLPEN_APPLICATION_ID) throw new LibraryError('not_bullpen', file, `"${file}" is not a Bullpen file (application_id ${appId}). It was left untouched.`);
    if (version > SCHEMA_VERSION) {
      throw new LibraryError('too_new', file, `"${file}" has schema version ${version}; this Bullpen reads up to ${SCHEMA_VERSION}. Import it with a newer Bullpen.`);
    }
    if (version < 3) throw new LibraryError('not_bullpen', file, `"${file}" (schema version ${version}) holds no recordings.`);
    const check = db.prepare(`PRAGMA integrity_check`).pluck().all() as string[];
    if (check.length !== 1 || check[0] !== 'ok') {
      throw new LibraryError('corrupt', file, `"${file}" is damaged: ${check.slice(0, 3).join('; ')}. Nothing was imported.`);
    }
    const sessions = Number(db.prepare(`SELECT count(*) FROM recordings`).pluck().get());
    return { version, sessions };
  } catch (err) {
    if (err instanceof LibraryError) throw err;
    throw new LibraryError('corrupt', file, `"${file}" could not be read as a Bullpen file: ${(err as Error).message}. Nothing was imported.`);
  } finally {
    db.close();
  }
}

// ---- tables: CSV and Parquet ----------------------------------------------------------------------

type ColType = 'INT32' | 'DOUBLE' | 'STRING';
interface Column {
  name: string;
  type: ColType;
  data: Array<number | string | null>;
}

class Table {
  readonly columns: Column[];
  rows = 0;
  constructor(
    readonly name: string,
    spec: ReadonlyArray<[string, ColType]>,
  ) {
    this.columns = spec.map(([n, type]) => ({ name: n, type, data: [] }));
  }
  add(values: ReadonlyArray<number | string | null>): void {
    for (let i = 0; i < this.columns.length; i++) (this.columns[i] as Column).data.push(values[i] ?? null);
    this.rows++;
  }
}

/** The tables of one recording, as columns. */
export function recordingTables(lib: Library, ref: string): Table[] {
  const rec = getRecording(lib, ref);
  const sym = (s: number): string => rec.roster?.symbols[s]?.name ?? `S${s}`;
  const agentName = (a: number): string => rec.roster?.agents[a]?.name ?? `agent ${a}`;
  const deskName = (d: number): string => rec.roster?.desks[d]?.name ?? `desk ${d}`;
  const events = new Table('events', [['seq', 'INT32'], ['tick', 'INT32'], ['type', 'STRING'], ['data', 'STRING']]);
  const trades = new Table('trades', [
    ['seq', 'INT32'], ['tick', 'INT32'], ['symbol', 'INT32'], ['symbol_name', 'STRING'], ['venue', 'INT32'], ['price', 'DOUBLE'],
    ['qty', 'DOUBLE'], ['side', 'STRING'], ['buy_agent', 'INT32'], ['sell_agent', 'INT32'],
  ]);
  const decisions = new Table('decisions', [
    ['seq', 'INT32'], ['tick', 'INT32'], ['agent', 'INT32'], ['agent_name', 'STRING'], ['role', 'STRING'], ['desk', 'INT32'], ['action', 'STRING'],
    ['symbol', 'INT32'], ['size', 'DOUBLE'], ['confidence', 'DOUBLE'], ['sentence', 'STRING'], ['trace', 'STRING'],
  ]);
  forEachEvent(lib, rec.id, (e) => {
    const { sessionId: _s, ...body } = e;
    void _s;
    events.add([e.seq, e.tick, e.type, JSON.stringify(body)]);
    if (e.type === 'trade') trades.add([e.seq, e.tick, e.symbol, sym(e.symbol), e.venue, e.price, e.qty, e.side, e.buyAgent, e.sellAgent]);
    else if (e.type === 'decision') {
      const f = e.trace.final;
      decisions.add([e.seq, e.tick, e.agent, agentName(e.agent), e.role, e.desk, f.action, f.symbol, f.size, f.confidence, e.sentence, JSON.stringify(e.trace)]);
    }
  });
  const bars = new Table('bars', [['symbol', 'INT32'], ['symbol_name', 'STRING'], ['tick', 'INT32'], ['open', 'DOUBLE'], ['high', 'DOUBLE'], ['low', 'DOUBLE'], ['close', 'DOUBLE'], ['volume', 'DOUBLE']]);
  for (const b of readBars(lib, rec.id)) bars.add([b.symbol, sym(b.symbol), b.tick, b.open, b.high, b.low, b.close, b.volume]);
  const equity = new Table('equity', [['desk', 'INT32'], ['desk_name', 'STRING'], ['tick', 'INT32'], ['equity', 'DOUBLE']]);
  for (const q of readEquity(lib, rec.id)) equity.add([q.desk, deskName(q.desk), q.tick, q.equity]);
  const inputs = new Table('inputs', [['seq', 'INT32'], ['tick', 'INT32'], ['input', 'STRING']]);
  for (const i of readInputs(lib, rec.id)) inputs.add([i.seq, i.tick, JSON.stringify(i.input)]);
  return [events, trades, decisions, bars, equity, inputs];
}

function csvCell(v: number | string | null): string {
  if (v === null) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export type TableFormat = 'csv' | 'parquet';

/** Writes each table to DIR/<table>.csv or .parquet; returns the files and their row counts. */
export function exportTables(lib: Library, ref: string, format: TableFormat, dir: string): Array<{ file: string; rows: number }> {
  mkdirSync(dir, { recursive: true });
  const out: Array<{ file: string; rows: number }> = [];
  for (const t of recordingTables(lib, ref)) {
    const file = join(dir, `${t.name}.${format}`);
    if (format === 'csv') {
      const lines: string[] = [t.columns.map((c) => c.name).join(',')];
      for (let r = 0; r < t.rows; r++) lines.push(t.columns.map((c) => csvCell(c.data[r] ?? null)).join(','));
      writeFileSync(file, lines.join('\n') + '\n');
    } else {
      const buf = parquetWriteBuffer({ columnData: t.columns.map((c) => ({ name: c.name, data: c.data, type: c.type, nullable: true })) });
      writeFileSync(file, new Uint8Array(buf));
    }
    out.push({ file, rows: t.rows });
  }
  return out;
}
