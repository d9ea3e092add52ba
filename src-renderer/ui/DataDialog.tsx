import { useEffect, useMemo, useRef, useState } from 'react';
import { CandlestickSeries, createChart, type UTCTimestamp } from 'lightweight-charts';
import { LIMITS, type Speed } from '../../src-shared/config';
import { type BarSeries, timeframeMs } from '../../src-shared/market-data';
import { BUY_HEX, SELL_HEX } from '../floor/palette';
import { fmtSpeed } from '../format';
import { data, seriesId, useData } from '../store/data';
import './data.css';
import { chartTheme } from './chart-theme';

/**
 * The "Data" dialog (docs/USER-GUIDE.md, "Market data"): the cached bar series (bundled, imported,
 * fetched) with a preview chart and delete, and "Start historical session": pick one or more series
 * of one timeframe (one per floor symbol), an optional period and a speed. Test hooks: btn-open-data
 * (in the top-right corner, ui/ReplayBar.tsx), data-dialog, data-list, data-item-<exchange/symbol/
 * timeframe> (data-count), data-pick-<id>, btn-preview-<id>, btn-delete-<id>, data-preview
 * (data-bars), data-start (the form), data-since, data-until, data-speed, data-period-error, btn-start-historical,
 * btn-close-data.
 */

const SPEEDS: Speed[] = [1, 10, 100, 'max'];

function day(ts: number | null): string {
  return ts === null ? '—' : new Date(ts).toISOString().slice(0, 10);
}

function when(ts: number | null, tf: string): string {
  if (ts === null) return '—';
  const iso = new Date(ts).toISOString();
  return timeframeMs(tf) >= 86_400_000 ? iso.slice(0, 10) : `${iso.slice(0, 16).replace('T', ' ')}Z`;
}

function fmtDuration(ms: number): string {
  const s = ms / 1000;
  if (s < 1) return `${Math.round(ms)} ms`;
  if (s < 120) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  if (s < 7200) return `${(s / 60).toFixed(0)} min`;
  if (s < 172_800) return `${(s / 3600).toFixed(s < 36_000 ? 1 : 0)} h`;
  return `${(s / 86_400).toFixed(0)} days`;
}

/** A date input's value as ms UTC: the start of that day, or (end) its last millisecond. */
function dateMs(v: string, end: boolean): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return undefined;
  const t = Date.parse(`${v}T00:00:00Z`);
  if (!Number.isFinite(t)) return undefined;
  return end ? t + 86_400_000 - 1 : t;
}

function PreviewChart({ id }: { id: string }) {
  const preview = useData((s) => (s.preview?.id === id ? s.preview : null));
  const host = useRef<HTMLDivElement | null>(null);
  const bars = preview?.result?.bars;
  useEffect(() => {
    const el = host.current;
    if (!el || !bars || bars.length === 0) return;
    const chart = createChart(el, {
      ...chartTheme(),
    });
    const candles = chart.addSeries(CandlestickSeries, { upColor: BUY_HEX, downColor: SELL_HEX, wickUpColor: BUY_HEX, wickDownColor: SELL_HEX, borderVisible: false });
    candles.setData(bars.map((b) => ({ time: Math.floor(b.ts / 1000) as UTCTimestamp, open: b.open, high: b.high, low: b.low, close: b.close })));
    chart.timeScale().fitContent();
    return () => chart.remove();
  }, [bars]);
  if (!preview) return null;
  return (
    <div className="data-preview" data-testid="data-preview" data-bars={bars?.length ?? 0}>
      {preview.error ? <p className="error-text">Could not load the bars: {preview.error}</p> : null}
      {!preview.result && !preview.error ? <p className="empty">Loading bars…</p> : null}
      {preview.result && preview.result.count === 0 ? <p className="empty">This series has no bars.</p> : null}
      {preview.result && preview.result.merged > 1 ? (
        <p className="faint small">
          {preview.result.count.toLocaleString('en-US')} bars, drawn {preview.result.merged} to a candle
        </p>
      ) : null}
      <div className="data-chart" ref={host} />
    </div>
  );
}

