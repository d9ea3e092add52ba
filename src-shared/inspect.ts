import { z } from 'zod';
import { CrowdType, Role } from './roster';

/**
 * What the engine answers when asked about one crowd trader or about the floor's performance.
 * These cross the worker and transport boundaries, so they are schemas, not just types.
 */

export const CrowdInspection = z.object({
  index: z.number().int().nonnegative(),
  type: CrowdType,
  symbol: z.number().int().nonnegative(),
  venue: z.number().int().nonnegative(),
  position: z.number(),
  cash: z.number(),
  pnl: z.number(),
  feesPaid: z.number(),
  decisions: z.number().int().nonnegative(),
  lastOrder: z
    .object({
      tick: z.number().int().nonnegative(),
      side: z.enum(['buy', 'sell']),
      kind: z.enum(['limit', 'market', 'quote']),
      price: z.number().nullable(),
      qty: z.number(),
    })
    .nullable(),
  /** why the trader placed its last order, in words built from its state */
  why: z.string(),
});
export type CrowdInspection = z.infer<typeof CrowdInspection>;

const performance = {
  pnl: z.number(),
  realisedPnl: z.number(),
  unrealisedPnl: z.number(),
  sharpe: z.number(),
  sortino: z.number(),
  maxDrawdown: z.number(),
  winRate: z.number(),
  trades: z.number().int().nonnegative(),
  turnover: z.number(),
};

export const AgentMetrics = z.object({
  agent: z.number().int().nonnegative(),
  desk: z.number().int().nonnegative(),
  role: Role,
  weight: z.number(),
  decisions: z.number().int().nonnegative(),
  ...performance,
});
export type AgentMetrics = z.infer<typeof AgentMetrics>;

export const DeskMetrics = z.object({
  desk: z.number().int().nonnegative(),
  name: z.string(),
  equity: z.number(),
  halted: z.boolean(),
  var95: z.number(),
  leverage: z.number(),
  /** mean wall-clock time of one desk decision cycle, microseconds */
  decisionLatencyUs: z.number(),
  /** equity returns behind sharpe and sortino (one per decision cycle); few samples make noisy ratios */
  returnSamples: z.number().int().nonnegative(),
  ...performance,
});
export type DeskMetrics = z.infer<typeof DeskMetrics>;

export const FloorMetrics = z.object({
  ticks: z.number().int().nonnegative(),
  signals: z.number().int().nonnegative(),
  orders: z.number().int().nonnegative(),
  trades: z.number().int().nonnegative(),
  halts: z.number().int().nonnegative(),
  events: z.number().int().nonnegative(),
  eventRate: z.number(),
  crowdDecisions: z.number().int().nonnegative(),
  headlines: z.number().int().nonnegative(),
});
export type FloorMetrics = z.infer<typeof FloorMetrics>;

export const EngineMetrics = z.object({ floor: FloorMetrics, desks: z.array(DeskMetrics), agents: z.array(AgentMetrics) });
export type EngineMetrics = z.infer<typeof EngineMetrics>;

/** A question the host may ask the simulation worker between ticks. */
export type SimQuery = { kind: 'crowd'; index: number } | { kind: 'metrics' } | { kind: 'scenarios' };
