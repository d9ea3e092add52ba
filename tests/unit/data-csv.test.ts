import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Bar, timeframeFromMs, timeframeMs } from '../../src-shared/market-data';
import { formatReport, importCsvText } from '../../src-main/market-data/csv';
import { barsToCsv } from '../../src-main/market-data/export';
import { wallTimeToUtc } from '../../src-main/market-data/timezone';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'data');
const fixture = (name: string): string => readFileSync(join(FIX, name), 'utf8');
const D = 86_400_000;
const utc = (s: string): number => Date.parse(s);

describe('timeframes', () => {
  it('converts ccxt timeframe names to milliseconds and back', () => {
    expect(['1s', '1m', '15m', '1h', '4h', '1d', '1w', '1M'].map(timeframeMs)).toEqual([1000, 60_000, 900_000, 3_600_000, 14_400_000, D, 7 * D, 30 * D]);
    expect([60_000, 900_000, 7_200_000, D, 7 * D, 90_000].map(timeframeFromMs)).toEqual(['1m', '15m', '2h', '1d', '1w', '90s']);
    expect(() => timeframeMs('5 minutes')).toThrow('"5 minutes" is not a timeframe (e.g. 1m, 15m, 1h, 1d).');
    expect(timeframeFromMs(0)).toBeNull();
  });
});

