import { useEffect } from 'react';

import { deck } from '../controller';
import { agentDisplay, ROLE_HEX } from '../floor/palette';
import { fmtMoney, fmtPct } from '../format';
import { useFloor } from '../store';

/**
 * The report of a scenario that ended (from its `ended` event or scenario.reports): the floor index's
 * trough and recovery, per-desk P&L impact and maximum drawdown, halts, and each featured agent's
 * trading decisions — every decision links to the agent's popover showing that decision's trace.
 *
 * Test hooks: scenario-report (data-id), report-desk-<desk>, report-agent-<agent>, report-decision
 * (data-agent, data-seq), btn-close-report.
 */
export function ScenarioReport() {
  const id = useFloor((s) => s.openReport);
  const reports = useFloor((s) => s.reports);
  const roster = useFloor((s) => s.info?.roster ?? null);
  const showReport = useFloor((s) => s.showReport);
  const report = id === null ? null : ([...reports].reverse().find((r) => r.scenarioId === id) ?? null);

  useEffect(() => {
    if (id === null) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        showReport(null);
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [id, showReport]);

  if (!report) return null;
  const ticks = report.endTick - report.startTick;
  const agents = [...report.agents].sort((a, b) => b.buys + b.sells - (a.buys + a.sells));
  return (
    <div className="report-backdrop" onClick={() => showReport(null)}>
      <section
        className="report"
        role="dialog"
        aria-label={`Scenario report: ${report.name}`}
        data-testid="scenario-report"
        data-id={report.scenarioId}
        onClick={(e) => e.stopPropagation()}
      >
        <header className="panel-head">
          <div>
            <div className="sb-label">Scenario report{report.cancelled ? ' · cancelled' : ''}</div>
            <h2 className="report-title">
              {report.name} <span className="faint mono">#{report.scenarioId}</span>
            </h2>
            <div className="faint small mono">
              t{report.startTick} → t{report.endTick} · {ticks.toLocaleString('en-US')} ticks ({(ticks / 20).toFixed(1)} floor s)
            </div>
          </div>
          <button type="button" className="icon-btn" data-testid="btn-close-report" aria-label="Close the report" title="Close (Esc)" onClick={() => showReport(null)}>
            ×
          </button>
        </header>

        <dl className="report-kpis">
          <Kpi label="Index trough" value={fmtPct(report.indexTrough * 100)} cls={report.indexTrough < 0 ? 'neg' : 'pos'} />
          <Kpi label="Index at end" value={fmtPct(report.indexEnd * 100)} cls={report.indexEnd < 0 ? 'neg' : 'pos'} />
          <Kpi
            label="Time to recover"
            value={report.recoverTicks === null ? 'not recovered' : `${report.recoverTicks.toLocaleString('en-US')} ticks`}
            title="ticks from the trough until the index regained half of its drop"
            cls={report.recoverTicks === null ? 'warn' : ''}
          />
          <Kpi label="Halts" value={String(report.halts)} cls={report.halts > 0 ? 'warn' : ''} />
        </dl>

        <div className="report-grid">
          <div>
            <div className="reason-head">Desks</div>
            <table className="board-table report-table">
              <thead>
                <tr>
                  <th>Desk</th>
                  <th className="num">P&amp;L impact</th>
                  <th className="num">Max DD</th>
                </tr>
              </thead>
              <tbody>
                {[...report.desks]
                  .sort((a, b) => b.pnlImpact - a.pnlImpact)
                  .map((d) => (
                    <tr key={d.desk} data-testid={`report-desk-${d.desk}`}>
                      <td>{d.name}</td>
                      <td className={`num mono ${d.pnlImpact > 0 ? 'pos' : d.pnlImpact < 0 ? 'neg' : ''}`}>{fmtMoney(d.pnlImpact)}</td>
                      <td className="num mono">{fmtPct(-Math.abs(d.maxDrawdown) * 100)}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
            <div className="reason-head">Symbols</div>
            <table className="board-table report-table">
              <thead>
                <tr>
                  <th>Symbol</th>
                  <th className="num" title="lowest mark relative to the start">Low</th>
                  <th className="num">End</th>
                </tr>
              </thead>
              <tbody>
                {report.perSymbol.map((s) => (
                  <tr key={s.symbol}>
                    <td className="sym">{s.name}</td>
                    <td className={`num mono ${s.peakToTrough < 0 ? 'neg' : ''}`}>{fmtPct(s.peakToTrough * 100)}</td>
                    <td className={`num mono ${s.end < 0 ? 'neg' : s.end > 0 ? 'pos' : ''}`}>{fmtPct(s.end * 100)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div>
            <div className="reason-head">
              Agents' actions <span className="faint">(click a decision to open its trace)</span>
            </div>
            {agents.length === 0 ? (
              <p className="empty">No featured agent traded during the scenario.</p>
            ) : (
              <ul className="report-agents">
                {agents.map((a) => {
                  const ag = roster?.agents[a.agent];
                  const desk = ag ? roster?.desks[ag.desk]?.name : undefined;
                  const title = ag ? agentDisplay(ag, desk).title : `Agent ${a.agent}`;
                  return (
                    <li key={a.agent} data-testid={`report-agent-${a.agent}`}>
                      <div className="report-agent-head">
                        <button type="button" className="report-agent-name" onClick={() => useFloor.getState().inspect({ kind: 'agent', index: a.agent })} title={`Open ${ag?.name ?? 'this agent'}'s popover`}>
                          {ag ? <i className="desk-dot" style={{ background: ROLE_HEX[ag.role] }} /> : null}
                          {title}
                        </button>
                        <span className="faint small report-agent-desk">{desk ?? ''}</span>
                        <span className="mono small report-tally">
                          <span className="act-buy">{a.buys}▲</span> <span className="act-sell">{a.sells}▼</span> <span className="act-hold">{a.holds}=</span>
                        </span>
                      </div>
                      <div className="report-decisions">
                        {a.decisionSeqs.slice(0, 12).map((seq) => (
                          <button
                            key={seq}
                            type="button"
                            className="chip report-decision"
                            data-testid="report-decision"
                            data-agent={a.agent}
                            data-seq={seq}
                            title="Open this decision in the agent's popover"
                            onClick={() => void deck.openDecision(a.agent, seq)}
                          >
                            #{seq}
                          </button>
                        ))}
                        {a.decisionSeqs.length > 12 ? <span className="faint small">+{a.decisionSeqs.length - 12}</span> : null}
                      </div>
                    </li>
                  );
                })}
              </ul>
            )}
          </div>
        </div>
      </section>
    </div>
  );
}

function Kpi({ label, value, cls = '', title }: { label: string; value: string; cls?: string; title?: string }) {
  return (
    <div title={title}>
      <dt>{label}</dt>
      <dd className={`mono ${cls}`}>{value}</dd>
    </div>
  );
}


