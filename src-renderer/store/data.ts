import { create } from 'zustand';
import type { SessionInfo } from '../../src-shared/api';
import type { HistoricalMarket, Speed } from '../../src-shared/config';
import { MAX_IMPORT_TOTAL_BYTES, splitForUpload, utf8Bytes, type BarsResult, type ImportCommitMode, type ImportCommitResult } from '../../src-shared/data-api';
import type { BarSeries, BarSeriesKey, ImportReport } from '../../src-shared/market-data';
import { applyInfo, call } from '../controller';
import { replay } from '../replay';
import { useFloor } from '.';
import { replayOpen } from './replay';

/**
 * Market data in the UI (docs/USER-GUIDE.md, "Market data"): the Data dialog's list of cached series
 * and its preview, a CSV file dropped on the window on its way through upload → report → import, and
 * starting a historical session. The calls live here too: each turns a failure into state the
 * dialogs show or an error toast, never a thrown error.
 */

export function seriesId(k: BarSeriesKey): string {
  return `${k.exchange}/${k.symbol}/${k.timeframe}`;
}

function keyOf(s: BarSeriesKey): BarSeriesKey {
  return { exchange: s.exchange, symbol: s.symbol, timeframe: s.timeframe };
}

/** Where a dropped file is: read and sent (progress 0…1), checked, shown with its report, written. */
export type ImportFlow =
  | { phase: 'idle' }
  | { phase: 'uploading'; fileName: string; progress: number; note: string | null }
  | { phase: 'checking'; fileName: string; note: string | null }
  | { phase: 'report' | 'committing'; fileName: string; note: string | null; uploadId: string; report: ImportReport; symbol: string; error: string | null };

export interface DataToast {
  id: number;
  title: string;
  message: string;
  key: BarSeriesKey | null;
}

export interface DataStore {
  showDialog: boolean;
  series: BarSeries[] | null;
  seriesError: string | null;
  preview: { id: string; result: BarsResult | null; error: string | null } | null;
  flow: ImportFlow;
  toast: DataToast | null;
  /** a historical session is being started */
  starting: boolean;
  set: (patch: Partial<Omit<DataStore, 'set'>>) => void;
}

export const useData = create<DataStore>()((set) => ({
  showDialog: false,
  series: null,
  seriesError: null,
  preview: null,
  flow: { phase: 'idle' },
  toast: null,
  starting: false,
  set: (patch) => set(patch),
}));

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function fail(title: string, err: unknown): void {
  useFloor.getState().notify({ level: 'error', title, message: message(err) });
}

let toastId = 1;

/** Files the importer reads: CSV and its tab-separated and plain-text cousins. */
export function looksLikeCsv(name: string, type: string): boolean {
  return /\.(csv|tsv|txt)$/i.test(name) || type === 'text/csv' || type === 'text/tab-separated-values';
}

/** The series name a file suggests: its name without folders and extension (the host's default too). */
export function symbolFor(fileName: string): string {
  const stem = (fileName.split(/[\\/]/).pop() ?? fileName).replace(/\.(csv|tsv|txt)$/i, '').trim();
  return (stem === '' ? 'import' : stem).slice(0, 64);
}

function fmtDay(ts: number): string {
  return new Date(ts).toISOString().slice(0, 10);
}

/** The flow's upload, while there is one the host holds. */
function heldUpload(): string | null {
  const f = useData.getState().flow;
  return f.phase === 'report' || f.phase === 'committing' ? f.uploadId : null;
}

/** An upload started by the flow with this number is still the current one. */
let flowSeq = 0;

