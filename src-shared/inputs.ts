import { z } from 'zod';

/**
 * Inputs: the only way anything outside the engine changes it. Each is applied at a tick boundary
 * and carries the tick it was applied at, so a replay from seed + inputs reproduces the session.
 */
export const MarketParam = z.enum(['volatility', 'liquidity', 'newsRate', 'feeBps']);
export type MarketParam = z.infer<typeof MarketParam>;

export const SetParamInput = z.object({
  kind: z.literal('setParam'),
  param: MarketParam,
  /** multiplier (volatility, liquidity, newsRate) or basis points (feeBps) */
  value: z.number().finite().min(0).max(100),
});

export const HaltInput = z.object({
  kind: z.literal('halt'),
  /** desk index, or null for the whole floor */
  desk: z.number().int().nonnegative().nullable(),
  halted: z.boolean(),
});

export const Input = z.discriminatedUnion('kind', [SetParamInput, HaltInput]);
export type Input = z.infer<typeof Input>;

export const TimedInput = z.object({ tick: z.number().int().nonnegative(), input: Input });
export type TimedInput = z.infer<typeof TimedInput>;
