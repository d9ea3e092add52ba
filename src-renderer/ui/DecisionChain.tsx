import type { DecisionEvent } from '../../src-shared/events';
import type { Roster } from '../../src-shared/roster';
import { agentDisplay, ROLE_HEX, ROLE_SHORT } from '../floor/palette';
import { PolicyExplain } from './PolicyExplain';

/** Trace numbers as the engine rounded them (≤ 4 decimals, no trailing zeros, ASCII minus). */
export function fmtNum(v: number | string): string {
  if (typeof v === 'string') return v;
  if (!Number.isFinite(v)) return '—';
  const r = Math.round(v * 1e4) / 1e4;
  return (Object.is(r, -0) ? 0 : r).toString();
}

const CONSENSUS_LABEL: Record<string, string> = {
  majority: 'majority',
  confidenceWeighted: 'confidence-weighted',
  unanimous: 'unanimous',
};

/** Human names for the trace's input keys (unknown keys are shown as they are). */
const INPUT_LABEL: Record<string, string> = {
  symbolName: 'symbol',
  var95: 'VaR 95',
  regimeConfidence: 'regime conf.',
  venuePremiumBps: 'venue premium (bps)',
  headlineAgeTicks: 'headline age (ticks)',
  targetWeight: 'target weight',
  targetValue: 'target value',
  currentValue: 'current value',
  bookImbalance: 'book imbalance',
  fairValue: 'fair value',
  tickSize: 'tick size',
};

function Act({ a, size, sym }: { a: string; size?: number; sym?: string }) {
  return (
    <span className={`act act-${a}`}>
      {a.toUpperCase()}
      {size !== undefined && a !== 'hold' ? ` ${fmtNum(size)}` : ''}
      {sym ? ` ${sym}` : ''}
    </span>
  );
}

function Step({ n, label, children }: { n: number; label: string; children: React.ReactNode }) {
  return (
    <li className="chain-step" data-step={label.toLowerCase()}>
      <span className="chain-n" aria-hidden="true">
        {n}
      </span>
      <div className="chain-body">
        <div className="chain-label">{label}</div>
        {children}
      </div>
    </li>
  );
}

/**
 * A decision as a readable chain: inputs → signals → proposal → votes → consensus → risk check →
 * action, every number read from the event's trace.
 */
