import { REGIMES } from '../../src-shared/roster';
import { fmtPct, fmtPrice } from '../format';
import { REGIME_HEX, REGIME_LABEL } from '../floor/palette';
import { useFloor } from '../store';

/**
 * Market panel (DOM twin of the big board, refreshed ≤10×/s). Test hooks: board-row-<symbolIndex>,
 * board-price-<symbolIndex> (text = the last price, plain digits and a decimal point).
 */
export function BoardPanel() {
  const rows = useFloor((s) => s.board);
  const show = useFloor((s) => s.showBoard);
  const toggle = useFloor((s) => s.toggle);
  if (!show) {
    return (
      <button type="button" className="panel-tab panel-tab-right" onClick={() => toggle('showBoard', true)} title="Show the market panel (B)">
        Market
      </button>
    );
  }
  return (
    <section className="panel board-panel" aria-label="Market">
      <header className="panel-head">
        <h2>Market</h2>
        <button type="button" className="icon-btn" onClick={() => toggle('showBoard', false)} aria-label="Hide market panel" title="Hide (B)">
          ×
        </button>
      </header>
      {rows.length === 0 ? (
        <p className="empty">Waiting for market data…</p>
      ) : (
        <div className="board-scroll">
        <table className="board-table">
          <thead>
            <tr>
              <th>Symbol</th>
              <th className="num">Last</th>
              <th className="num">Chg</th>
              <th>Regime</th>
              <th>Sent.</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const regime = REGIMES[r.regime] ?? 'undetermined';
              const dir = r.changePct > 0.0001 ? 'up' : r.changePct < -0.0001 ? 'down' : 'flat';
              return (
                <tr key={r.index} data-testid={`board-row-${r.index}`} data-halted={r.halted} className={`dir-${dir}${r.halted ? ' halted' : ''}`}>
                  <td className="sym">{r.name}</td>
                  <td className="num mono" data-testid={`board-price-${r.index}`}>
                    {fmtPrice(r.last, r.decimals)}
                  </td>
                  <td className={`num mono chg chg-${dir}`}>{fmtPct(r.changePct)}</td>
                  <td className="regime" style={{ color: REGIME_HEX[regime] }}>
                    {r.halted ? (
                      <span className="halt-tag" data-testid={`board-halt-${r.index}`} title={r.halted === 3 ? 'Trading is halted on both venues' : 'Trading is halted on one venue'}>
                        {r.halted === 3 ? 'HALTED' : 'VENUE HALT'}
                      </span>
                    ) : (
                      (REGIME_LABEL[regime] ?? regime)
                    )}
                  </td>
                  <td className="sent" title={`sentiment ${r.sentiment.toFixed(2)}`}>
                    <span className="gauge">
                      <span
                        className={`gauge-bar ${r.sentiment >= 0 ? 'pos' : 'neg'}`}
                        style={{
                          left: r.sentiment >= 0 ? '50%' : `${50 + Math.max(-1, r.sentiment) * 50}%`,
                          width: `${Math.min(1, Math.abs(r.sentiment)) * 50}%`,
                        }}
                      />
                    </span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        </div>
      )}
    </section>
  );
}
