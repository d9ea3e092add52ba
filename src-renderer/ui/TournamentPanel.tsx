import { createChart, LineSeries, type UTCTimestamp } from 'lightweight-charts';
import { useEffect, useRef, useState } from 'react';
import type { BarSeries } from '../../src-shared/market-data';
import {
  DEFAULT_TOURNAMENT_SERIES,
  TOURNAMENT_DESK_NAMES,
  TOURNAMENT_DESKS,
  TOURNAMENT_MODE_INFO,
  TOURNAMENT_REGIMES,
  TournamentMode as TournamentModeSchema,
  type TournamentDesk,
  type TournamentMode,
  type TournamentResult,
} from '../../src-shared/tournament-api';
import { call } from '../controller';
import { DESK_HEX } from '../floor/palette';
import { useFloor } from '../store';
import { tournaments, useTournament } from '../store/tournament';
import './tournament.css';
import { chartTheme } from './chart-theme';

/**
 * Strategy tournaments (docs/TOURNAMENTS.md): set one up (series, period, entrants, capital, fees,
 * mode, seed), follow its progress, read the leaderboard (Sharpe with its 95% interval, entrants
 * whose interval includes 0 marked), the equity curves overlaid, the regime breakdown, and export it.
 *
 * Test hooks: btn-tournament, tournament-panel, btn-close-tournament, t-series, t-since, t-until,
 * t-desk-<slug>, t-policies, t-capital, t-fee, t-mode (select), t-mode-explain, t-seed, btn-start-tournament,
 * tournament-error, tournament-list (t-item-<id>), tournament-progress (t-progress-<i>),
 * btn-cancel-tournament, tournament-result (data-status), tournament-mode (data-mode),
 * tournament-leaderboard (t-row-<rank> with data-distinguishable; t-sharpe), tournament-equity,
 * tournament-regimes, btn-export-csv, btn-export-json, btn-watch-floor (data-busy).
 */

export function TournamentButton() {
  const conn = useFloor((s) => s.conn.state);
  const show = useTournament((s) => s.show);
  return (
    <button
      type="button"
      className={`btn btn-sm ${show ? 'active' : ''}`}
      data-testid="btn-tournament"
      disabled={conn !== 'open'}
      aria-pressed={show}
      onClick={() => tournaments.toggle()}
      title="Strategy tournaments: the desks, RL policies and baselines on historical bars"
    >
      Tournament…
    </button>
  );
}

export function TournamentRoot() {
  const show = useTournament((s) => s.show);
  return show ? <TournamentPanel /> : null;
}

const pct = (x: number | null, d = 2): string => (x === null || !Number.isFinite(x) ? '—' : `${(x * 100).toFixed(d)}%`);
const fx = (x: number | null, d = 2): string => (x === null || !Number.isFinite(x) ? '—' : x.toFixed(d));
const keyOf = (s: { exchange: string; symbol: string; timeframe: string }): string => `${s.exchange}:${s.symbol}:${s.timeframe}`;
const MODE_TEXT: Record<TournamentMode, string> = {
  isolated: 'Isolated mode — each entrant alone against the historical path',
  shared: 'Shared mode — all entrants on one book; their net orders move its price',
  floor: 'Floor mode — the desks and policies on one engine floor replaying the bars; their orders move the same books (baselines † ran alone)',
};

function TournamentPanel() {
  const set = useTournament((s) => s.set);
  const shown = useTournament((s) => s.shown);
  const error = useTournament((s) => s.error);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        set({ show: false });
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [set]);
  return (
    <div className="modal-backdrop" onClick={() => set({ show: false })}>
      <section className="panel tour-panel" data-testid="tournament-panel" role="dialog" aria-label="Tournament" onClick={(e) => e.stopPropagation()}>
        <header className="panel-head">
          <h2>Strategy tournament</h2>
          <div className="head-actions">
            <button type="button" className="btn btn-sm btn-ghost" data-testid="btn-close-tournament" onClick={() => set({ show: false })}>
              Close
            </button>
          </div>
        </header>
        <div className="tour-body">
          <div className="tour-side">
            <SetupForm />
            <PastList />
          </div>
          <div className="tour-main">
            {error ? (
              <p className="tour-error" data-testid="tournament-error" role="alert">
                {error}
              </p>
            ) : null}
            {shown ? <Result t={shown} /> : <p className="tour-hint">Set up a tournament and start it, or open a past one.</p>}
          </div>
        </div>
      </section>
    </div>
  );
}