function SeriesRow({ s, picked, canPick, pickTip, onPick }: { s: BarSeries; picked: boolean; canPick: boolean; pickTip: string; onPick: () => void }) {
  const id = seriesId(s);
  const [confirm, setConfirm] = useState(false);
  const previewing = useData((st) => st.preview?.id === id);
  const gapBars = s.gaps.reduce((n, g) => n + g.missing, 0);
  return (
    <li className={`rec-item data-item ${picked ? 'is-picked' : ''}`} data-testid={`data-item-${id}`} data-count={s.count}>
      <label className="rec-pick" title={pickTip}>
        <input type="checkbox" data-testid={`data-pick-${id}`} checked={picked} disabled={!canPick && !picked} onChange={onPick} aria-label={`Pick ${s.symbol} for a historical session`} />
      </label>
      <div className="rec-main">
        <div className="rec-title">
          <strong title={s.origin}>{s.symbol}</strong>
          <span className={`rec-status data-src-${s.source}`}>{s.source}</span>
          <span className="mono faint">
            {s.exchange} · {s.timeframe}
          </span>
        </div>
        {s.name !== s.symbol ? <div className="small">{s.name}</div> : null}
        <div className="rec-meta mono">
          {s.count.toLocaleString('en-US')} bars · {when(s.firstTs, s.timeframe)} … {when(s.lastTs, s.timeframe)} ·{' '}
          <span title={s.gaps.length > 0 ? `${gapBars.toLocaleString('en-US')} bars missing in all; ${s.calendar === 'weekdays' ? 'weekends are not counted' : 'every period counts'}` : 'no gaps'}>
            {s.gaps.length} gap{s.gaps.length === 1 ? '' : 's'}
          </span>
        </div>
      </div>
      <div className="rec-actions">
        <button type="button" className={`btn btn-sm ${previewing ? 'active' : 'btn-ghost'}`} data-testid={`btn-preview-${id}`} onClick={() => (previewing ? useData.getState().set({ preview: null }) : void data.preview(s))} title="Chart the series">
          Preview
        </button>
        {s.source === 'bundled' ? null : confirm ? (
          <button type="button" className="btn btn-sm btn-danger" autoFocus onBlur={() => setConfirm(false)} onClick={() => void data.remove(s)}>
            Delete?
          </button>
        ) : (
          <button type="button" className="btn btn-ghost btn-sm" data-testid={`btn-delete-${id}`} onClick={() => setConfirm(true)} title="Remove the series and its bars from the cache">
            Delete
          </button>
        )}
      </div>
    </li>
  );
}

export function DataDialog() {
  const show = useData((s) => s.showDialog);
  return show ? <DataDialogBody /> : null;
}

