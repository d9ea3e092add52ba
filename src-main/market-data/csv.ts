import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import {
  type Bar,
  type BarCalendar,
  type BarGap,
  type BarIssue,
  type BarIssueKind,
  type ImportReport,
  Timeframe,
  timeframeFromMs,
  timeframeMs,
} from '../../src-shared/market-data';
import { checkTimeZone, wallTimeToUtc, weekdayIn } from './timezone';

/**
 * OHLCV CSV import: detects the delimiter (and a decimal comma), the header names (exchange exports,
 * Yahoo-style, MetaTrader, CryptoDataDownload, generic or no header at all), the timestamp format
 * (Unix s/ms/µs/ns, ISO 8601 with or without an offset, day-first or month-first dates, month names,
 * separate date and time columns) and the time zone of zone-less times; then validates every row and
 * the series as a whole. Broken bars are never imported silently: `check` refuses a file with errors,
 * `repair` sorts, drops duplicates and invalid rows and marks gaps, `refuse` refuses even gaps.
 */

export type ImportMode = 'check' | 'repair' | 'refuse';

export interface CsvImportOptions {
  /** shown in the report */
  file?: string;
  /** zone of timestamps that carry no offset (IANA name), default UTC */
  timeZone?: string;
  mode?: ImportMode;
  /** the series' timeframe when known; otherwise inferred from the most common step */
  timeframe?: string;
}

export interface CsvImportResult {
  report: ImportReport;
  /** the bars to store: empty when the import is refused */
  bars: Bar[];
  accepted: boolean;
  timeframe: Timeframe | null;
  calendar: BarCalendar;
}

/** Listed issues are capped (counts are not) so a report on a huge broken file stays readable. */
export const MAX_LISTED_ISSUES = 200;

const DELIMITERS = [',', ';', '\t', '|'] as const;

type Field = 'time' | 'date' | 'clock' | 'open' | 'high' | 'low' | 'close' | 'volume';

function normName(s: string): string {
  return s
    .trim()
    .toLowerCase()
    .replace(/^[<"'\s]+|[>"'\s]+$/g, '')
    .replace(/[_\-.]+/g, ' ')
    .replace(/\s+/g, ' ');
}

/** Header name → field; first match per field wins (so "close" beats "adj close" and "volume btc" beats "volume usdt"). */
function fieldOf(name: string): Field | null {
  const n = normName(name);
  const de: Record<string, Field> = { datum: 'date', zeit: 'clock', eröffnung: 'open', eroeffnung: 'open', hoch: 'high', tief: 'low', schluss: 'close', schlusskurs: 'close', volumen: 'volume', umsatz: 'volume' };
  const g = de[n];
  if (g !== undefined) return g;
  if (['timestamp', 'unix', 'unix timestamp', 'ts', 'time stamp', 'open time', 'opentime', 'datetime', 'date time', 'time utc', 'timestamp utc', 'candle begin time'].includes(n)) return 'time';
  if (['date', 'day', 'dtyyyymmdd', 'trade date', 'gmt time', 'local time', 'datum'].includes(n)) return 'date';
  if (['time', 'hour', 'clock'].includes(n)) return 'clock';
  if (['open', 'o', 'open price', 'opening price', 'first'].includes(n)) return 'open';
  if (['high', 'h', 'high price', 'max'].includes(n)) return 'high';
  if (['low', 'l', 'low price', 'min'].includes(n)) return 'low';
  if (['close', 'c', 'close price', 'closing price', 'last', 'price', 'close last'].includes(n)) return 'close';
  if (n === 'v' || n === 'vol' || n === 'tickvol' || n === 'volume' || /^vol(ume)?\b/.test(n)) return 'volume';
  return null;
}

const MONTHS: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };

const RE_NUM_TS = /^\d{9,19}(\.\d+)?$/;
const RE_YMD = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/i;
const RE_YMD_COMPACT = /^(\d{4})(\d{2})(\d{2})(?:[T ]?(\d{2}):?(\d{2})(?::?(\d{2}))?)?$/;
const RE_DMY = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?:[T ]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/i;
const RE_MON_FIRST = /^([A-Za-z]{3})[a-z]*\.?[ -](\d{1,2}),?[ -](\d{4})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const RE_DAY_MON = /^(\d{1,2})[ -]([A-Za-z]{3})[a-z]*\.?[ -](\d{2,4})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const RE_CLOCK = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?$/;

interface TimeFormat {
  describe: string;
  parse: (v: string, clock: string | undefined) => number | null;
}

function offsetToMs(z: string | undefined): number | null {
  if (z === undefined) return null;
  const u = z.toUpperCase();
  if (u === 'Z' || u === 'UTC' || u === 'GMT') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(z);
  if (!m) return null;
  const sign = m[1] === '-' ? -1 : 1;
  return sign * (Number(m[2]) * 60 + Number(m[3] ?? '0')) * 60_000;
}

function fracMs(f: string | undefined): number {
  if (f === undefined || f === '') return 0;
  return Math.floor(Number(`0.${f}`) * 1000);
}

function validYmd(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 60) return false;
  const dim = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return d <= dim;
}

