import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { ApiError, badRequest } from '../../src-shared/api';
import {
  IMPORT_UPLOAD_TTL_MS,
  type ImportBeginParams,
  type ImportCommitMode,
  type ImportCommitResult,
  type ImportProgress,
  MAX_IMPORT_TOTAL_BYTES,
  utf8Bytes,
} from '../../src-shared/data-api';
import type { BarSeriesKey, ImportReport } from '../../src-shared/market-data';
import { MAX_LISTED_ISSUES, importCsvText } from './csv';
import { storeCsvImport } from './store-import';
import { checkTimeZone } from './timezone';

/**
 * CSV files uploaded over the FloorApi in chunks (a request is limited to 64 KiB): held in memory
 * until they are checked and committed or cancelled, forgotten after `ttlMs` without a call, and
 * capped in total size so a client cannot fill the host's memory.
 */

export interface UploadLimits {
  /** bytes all open uploads may hold together */
  maxTotalBytes?: number;
  /** open uploads at once */
  maxUploads?: number;
  ttlMs?: number;
  /** the clock (tests move it) */
  now?: () => number;
}

interface Upload {
  id: string;
  fileName: string;
  bytes: number;
  symbol: string | undefined;
  timeframe: string | undefined;
  timeZone: string | undefined;
  chunks: string[];
  received: number;
  touched: number;
}

const MB = 1024 * 1024;

function mb(bytes: number): string {
  return `${(bytes / MB).toFixed(bytes < 10 * MB ? 1 : 0)} MB`;
}

/** The file name without folders and extension, as a series name. */
export function symbolFromFileName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const stem = base.replace(/\.(csv|tsv|txt)$/i, '').trim();
  return (stem === '' ? 'import' : stem).slice(0, 64);
}

function zoneOf(tz: string | undefined): string | undefined {
  if (tz === undefined) return undefined;
  try {
    return checkTimeZone(tz);
  } catch (err) {
    throw new ApiError({ code: 'bad_request', message: (err as Error).message, issues: [{ path: 'timeZone', message: (err as Error).message }] });
  }
}

export class ImportUploads {
  private readonly uploads = new Map<string, Upload>();
  private readonly maxTotal: number;
  private readonly maxUploads: number;
  private readonly ttl: number;
  private readonly now: () => number;

  constructor(limits: UploadLimits = {}) {
    this.maxTotal = limits.maxTotalBytes ?? MAX_IMPORT_TOTAL_BYTES;
    this.maxUploads = limits.maxUploads ?? 8;
    this.ttl = limits.ttlMs ?? IMPORT_UPLOAD_TTL_MS;
    this.now = limits.now ?? Date.now;
  }

  /** Open uploads (after forgetting expired ones). */
  get size(): number {
    this.sweep();
    return this.uploads.size;
  }

  begin(p: ImportBeginParams): ImportProgress {
    this.sweep();
    const timeZone = zoneOf(p.timeZone);
    const held = [...this.uploads.values()].reduce((s, u) => s + u.bytes, 0);
    if (p.bytes > this.maxTotal) {
      throw new ApiError({ code: 'payload_too_large', message: `${p.fileName} is ${mb(p.bytes)}; Bullpen imports CSV files of at most ${mb(this.maxTotal)}.` });
    }
    if (held + p.bytes > this.maxTotal) {
      throw new ApiError({
        code: 'payload_too_large',
        message: `${p.fileName} (${mb(p.bytes)}) does not fit: uploads in progress hold ${mb(held)} of ${mb(this.maxTotal)}. Finish or cancel them, or wait ${Math.round(this.ttl / 60_000)} minutes.`,
      });
    }
    if (this.uploads.size >= this.maxUploads) {
      throw new ApiError({ code: 'payload_too_large', message: `${this.uploads.size} uploads are in progress already (at most ${this.maxUploads}); finish or cancel one first.` });
    }
    const u: Upload = {
      id: randomUUID(),
      fileName: p.fileName,
      bytes: p.bytes,
      symbol: p.symbol,
      timeframe: p.timeframe,
      timeZone,
      chunks: [],
      received: 0,
      touched: this.now(),
    };
    this.uploads.set(u.id, u);
    return this.progress(u);
  }