function DataDialogBody() {
  const list = useData((s) => s.series);
  const error = useData((s) => s.seriesError);
  const starting = useData((s) => s.starting);
  const previewId = useData((s) => s.preview?.id ?? null);
  const [picked, setPicked] = useState<string[]>([]);
  const [since, setSince] = useState('');
  const [until, setUntil] = useState('');
  const [speed, setSpeed] = useState<Speed>('max');

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        data.closeDialog();
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);

  const byId = useMemo(() => new Map((list ?? []).map((s) => [seriesId(s), s])), [list]);
  // a series deleted or gone from the list is no longer picked
  const chosen = picked.map((id) => byId.get(id)).filter((s): s is BarSeries => s !== undefined);
  const timeframe = chosen[0]?.timeframe ?? null;
  const full = chosen.length >= LIMITS.symbols.max;
  const pick = (id: string) => setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id]));

  const sinceMs = dateMs(since, false);
  const untilMs = dateMs(until, true);
  const first = chosen.length > 0 ? Math.max(...chosen.map((s) => s.firstTs ?? Infinity)) : null;
  const last = chosen.length > 0 ? Math.min(...chosen.map((s) => s.lastTs ?? -Infinity)) : null;
  let periodError: string | null = null;
  if (sinceMs !== undefined && untilMs !== undefined && untilMs < sinceMs) periodError = 'The period ends before it starts.';
  else if (chosen.some((s) => s.count === 0)) periodError = 'A picked series has no bars.';
  else if (first !== null && last !== null && first > last) periodError = 'The picked series have no period in common.';
  else if (first !== null && last !== null && ((sinceMs !== undefined && sinceMs > last) || (untilMs !== undefined && untilMs < first))) {
    periodError = `No bars in this period: the picked series share ${day(first)} … ${day(last)}.`;
  }
  const barWall = timeframe !== null && speed !== 'max' ? fmtDuration(timeframeMs(timeframe) / speed) : null;
  const canStart = chosen.length > 0 && periodError === null && !starting;
  const preview = previewId !== null ? byId.get(previewId) : undefined;

  return (
    <div className="modal-backdrop" onClick={() => data.closeDialog()}>
      <section className="panel data-dialog" data-testid="data-dialog" role="dialog" aria-label="Market data" onClick={(e) => e.stopPropagation()}>
        <header className="panel-head">
          <h2>Market data</h2>
          <div className="head-actions">
            <button type="button" className="btn btn-sm btn-ghost" onClick={() => void data.refresh()} title="Reload the list">
              Refresh
            </button>
            <button type="button" className="icon-btn" data-testid="btn-close-data" aria-label="Close" title="Close (Esc)" onClick={() => data.closeDialog()}>
              ×
            </button>
          </div>
        </header>
        <p className="faint small data-hint">
          Drag a CSV file onto the window to import bars. <span className="mono">bullpen data fetch</span> caches bars from an exchange.
        </p>
        {error ? <p className="error-text">Could not list the cached series: {error}</p> : null}
        {list === null && !error ? <p className="empty">Loading…</p> : null}
        {list && list.length === 0 ? <p className="empty">No cached series yet: drop a CSV file on the window to import one.</p> : null}
        {list && list.length > 0 ? (
          <ol className="rec-list data-list" data-testid="data-list">
            {list.map((s) => {
              const id = seriesId(s);
              const other = timeframe !== null && s.timeframe !== timeframe;
              const tip = other
                ? `Series on the floor share one timeframe: ${timeframe} is picked`
                : full && !picked.includes(id)
                  ? `At most ${LIMITS.symbols.max} series (one per floor symbol)`
                  : 'Pick for a historical session: each picked series becomes one symbol on the floor';
              return <SeriesRow key={id} s={s} picked={picked.includes(id)} canPick={!other && !full} pickTip={tip} onPick={() => pick(id)} />;
            })}
          </ol>
        ) : null}
        {preview ? (
          <div className="data-preview-head small">
            Preview: <strong>{preview.symbol}</strong> <span className="mono faint">{preview.exchange} · {preview.timeframe}</span>
          </div>
        ) : null}
        {previewId !== null ? <PreviewChart id={previewId} /> : null}

        <form
          className="data-start"
          data-testid="data-start"
          onSubmit={(e) => {
            e.preventDefault();
            if (!canStart) return;
            void data.startHistorical({ series: chosen, ...(sinceMs !== undefined ? { since: sinceMs } : {}), ...(untilMs !== undefined ? { until: untilMs } : {}), speed });
          }}
        >
          <div className="data-start-head">
            <h3>Replay on the floor</h3>
            <span className="faint small">
              {chosen.length === 0 ? 'Tick one or more series of one timeframe: each becomes a symbol on the floor.' : `${chosen.length} series · ${timeframe} · ${chosen.map((s) => s.symbol).join(', ')}`}
            </span>
          </div>
          <div className="data-start-row">
            <label title="First day replayed (UTC); empty: from the first bar">
              <span>From</span>
              <input type="date" data-testid="data-since" value={since} min={first !== null ? day(first) : undefined} max={last !== null ? day(last) : undefined} onChange={(e) => setSince(e.target.value)} />
            </label>
            <label title="Last day replayed (UTC, inclusive); empty: to the last bar">
              <span>To</span>
              <input type="date" data-testid="data-until" value={until} min={first !== null ? day(first) : undefined} max={last !== null ? day(last) : undefined} onChange={(e) => setUntil(e.target.value)} />
            </label>
            <label title="1× replays in real time (one bar per bar length); max: as fast as the engine runs">
              <span>Speed</span>
              <select data-testid="data-speed" value={String(speed)} onChange={(e) => setSpeed(e.target.value === 'max' ? 'max' : Number(e.target.value))}>
                {SPEEDS.map((s) => (
                  <option key={String(s)} value={String(s)}>
                    {fmtSpeed(s)}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" className="btn btn-primary" data-testid="btn-start-historical" disabled={!canStart} title="Start a new session on the floor that replays the picked series (the current session stops; it stays recorded)">
              {starting ? 'Starting…' : 'Start historical session'}
            </button>
          </div>
          {periodError ? (
            <p className="error-text small" data-testid="data-period-error">
              {periodError}
            </p>
          ) : chosen.length > 0 ? (
            <p className="faint small">
              {first !== null && last !== null ? `Bars in common: ${day(first)} … ${day(last)}. ` : ''}
              {barWall !== null ? `At ${fmtSpeed(speed)} one ${timeframe} bar takes ${barWall}.` : 'At max speed the floor runs as fast as the engine can.'}
            </p>
          ) : null}
        </form>
      </section>
    </div>
  );
}