function applyClock(clock: string | undefined): [number, number, number, number] | null {
  if (clock === undefined || clock.trim() === '') return [0, 0, 0, 0];
  const c = RE_CLOCK.exec(clock.trim());
  if (!c) return null;
  return [Number(c[1]), Number(c[2]), Number(c[3] ?? '0'), fracMs(c[4])];
}

function makeTime(tz: string, y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number, zone: string | undefined, clock: string | undefined): number | null {
  if (clock !== undefined) {
    const c = applyClock(clock);
    if (!c) return null;
    [h, mi, s, ms] = c;
  }
  if (!validYmd(y, mo, d, h, mi, s)) return null;
  if (zone !== undefined) {
    const off = offsetToMs(zone);
    if (off === null) return null;
    return Date.UTC(y, mo - 1, d, h, mi, s, ms) - off;
  }
  return wallTimeToUtc(tz, y, mo, d, h, mi, s, ms);
}

function unixFormat(): TimeFormat {
  return {
    describe: 'Unix time',
    parse: (v) => {
      if (!RE_NUM_TS.test(v)) return null;
      const n = Number(v);
      // seconds up to year 5138, then ms, µs, ns by magnitude
      const ms = n < 1e11 ? n * 1000 : n < 1e14 ? n : n < 1e17 ? n / 1000 : n / 1e6;
      return Math.round(ms);
    },
  };
}

