import { CROWD_TYPES, ROLES } from '../../src-shared/roster';
import { BUY_HEX, CROWD_HEX, CROWD_LABEL, HALT_HEX, HOLD_HEX, POLICY_HEX, ROLE_HEX, ROLE_SHORT, SELL_HEX } from '../floor/palette';

const SHAPE: Record<string, string> = {
  MarketAnalyst: 'capsule',
  RiskManager: 'block',
  NewsTrader: 'cone',
  ArbitrageHunter: 'diamond',
  PortfolioBalancer: 'funnel',
};

/** Colour and silhouette key for the floor. */
export function Legend() {
  return (
    <div className="legend" aria-label="Legend">
      <div className="legend-row">
        {ROLES.map((r) => (
          <span key={r} className="legend-item" title={`${r}: ${SHAPE[r]} body, ${ROLE_SHORT[r]} colour on head and floor ring`}>
            <i style={{ background: ROLE_HEX[r] }} />
            {ROLE_SHORT[r]} <em>{SHAPE[r]}</em>
          </span>
        ))}
        <span
          className="legend-item"
          data-testid="legend-policy"
          title="A deployed trained policy (RL): a spinning holographic octahedron head, a cyan floor ring and an RL tag on its name"
        >
          <i style={{ background: POLICY_HEX }} />
          RL policy <em>octahedron head</em>
        </span>
      </div>
      <div className="legend-row">
        <span className="legend-item">
          <i style={{ background: BUY_HEX }} />
          Buy
        </span>
        <span className="legend-item">
          <i style={{ background: SELL_HEX }} />
          Sell
        </span>
        <span className="legend-item">
          <i style={{ background: HOLD_HEX }} />
          Hold
        </span>
        <span className="legend-item">
          <i style={{ background: HALT_HEX }} />
          Halted
        </span>
        <span className="legend-item" title="While a desk votes, a ribbon runs from each voter to the desk: colour = the voter's action, width = its vote's weight, dashed = it disagreed with the outcome; red pulse = a conflict">
          <i className="legend-line" style={{ background: `linear-gradient(90deg, ${BUY_HEX}, ${SELL_HEX})` }} />
          Votes
        </span>
        <span className="legend-sep" />
        {CROWD_TYPES.map((t) => (
          <span key={t} className="legend-item" title="crowd trader type">
            <i className="dot" style={{ background: CROWD_HEX[t] }} />
            {CROWD_LABEL[t]}
          </span>
        ))}
      </div>
    </div>
  );
}