export function DecisionChain({ d, roster }: { d: DecisionEvent; roster: Roster }) {
  const t = d.trace;
  const sym = (i: number) => roster.symbols[i]?.name ?? `#${i}`;
  const c = t.consensus ?? null;
  const inputs = Object.entries(t.inputs).filter(([k]) => k !== 'role' && k !== 'desk');
  const totalW = c ? c.votes.reduce((acc, v) => acc + Math.max(0, v.weight), 0) : 0;
  return (
    <>
    {/* a deployed trained policy: what it wanted and why (action distribution, value, attributions) */}
    {t.policy ? <PolicyExplain p={t.policy} /> : null}
    <ol className="chain" data-testid="chain" data-seq={d.seq} aria-label="Decision chain">
      <Step n={1} label="Inputs">
        {inputs.length === 0 ? (
          <span className="faint">none</span>
        ) : (
          <div className="chips">
            {inputs.map(([k, v]) => (
              <span key={k} className="chip" title={k}>
                <span className="chip-k">{INPUT_LABEL[k] ?? k}</span> <span className="mono">{fmtNum(v)}</span>
              </span>
            ))}
          </div>
        )}
      </Step>
      <Step n={2} label="Signals">
        {t.signals.length === 0 ? (
          <span className="faint">no signals (warming up)</span>
        ) : (
          <table className="sig-table">
            <thead>
              <tr>
                <th>signal</th>
                <th className="num">value</th>
                <th className="num">weight</th>
                <th>vote</th>
              </tr>
            </thead>
            <tbody>
              {t.signals.map((g) => (
                <tr key={g.name} data-testid="chain-signal" data-name={g.name} title={`${g.name}: value ${fmtNum(g.value)}, weight ${fmtNum(g.weight)}, vote ${fmtNum(g.vote)}`}>
                  <td className="sig-name">{g.name}</td>
                  <td className="num mono">{fmtNum(g.value)}</td>
                  <td className="num mono">{fmtNum(g.weight)}</td>
                  <td className="sig-vote">
                    <span className="sig-bar">
                      <span
                        className={g.vote >= 0 ? 'pos' : 'neg'}
                        style={{
                          left: g.vote >= 0 ? '50%' : `${50 + Math.max(-1, g.vote) * 50}%`,
                          width: `${Math.min(1, Math.abs(g.vote)) * 50}%`,
                        }}
                      />
                    </span>
                    <span className="mono sig-v">{fmtNum(g.vote)}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Step>
      <Step n={3} label="Proposal">
        <Act a={t.proposal.action} size={t.proposal.size} sym={sym(t.proposal.symbol)} />{' '}
        <span className="mono muted">at {fmtNum(t.proposal.confidence * 100)}% confidence</span>
      </Step>
      <Step n={4} label="Votes">
        {!c ? (
          <span className="faint">solo decision: no desk vote</span>
        ) : (
          <table className="vote-table">
            <tbody>
              {c.votes.map((v) => {
                const a = roster.agents[v.agent];
                const name = a ? agentDisplay(a, roster.desks[a.desk]?.name).short : `#${v.agent}`;
                return (
                  <tr key={v.agent} className={v.agent === d.agent ? 'me' : ''}>
                    <td>
                      <span className="dot" style={{ background: a ? ROLE_HEX[a.role] : '#888' }} />
                      {a && name !== ROLE_SHORT[a.role] ? `${name} · ${ROLE_SHORT[a.role]}` : name}
                    </td>
                    <td>
                      <Act a={v.action} />
                    </td>
                    <td className="num mono" title="confidence">
                      {fmtNum(v.confidence * 100)}%
                    </td>
                    <td className="num mono" title="weight in the desk">
                      ×{fmtNum(v.weight)}
                      {totalW > 0 ? <span className="faint"> ({Math.round((Math.max(0, v.weight) / totalW) * 100)}%)</span> : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </Step>
      <Step n={5} label="Consensus">
        {!c ? (
          <span className="faint">—</span>
        ) : (
          <div className="chain-lines">
            <div>
              {CONSENSUS_LABEL[c.method] ?? c.method}:{' '}
              {c.outcome ? (
                <>
                  voted <Act a={c.outcome} />
                </>
              ) : (
                <span className="warn">failed{c.conflict ? ` (${c.conflict})` : ''}</span>
              )}
            </div>
            {c.outcome && c.conflict ? <div className="warn">conflict: {c.conflict}</div> : null}
            {c.resolution ? (
              <div>
                resolved by {c.resolution} → <Act a={c.decided} />
              </div>
            ) : null}
            {c.riskOverride ? (
              <div className="warn">
                risk manager override → <Act a={c.decided} />
              </div>
            ) : null}
            {!c.resolution && !c.riskOverride ? (
              <div>
                decided <Act a={c.decided} />
              </div>
            ) : null}
          </div>
        )}
      </Step>
      <Step n={6} label="Risk check">
        {!t.risk ? (
          <span className="faint">not checked</span>
        ) : (
          <div className="chain-lines">
            <div className={t.risk.approved ? 'pos' : 'neg'}>
              {t.risk.approved ? 'approved' : 'vetoed'} · {t.risk.reason}
            </div>
            <div className="chips">
              {Object.entries(t.risk.limits).map(([k, v]) => (
                <span key={k} className="chip">
                  <span className="chip-k">{k}</span> <span className="mono">{fmtNum(v)}</span>
                </span>
              ))}
            </div>
          </div>
        )}
      </Step>
      <Step n={7} label="Action">
        <Act a={t.final.action} size={t.final.size} sym={sym(t.final.symbol)} />{' '}
        <span className="mono muted">at {fmtNum(t.final.confidence * 100)}% confidence</span>
      </Step>
    </ol>
    </>
  );
}
