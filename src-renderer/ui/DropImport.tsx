import { useEffect, useState } from 'react';
import type { BarIssueKind, ImportReport } from '../../src-shared/market-data';
import { data, useData, type ImportFlow } from '../store/data';
import './data.css';

/**
 * Drag a CSV onto the window to import it (docs/USER-GUIDE.md, "Market data"): a window-wide drop
 * zone, the import dialog with the host's report (what was detected, what is wrong) and the choice
 * to repair, import as is (only when nothing is broken) or cancel, and the toast that says what was
 * stored. Test hooks: drop-overlay, import-dialog (data-phase = uploading|checking|report|committing),
 * import-progress, import-detected, import-counts, import-issue-<kind> (data-count), import-issues,
 * import-symbol, import-error, btn-import-repair, btn-import-as-is, btn-import-cancel, import-toast
 * (btn-toast-show-data).
 */

function hasFiles(e: DragEvent): boolean {
  return !!e.dataTransfer && Array.from(e.dataTransfer.types).includes('Files');
}

export function DropImport() {
  const [dragging, setDragging] = useState(false);
  useEffect(() => {
    // dragenter/dragleave fire for every element crossed: count them so the overlay does not flicker
    let depth = 0;
    const onEnter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth++;
      setDragging(true);
    };
    const onOver = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault(); // without this the browser opens the file instead of dropping it here
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const onLeave = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const onDrop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      setDragging(false);
      const files = Array.from(e.dataTransfer?.files ?? []);
      const first = files[0];
      if (!first) return;
      const note = files.length > 1 ? `${files.length} files were dropped: importing ${first.name}; drop the others one at a time.` : null;
      void data.importFile(first, note);
    };
    window.addEventListener('dragenter', onEnter);
    window.addEventListener('dragover', onOver);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragenter', onEnter);
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('drop', onDrop);
    };
  }, []);
  const flow = useData((s) => s.flow);
  return (
    <>
      {dragging ? (
        <div className="drop-overlay" data-testid="drop-overlay" aria-hidden="true">
          <div className="drop-card">
            <div className="drop-icon">⇣</div>
            <div className="drop-title">Drop a CSV to import bars</div>
            <div className="drop-sub">OHLCV from an exchange export, Yahoo Finance, MetaTrader, CryptoDataDownload or any time,open,high,low,close table</div>
          </div>
        </div>
      ) : null}
      {flow.phase !== 'idle' ? <ImportDialog flow={flow} /> : null}
      <ImportToast />
    </>
  );
}

/** [one, many] */
const KIND_LABEL: Record<BarIssueKind, [string, string]> = {
  unparseable: ['unreadable row', 'unreadable rows'],
  missing_value: ['missing value', 'missing values'],
  duplicate: ['duplicate', 'duplicates'],
  conflicting_duplicate: ['conflicting duplicate', 'conflicting duplicates'],
  out_of_order: ['row out of order', 'rows out of order'],
  non_positive_price: ['price ≤ 0', 'prices ≤ 0'],
  negative_volume: ['negative volume', 'negative volumes'],
  high_below_low: ['high < low', 'high < low'],
  outside_range: ['open/close outside high–low', 'open/close outside high–low'],
  gap: ['gap', 'gaps'],
};

const KIND_TIP: Record<BarIssueKind, string> = {
  unparseable: 'Rows that could not be read (bad time, text where a number belongs): repair drops them',
  missing_value: 'Rows with an empty, null or NaN value: repair drops them',
  duplicate: 'The same bar twice: repair keeps one',
  conflicting_duplicate: 'Two different bars for the same time: repair keeps the first',
  out_of_order: 'Rows earlier than the row before them: repair sorts them',
  non_positive_price: 'A price of zero or below: repair drops the row',
  negative_volume: 'Volume below zero: repair drops the row',
  high_below_low: 'High below low: repair drops the row',
  outside_range: 'Open or close outside the high–low range: repair drops the row',
  gap: 'Periods with no bar on the series’ calendar: marked in the series, not filled',
};

