import { z } from 'zod';
import { Bar, BarSeries, BarSeriesKey, ImportReport, Timeframe } from './market-data';

/**
 * Market data in the FloorApi (docs/API.md, docs/DATA.md): the cached bar series, CSV import with
 * its validation report, and what historical mode can replay.
 *
 * A CSV file is larger than one request may be (MAX_REQUEST_BYTES), so it travels in chunks:
 * `data.importBegin` → `data.importChunk` × n (in order) → `data.importCheck` (the report, nothing
 * written) → `data.importCommit` (all bars in one transaction) or `data.importCancel`.
 */

/** Most UTF-8 bytes of CSV text one `data.importChunk` may carry (the JSON around it must stay under 64 KiB). */
export const MAX_IMPORT_CHUNK_BYTES = 48 * 1024;
/** Most bytes all uploads in progress may hold together (one file at most this size). */
export const MAX_IMPORT_TOTAL_BYTES = 64 * 1024 * 1024;
/** An upload nobody touched for this long is forgotten. */
export const IMPORT_UPLOAD_TTL_MS = 10 * 60 * 1000;
/** Most bars `data.bars` returns; longer ranges are merged into coarser bars. */
export const MAX_PREVIEW_BARS = 5000;

/** UTF-8 length of a string, without Node's Buffer (the renderer uses this too). */
export function utf8Bytes(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Bytes a UTF-16 code unit (or a surrogate pair) takes inside a JSON string, escapes included. */
function jsonCost(s: string, i: number): [bytes: number, units: number] {
  const c = s.charCodeAt(i);
  if (c === 0x22 || c === 0x5c || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x08 || c === 0x0c) return [2, 1];
  if (c < 0x20) return [6, 1];
  if (c < 0x80) return [1, 1];
  if (c < 0x800) return [2, 1];
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) return [4, 2];
  // a lone surrogate is written as \uXXXX
  if (c >= 0xd800 && c <= 0xdfff) return [6, 1];
  return [3, 1];
}

/**
 * Cuts a text into `data.importChunk` pieces whose JSON encoding takes at most `maxBytes` each (so a
 * chunk's request stays under MAX_REQUEST_BYTES however many quotes or newlines the file has); never
 * inside a surrogate pair. Joined, the pieces are the text.
 */
export function splitForUpload(text: string, maxBytes = MAX_IMPORT_CHUNK_BYTES): string[] {
  const out: string[] = [];
  let start = 0;
  let size = 0;
  for (let i = 0; i < text.length; ) {
    const [bytes, units] = jsonCost(text, i);
    if (size + bytes > maxBytes && i > start) {
      out.push(text.slice(start, i));
      start = i;
      size = 0;
    }
    size += bytes;
    i += units;
  }
  if (start < text.length) out.push(text.slice(start));
  return out;
}

const UploadId = z.string().min(1).max(64);

export const ImportBeginParams = z
  .object({
    /** the file's name as the user dropped it: shown in the report, default symbol */
    fileName: z.string().trim().min(1).max(255),
    /** UTF-8 length of the whole text to be sent */
    bytes: z.number().int().positive().max(MAX_IMPORT_TOTAL_BYTES, `a file can be at most ${MAX_IMPORT_TOTAL_BYTES / 1024 / 1024} MB`),
    /** the series' name in the cache (default: the file name without its extension) */
    symbol: z.string().trim().min(1).max(64).optional(),
    /** the series' timeframe when known (default: inferred from the most common step) */
    timeframe: Timeframe.optional(),
    /** IANA zone of timestamps with no offset (default UTC) */
    timeZone: z.string().min(1).max(64).optional(),
  })
  .strict();
export type ImportBeginParams = z.infer<typeof ImportBeginParams>;

export const ImportChunkParams = z
  .object({
    uploadId: UploadId,
    /** 0-based; chunks are accepted in order only */
    index: z.number().int().nonnegative(),
    text: z.string().refine((t) => utf8Bytes(t) <= MAX_IMPORT_CHUNK_BYTES, `a chunk carries at most ${MAX_IMPORT_CHUNK_BYTES} bytes of text`),
  })
  .strict();

export const ImportProgress = z.object({
  uploadId: z.string(),
  /** chunks received so far */
  chunks: z.number().int().nonnegative(),
  /** bytes received so far, of `bytes` */
  received: z.number().int().nonnegative(),
  bytes: z.number().int().positive(),
});
export type ImportProgress = z.infer<typeof ImportProgress>;

/** `repair`: sort, drop duplicates and invalid rows, mark gaps; `strict`: refuse a file with any problem but gaps. */
export const ImportCommitMode = z.enum(['repair', 'strict']);
export type ImportCommitMode = z.infer<typeof ImportCommitMode>;

export const ImportCommitResult = z.object({
  key: BarSeriesKey,
  report: ImportReport,
  /** the series as stored now (bars already there from an earlier import of the same series are kept) */
  series: BarSeries,
  /** bars written, and how many of them were new */
  written: z.number().int().nonnegative(),
  added: z.number().int().nonnegative(),
});
export type ImportCommitResult = z.infer<typeof ImportCommitResult>;

export const BarsParams = z
  .object({
    series: BarSeriesKey,
    /** ms UTC, inclusive */
    since: z.number().int().optional(),
    /** ms UTC, exclusive */
    until: z.number().int().optional(),
    limit: z.number().int().min(10).max(MAX_PREVIEW_BARS).default(1000),
  })
  .strict()
  .refine((p) => p.since === undefined || p.until === undefined || p.until > p.since, { path: ['until'], message: 'until must be after since' });

export const BarsResult = z.object({
  /** oldest first; when `merged` > 1 each is `merged` consecutive stored bars combined */
  bars: z.array(Bar),
  /** stored bars in the range */
  count: z.number().int().nonnegative(),
  merged: z.number().int().positive(),
});
export type BarsResult = z.infer<typeof BarsResult>;

const Upload = z.object({ uploadId: UploadId }).strict();

/** Checks the whole upload; a zone or timeframe given here replaces the one given at begin (and is used by commit). */
export const ImportCheckParams = z
  .object({
    uploadId: UploadId,
    timeframe: Timeframe.optional(),
    timeZone: z.string().min(1).max(64).optional(),
  })
  .strict();

export const ImportCommitParams = z
  .object({
    uploadId: UploadId,
    mode: ImportCommitMode,
    /** the series' name in the cache (default: the one given at begin, else the file name) */
    symbol: z.string().trim().min(1).max(64).optional(),
  })
  .strict();

export const dataApiSchemas = {
  /** every cached series (the bundled data set included) with counts, first/last bar and gaps */
  'data.series': { params: z.object({}).strict(), result: z.array(BarSeries) },
  'data.bars': { params: BarsParams, result: BarsResult },
  'data.delete': { params: z.object({ series: BarSeriesKey }).strict(), result: z.object({ ok: z.literal(true) }) },
  'data.importBegin': { params: ImportBeginParams, result: ImportProgress },
  'data.importChunk': { params: ImportChunkParams, result: ImportProgress },
  'data.importCheck': { params: ImportCheckParams, result: ImportReport },
  'data.importCommit': { params: ImportCommitParams, result: ImportCommitResult },
  'data.importCancel': { params: Upload, result: z.object({ ok: z.literal(true), cancelled: z.boolean() }) },
} as const;
export type DataMethod = keyof typeof dataApiSchemas;
