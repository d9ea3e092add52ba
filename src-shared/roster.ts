import { z } from 'zod';

export const ROLES = ['MarketAnalyst', 'RiskManager', 'NewsTrader', 'ArbitrageHunter', 'PortfolioBalancer'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export const CROWD_TYPES = ['noise', 'marketMaker', 'momentum', 'value'] as const;
export const CrowdType = z.enum(CROWD_TYPES);
export type CrowdType = z.infer<typeof CrowdType>;

/** Action codes used in frame columns (Int8). */
export const ACTION = { sell: -1, hold: 0, buy: 1 } as const;
export const Action = z.enum(['buy', 'sell', 'hold']);
export type Action = z.infer<typeof Action>;
export function actionCode(a: Action): -1 | 0 | 1 {
  return ACTION[a];
}
export function actionName(code: number): Action {
  return code > 0 ? 'buy' : code < 0 ? 'sell' : 'hold';
}

export const REGIMES = [
  'undetermined',
  'trendingUp',
  'trendingDown',
  'ranging',
  'volatile',
  'lowVolatility',
  'breakout',
  'breakdown',
  'recovery',
] as const;
export const Regime = z.enum(REGIMES);
export type Regime = z.infer<typeof Regime>;

export const SymbolInfo = z.object({
  index: z.number().int().nonnegative(),
  name: z.string(),
  startPrice: z.number().positive(),
  tickSize: z.number().positive(),
});
export type SymbolInfo = z.infer<typeof SymbolInfo>;

export const DeskInfo = z.object({
  index: z.number().int().nonnegative(),
  name: z.string(),
  personality: z.string(),
  consensus: z.enum(['majority', 'confidenceWeighted', 'unanimous']),
});
export type DeskInfo = z.infer<typeof DeskInfo>;

/** A featured agent; its index is its row in the frame's agent columns. */
export const AgentInfo = z.object({
  index: z.number().int().nonnegative(),
  id: z.string(),
  name: z.string(),
  role: Role,
  desk: z.number().int().nonnegative(),
  /** present when a trained policy (training.deploy) drives this agent: its own avatar look and popover */
  policy: z.object({ checkpointId: z.string(), runId: z.string(), label: z.string() }).optional(),
});
export type AgentInfo = z.infer<typeof AgentInfo>;

/** Static description of a session's floor, sent once; frames then carry only numbers. */
export const Roster = z.object({
  symbols: z.array(SymbolInfo),
  venues: z.array(z.string()),
  desks: z.array(DeskInfo),
  agents: z.array(AgentInfo),
  /** Crowd trader types as indices into CROWD_TYPES, one per crowd trader. */
  crowdTypes: z.array(z.number().int().min(0).max(CROWD_TYPES.length - 1)),
});
export type Roster = z.infer<typeof Roster>;