const KINDS = Object.keys(KIND_LABEL) as BarIssueKind[];

function Detected({ r }: { r: ImportReport }) {
  const d = r.detected;
  const cols = Object.entries(d.columns)
    .map(([k, v]) => `${k} = ${v}`)
    .join(', ');
  const rows: Array<[string, string, string]> = [
    ['Format', d.format, 'The layout the columns were recognised as'],
    ['Delimiter', `${d.delimiter === '' ? '—' : `"${d.delimiter}"`}${d.decimalComma ? ', decimal comma' : ''}`, 'The character between fields'],
    ['Columns', cols || '—', 'Which column holds what'],
    ['Timestamps', d.timestamp, 'How the time column is written'],
    ['Time zone', d.timeZone, 'Times without an offset are read in this zone'],
    ['Timeframe', d.timeframe ?? 'unknown', 'The most common step between bars'],
    ['Calendar', `${d.calendar}${d.descending ? ' · newest first in the file' : ''}`, 'weekdays: daily bars with no weekend, so weekends are not gaps'],
  ];
  return (
    <dl className="imp-detected" data-testid="import-detected">
      {rows.map(([k, v, tip]) => (
        <div key={k} title={tip}>
          <dt>{k}</dt>
          <dd className="mono">{v}</dd>
        </div>
      ))}
    </dl>
  );
}

function Report({ flow }: { flow: Extract<ImportFlow, { phase: 'report' | 'committing' }> }) {
  const r = flow.report;
  const busy = flow.phase === 'committing';
  const problems = KINDS.filter((k) => (r.counts[k] ?? 0) > 0);
  const errors = r.issues.filter((i) => i.kind !== 'gap');
  const gaps = r.issues.filter((i) => i.kind === 'gap');
  const listed = [...errors.slice(0, 60), ...gaps.slice(0, 10)];
  const total = Object.values(r.counts).reduce((s, n) => s + n, 0);
  const importable = r.bars > 0;
  return (
    <>
      <Detected r={r} />
      <p className="imp-counts" data-testid="import-counts">
        <strong>{r.rows.toLocaleString('en-US')}</strong> rows · <strong>{r.bars.toLocaleString('en-US')}</strong> valid bars
        {r.broken ? <span className="imp-verdict is-broken"> · broken: needs repair</span> : problems.length > 0 ? <span className="imp-verdict is-gaps"> · gaps only</span> : <span className="imp-verdict is-ok"> · no problems</span>}
      </p>
      {problems.length > 0 ? (
        <ul className="imp-kinds">
          {problems.map((k) => (
            <li key={k} className={`imp-kind ${k === 'gap' ? 'is-gap' : 'is-error'}`} data-testid={`import-issue-${k}`} data-count={r.counts[k]} title={KIND_TIP[k]}>
              <span className="imp-kind-n mono">{r.counts[k]}</span> {KIND_LABEL[k][r.counts[k] === 1 ? 0 : 1]}
            </li>
          ))}
        </ul>
      ) : null}
      {listed.length > 0 ? (
        <ol className="imp-issues mono" data-testid="import-issues">
          {listed.map((i, n) => (
            <li key={n} className={i.kind === 'gap' ? 'is-gap' : 'is-error'}>
              {i.message}
            </li>
          ))}
          {total > listed.length ? <li className="faint">… and {(total - listed.length).toLocaleString('en-US')} more</li> : null}
        </ol>
      ) : null}
      {importable ? (
        <label className="imp-symbol" title="The name of the series in the cache (exchange “csv”)">
          <span>Import as</span>
          <input
            data-testid="import-symbol"
            value={flow.symbol}
            maxLength={64}
            disabled={busy}
            onChange={(e) => data.setSymbol(e.target.value)}
            aria-label="Series name"
          />
          <span className="faint mono">csv · {r.detected.timeframe ?? '?'}</span>
        </label>
      ) : (
        <p className="error-text">Nothing in this file can be imported as bars.</p>
      )}
      {flow.error ? (
        <p className="error-text" data-testid="import-error" role="alert">
          {flow.error}
        </p>
      ) : null}
      <div className="imp-actions">
        {importable ? (
          <button
            type="button"
            className="btn btn-primary"
            data-testid="btn-import-repair"
            disabled={busy || flow.symbol.trim() === ''}
            onClick={() => void data.commit('repair')}
            title="Sort, drop duplicates and invalid rows, mark gaps, then import"
          >
            {busy ? 'Importing…' : 'Repair and import'}
          </button>
        ) : null}
        {importable && !r.broken ? (
          <button type="button" className="btn" data-testid="btn-import-as-is" disabled={busy || flow.symbol.trim() === ''} onClick={() => void data.commit('strict')} title="Import the bars as they are (gaps are marked)">
            Import as is
          </button>
        ) : null}
        <button type="button" className="btn btn-ghost" data-testid="btn-import-cancel" disabled={busy} onClick={() => data.cancelImport()} title="Import nothing (Esc)">
          Cancel
        </button>
      </div>
    </>
  );
}