/** Picks a timestamp format that parses every sample value (and resolves day-first vs month-first). */
function detectTimeFormat(samples: string[], clocks: Array<string | undefined>, tz: string): TimeFormat | null {
  const vals = samples.map((s) => s.trim()).filter((s) => s !== '');
  if (vals.length === 0) return null;
  // the format most sample values are in (rows in no format are reported one by one later)
  const kinds: Array<[string, (v: string) => boolean]> = [
    ['unix', (v) => RE_NUM_TS.test(v)],
    ['ymd', (v) => RE_YMD.test(v)],
    ['compact', (v) => RE_YMD_COMPACT.test(v)],
    ['dmy', (v) => RE_DMY.test(v)],
    ['month', (v) => RE_MON_FIRST.test(v) || RE_DAY_MON.test(v)],
  ];
  let kind = '';
  let bestN = 0;
  for (const [k, test] of kinds) {
    const n = vals.filter(test).length;
    if (n > bestN) [kind, bestN] = [k, n];
  }
  if (bestN === 0) return null;
  const first = vals.find((kinds.find(([k]) => k === kind) as [string, (v: string) => boolean])[1]) as string;
  if (kind === 'unix') {
    const n = Number(first);
    const unit = n < 1e11 ? 'seconds' : n < 1e14 ? 'milliseconds' : n < 1e17 ? 'microseconds' : 'nanoseconds';
    return { ...unixFormat(), describe: `Unix time in ${unit}` };
  }
  if (kind === 'ymd') {
    const withZone = vals.some((v) => RE_YMD.exec(v)?.[8] !== undefined);
    return {
      describe: withZone ? 'ISO 8601 date-time with offset' : `year-month-day date/time`,
      parse: (v, clock) => {
        const m = RE_YMD.exec(v);
        if (!m) return null;
        return makeTime(tz, Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] ?? '0'), Number(m[5] ?? '0'), Number(m[6] ?? '0'), fracMs(m[7]), m[8], clock);
      },
    };
  }
  if (kind === 'compact') {
    return {
      describe: `compact yyyymmdd date/time`,
      parse: (v, clock) => {
        const m = RE_YMD_COMPACT.exec(v);
        if (!m) return null;
        return makeTime(tz, Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] ?? '0'), Number(m[5] ?? '0'), Number(m[6] ?? '0'), 0, undefined, clock);
      },
    };
  }
  if (kind === 'dmy') {
    let dayFirst: boolean | null = null;
    for (const v of vals) {
      const m = RE_DMY.exec(v);
      if (!m) continue;
      if (Number(m[1]) > 12) dayFirst = true;
      else if (Number(m[2]) > 12) dayFirst = false;
      if (dayFirst !== null) break;
    }
    const how = dayFirst === null ? 'guessed from the separator' : 'from the values';
    if (dayFirst === null) dayFirst = !first.includes('/'); // 01.02.2020 is European, 01/02/2020 American
    const df = dayFirst;
    return {
      describe: `${df ? 'day-first (dd.mm.yyyy)' : 'month-first (mm/dd/yyyy)'} date, ${how}`,
      parse: (v, clock) => {
        const m = RE_DMY.exec(v);
        if (!m) return null;
        const a = Number(m[1]);
        const b = Number(m[2]);
        return makeTime(tz, Number(m[3]), df ? b : a, df ? a : b, Number(m[4] ?? '0'), Number(m[5] ?? '0'), Number(m[6] ?? '0'), fracMs(m[7]), m[8], clock);
      },
    };
  }
  if (kind === 'month') {
    return {
      describe: `date with a month name`,
      parse: (v, clock) => {
        let m = RE_MON_FIRST.exec(v);
        if (m) {
          const mo = MONTHS[(m[1] as string).toLowerCase()];
          if (mo === undefined) return null;
          return makeTime(tz, Number(m[3]), mo, Number(m[2]), Number(m[4] ?? '0'), Number(m[5] ?? '0'), Number(m[6] ?? '0'), 0, undefined, clock);
        }
        m = RE_DAY_MON.exec(v);
        if (!m) return null;
        const mo = MONTHS[(m[2] as string).toLowerCase()];
        if (mo === undefined) return null;
        let y = Number(m[3]);
        if (y < 100) y += y < 70 ? 2000 : 1900;
        return makeTime(tz, y, mo, Number(m[1]), Number(m[4] ?? '0'), Number(m[5] ?? '0'), Number(m[6] ?? '0'), 0, undefined, clock);
      },
    };
  }
  void clocks;
  return null;
}

function splitNaive(line: string, d: string): string[] {
  return line.split(d);
}

interface Layout {
  delimiter: string;
  decimalComma: boolean;
  /** 0-based index of the first line of the table (header or first row) */
  start: number;
}

