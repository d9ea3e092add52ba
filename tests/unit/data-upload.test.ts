import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src-shared/api';
import { splitForUpload, utf8Bytes } from '../../src-shared/data-api';
import { ImportUploads, symbolFromFileName } from '../../src-main/market-data/upload';

/** Uploads held between chunks: expiry without a call, in-order chunks, file names as series names; the chunk splitter. */

const CSV = 'time,open,high,low,close\n2024-01-01,1,2,0.5,1.5\n2024-01-02,1.5,2,1,1.8\n';

function errorOf(f: () => unknown): ApiError {
  try {
    f();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('did not throw');
}

describe('ImportUploads', () => {
  it('forgets an upload after ten minutes without a call, and frees its share of the cap', () => {
    let now = 0;
    const up = new ImportUploads({ now: () => now, maxTotalBytes: 1000 });
    const a = up.begin({ fileName: 'a.csv', bytes: utf8Bytes(CSV) });
    up.chunk(a.uploadId, 0, CSV.slice(0, 20));
    now += 9 * 60_000; // each call restarts the clock
    up.chunk(a.uploadId, 1, CSV.slice(20));
    now += 9 * 60_000;
    expect(up.check(a.uploadId).bars).toBe(2);
    expect(errorOf(() => up.begin({ fileName: 'b.csv', bytes: 950 })).code).toBe('payload_too_large');
    now += 10 * 60_000 + 1;
    expect(up.size).toBe(0);
    expect(errorOf(() => up.check(a.uploadId)).message).toBe(`No upload ${a.uploadId}: it was finished, cancelled, or expired after 10 minutes without a call.`);
    expect(up.begin({ fileName: 'b.csv', bytes: 950 }).bytes).toBe(950);
  });

  it('limits how many uploads are open at once', () => {
    const up = new ImportUploads({ maxUploads: 2 });
    up.begin({ fileName: 'a.csv', bytes: 1 });
    up.begin({ fileName: 'b.csv', bytes: 1 });
    expect(errorOf(() => up.begin({ fileName: 'c.csv', bytes: 1 })).message).toBe('2 uploads are in progress already (at most 2); finish or cancel one first.');
  });

  it('names a series after the file', () => {
    expect(symbolFromFileName('C:\\Users\\me\\Downloads\\BTCUSDT-1m-2025-01.csv')).toBe('BTCUSDT-1m-2025-01');
    expect(symbolFromFileName('/tmp/prices.TXT')).toBe('prices');
    expect(symbolFromFileName('.csv')).toBe('import');
  });
});

describe('splitForUpload', () => {
  it('cuts by encoded size, never inside a surrogate pair, and joins back to the text', () => {
    const text = `a€😀"\n`.repeat(1000);
    const chunks = splitForUpload(text, 64);
    expect(chunks.join('')).toBe(text);
    for (const c of chunks) {
      expect(utf8Bytes(JSON.stringify(c)) - 2).toBeLessThanOrEqual(64);
      expect(c.charCodeAt(c.length - 1) & 0xfc00).not.toBe(0xd800);
    }
    // a: 1, €: 3, 😀: 4, \": 2, \n: 2 → 12,000 bytes; every chunk but the last is full to within one character
    expect(chunks.slice(0, -1).every((c) => utf8Bytes(JSON.stringify(c)) - 2 > 60)).toBe(true);
    expect(chunks).toHaveLength(Math.ceil(12_000 / 64));
    expect(utf8Bytes('a€😀')).toBe(8);
    expect(splitForUpload('')).toEqual([]);
  });
});