describe('CSV formats from common sources', () => {
  it('reads a Yahoo Finance download (Adj Close ignored, close used)', () => {
    const r = importCsvText(fixture('yahoo-aapl.csv'), { file: 'yahoo-aapl.csv' });
    expect(r.accepted).toBe(true);
    expect(r.report.detected).toMatchObject({ format: 'Yahoo-style', delimiter: ',', header: true, timeframe: '1d', calendar: 'weekdays', timeZone: 'UTC' });
    expect(r.report.detected.columns.close).toBe('Close');
    expect(r.bars[0]).toEqual({ ts: utc('2024-01-02T00:00:00Z'), open: 187.149994, high: 188.440002, low: 183.889999, close: 185.639999, volume: 82488700 });
    expect(r.bars).toHaveLength(10);
    expect(r.report.gaps).toEqual([{ from: utc('2024-01-12T00:00:00Z'), to: utc('2024-01-16T00:00:00Z'), missing: 1 }]); // Martin Luther King Jr. Day
  });

  it('reads a Binance kline export (no header, microsecond timestamps since 2025)', () => {
    const r = importCsvText(fixture('binance-BTCUSDT-1m-2025-01-01.csv'));
    expect(r.accepted).toBe(true);
    expect(r.report.detected).toMatchObject({ header: false, timestamp: 'Unix time in microseconds', timeframe: '1m', calendar: 'continuous' });
    expect(r.bars.map((b) => b.ts)).toEqual([0, 1, 2, 3, 4].map((i) => utc('2025-01-01T00:00:00Z') + i * 60_000));
    expect(r.bars[0]).toMatchObject({ open: 93576, high: 93610.93, low: 93537.5, close: 93610.93, volume: 8.21827 });
  });

  it('reads a CryptoDataDownload file: banner line, newest first, "Volume BTC"', () => {
    const r = importCsvText(fixture('cryptodatadownload-btcusd-1h.csv'));
    expect(r.accepted).toBe(true);
    expect(r.report.detected).toMatchObject({ format: 'CryptoDataDownload-style', descending: true, timeframe: '1h', timestamp: 'Unix time in milliseconds' });
    expect(r.report.detected.columns.volume).toBe('Volume BTC');
    expect(r.bars[0]?.ts).toBe(utc('2024-03-01T00:00:00Z'));
    expect(r.bars.at(-1)?.ts).toBe(utc('2024-03-01T05:00:00Z'));
    expect(r.report.issues).toEqual([]);
  });

  it('reads a MetaTrader export: tabs, separate date and time, local time zone', () => {
    const r = importCsvText(fixture('metatrader-eurusd-h1.csv'), { timeZone: 'Europe/Berlin' });
    expect(r.accepted).toBe(true);
    expect(r.report.detected).toMatchObject({ format: 'MetaTrader', delimiter: 'tab', timeZone: 'Europe/Berlin', timeframe: '1h' });
    // 2024-03-31 01:00 Berlin (CET, +1) and 03:00 (CEST, +2): the clocks jumped in between
    expect(r.bars.map((b) => new Date(b.ts).toISOString())).toEqual(['2024-03-31T00:00:00.000Z', '2024-03-31T01:00:00.000Z', '2024-03-31T02:00:00.000Z']);
  });

  it('reads European CSV: semicolons, decimal commas, day-first dates', () => {
    const text = 'Datum;Eröffnung;Hoch;Tief;Schluss;Volumen\n02.01.2024;100,5;101,25;99,75;101;1.234\n03.01.2024;101;102;100;101,5;2.000\n13.01.2024;101;102;100;101,5;2.000\n';
    const r = importCsvText(text, { mode: 'repair' });
    expect(r.report.detected).toMatchObject({ delimiter: ';', decimalComma: true });
    expect(r.report.detected.timestamp).toMatch(/^day-first/);
    expect(r.bars[0]).toEqual({ ts: utc('2024-01-02T00:00:00Z'), open: 100.5, high: 101.25, low: 99.75, close: 101, volume: 1234 });
    expect(r.bars[2]?.ts).toBe(utc('2024-01-13T00:00:00Z'));
  });

  it('reads ISO times with offsets as given, and zone-less times in --tz (New York, across DST)', () => {
    const withOffset = 'time,open,high,low,close,volume\n2024-03-10T01:00:00-05:00,1,2,0.5,1,0\n2024-03-10T03:00:00-04:00,1,2,0.5,1,0\n';
    expect(importCsvText(withOffset, { timeZone: 'Asia/Tokyo' }).bars.map((b) => b.ts)).toEqual([utc('2024-03-10T06:00:00Z'), utc('2024-03-10T07:00:00Z')]);
    const local = 'time,open,high,low,close,volume\n2024-03-10 01:00,1,2,0.5,1,0\n2024-03-10 03:00,1,2,0.5,1,0\n';
    const r = importCsvText(local, { timeZone: 'America/New_York' });
    expect(r.bars.map((b) => b.ts)).toEqual([utc('2024-03-10T06:00:00Z'), utc('2024-03-10T07:00:00Z')]);
    expect(r.report.detected.timeframe).toBe('1h');
  });

  it('reads month names, compact dates and nanosecond timestamps', () => {
    const rows = (times: string[]): string => ['date,open,high,low,close,volume', ...times.map((t) => `${t},1,2,0.5,1,0`)].join('\n');
    const days = [utc('2024-01-02T00:00:00Z'), utc('2024-01-03T00:00:00Z')];
    expect(importCsvText(rows(['Jan 2 2024', 'Jan 3 2024'])).bars.map((b) => b.ts)).toEqual(days);
    expect(importCsvText(rows(['02-Jan-2024', '03-Jan-2024'])).bars.map((b) => b.ts)).toEqual(days);
    expect(importCsvText(rows(['20240102', '20240103'])).bars.map((b) => b.ts)).toEqual(days);
    expect(importCsvText(rows(['2024.01.02', '2024.01.03'])).bars.map((b) => b.ts)).toEqual(days);
    const ns = importCsvText(rows(days.map((d) => `${d}000000`)));
    expect(ns.report.detected.timestamp).toBe('Unix time in nanoseconds');
    expect(ns.bars.map((b) => b.ts)).toEqual(days);
  });

  it('reads quoted cells, and names a line whose quote never closes', () => {
    const text = 'date,open,high,low,close,volume\n"2024-01-01","1","2","0.5","1","3"\n"2024-01-02",1,2,0.5,1,"1,234.5"\n2024-01-03,1,2,0.5,1,"unterminated\n';
    const r = importCsvText(text);
    expect(r.accepted).toBe(false);
    expect(r.report.issues).toEqual([{ kind: 'unparseable', line: 4, message: expect.stringMatching(/^line 4: not readable as CSV \(Quote Not Closed/) }]);
    expect(importCsvText(text, { mode: 'repair' }).bars).toEqual([
      { ts: utc('2024-01-01T00:00:00Z'), open: 1, high: 2, low: 0.5, close: 1, volume: 3 },
      { ts: utc('2024-01-02T00:00:00Z'), open: 1, high: 2, low: 0.5, close: 1, volume: 1234.5 },
    ]);
  });

  it('refuses an unknown time zone with a readable message', () => {
    expect(() => importCsvText('a', { timeZone: 'Mars/Olympus' })).toThrow('"Mars/Olympus" is not a time zone this platform knows');
  });

  it('says what is missing when the file is not OHLCV', () => {
    const r = importCsvText('name,city,age,height,weight\nann,oslo,3,4,5\n');
    expect(r.accepted).toBe(false);
    expect(r.report.issues[0]?.message).toBe('No column for time, open, high, low, close in the header "name,city,age,height,weight".');
    const r2 = importCsvText('hello world\n');
    expect(r2.report.issues[0]?.message).toMatch(/^No table of at least 5 columns/);
  });
});

describe('validation and repair', () => {
  const broken = fixture('broken.csv');

  it('finds every kind of problem, naming lines, and refuses the file by default', () => {
    const r = importCsvText(broken, { file: 'broken.csv' });
    expect(r.accepted).toBe(false);
    expect(r.bars).toEqual([]);
    expect(r.report.broken).toBe(true);
    expect(r.report.counts).toEqual({
      duplicate: 1,
      conflicting_duplicate: 1,
      out_of_order: 1,
      non_positive_price: 1,
      high_below_low: 1,
      outside_range: 1,
      missing_value: 1,
      unparseable: 1,
      negative_volume: 1,
      gap: 1,
    });
    const byKind = Object.fromEntries(r.report.issues.map((i) => [i.kind, i]));
    expect(byKind.duplicate?.message).toBe('line 4: repeats the bar of line 3 (2024-01-02T00:00:00.000Z)');
    expect(byKind.conflicting_duplicate?.message).toBe('line 6: another bar for 2024-01-03T00:00:00.000Z (line 5) with different values');
    expect(byKind.out_of_order?.message).toBe('line 8: 2024-01-01T00:00:00.000Z comes after 2024-01-04T00:00:00.000Z');
    expect(byKind.non_positive_price?.line).toBe(9);
    expect(byKind.high_below_low?.message).toBe('line 10: high 90 is below low 110');
    expect(byKind.outside_range?.line).toBe(11);
    expect(byKind.missing_value?.message).toBe('line 12: no close ("null")');
    expect(byKind.unparseable?.message).toBe('line 13: the time "not a date" cannot be read as year-month-day date/time');
    expect(byKind.negative_volume?.line).toBe(14);
    expect(byKind.gap?.message).toBe('gap: 2 bars missing between 2024-01-04T00:00:00.000Z and 2024-01-07T00:00:00.000Z');
    const text = formatReport(r.report);
    expect(text).toMatch(/^ {2}problems: .*1 high below low, .*1 duplicate, 1 conflicting duplicate, 1 out of order, 1 gap$/m);
    expect(text).toContain('    line 10: high 90 is below low 110');
  });

  it('repairs on request: sorts, keeps the first of each duplicate, drops invalid rows, marks gaps', () => {
    const r = importCsvText(broken, { mode: 'repair' });
    expect(r.accepted).toBe(true);
    expect(r.bars.map((b) => new Date(b.ts).toISOString().slice(0, 10))).toEqual(['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-07']);
    expect(r.bars[2]?.close).toBe(103); // line 5, not the conflicting line 6
    expect(r.report.repairs).toEqual([
      'sorted 1 out-of-order row into time order',
      'dropped 2 duplicate rows (kept the first bar for each time)',
      'dropped 6 rows that are not a valid bar',
      'marked 1 gap (2 missing bars) in the series',
    ]);
    expect(r.report.gaps).toEqual([{ from: utc('2024-01-04T00:00:00Z'), to: utc('2024-01-07T00:00:00Z'), missing: 2 }]);
    for (const b of r.bars) expect(Bar.safeParse(b).success).toBe(true);
  });

  it('imports a file whose only finding is a gap, but --refuse refuses it', () => {
    const text = 'date,open,high,low,close,volume\n2024-01-01,1,2,0.5,1,1\n2024-01-02,1,2,0.5,1,1\n2024-01-03,1,2,0.5,1,1\n2024-01-05,1,2,0.5,1,1\n';
    const ok = importCsvText(text);
    expect(ok.accepted).toBe(true);
    expect(ok.report.counts).toEqual({ gap: 1 });
    expect(ok.bars).toHaveLength(4);
    const strict = importCsvText(text, { mode: 'refuse' });
    expect(strict.accepted).toBe(false);
    expect(strict.bars).toEqual([]);
  });

  it('treats weekends as closed for daily stock data, so only holidays are gaps', () => {
    const r = importCsvText(fixture('yahoo-aapl.csv'));
    expect(r.report.detected.calendar).toBe('weekdays');
    expect(r.report.counts).toEqual({ gap: 1 });
  });
});

// ---- property-based: the parser round-trips any valid series in any supported dialect, and never throws ----

const barArb = fc
  .record({
    low: fc.double({ min: 0.0001, max: 1e6, noNaN: true }),
    span: fc.double({ min: 0, max: 1e4, noNaN: true }),
    o: fc.double({ min: 0, max: 1, noNaN: true }),
    c: fc.double({ min: 0, max: 1, noNaN: true }),
    volume: fc.double({ min: 0, max: 1e9, noNaN: true }),
  })
  .map(({ low, span, o, c, volume }) => {
    const high = low + span;
    return { open: Math.min(high, low + span * o), high, low, close: Math.min(high, low + span * c), volume };
  });

const seriesArb = fc.record({
  start: fc.integer({ min: 0, max: 2_000_000 }).map((m) => Date.UTC(2015, 0, 1) + m * 60_000),
  stepMin: fc.constantFrom(1, 5, 60, 1440),
  values: fc.array(barArb, { minLength: 2, maxLength: 40 }),
});

type Dialect = { delimiter: ',' | ';' | '\t' | '|'; time: 'ms' | 's' | 'iso' | 'isoZ' | 'space'; header: 'plain' | 'caps' | 'yahoo' | 'none'; crlf: boolean; bom: boolean };
const dialectArb: fc.Arbitrary<Dialect> = fc.record({
  delimiter: fc.constantFrom(',' as const, ';' as const, '\t' as const, '|' as const),
  time: fc.constantFrom('ms' as const, 's' as const, 'iso' as const, 'isoZ' as const, 'space' as const),
  header: fc.constantFrom('plain' as const, 'caps' as const, 'yahoo' as const, 'none' as const),
  crlf: fc.boolean(),
  bom: fc.boolean(),
});

function render(bars: Bar[], d: Dialect): string {
  const t = (ts: number): string => {
    const iso = new Date(ts).toISOString();
    if (d.time === 'ms') return String(ts);
    if (d.time === 's') return String(ts / 1000);
    if (d.time === 'iso') return iso;
    if (d.time === 'isoZ') return iso.replace('.000Z', '+00:00');
    return iso.slice(0, 19).replace('T', ' ');
  };
  const head = { plain: 'timestamp,open,high,low,close,volume', caps: 'Date,Open,High,Low,Close,Volume', yahoo: 'Date,Open,High,Low,Close,Adj Close,Volume', none: '' }[d.header];
  const rows = bars.map((b) => (d.header === 'yahoo' ? [t(b.ts), b.open, b.high, b.low, b.close, b.close * 0.9, b.volume] : [t(b.ts), b.open, b.high, b.low, b.close, b.volume]).join(d.delimiter));
  const lines = head === '' ? rows : [head.split(',').join(d.delimiter), ...rows];
  return (d.bom ? '\ufeff' : '') + lines.join(d.crlf ? '\r\n' : '\n') + (d.crlf ? '\r\n' : '\n');
}

describe('CSV parser properties (fast-check, seeded)', () => {
  it('reads back exactly the bars it was given, whatever the delimiter, header, time format and line ends', () => {
    fc.assert(
      fc.property(seriesArb, dialectArb, ({ start, stepMin, values }, d) => {
        const bars: Bar[] = values.map((v, i) => ({ ts: start + i * stepMin * 60_000, ...v }));
        const r = importCsvText(render(bars, d));
        expect(r.report.issues).toEqual([]);
        expect(r.accepted).toBe(true);
        expect(r.bars).toEqual(bars);
        expect(r.report.detected.timeframe).toBe({ 1: '1m', 5: '5m', 60: '1h', 1440: '1d' }[stepMin]);
      }),
      { seed: 20261121, numRuns: 300 },
    );
  });

  it('repair of any shuffled, duplicated series gives the sorted distinct series, and the report counts what it found', () => {
    fc.assert(
      fc.property(
        seriesArb,
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.integer({ min: 0, max: 1000 }),
        ({ start, values }, dupIdx, shuffleSeed) => {
          const bars: Bar[] = values.map((v, i) => ({ ts: start + i * 60_000, ...v }));
          const rows = [...bars, ...dupIdx.map((k) => bars[k % bars.length] as Bar)];
          // deterministic shuffle
          let s = shuffleSeed + 1;
          for (let i = rows.length - 1; i > 0; i--) {
            s = (s * 1103515245 + 12345) % 2147483648;
            const j = s % (i + 1);
            [rows[i], rows[j]] = [rows[j] as Bar, rows[i] as Bar];
          }
          const r = importCsvText(barsToCsv(rows), { mode: 'repair' });
          expect(r.bars).toEqual(bars);
          expect((r.report.counts.duplicate ?? 0) + (r.report.counts.conflicting_duplicate ?? 0)).toBe(dupIdx.length);
          // the order of each time's first appearance decides: ascending, or newest first throughout
          const order = [...new Set(rows.map((b) => b.ts))];
          const sorted = order.every((t, i) => i === 0 || (order[i - 1] as number) < t);
          const reversed = order.every((t, i) => i === 0 || (order[i - 1] as number) > t);
          if (sorted || reversed) expect(r.report.counts.out_of_order ?? 0).toBe(0);
          else expect(r.report.counts.out_of_order ?? 0).toBeGreaterThan(0);
        },
      ),
      { seed: 7, numRuns: 200 },
    );
  });

  it('never throws and never accepts an invalid bar, whatever the text', () => {
    const cell = fc.oneof(fc.string({ maxLength: 12 }), fc.double().map(String), fc.constantFrom('', 'null', '-1', '0', '1e309', '2024-01-01', '"x,y"', '"unterminated'));
    const table = fc.array(fc.array(cell, { minLength: 1, maxLength: 8 }), { maxLength: 15 });
    fc.assert(
      fc.property(table, fc.constantFrom(',', ';', '\t'), (rows, d) => {
        const text = ['time,open,high,low,close,volume', ...rows.map((r) => r.join(d))].join('\n');
        for (const mode of ['check', 'repair'] as const) {
          const r = importCsvText(text, { mode });
          for (const b of r.bars) expect(Bar.safeParse(b).success).toBe(true);
          if (r.bars.length > 1) expect(r.bars.every((b, i) => i === 0 || (r.bars[i - 1] as Bar).ts < b.ts)).toBe(true);
        }
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('maps wall-clock times in any zone to UTC and back (every hour of 2024 in New York and Sydney)', () => {
    for (const tz of ['America/New_York', 'Australia/Sydney']) {
      const f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric' });
      for (let t = Date.UTC(2024, 0, 1); t < Date.UTC(2025, 0, 1); t += 3_600_000) {
        const p = Object.fromEntries(f.formatToParts(t).map((x) => [x.type, Number(x.value)]));
        const back = wallTimeToUtc(tz, p.year ?? 0, p.month ?? 0, p.day ?? 0, p.hour ?? 0);
        // the repeated hour at the end of DST maps to its first occurrence
        expect(back === t || back === t - 3_600_000).toBe(true);
      }
    }
    expect(wallTimeToUtc('America/New_York', 2024, 11, 3, 1, 30)).toBe(utc('2024-11-03T05:30:00Z')); // first 01:30 (EDT)
  });
});