function ImportDialog({ flow }: { flow: Exclude<ImportFlow, { phase: 'idle' }> }) {
  const busy = flow.phase === 'committing';
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !busy) {
        e.stopPropagation();
        data.cancelImport();
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [busy]);
  return (
    <div className="modal-backdrop">
      <section className="panel imp-dialog" data-testid="import-dialog" data-phase={flow.phase} role="dialog" aria-label="Import CSV">
        <header className="panel-head">
          <h2>
            Import <span className="mono imp-file">{flow.fileName}</span>
          </h2>
          <button type="button" className="icon-btn" aria-label="Cancel the import" title="Cancel (Esc)" disabled={busy} onClick={() => data.cancelImport()}>
            ×
          </button>
        </header>
        {flow.note ? <p className="warn small">{flow.note}</p> : null}
        {flow.phase === 'uploading' ? (
          <div className="imp-wait">
            <p>Reading and sending the file…</p>
            <div className="imp-bar" data-testid="import-progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(flow.progress * 100)}>
              <div style={{ width: `${Math.round(flow.progress * 100)}%` }} />
            </div>
            <button type="button" className="btn btn-ghost btn-sm" data-testid="btn-import-cancel" onClick={() => data.cancelImport()}>
              Cancel
            </button>
          </div>
        ) : null}
        {flow.phase === 'checking' ? (
          <div className="imp-wait">
            <div className="spinner" />
            <p>Checking every row…</p>
          </div>
        ) : null}
        {flow.phase === 'report' || flow.phase === 'committing' ? <Report flow={flow} /> : null}
      </section>
    </div>
  );
}

function ImportToast() {
  const toast = useData((s) => s.toast);
  // it goes away by itself after a while, but not while the pointer rests on it
  const [hovered, setHovered] = useState(false);
  useEffect(() => {
    if (!toast || hovered) return;
    const t = setTimeout(() => {
      if (useData.getState().toast?.id === toast.id) data.dismissToast();
    }, 12_000);
    return () => clearTimeout(t);
  }, [toast, hovered]);
  if (!toast) return null;
  return (
    <div className="toast data-toast" role="status" aria-live="polite" data-testid="import-toast" onMouseEnter={() => setHovered(true)} onMouseLeave={() => setHovered(false)}>
      <div>
        <div className="toast-title">{toast.title}</div>
        <div className="toast-msg">{toast.message}</div>
      </div>
      <div className="toast-actions">
        <button
          type="button"
          className="btn btn-sm"
          data-testid="btn-toast-show-data"
          onClick={() => {
            data.dismissToast();
            data.openDialog();
          }}
        >
          Show in Data
        </button>
        <button type="button" className="icon-btn" aria-label="Dismiss" onClick={() => data.dismissToast()}>
          ×
        </button>
      </div>
    </div>
  );
}