/** The delimiter whose split gives the most lines with one consistent number (≥ 5) of fields. */
function detectLayout(lines: string[]): Layout | null {
  let best: { d: string; score: number; start: number; fields: number } | null = null;
  for (const d of DELIMITERS) {
    const sample = lines.slice(0, 60);
    const counts = sample.map((l) => (l.trim() === '' ? 0 : splitNaive(l, d).length));
    const freq = new Map<number, number>();
    for (const c of counts) if (c >= 5) freq.set(c, (freq.get(c) ?? 0) + 1);
    let mode = 0;
    let modeN = 0;
    for (const [c, n] of freq) if (n > modeN || (n === modeN && c > mode)) [mode, modeN] = [c, n];
    if (modeN === 0) continue;
    const start = counts.findIndex((c) => c === mode);
    // prefer more consistent lines, then more fields
    const score = modeN * 1000 + mode;
    if (!best || score > best.score) best = { d, score, start, fields: mode };
  }
  if (!best) return null;
  // a decimal comma: cells like 100,5 and no cell with a decimal point (1.234 may be a thousands separator)
  let commaCells = 0;
  let dotCells = 0;
  for (const l of lines.slice(best.start, best.start + 60)) {
    for (const c of splitNaive(l, best.d)) {
      const t = c.trim();
      if (/^-?\d+,\d+$/.test(t)) commaCells++;
      else if (/^-?\d+\.\d+$/.test(t) && !/^-?\d{1,3}(\.\d{3})+$/.test(t)) dotCells++;
    }
  }
  const decimalComma = best.d !== ',' && commaCells > 0 && dotCells === 0;
  return { delimiter: best.d, decimalComma, start: best.start };
}

const Records = z.array(z.array(z.string()));

interface CsvRecord {
  record: string[];
  /** 1-based line where the record starts */
  line: number;
  /** why the line could not be read as CSV */
  error?: string;
}

/**
 * Records with their line numbers. Lines without quotes are split directly (fast: OHLCV files have
 * millions of them); a line with quotes goes to csv-parse, joined with the next lines while a quoted
 * field is still open.
 */
function readRecords(lines: readonly string[], start: number, d: string): CsvRecord[] {
  const out: CsvRecord[] = [];
  for (let i = start; i < lines.length; i++) {
    const l = lines[i] as string;
    if (l.trim() === '') continue;
    if (!l.includes('"')) {
      out.push({ record: l.split(d).map((f) => f.trim()), line: i + 1 });
      continue;
    }
    let chunk = l;
    let j = i;
    while ((chunk.split('"').length - 1) % 2 === 1 && j + 1 < lines.length && j - i < 100) {
      j++;
      chunk += `\n${lines[j] as string}`;
    }
    try {
      const recs = Records.parse(parse(chunk, { delimiter: d, relax_column_count: true, relax_quotes: true, trim: true, skip_empty_lines: true }));
      for (const r of recs) out.push({ record: r, line: i + 1 });
    } catch (err) {
      out.push({ record: [], line: i + 1, error: (err as Error).message });
    }
    i = j;
  }
  return out;
}

function describeDelimiter(d: string): string {
  return d === '\t' ? 'tab' : d;
}

function emptyReport(file: string, tz: string, issues: BarIssue[]): ImportReport {
  return {
    file,
    detected: {
      format: 'unknown',
      delimiter: '',
      decimalComma: false,
      header: false,
      columns: {},
      timestamp: 'unknown',
      timeZone: tz,
      timeframe: null,
      calendar: 'continuous',
      descending: false,
    },
    rows: 0,
    bars: 0,
    counts: countKinds(issues),
    issues,
    broken: true,
    repairs: [],
    gaps: [],
  };
}

function countKinds(issues: readonly BarIssue[], extra: Partial<Record<BarIssueKind, number>> = {}): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of issues) out[i.kind] = (out[i.kind] ?? 0) + 1;
  for (const [k, n] of Object.entries(extra)) if (n !== undefined) out[k] = n;
  return out;
}

interface Row {
  line: number;
  bar: Bar;
}

