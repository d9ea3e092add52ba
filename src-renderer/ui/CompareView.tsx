import { useEffect, useRef } from 'react';
import { createChart, LineSeries, LineStyle, type Time, type UTCTimestamp } from 'lightweight-charts';
import type { RecordingComparison } from '../../src-shared/recording';
import { DESK_HEX } from '../floor/palette';
import { fmtMoney } from '../format';
import { replay } from '../replay';
import { useReplay } from '../store/replay';
import { CHART_BORDER, chartTheme } from './chart-theme';

/**
 * Two recordings that share a parent (recording.compare): each desk's equity in A (solid) and B
 * (dashed) overlaid, and the differences in P&L, max drawdown and halts. Test hooks: compare-view,
 * compare-row-<desk>, compare-halts, btn-close-compare.
 */

const tickLabel = (t: Time) => `t${typeof t === 'number' ? t : String(t)}`;

function pct(v: number): string {
  return Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : '—';
}

function signed(v: number, f: (x: number) => string): string {
  return v > 0 ? `+${f(v).replace(/^\+/, '')}` : f(v);
}

function CompareChart({ c }: { c: RecordingComparison }) {
  const host = useRef<HTMLDivElement | null>(null);
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const chart = createChart(el, {
      ...chartTheme(),
      timeScale: { borderColor: CHART_BORDER, tickMarkFormatter: tickLabel },
      localization: { timeFormatter: tickLabel },
    });
    for (const d of c.desks) {
      const color = DESK_HEX[d.desk % DESK_HEX.length] ?? '#8c9ab5';
      for (const side of ['a', 'b'] as const) {
        const line = chart.addSeries(LineSeries, {
          color,
          lineWidth: 2,
          lineStyle: side === 'a' ? LineStyle.Solid : LineStyle.Dashed,
          title: `${d.name} ${side.toUpperCase()}`,
          priceLineVisible: false,
          lastValueVisible: false,
          priceFormat: { type: 'price', precision: 0, minMove: 1 },
        });
        const pts = new Map<number, number>();
        for (const p of c.curves) {
          const v = p[side];
          if (p.desk === d.desk && v !== null) pts.set(p.tick, v);
        }
        line.setData([...pts.entries()].sort((x, y) => x[0] - y[0]).map(([t, v]) => ({ time: t as UTCTimestamp, value: v })));
      }
    }
    chart.timeScale().fitContent();
    return () => chart.remove();
  }, [c]);
  return <div className="cmp-chart" ref={host} />;
}

export function CompareView() {
  const cmp = useReplay((s) => s.compare);
  if (!cmp) return null;
  const c = cmp.result;
  return (
    <div className="modal-backdrop" onClick={() => replay.closeCompare()}>
      <section className="panel cmp-view" data-testid="compare-view" role="dialog" aria-label="Compare recordings" onClick={(e) => e.stopPropagation()}>
        <header className="panel-head">
          <h2>
            Compare <span className="mono cmp-a">A {cmp.a.slice(0, 8)}</span> vs <span className="mono cmp-b">B {cmp.b.slice(0, 8)}</span>
          </h2>
          <button type="button" className="icon-btn" data-testid="btn-close-compare" aria-label="Close" onClick={() => replay.closeCompare()}>
            ×
          </button>
        </header>
        {cmp.error ? <p className="error-text">{cmp.error}</p> : null}
        {!c && !cmp.error ? <p className="empty">Comparing…</p> : null}
        {c ? (
          <>
            <p className="small faint">
              Shared parent <span className="mono">{c.sharedParent.slice(0, 12)}</span> · equity per desk: A solid, B dashed
            </p>
            <CompareChart c={c} />
            <table className="cmp-table">
              <thead>
                <tr>
                  <th>Desk</th>
                  <th>P&amp;L A</th>
                  <th>P&amp;L B</th>
                  <th>Δ P&amp;L</th>
                  <th>Max DD A</th>
                  <th>Max DD B</th>
                  <th>Δ DD</th>
                </tr>
              </thead>
              <tbody>
                {c.desks.map((d) => (
                  <tr key={d.desk} data-testid={`compare-row-${d.desk}`}>
                    <td>
                      <i className="cmp-swatch" style={{ background: DESK_HEX[d.desk % DESK_HEX.length] }} />
                      {d.name}
                    </td>
                    <td className="mono">{fmtMoney(d.a.pnl)}</td>
                    <td className="mono">{fmtMoney(d.b.pnl)}</td>
                    <td className={`mono ${d.pnlDiff > 0 ? 'pos' : d.pnlDiff < 0 ? 'neg' : ''}`}>{fmtMoney(d.pnlDiff)}</td>
                    <td className="mono">{pct(d.a.maxDrawdown)}</td>
                    <td className="mono">{pct(d.b.maxDrawdown)}</td>
                    <td className={`mono ${d.drawdownDiff > 0 ? 'neg' : d.drawdownDiff < 0 ? 'pos' : ''}`}>{signed(d.drawdownDiff, pct)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="cmp-halts" data-testid="compare-halts">
              Halts: A <strong className="mono">{c.a.halts}</strong> · B <strong className="mono">{c.b.halts}</strong> · Δ{' '}
              <strong className="mono">{signed(c.b.halts - c.a.halts, String)}</strong>
            </p>
          </>
        ) : null}
      </section>
    </div>
  );
}
