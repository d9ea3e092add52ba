import { Color } from 'three';
import { CROWD_TYPES, ROLES, type Role } from '../../src-shared/roster';

/** One palette for the floor and the panels (CSS uses the same hex strings). */
export const ROLE_HEX: Record<Role, string> = {
  MarketAnalyst: '#4cc9f0',
  RiskManager: '#ffd166',
  NewsTrader: '#ff6ec7',
  ArbitrageHunter: '#9d8cff',
  PortfolioBalancer: '#ff9f43',
};

export const ROLE_SHORT: Record<Role, string> = {
  MarketAnalyst: 'Analyst',
  RiskManager: 'Risk',
  NewsTrader: 'News',
  ArbitrageHunter: 'Arbitrage',
  PortfolioBalancer: 'Balancer',
};

export const ROLE_LABEL: Record<Role, string> = {
  MarketAnalyst: 'Market analyst',
  RiskManager: 'Risk manager',
  NewsTrader: 'News trader',
  ArbitrageHunter: 'Arbitrage hunter',
  PortfolioBalancer: 'Portfolio balancer',
};

/**
 * How an agent is named on screen. Engine names may repeat the desk ("Trend Desk MarketAnalyst"):
 * the desk prefix is dropped, and a bare role id becomes the readable role name.
 */
export function agentDisplay(agent: { name: string; role: Role }, deskName: string | undefined): { title: string; short: string; isRole: boolean } {
  let n = agent.name.trim();
  if (deskName && n.toLowerCase().startsWith(deskName.toLowerCase())) n = n.slice(deskName.length).trim();
  const isRole = n === '' || n === agent.role || n.replace(/\s+/g, '') === agent.role;
  if (isRole) return { title: ROLE_LABEL[agent.role], short: ROLE_SHORT[agent.role], isRole: true };
  const first = n.split(/\s+/)[0] ?? n;
  return { title: n, short: first.slice(0, 12), isRole: false };
}

export const CROWD_HEX: Record<(typeof CROWD_TYPES)[number], string> = {
  noise: '#7b8bb0',
  marketMaker: '#3aa0ff',
  momentum: '#ffb347',
  value: '#c08cff',
};

export const CROWD_LABEL: Record<(typeof CROWD_TYPES)[number], string> = {
  noise: 'Noise',
  marketMaker: 'Market makers',
  momentum: 'Momentum',
  value: 'Value',
};

export const BUY_HEX = '#22e08a';
export const SELL_HEX = '#ff4d5e';
export const HOLD_HEX = '#8a96ad';
export const HALT_HEX = '#3a4150';
/** deployed trained policies: a holographic cyan shimmering toward violet */
export const POLICY_HEX = '#3dfcff';
export const POLICY_ALT_HEX = '#b47cff';

export const ROLE_COLORS: Color[] = ROLES.map((r) => new Color(ROLE_HEX[r]));
export const CROWD_COLORS: Color[] = CROWD_TYPES.map((t) => new Color(CROWD_HEX[t]));
export const BUY = new Color(BUY_HEX);
export const SELL = new Color(SELL_HEX);
export const HOLD = new Color(HOLD_HEX);
export const HALT = new Color(HALT_HEX);
export const POLICY = new Color(POLICY_HEX);
export const POLICY_ALT = new Color(POLICY_ALT_HEX);

export const REGIME_LABEL: Record<string, string> = {
  undetermined: 'Undetermined',
  trendingUp: 'Trending up',
  trendingDown: 'Trending down',
  ranging: 'Ranging',
  volatile: 'Volatile',
  lowVolatility: 'Low volatility',
  breakout: 'Breakout',
  breakdown: 'Breakdown',
  recovery: 'Recovery',
};

export const REGIME_HEX: Record<string, string> = {
  undetermined: '#8a96ad',
  trendingUp: '#22e08a',
  trendingDown: '#ff4d5e',
  ranging: '#7fb3ff',
  volatile: '#ffb347',
  lowVolatility: '#9fb4c8',
  breakout: '#3dffb0',
  breakdown: '#ff3d7f',
  recovery: '#b8f06a',
};

/** One colour per desk (leaderboard dots, chart P&L lines). */
export const DESK_HEX = ['#4cc9f0', '#ffd166', '#ff6ec7', '#9d8cff', '#ff9f43', '#22e08a', '#7fb3ff', '#f072b6', '#b8f06a', '#ffa07a'];
