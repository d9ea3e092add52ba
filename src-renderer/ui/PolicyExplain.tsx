import type { PolicyTrace } from '../../src-shared/events';
import { fmtNum } from './DecisionChain';
import './policy.css';

/**
 * Why a deployed trained policy acted (trace.policy): its action probabilities as bars (or, for a
 * continuous action, mean ± std on [−1, 1]), the critic's value estimate, and the observation
 * features that moved the decision most (gradient × input of the chosen action's log-probability)
 * as signed bars. Every number is read from the trace.
 *
 * Test hooks: policy-explain (data-checkpoint), policy-action (data-name, data-p), policy-dim,
 * policy-value, policy-attr (data-feature, data-gxi).
 */

/** attributions shown (the trace lists them largest first) */
const TOP = 8;

export function PolicyExplain({ p }: { p: PolicyTrace }) {
  const actions = p.actions ?? [];
  const best = actions.reduce((m, a) => Math.max(m, a.probability), 0);
  const attrs = p.attributions.slice(0, TOP);
  const maxAbs = attrs.reduce((m, a) => Math.max(m, Math.abs(a.gradXInput)), 0) || 1;
  return (
    <div className="pol" data-testid="policy-explain" data-checkpoint={p.checkpointId}>
      <div className="pol-head">
        <span className="pol-badge">trained policy</span>
        <span className="mono faint" title={p.checkpointId}>
          checkpoint {p.checkpointId.slice(0, 8)}
        </span>
        <span className="pol-value" data-testid="policy-value" title="The critic's value estimate V(s), in the reward's units">
          V(s) <span className="mono">{fmtNum(p.value)}</span>
        </span>
      </div>

      {actions.length > 0 ? (
        <table className="pol-table" aria-label="Action probabilities">
          <tbody>
            {actions.map((a) => (
              <tr key={a.name} data-testid="policy-action" data-name={a.name} data-p={a.probability} className={a.probability === best ? 'pol-best' : ''}>
                <td className="pol-name">{a.name}</td>
                <td className="pol-barcell">
                  <span className="pol-bar">
                    <span className="pol-fill" style={{ width: `${Math.max(0, Math.min(1, a.probability)) * 100}%` }} />
                  </span>
                </td>
                <td className="num mono">{fmtNum(a.probability * 100)}%</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}

      {p.mean && p.mean.length > 0 ? (
        <table className="pol-table" aria-label="Action distribution">
          <tbody>
            {p.mean.map((m, i) => {
              const sd = p.std?.[i] ?? 0;
              const pos = (x: number) => `${((Math.max(-1, Math.min(1, x)) + 1) / 2) * 100}%`;
              return (
                <tr key={i} data-testid="policy-dim" data-mean={m} data-std={sd}>
                  <td className="pol-name">{p.mean!.length > 1 ? `target ${i + 1}` : 'target position'}</td>
                  <td className="pol-barcell">
                    <span className="pol-bar pol-range" title="mean ± std on [−1, 1] (fraction of the position limit)">
                      <span className="pol-std" style={{ left: pos(m - sd), width: `calc(${pos(m + sd)} - ${pos(m - sd)})` }} />
                      <span className="pol-mean" style={{ left: pos(m) }} />
                    </span>
                  </td>
                  <td className="num mono">
                    {fmtNum(m)} ± {fmtNum(sd)}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}

      {attrs.length > 0 ? (
        <>
          <div className="pol-sub">What moved it most (gradient × input)</div>
          <table className="pol-table pol-attrs" aria-label="Feature attributions">
            <tbody>
              {attrs.map((a) => {
                const w = (Math.abs(a.gradXInput) / maxAbs) * 50;
                return (
                  <tr key={a.feature} data-testid="policy-attr" data-feature={a.feature} data-gxi={a.gradXInput} title={`${a.feature} = ${fmtNum(a.value)}; gradient × input ${fmtNum(a.gradXInput)}`}>
                    <td className="pol-name">
                      {a.feature} <span className="mono faint">{fmtNum(a.value)}</span>
                    </td>
                    <td className="pol-barcell">
                      <span className="pol-bar pol-signed">
                        <span className={a.gradXInput >= 0 ? 'pos' : 'neg'} style={{ left: a.gradXInput >= 0 ? '50%' : `${50 - w}%`, width: `${w}%` }} />
                      </span>
                    </td>
                    <td className={`num mono ${a.gradXInput >= 0 ? 'pos' : 'neg'}`}>
                      {a.gradXInput >= 0 ? '+' : ''}
                      {fmtNum(a.gradXInput)}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      ) : null}
    </div>
  );
}