export const data = {
  openDialog(): void {
    useData.getState().set({ showDialog: true });
    void data.refresh();
  },
  closeDialog(): void {
    useData.getState().set({ showDialog: false });
  },
  async refresh(): Promise<void> {
    try {
      useData.getState().set({ series: await call('data.series', {}), seriesError: null });
    } catch (err) {
      useData.getState().set({ seriesError: message(err) });
    }
  },
  async preview(key: BarSeriesKey): Promise<void> {
    const id = seriesId(key);
    useData.getState().set({ preview: { id, result: null, error: null } });
    try {
      const result = await call('data.bars', { series: keyOf(key), limit: 600 });
      if (useData.getState().preview?.id === id) useData.getState().set({ preview: { id, result, error: null } });
    } catch (err) {
      if (useData.getState().preview?.id === id) useData.getState().set({ preview: { id, result: null, error: message(err) } });
    }
  },
  async remove(key: BarSeriesKey): Promise<void> {
    try {
      await call('data.delete', { series: keyOf(key) });
      if (useData.getState().preview?.id === seriesId(key)) useData.getState().set({ preview: null });
    } catch (err) {
      fail('Delete series failed', err);
    }
    await data.refresh();
  },

  /** A file dropped on the window: read it, send it in chunks, and show the host's report. */
  async importFile(file: File, note: string | null = null): Promise<void> {
    const st = useData.getState();
    if (st.flow.phase !== 'idle') {
      fail('Import not started', new Error(`Finish or cancel the import of ${st.flow.fileName} first.`));
      return;
    }
    if (!looksLikeCsv(file.name, file.type)) {
      fail('Not a CSV file', new Error(`${file.name} is not a CSV file. Drop a .csv (or .tsv, .txt) file with time, open, high, low and close columns.`));
      return;
    }
    if (file.size > MAX_IMPORT_TOTAL_BYTES) {
      fail('File too large', new Error(`${file.name} is ${(file.size / 1024 / 1024).toFixed(0)} MB; Bullpen imports CSV files of at most ${MAX_IMPORT_TOTAL_BYTES / 1024 / 1024} MB.`));
      return;
    }
    const seq = ++flowSeq;
    const current = (): boolean => seq === flowSeq;
    st.set({ flow: { phase: 'uploading', fileName: file.name, progress: 0, note } });
    let uploadId: string | null = null;
    try {
      const text = await file.text();
      if (text.slice(0, 4096).includes('\u0000')) throw new Error(`${file.name} is not a text file.`);
      if (text.trim() === '') throw new Error(`${file.name} is empty.`);
      const chunks = splitForUpload(text);
      const begun = await call('data.importBegin', { fileName: file.name, bytes: utf8Bytes(text) });
      uploadId = begun.uploadId;
      for (const [index, chunk] of chunks.entries()) {
        if (!current()) break;
        await call('data.importChunk', { uploadId, index, text: chunk });
        if (current()) useData.getState().set({ flow: { phase: 'uploading', fileName: file.name, progress: (index + 1) / chunks.length, note } });
      }
      if (!current()) {
        void call('data.importCancel', { uploadId }).catch(() => undefined);
        return;
      }
      useData.getState().set({ flow: { phase: 'checking', fileName: file.name, note } });
      const report = await call('data.importCheck', { uploadId });
      if (!current()) {
        void call('data.importCancel', { uploadId }).catch(() => undefined);
        return;
      }
      useData.getState().set({ flow: { phase: 'report', fileName: file.name, note, uploadId, report, symbol: symbolFor(file.name), error: null } });
    } catch (err) {
      if (uploadId !== null) void call('data.importCancel', { uploadId }).catch(() => undefined);
      if (!current()) return;
      useData.getState().set({ flow: { phase: 'idle' } });
      fail(`Import of ${file.name} failed`, err);
    }
  },
  setSymbol(symbol: string): void {
    const f = useData.getState().flow;
    if (f.phase === 'report') useData.getState().set({ flow: { ...f, symbol } });
  },
  /** "Repair and import" (repair) or "Import as is" (strict). */
  async commit(mode: ImportCommitMode): Promise<ImportCommitResult | null> {
    const f = useData.getState().flow;
    if (f.phase !== 'report') return null;
    const symbol = f.symbol.trim();
    useData.getState().set({ flow: { ...f, phase: 'committing', error: null } });
    try {
      const r = await call('data.importCommit', { uploadId: f.uploadId, mode, ...(symbol !== '' ? { symbol } : {}) });
      const s = r.series;
      const gaps = s.gaps.length;
      useData.getState().set({
        flow: { phase: 'idle' },
        toast: {
          id: toastId++,
          title: `Imported ${r.key.symbol} (${r.key.timeframe})`,
          message:
            `${r.written.toLocaleString('en-US')} bars (${r.added.toLocaleString('en-US')} new), ` +
            `${s.firstTs !== null ? fmtDay(s.firstTs) : '—'} … ${s.lastTs !== null ? fmtDay(s.lastTs) : '—'}` +
            `${gaps > 0 ? `, ${gaps} gap${gaps === 1 ? '' : 's'} marked` : ''}${r.report.repairs.length > 0 ? '; repaired' : ''}.`,
          key: r.key,
        },
      });
      await data.refresh();
      return r;
    } catch (err) {
      const now = useData.getState().flow;
      if (now.phase === 'committing' && now.uploadId === f.uploadId) useData.getState().set({ flow: { ...now, phase: 'report', error: message(err) } });
      return null;
    }
  },
  /** Closes the import dialog (or stops an upload in progress) and lets the host forget the file. */
  cancelImport(): void {
    const id = heldUpload();
    flowSeq++;
    useData.getState().set({ flow: { phase: 'idle' } });
    if (id !== null) void call('data.importCancel', { uploadId: id }).catch(() => undefined);
  },
  dismissToast(): void {
    useData.getState().set({ toast: null });
  },

  /**
   * "Start historical session": the picked series replayed on the floor, one per symbol. The host
   * answers errors (an unknown series, a period with no bars, historical mode unavailable) as error
   * toasts; the floor keeps what it showed.
   */
  async startHistorical(opts: { series: BarSeriesKey[]; since?: number; until?: number; speed: Speed }): Promise<SessionInfo | null> {
    const market: HistoricalMarket = {
      kind: 'historical',
      series: opts.series.map(keyOf),
      ...(opts.since !== undefined ? { since: opts.since } : {}),
      ...(opts.until !== undefined ? { until: opts.until } : {}),
    };
    useData.getState().set({ starting: true });
    try {
      if (replayOpen()) await replay.backToLive();
      // the floor keeps its shape (seed, crowd, desks); only the market changes
      const cur = useFloor.getState().info?.config;
      const shape = cur ? { seed: cur.seed, crowd: cur.crowd, desks: cur.desks } : {};
      const info = await call('session.start', { config: { ...shape, market, symbols: market.series.length, speed: opts.speed } });
      applyInfo(info);
      useData.getState().set({ showDialog: false });
      try {
        useFloor.getState().setStatus(await call('session.status', {}));
      } catch {
        // the status arrives by push as well
      }
      return info;
    } catch (err) {
      fail('Start historical session failed', err);
      return null;
    } finally {
      useData.getState().set({ starting: false });
    }
  },
};
