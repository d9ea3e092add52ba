import { useEffect, useState } from 'react';
import type { DecisionEvent } from '../../src-shared/events';
import { actionName } from '../../src-shared/roster';
import { commands } from '../controller';
import { agentDisplay, ROLE_HEX, ROLE_LABEL } from '../floor/palette';
import { fmtMoney } from '../format';
import { frames } from '../frames';
import { useFloor } from '../store';

interface Live {
  position: number;
  pnl: number;
  action: number;
  confidence: number;
  halted: boolean;
  decision: DecisionEvent | null;
}

function readLive(agent: number): Live | null {
  const b = frames.batch;
  if (!b) return null;
  const a = b.latest.agents;
  if (agent >= a.position.length) return null;
  return {
    position: a.position[agent] ?? 0,
    pnl: a.pnl[agent] ?? 0,
    action: a.action[agent] ?? 0,
    confidence: a.confidence[agent] ?? 0,
    halted: (a.halted[agent] ?? 0) > 0,
    decision: frames.decisions.get(agent) ?? null,
  };
}

/** The selected agent: who it is, its live numbers (5×/s) and its latest reasoning sentence. */
export function AgentPanel() {
  const selected = useFloor((s) => s.selected);
  const info = useFloor((s) => s.info);
  const select = useFloor((s) => s.select);
  const focus = useFloor((s) => s.focusSelected);
  const [live, setLive] = useState<Live | null>(null);

  useEffect(() => {
    if (selected === null) return;
    let alive = true;
    setLive(readLive(selected));
    const t = setInterval(() => setLive(readLive(selected)), 200);
    // seed the reasoning from history if no decision has been pushed yet
    if (!frames.decisions.has(selected)) {
      commands
        .agentHistory(selected, 20)
        .then((events) => {
          if (!alive) return;
          for (const e of events) {
            if (e.type !== 'decision' || e.agent !== selected) continue;
            const prev = frames.decisions.get(selected);
            if (!prev || prev.seq < e.seq) frames.decisions.set(selected, e);
          }
          setLive(readLive(selected));
        })
        .catch(() => {});
    }
    return () => {
      alive = false;
      clearInterval(t);
    };
  }, [selected]);

  if (selected === null || !info) return null;
  const agent = info.roster.agents[selected];
  if (!agent) return null;
  const desk = info.roster.desks[agent.desk];
  const disp = agentDisplay(agent, desk?.name);
  const act = live ? actionName(live.action) : 'hold';
  const d = live?.decision;
  const sym = d ? info.roster.symbols[d.trace.final.symbol]?.name : undefined;
  return (
    <section className="panel agent-panel" aria-label="Selected agent" data-testid="agent-panel">
      <header className="panel-head">
        <div>
          <h2 title={agent.name}>{disp.title}</h2>
          <div className="agent-sub">
            <span className="role-chip" style={{ borderColor: ROLE_HEX[agent.role], color: ROLE_HEX[agent.role] }}>
              {ROLE_LABEL[agent.role]}
            </span>
            <span>{desk ? desk.name : `Desk ${agent.desk}`}</span>
          </div>
        </div>
        <div className="head-actions">
          <button type="button" className="btn btn-ghost" onClick={focus} title="Fly to this agent (F)">
            Focus
          </button>
          <button type="button" className="icon-btn" onClick={() => select(null)} aria-label="Close" title="Close (Esc)">
            ×
          </button>
        </div>
      </header>
      <dl className="agent-stats">
        <div>
          <dt>Action</dt>
          <dd className={`act act-${live?.halted ? 'halted' : act}`}>{live?.halted ? 'HALTED' : act.toUpperCase()}</dd>
        </div>
        <div>
          <dt>Confidence</dt>
          <dd className="mono">{live ? `${Math.round(live.confidence * 100)}%` : '—'}</dd>
        </div>
        <div>
          <dt>Position</dt>
          <dd className="mono">{live ? live.position.toFixed(2) : '—'}</dd>
        </div>
        <div>
          <dt>P&amp;L</dt>
          <dd className={`mono ${live && live.pnl > 0 ? 'pos' : live && live.pnl < 0 ? 'neg' : ''}`}>{live ? fmtMoney(live.pnl) : '—'}</dd>
        </div>
      </dl>
      <div className="agent-reason">
        <div className="reason-head">
          Latest reasoning{d ? <span className="mono"> · t{d.tick}{sym ? ` · ${sym}` : ''}</span> : null}
        </div>
        <p>{d ? d.sentence : 'No decision yet.'}</p>
        {d && d.trace.signals.length > 0 ? (
          <ul className="signals" aria-label="Signals weighed">
            {[...d.trace.signals]
              .sort((a, b) => Math.abs(b.weight * b.vote) - Math.abs(a.weight * a.vote))
              .slice(0, 5)
              .map((g) => (
                <li key={g.name} title={`value ${g.value}, weight ${g.weight}, vote ${g.vote}`}>
                  <span className="sig-name">{g.name}</span>
                  <span className="sig-bar">
                    <span
                      className={g.vote >= 0 ? 'pos' : 'neg'}
                      style={{
                        left: g.vote >= 0 ? '50%' : `${50 + Math.max(-1, g.vote) * 50}%`,
                        width: `${Math.min(1, Math.abs(g.vote)) * 50}%`,
                      }}
                    />
                  </span>
                  <span className="sig-w mono">×{g.weight.toFixed(2)}</span>
                </li>
              ))}
          </ul>
        ) : null}
      </div>
    </section>
  );
}
