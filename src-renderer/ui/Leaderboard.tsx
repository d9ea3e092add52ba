import { fmtMoney } from '../format';

/** Money in at most ~6 characters: 1.2k, 950, −64 (a narrow column). */
function fmtCompact(v: number): string {
  if (!Number.isFinite(v)) return '—';
  return Math.abs(v) >= 1000 ? fmtMoney(v) : `${v < 0 ? '−' : v > 0 ? '+' : ''}${Math.round(Math.abs(v))}`;
}
import { useFloor, type DeskRow } from '../store';
import { useReplay } from '../store/replay';
import { DESK_HEX } from '../floor/palette';

function ratio(v: number | null): string {
  return v === null || !Number.isFinite(v) ? '—' : v.toFixed(2);
}

/**
 * Desks ranked by P&L, refreshed once a second from the engine's own desk metrics (`floor.metrics`,
 * the same figures as `bullpen sim` prints). While a recording is shown, the recording's desks at
 * the moment shown (replayMetrics.ts: the recorded frame's P&L, ratios from the recorded equity,
 * trades and win rate from the recorded fills). Click a row to fly to the desk and mark its trades
 * on the chart. Test hooks: leaderboard (data-source = live | recording), leaderboard-row-<desk>
 * (data-pnl: the row's P&L, unrounded).
 */
export function Leaderboard() {
  const rows = useFloor((s) => s.leaderboard);
  const show = useFloor((s) => s.showLeaderboard);
  const toggle = useFloor((s) => s.toggle);
  const focusOnDesk = useFloor((s) => s.focusOnDesk);
  const setChart = useFloor((s) => s.setChart);
  const chartDesk = useFloor((s) => s.chartDesk);
  const replaying = useReplay((s) => s.open !== null);
  if (!show) {
    return (
      <button type="button" className="panel-tab panel-tab-right" onClick={() => toggle('showLeaderboard', true)} title="Show the desk leaderboard (L)">
        Desks
      </button>
    );
  }
  const sorted: DeskRow[] = [...rows].sort((a, b) => b.pnl - a.pnl);
  return (
    <section className="panel leaderboard-panel" aria-label="Desk leaderboard" data-testid="leaderboard" data-source={replaying ? 'recording' : 'live'}>
      <header className="panel-head">
        <h2>
          Desks
          {replaying ? (
            <span className="lb-source" title="The recording's desks at the moment shown (its equity samples and fills up to that tick)">
              {' '}
              · recorded
            </span>
          ) : null}
        </h2>
        <button type="button" className="icon-btn" onClick={() => toggle('showLeaderboard', false)} aria-label="Hide leaderboard" title="Hide (L)">
          ×
        </button>
      </header>
      {sorted.length === 0 ? (
        <p className="empty">{replaying ? 'Loading the recording’s desks…' : 'Waiting for the first metrics…'}</p>
      ) : (
        <table className="board-table lb-table">
          <thead>
            <tr>
              <th>Desk</th>
              <th className="num" title="Desk P&L: the sum of its agents' P&L">P&amp;L</th>
              <th className="num" title="Sharpe ratio of the desk's equity returns per decision cycle, scaled to one floor-hour (— until 30 cycles)">Sharpe</th>
              <th className="num" title="Sortino ratio (mean / downside deviation), scaled to one floor-hour">Sortino</th>
              <th className="num" title="Maximum drawdown: the largest fall of desk equity from a peak, as a share of that peak">Max DD</th>
              <th className="num" title="Share of closed trades that made money">Win</th>
              <th className="num" title="Trades the desk's agents made">Trades</th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((r) => (
              <tr
                key={r.desk}
                data-testid={`leaderboard-row-${r.desk}`}
                data-pnl={r.pnl}
                className={`lb-row ${chartDesk === r.desk ? 'current' : ''}`}
                onClick={() => {
                  focusOnDesk(r.desk);
                  setChart({ chartDesk: r.desk });
                }}
                title={`Fly to ${r.name} and mark its trades on the chart`}
              >
                <td className="sym">
                  <i className="desk-dot" style={{ background: DESK_HEX[r.desk % DESK_HEX.length] }} />
                  {r.name}
                  {r.halted ? <span className="halt-tag">HALT</span> : null}
                </td>
                <td className={`num mono ${r.pnl > 0 ? 'pos' : r.pnl < 0 ? 'neg' : ''}`} title={fmtMoney(r.pnl)}>
                  {fmtCompact(r.pnl)}
                </td>
                <td className="num mono">{ratio(r.sharpe)}</td>
                <td className="num mono">{ratio(r.sortino)}</td>
                <td className="num mono">{r.maxDrawdown > 0 ? `−${(r.maxDrawdown * 100).toFixed(2)}%` : '0'}</td>
                <td className="num mono">{r.winRate === null ? '—' : `${Math.round(r.winRate * 100)}%`}</td>
                <td className="num mono">{r.trades}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