function SetupForm() {
  const busy = useTournament((s) => s.busy);
  const [series, setSeries] = useState<BarSeries[]>([]);
  const [key, setKey] = useState(keyOf(DEFAULT_TOURNAMENT_SERIES));
  const [since, setSince] = useState('2019-01-01');
  const [until, setUntil] = useState('');
  const [desks, setDesks] = useState<TournamentDesk[]>([...TOURNAMENT_DESKS]);
  const [policies, setPolicies] = useState('');
  const [capital, setCapital] = useState('100000');
  const [fee, setFee] = useState('1');
  const [mode, setMode] = useState<TournamentMode>('isolated');
  const [seed, setSeed] = useState('1');
  useEffect(() => {
    call('data.series', {}).then(setSeries, () => setSeries([]));
  }, []);
  const keys = [...new Set([keyOf(DEFAULT_TOURNAMENT_SERIES), ...series.map(keyOf)])];
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const [exchange = '', symbol = '', timeframe = ''] = key.split(':');
    void tournaments.start({
      series: { exchange, symbol, timeframe },
      ...(since ? { since } : {}),
      ...(until ? { until } : {}),
      desks,
      policies: policies.split(/[\s,]+/).filter((p) => p !== ''),
      capital: Number(capital),
      feeBps: Number(fee),
      mode,
      seed: Number(seed),
    });
  };
  const toggle = (d: TournamentDesk) => setDesks((x) => (x.includes(d) ? x.filter((y) => y !== d) : TOURNAMENT_DESKS.filter((y) => y === d || x.includes(y))));
  return (
    <form className="tour-form" onSubmit={submit}>
      <label>
        Data set
        <select data-testid="t-series" value={key} onChange={(e) => setKey(e.target.value)}>
          {keys.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
      </label>
      <div className="tour-row">
        <label>
          From
          <input data-testid="t-since" type="date" value={since} onChange={(e) => setSince(e.target.value)} />
        </label>
        <label>
          Until
          <input data-testid="t-until" type="date" value={until} onChange={(e) => setUntil(e.target.value)} />
        </label>
      </div>
      <fieldset>
        <legend>Desks (buy-and-hold and random always enter)</legend>
        {TOURNAMENT_DESKS.map((d) => (
          <label key={d} className="tour-check">
            <input type="checkbox" data-testid={`t-desk-${d}`} checked={desks.includes(d)} onChange={() => toggle(d)} />
            {TOURNAMENT_DESK_NAMES[d]}
          </label>
        ))}
      </fieldset>
      <label>
        RL checkpoints (ids, comma-separated)
        <input data-testid="t-policies" value={policies} onChange={(e) => setPolicies(e.target.value)} placeholder="none" />
      </label>
      <div className="tour-row">
        <label>
          Capital
          <input data-testid="t-capital" type="number" min={100} value={capital} onChange={(e) => setCapital(e.target.value)} />
        </label>
        <label>
          Fee (bps)
          <input data-testid="t-fee" type="number" min={0} step="0.1" value={fee} onChange={(e) => setFee(e.target.value)} />
        </label>
      </div>
      <div className="tour-row">
        <label>
          Mode
          <select data-testid="t-mode" value={mode} onChange={(e) => setMode(e.target.value as TournamentMode)}>
            {TournamentModeSchema.options.map((m) => (
              <option key={m} value={m} title={TOURNAMENT_MODE_INFO[m].explain}>
                {TOURNAMENT_MODE_INFO[m].label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Seed
          <input data-testid="t-seed" type="number" min={0} value={seed} onChange={(e) => setSeed(e.target.value)} />
        </label>
      </div>
      <p className="tour-dim tour-mode-explain" data-testid="t-mode-explain">
        {TOURNAMENT_MODE_INFO[mode].explain}
      </p>
      <button type="submit" className="btn btn-primary" data-testid="btn-start-tournament" disabled={busy}>
        {busy ? 'Starting…' : 'Start tournament'}
      </button>
    </form>
  );
}

function PastList() {
  const list = useTournament((s) => s.list);
  const shownId = useTournament((s) => s.shown?.id ?? null);
  if (!list || list.length === 0) return null;
  return (
    <ul className="tour-list" data-testid="tournament-list">
      {list.map((t) => (
        <li key={t.id}>
          <button type="button" className={`tour-item ${t.id === shownId ? 'is-shown' : ''}`} data-testid={`t-item-${t.id}`} onClick={() => void tournaments.open(t.id)}>
            <span>{t.name}</span>
            <span className="tour-dim">
              {t.status} · {t.bars} bars{t.leader ? ` · ${t.leader}` : ''}
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}

function Result({ t }: { t: TournamentResult }) {
  const live = useTournament((s) => s.live[t.id]);
  const status = live && t.status === 'running' ? live.status : t.status;
  const progress = live?.progress ?? t.progress ?? [];
  return (
    <div className="tour-result" data-testid="tournament-result" data-status={status}>
      <div className={`tour-mode is-${t.mode}`} data-testid="tournament-mode" data-mode={t.mode}>
        {MODE_TEXT[t.mode]}
      </div>
      <p className="tour-dim">
        {keyOf(t.series)} · {t.firstTs ? new Date(t.firstTs).toISOString().slice(0, 10) : '—'} … {t.lastTs ? new Date(t.lastTs).toISOString().slice(0, 10) : '—'} · {t.bars} bars · capital{' '}
        {t.spec.capital.toLocaleString('en-US')} · fee {t.spec.feeBps} bps · seed {t.spec.seed} · {status}
        {t.error ? ` — ${t.error}` : ''}
      </p>
      {status === 'running' ? (
        <div data-testid="tournament-progress" className="tour-progress">
          {progress.map((p, i) => (
            <div key={p.name} className="tour-prog-row" data-testid={`t-progress-${i}`}>
              <span>{p.name}</span>
              <progress max={p.total || 1} value={p.done} />
            </div>
          ))}
          <button type="button" className="btn btn-sm" data-testid="btn-cancel-tournament" onClick={() => void tournaments.cancel(t.id)}>
            Cancel
          </button>
        </div>
      ) : null}
      {t.leaderboard.length > 0 ? (
        <>
          <Leaderboard t={t} />
          <EquityChart t={t} />
          <Regimes t={t} />
          <div className="tour-actions">
            <button type="button" className="btn btn-sm" data-testid="btn-export-csv" onClick={() => void tournaments.download(t.id, 'csv')}>
              Export CSV
            </button>
            <button type="button" className="btn btn-sm" data-testid="btn-export-json" onClick={() => void tournaments.download(t.id, 'json')}>
              Export JSON
            </button>
            <WatchButton t={t} />
          </div>
        </>
      ) : (
        <div className="tour-actions">
          <WatchButton t={t} />
        </div>
      )}
    </div>
  );
}

/** A live historical session over the tournament's series and period, its RL checkpoints deployed as desks. */
function WatchButton({ t }: { t: TournamentResult }) {
  const watching = useTournament((s) => s.watching);
  return (
    <button
      type="button"
      className="btn btn-sm btn-primary"
      data-testid="btn-watch-floor"
      data-busy={watching ? 'yes' : 'no'}
      disabled={watching}
      title="Start a live historical session on the floor over this tournament's data and period, with its RL checkpoints as desks"
      onClick={() => void tournaments.watchOnFloor(t)}
    >
      {watching ? 'Starting…' : 'Watch it on the floor'}
    </button>
  );
}

function Leaderboard({ t }: { t: TournamentResult }) {
  const note = t.leaderboard.find((e) => e.note)?.note;
  return (
    <table className="tour-table" data-testid="tournament-leaderboard" data-mode={t.mode}>
      <caption className="tour-caption">
        Leaderboard · mode: {TOURNAMENT_MODE_INFO[t.mode].label}{note ? ` · † ${note}` : ''}
      </caption>
      <thead>
        <tr>
          <th>#</th>
          <th>Entrant</th>
          <th>Return</th>
          <th title="annualised; 95% stationary block-bootstrap interval">Sharpe [95% CI]</th>
          <th>Sortino</th>
          <th>Max DD</th>
          <th>Calmar</th>
          <th title="share of bars held with a position on which equity rose">Win rate</th>
          <th title="traded value / capital">Turnover</th>
          <th>Fees</th>
          <th>Trades</th>
        </tr>
      </thead>
      <tbody>
        {t.leaderboard.map((e) => {
          const m = e.metrics;
          return (
            <tr key={e.name} data-testid={`t-row-${e.rank}`} data-distinguishable={e.distinguishable ? 'yes' : 'no'} className={e.distinguishable ? '' : 'is-noise'}>
              <td>{e.rank}</td>
              <td>
                <span className="tour-swatch" style={{ background: colorOf(t, e.name) }} />
                {e.name}
                {e.note ? (
                  <span className="tour-note" data-testid="t-note" title={e.note}>
                    {' '}
                    †
                  </span>
                ) : null}
              </td>
              <td>{pct(m.totalReturn)}</td>
              <td data-testid="t-sharpe">
                {fx(m.sharpe)} [{fx(m.sharpeCI[0])}, {fx(m.sharpeCI[1])}]
                {e.distinguishable ? null : <span className="tour-noise"> not distinguishable from zero</span>}
              </td>
              <td>{fx(m.sortino)}</td>
              <td>{pct(m.maxDrawdown)}</td>
              <td>{fx(m.calmar)}</td>
              <td>{pct(m.winRate, 1)}</td>
              <td>{fx(m.turnover, 1)}</td>
              <td>{m.feesPaid.toLocaleString('en-US', { maximumFractionDigits: 0 })}</td>
              <td>{m.trades}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** one colour per entrant, in entry order (stable across the leaderboard's ranking) */
function colorOf(t: TournamentResult, name: string): string {
  const names = [...t.leaderboard].sort((a, b) => a.name.localeCompare(b.name)).map((e) => e.name);
  return DESK_HEX[names.indexOf(name) % DESK_HEX.length] ?? '#8c9ab5';
}

function EquityChart({ t }: { t: TournamentResult }) {
  const host = useRef<HTMLDivElement | null>(null);
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const chart = createChart(el, {
      ...chartTheme(),
    });
    for (const e of t.leaderboard) {
      const line = chart.addSeries(LineSeries, { color: colorOf(t, e.name), lineWidth: 2, title: e.name, priceLineVisible: false, lastValueVisible: false });
      const pts = new Map<number, number>();
      for (const p of e.equity) pts.set(Math.floor(p.ts / 1000), p.equity);
      line.setData([...pts.entries()].sort((a, b) => a[0] - b[0]).map(([time, value]) => ({ time: time as UTCTimestamp, value })));
    }
    chart.timeScale().fitContent();
    return () => chart.remove();
  }, [t]);
  return <div className="tour-chart" data-testid="tournament-equity" ref={host} />;
}

function Regimes({ t }: { t: TournamentResult }) {
  return (
    <table className="tour-table" data-testid="tournament-regimes">
      <thead>
        <tr>
          <th>By regime (return; Sharpe)</th>
          {TOURNAMENT_REGIMES.map((r) => (
            <th key={r}>
              {r} <span className="tour-dim">({t.regimeBars[r]} bars)</span>
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {t.leaderboard.map((e) => (
          <tr key={e.name}>
            <td>{e.name}</td>
            {e.regimes.map((g) => (
              <td key={g.regime}>{g.bars === 0 ? '—' : `${pct(g.totalReturn)}; ${fx(g.sharpe)}`}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