function num(s: string | undefined, decimalComma: boolean): number | null | 'missing' {
  if (s === undefined) return 'missing';
  let t = s.trim();
  if (t === '' || /^(null|nan|n\/a|na|-|none)$/i.test(t)) return 'missing';
  if (decimalComma) t = t.replace(/\./g, '').replace(',', '.');
  else if (/^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(t)) t = t.replace(/,/g, ''); // 1,234,567.89
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

function iso(ts: number): string {
  return Number.isFinite(ts) && Math.abs(ts) < 8.64e15 ? new Date(ts).toISOString() : String(ts);
}

/** Most common positive step between consecutive distinct sorted timestamps. */
function inferStep(sortedTs: readonly number[]): number | null {
  const freq = new Map<number, number>();
  for (let i = 1; i < sortedTs.length; i++) {
    const d = (sortedTs[i] as number) - (sortedTs[i - 1] as number);
    if (d > 0) freq.set(d, (freq.get(d) ?? 0) + 1);
  }
  let best: number | null = null;
  let bestN = 0;
  for (const [d, n] of freq) if (n > bestN || (n === bestN && best !== null && d < best)) [best, bestN] = [d, n];
  return best;
}

/** Gaps between consecutive bars of a sorted, distinct series, given its step and calendar. */
export function findGaps(sortedTs: readonly number[], stepMs: number, calendar: BarCalendar, tz = 'UTC'): BarGap[] {
  const gaps: BarGap[] = [];
  for (let i = 1; i < sortedTs.length; i++) {
    const a = sortedTs[i - 1] as number;
    const b = sortedTs[i] as number;
    if (b - a <= stepMs) continue;
    let missing = 0;
    if (calendar === 'weekdays') {
      for (let t = a + stepMs; t < b; t += stepMs) {
        const wd = weekdayIn(t, tz);
        if (wd !== 0 && wd !== 6) missing++;
        if (missing > 100_000) break;
      }
    } else {
      missing = Math.ceil((b - a) / stepMs) - 1;
    }
    if (missing > 0) gaps.push({ from: a, to: b, missing });
  }
  return gaps;
}

/** Parses, validates and (in `repair` mode) repairs an OHLCV CSV text. Never throws on bad input. */
export function importCsvText(text: string, opts: CsvImportOptions = {}): CsvImportResult {
  const file = opts.file ?? '(text)';
  const mode = opts.mode ?? 'check';
  const tz = checkTimeZone(opts.timeZone ?? 'UTC');
  const refuse = (issues: BarIssue[]): CsvImportResult => ({ report: emptyReport(file, tz, issues), bars: [], accepted: false, timeframe: null, calendar: 'continuous' });

  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = src.split(/\r\n|\n|\r/);
  const layout = detectLayout(lines);
  if (!layout) {
    return refuse([{ kind: 'unparseable', line: 0, message: 'No table of at least 5 columns (time, open, high, low, close) was found with a comma, semicolon, tab or | delimiter.' }]);
  }
  const records = readRecords(lines, layout.start, layout.delimiter);
  if (records.length === 0) return refuse([{ kind: 'unparseable', line: 0, message: 'The file has no rows.' }]);

  // header or not
  const head = (records[0] as { record: string[] }).record;
  const headerFields = head.map(fieldOf);
  const looksLikeHeader =
    headerFields.some((f) => f !== null) ||
    (head.every((h) => num(h, false) === null) && head.some((h) => /\p{L}/u.test(h) && !RE_MON_FIRST.test(h) && !RE_DAY_MON.test(h) && !RE_YMD.test(h)));
  const cols = new Map<Field, number>();
  const columns: Record<string, string> = {};
  let format = 'generic';
  if (looksLikeHeader) {
    headerFields.forEach((f, i) => {
      if (f !== null && !cols.has(f)) cols.set(f, i);
    });
    // a "time" column alone (TradingView) is the timestamp; a "date" column is when there is no timestamp
    if (!cols.has('time') && !cols.has('date') && cols.has('clock')) {
      cols.set('time', cols.get('clock') as number);
      cols.delete('clock');
    }
    if (!cols.has('time') && cols.has('date')) {
      cols.set('time', cols.get('date') as number);
      cols.delete('date');
    } else if (cols.has('time') && cols.has('clock') && !cols.has('date')) {
      cols.delete('clock');
    }
    if (cols.has('time') && cols.has('date')) cols.delete('date');
    const names = head.map(normName);
    if (names.includes('adj close') || names.includes('adjclose')) format = 'Yahoo-style';
    else if (names.some((n) => n.startsWith('volume ')) && names.includes('unix')) format = 'CryptoDataDownload-style';
    else if (names.includes('open time') || names.includes('opentime')) format = 'exchange export (klines)';
    else if (head.some((h) => /^<\w+>$/.test(h.trim()))) format = 'MetaTrader';
    for (const [f, i] of cols) columns[f] = head[i] ?? '';
  } else {
    ['time', 'open', 'high', 'low', 'close', 'volume'].forEach((f, i) => cols.set(f as Field, i));
    format = head.length >= 12 ? 'exchange export (klines, no header)' : 'generic, no header';
    for (const [f, i] of cols) columns[f] = `column ${i + 1}`;
  }
  const missingCols = (['time', 'open', 'high', 'low', 'close'] as const).filter((f) => !cols.has(f));
  if (missingCols.length > 0) {
    return refuse([{ kind: 'unparseable', line: records[0]?.line ?? 0, message: `No column for ${missingCols.join(', ')} in the header "${head.join(layout.delimiter)}".` }]);
  }
  if (!cols.has('volume')) columns.volume = '(none: volume 0)';
  const dataRecords = looksLikeHeader ? records.slice(1) : records;
  const ti = cols.get('time') as number;
  const ci = cols.get('clock');
  const sampleRecs = dataRecords.filter((r) => (r.record[ti] ?? '').trim() !== '').slice(0, 200);
  const fmt = detectTimeFormat(
    sampleRecs.map((r) => r.record[ti] ?? ''),
    sampleRecs.map((r) => (ci === undefined ? undefined : r.record[ci])),
    tz,
  );
  if (!fmt) {
    const ex = sampleRecs[0]?.record[ti] ?? '';
    return refuse([{ kind: 'unparseable', line: sampleRecs[0]?.line ?? 0, message: `The time column "${columns.time}" has values like "${ex}" in no format Bullpen knows.` }]);
  }
  const timestampDesc = ci === undefined ? fmt.describe : `${fmt.describe}, time of day in column "${head[ci] ?? ''}"`;
  const zoneUsed = fmt.describe.includes('Unix') || fmt.describe.includes('with offset') ? 'UTC (from the file)' : tz;

  // rows → bars, with row-level problems
  const issues: BarIssue[] = [];
  const rowIssue = (kind: BarIssueKind, line: number, message: string): void => {
    issues.push({ kind, line, message });
  };
  const good: Row[] = [];
  let badRows = 0;
  const dc = layout.decimalComma;
  for (const { record, line, error } of dataRecords) {
    if (error !== undefined) {
      rowIssue('unparseable', line, `line ${line}: not readable as CSV (${error})`);
      badRows++;
      continue;
    }
    if (record.every((f) => f.trim() === '')) continue;
    const tsRaw = record[ti] ?? '';
    const ts = fmt.parse(tsRaw.trim(), ci === undefined ? undefined : record[ci]);
    if (ts === null || !Number.isFinite(ts) || ts < 0) {
      rowIssue('unparseable', line, `line ${line}: the time "${tsRaw}" cannot be read as ${fmt.describe}`);
      badRows++;
      continue;
    }
    const vals: Record<'open' | 'high' | 'low' | 'close' | 'volume', number> = { open: 0, high: 0, low: 0, close: 0, volume: 0 };
    let ok = true;
    for (const f of ['open', 'high', 'low', 'close', 'volume'] as const) {
      const idx = cols.get(f);
      if (idx === undefined) continue;
      const v = num(record[idx], dc);
      if (v === 'missing') {
        rowIssue('missing_value', line, `line ${line}: no ${f} ("${record[idx] ?? ''}")`);
        ok = false;
        break;
      }
      if (v === null) {
        rowIssue('unparseable', line, `line ${line}: ${f} "${record[idx] ?? ''}" is not a number`);
        ok = false;
        break;
      }
      vals[f] = v;
    }
    if (!ok) {
      badRows++;
      continue;
    }
    const { open, high, low, close, volume } = vals;
    if (open <= 0 || high <= 0 || low <= 0 || close <= 0) {
      rowIssue('non_positive_price', line, `line ${line}: a price is zero or negative (open ${open}, high ${high}, low ${low}, close ${close})`);
      badRows++;
      continue;
    }
    if (volume < 0) {
      rowIssue('negative_volume', line, `line ${line}: volume ${volume} is negative`);
      badRows++;
      continue;
    }
    if (high < low) {
      rowIssue('high_below_low', line, `line ${line}: high ${high} is below low ${low}`);
      badRows++;
      continue;
    }
    if (open > high || open < low || close > high || close < low) {
      rowIssue('outside_range', line, `line ${line}: open ${open} or close ${close} lies outside low ${low} … high ${high}`);
      badRows++;
      continue;
    }
    good.push({ line, bar: { ts, open, high, low, close, volume } });
  }

  // order: a file entirely newest-first (its distinct times strictly decreasing) is a format, not a fault
  const order: number[] = [];
  const firstSeen = new Set<number>();
  for (const r of good) {
    if (firstSeen.has(r.bar.ts)) continue;
    firstSeen.add(r.bar.ts);
    order.push(r.bar.ts);
  }
  const descending = order.length >= 2 && order.every((t, i) => i === 0 || t < (order[i - 1] as number));
  let edge = descending ? Infinity : -Infinity;
  const seen = new Map<number, Row>();
  let outOfOrder = 0;
  let dups = 0;
  for (const r of good) {
    const prev = seen.get(r.bar.ts);
    if (prev) {
      const same = prev.bar.open === r.bar.open && prev.bar.high === r.bar.high && prev.bar.low === r.bar.low && prev.bar.close === r.bar.close && prev.bar.volume === r.bar.volume;
      rowIssue(
        same ? 'duplicate' : 'conflicting_duplicate',
        r.line,
        same
          ? `line ${r.line}: repeats the bar of line ${prev.line} (${iso(r.bar.ts)})`
          : `line ${r.line}: another bar for ${iso(r.bar.ts)} (line ${prev.line}) with different values`,
      );
      dups++;
      continue;
    }
    seen.set(r.bar.ts, r);
    if (!descending && r.bar.ts < edge) {
      rowIssue('out_of_order', r.line, `line ${r.line}: ${iso(r.bar.ts)} comes after ${iso(edge)}`);
      outOfOrder++;
    }
    edge = descending ? r.bar.ts : Math.max(edge, r.bar.ts);
  }
  const unique = [...seen.values()].sort((a, b) => a.bar.ts - b.bar.ts);
  const sortedTs = unique.map((r) => r.bar.ts);

  // timeframe, calendar, gaps
  let timeframe: Timeframe | null = null;
  let stepMs: number | null = null;
  if (opts.timeframe !== undefined) {
    timeframe = Timeframe.parse(opts.timeframe);
    stepMs = timeframeMs(timeframe);
  } else {
    stepMs = inferStep(sortedTs);
    timeframe = stepMs === null ? null : timeframeFromMs(stepMs);
  }
  const weekendTz = zoneUsed.startsWith('UTC') ? 'UTC' : tz;
  let calendar: BarCalendar = 'continuous';
  if (stepMs === 86_400_000 && sortedTs.length >= 10 && sortedTs.every((t) => {
    const wd = weekdayIn(t, weekendTz);
    return wd !== 0 && wd !== 6;
  })) {
    calendar = 'weekdays';
  }
  const gaps = stepMs === null ? [] : findGaps(sortedTs, stepMs, calendar, weekendTz);
  for (const g of gaps) {
    issues.push({ kind: 'gap', line: 0, message: `gap: ${g.missing} bar${g.missing === 1 ? '' : 's'} missing between ${iso(g.from)} and ${iso(g.to)}` });
  }

  const counts = countKinds(issues);
  const broken = issues.some((i) => i.kind !== 'gap');
  const repairs: string[] = [];
  let accepted: boolean;
  if (mode === 'repair') {
    accepted = unique.length > 0;
    if (outOfOrder > 0) repairs.push(`sorted ${outOfOrder} out-of-order row${outOfOrder === 1 ? '' : 's'} into time order`);
    if (dups > 0) repairs.push(`dropped ${dups} duplicate row${dups === 1 ? '' : 's'} (kept the first bar for each time)`);
    if (badRows > 0) repairs.push(`dropped ${badRows} row${badRows === 1 ? ' that is' : 's that are'} not a valid bar`);
    if (gaps.length > 0) repairs.push(`marked ${gaps.length} gap${gaps.length === 1 ? '' : 's'} (${gaps.reduce((s, g) => s + g.missing, 0)} missing bars) in the series`);
  } else if (mode === 'refuse') {
    accepted = issues.length === 0 && unique.length > 0;
  } else {
    accepted = !broken && unique.length > 0;
  }
  if (unique.length === 0 && !issues.some((i) => i.kind === 'unparseable' && i.line === 0)) {
    issues.push({ kind: 'unparseable', line: 0, message: 'No valid bar was found in the file.' });
    counts.unparseable = (counts.unparseable ?? 0) + 1;
  }

  const report: ImportReport = {
    file,
    detected: {
      format,
      delimiter: describeDelimiter(layout.delimiter),
      decimalComma: layout.decimalComma,
      header: looksLikeHeader,
      columns,
      timestamp: timestampDesc,
      timeZone: zoneUsed,
      timeframe,
      calendar,
      descending,
    },
    rows: dataRecords.length,
    bars: unique.length,
    counts,
    issues: issues.slice(0, MAX_LISTED_ISSUES),
    broken: broken || unique.length === 0,
    repairs,
    gaps,
  };
  return { report, bars: accepted ? unique.map((r) => r.bar) : [], accepted, timeframe, calendar };
}

/** A few lines a person reads: what was detected, what is wrong, what happened. */
export function formatReport(r: ImportReport, opts: { maxIssues?: number } = {}): string {
  const max = opts.maxIssues ?? 20;
  const d = r.detected;
  const out: string[] = [];
  out.push(`${r.file}: ${r.rows} row${r.rows === 1 ? '' : 's'}, ${r.bars} valid bar${r.bars === 1 ? '' : 's'}`);
  out.push(
    `  detected: ${d.format}; delimiter "${d.delimiter}"${d.decimalComma ? ', decimal comma' : ''}; ${d.header ? 'header' : 'no header'}; ` +
      `time ${d.timestamp}; zone ${d.timeZone}; timeframe ${d.timeframe ?? 'unknown'}; calendar ${d.calendar}${d.descending ? '; newest first (imported oldest first)' : ''}`,
  );
  out.push(`  columns: ${Object.entries(d.columns).map(([k, v]) => `${k}=${v}`).join(', ')}`);
  const kinds = Object.entries(r.counts).filter(([, n]) => n > 0);
  if (kinds.length === 0) out.push('  problems: none');
  else out.push(`  problems: ${kinds.map(([k, n]) => `${n} ${k.replace(/_/g, ' ')}`).join(', ')}`);
  const errs = r.issues.filter((i) => i.kind !== 'gap');
  const gaps = r.issues.filter((i) => i.kind === 'gap');
  for (const i of [...errs.slice(0, max), ...gaps.slice(0, Math.max(3, max - errs.length))]) out.push(`    ${i.message}`);
  const listed = Math.min(errs.length, max) + Math.min(gaps.length, Math.max(3, max - errs.length));
  const total = Object.values(r.counts).reduce((s, n) => s + n, 0);
  if (total > listed) out.push(`    … and ${total - listed} more`);
  for (const rep of r.repairs) out.push(`  repaired: ${rep}`);
  return out.join('\n');
}