  chunk(uploadId: string, index: number, text: string): ImportProgress {
    const u = this.get(uploadId);
    if (index !== u.chunks.length) {
      throw badRequest(`Chunk ${index} of ${u.fileName} arrived out of order: chunk ${u.chunks.length} is next. Start the upload again.`);
    }
    const n = utf8Bytes(text);
    if (u.received + n > u.bytes) {
      this.uploads.delete(u.id);
      throw new ApiError({ code: 'payload_too_large', message: `${u.fileName} is longer than the ${u.bytes} bytes announced; the upload was cancelled.` });
    }
    u.chunks.push(text);
    u.received += n;
    return this.progress(u);
  }

  /** The report on the whole file; nothing is written. */
  check(uploadId: string, overrides: { timeframe?: string | undefined; timeZone?: string | undefined } = {}): ImportReport {
    const u = this.complete(uploadId);
    if (overrides.timeZone !== undefined) u.timeZone = zoneOf(overrides.timeZone);
    if (overrides.timeframe !== undefined) u.timeframe = overrides.timeframe;
    return this.parse(u, 'check').report;
  }

  /**
   * Writes the bars (one transaction) and forgets the upload. `strict` refuses a file with any problem
   * but gaps, naming them; `repair` sorts, drops duplicates and invalid rows and marks gaps.
   */
  commit(db: Database.Database, uploadId: string, mode: ImportCommitMode, symbol?: string): ImportCommitResult {
    const u = this.complete(uploadId);
    const result = this.parse(u, mode === 'repair' ? 'repair' : 'check');
    const { report } = result;
    if (!result.accepted) {
      const kinds = Object.entries(report.counts)
        .filter(([k, n]) => n > 0 && k !== 'gap')
        .map(([k, n]) => `${n} ${k.replace(/_/g, ' ')}`);
      const hint = mode === 'strict' && report.bars > 0 ? ' Repair it (sort, drop duplicates and invalid rows, mark gaps) or fix the file.' : '';
      throw new ApiError({
        code: 'bad_request',
        message: `${u.fileName} was not imported: ${kinds.join(', ') || 'no valid bars'}.${hint}`,
        issues: report.issues
          .filter((i) => i.kind !== 'gap')
          .slice(0, MAX_LISTED_ISSUES)
          .map((i) => ({ path: i.line > 0 ? `line ${i.line}` : i.kind, message: i.message })),
      });
    }
    if (result.timeframe === null) {
      throw new ApiError({
        code: 'bad_request',
        message: `The timeframe of ${u.fileName} cannot be inferred from a single bar: give it (e.g. 1h, 1d).`,
        issues: [{ path: 'timeframe', message: 'needed when the file has a single bar' }],
      });
    }
    const key: BarSeriesKey = { exchange: 'csv', symbol: symbol ?? u.symbol ?? symbolFromFileName(u.fileName), timeframe: result.timeframe };
    let stored: ReturnType<typeof storeCsvImport>;
    try {
      stored = storeCsvImport(db, key, result, u.fileName);
    } catch (err) {
      throw new ApiError({ code: 'bad_request', message: `${u.fileName} was not imported: ${(err as Error).message}` });
    }
    this.uploads.delete(u.id);
    return { key, report, ...stored };
  }

  cancel(uploadId: string): boolean {
    this.sweep();
    return this.uploads.delete(uploadId);
  }

  private parse(u: Upload, mode: 'check' | 'repair'): ReturnType<typeof importCsvText> {
    try {
      return importCsvText(u.chunks.join(''), {
        file: u.fileName,
        mode,
        ...(u.timeZone !== undefined ? { timeZone: u.timeZone } : {}),
        ...(u.timeframe !== undefined ? { timeframe: u.timeframe } : {}),
      });
    } catch (err) {
      throw badRequest(`${u.fileName} could not be read: ${(err as Error).message}`);
    }
  }

  private progress(u: Upload): ImportProgress {
    return { uploadId: u.id, chunks: u.chunks.length, received: u.received, bytes: u.bytes };
  }

  private get(uploadId: string): Upload {
    this.sweep();
    const u = this.uploads.get(uploadId);
    if (!u) throw badRequest(`No upload ${uploadId}: it was finished, cancelled, or expired after ${Math.round(this.ttl / 60_000)} minutes without a call.`);
    u.touched = this.now();
    return u;
  }

  private complete(uploadId: string): Upload {
    const u = this.get(uploadId);
    if (u.received !== u.bytes) throw badRequest(`${u.fileName} is incomplete: ${u.received} of ${u.bytes} bytes received.`);
    return u;
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, u] of this.uploads) if (now - u.touched > this.ttl) this.uploads.delete(id);
  }
}
