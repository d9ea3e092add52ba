import { z } from 'zod';
import { Action, Role } from './roster';
import { ScenarioReport } from './scenario';

/**
 * Events: the low-rate, inspectable stream. Every event carries its session id, tick and a sequence
 * number that increases by one per event within a session, so consumers can detect gaps.
 */
const base = {
  sessionId: z.string(),
  tick: z.number().int().nonnegative(),
  seq: z.number().int().nonnegative(),
};

export const Side = z.enum(['buy', 'sell']);
export type Side = z.infer<typeof Side>;

export const TradeEvent = z.object({
  ...base,
  type: z.literal('trade'),
  symbol: z.number().int().nonnegative(),
  venue: z.number().int().nonnegative(),
  price: z.number().positive(),
  qty: z.number().positive(),
  /** side of the aggressor */
  side: Side,
  /** featured agent index of buyer/seller, -1 for crowd or none */
  buyAgent: z.number().int(),
  sellAgent: z.number().int(),
});

export const OrderEvent = z.object({
  ...base,
  type: z.literal('order'),
  agent: z.number().int().nonnegative(),
  symbol: z.number().int().nonnegative(),
  venue: z.number().int().nonnegative(),
  side: Side,
  kind: z.enum(['limit', 'market', 'cancel']),
  price: z.number().positive().nullable(),
  qty: z.number().nonnegative(),
});

/** One signal an agent weighed: its raw value, the weight it got and what it says. */
export const Signal = z.object({
  name: z.string(),
  value: z.number(),
  weight: z.number(),
  /** -1 (sell) .. 1 (buy) */
  vote: z.number().min(-1).max(1),
});

export const Proposal = z.object({
  action: Action,
  symbol: z.number().int().nonnegative(),
  size: z.number().nonnegative(),
  confidence: z.number().min(0).max(1),
});

export const Vote = z.object({ agent: z.number().int().nonnegative(), action: Action, confidence: z.number(), weight: z.number() });

export const ConsensusMethod = z.enum(['majority', 'confidenceWeighted', 'unanimous']);
export type ConsensusMethod = z.infer<typeof ConsensusMethod>;

/** How a desk turned its agents' proposals into one action (part of every member's decision trace). */
export const ConsensusTrace = z.object({
  method: ConsensusMethod,
  votes: z.array(Vote),
  /** the action the consensus method produced, or null when it failed (a conflict) */
  outcome: Action.nullable(),
  conflict: z.string().nullable(),
  resolution: z.string().nullable(),
  riskOverride: z.boolean(),
  /** the action after conflict resolution and any risk-manager override, before the risk check */
  decided: Action,
});
export type ConsensusTrace = z.infer<typeof ConsensusTrace>;

/**
 * What a deployed trained policy (training.deploy) wanted, for its popover: the action distribution,
 * the critic's value estimate, and the observation features that moved the decision most.
 */
export const PolicyTrace = z.object({
  checkpointId: z.string(),
  /** discrete actions: each choice's name and probability */
  actions: z.array(z.object({ name: z.string(), probability: z.number().min(0).max(1) })).nullable(),
  /** continuous actions: the Gaussian's mean and standard deviation per dimension */
  mean: z.array(z.number()).nullable(),
  std: z.array(z.number()).nullable(),
  /** V(s), in the reward's units */
  value: z.number(),
  /** gradient × input of the chosen action's log-probability, largest magnitude first */
  attributions: z.array(z.object({ feature: z.string(), value: z.number(), gradXInput: z.number() })),
});
export type PolicyTrace = z.infer<typeof PolicyTrace>;

/** A featured decision's structured trace: the truth from which the sentence is built. */
export const DecisionTrace = z.object({
  inputs: z.record(z.string(), z.union([z.number(), z.string()])),
  signals: z.array(Signal),
  proposal: Proposal,
  risk: z
    .object({ approved: z.boolean(), reason: z.string(), limits: z.record(z.string(), z.number()) })
    .nullable(),
  final: Proposal,
  /** desk decisions: votes, consensus method and outcome, conflict and resolution (absent for solo actions) */
  consensus: ConsensusTrace.nullable().optional(),
  /** decisions of a deployed trained policy */
  policy: PolicyTrace.optional(),
});
export type DecisionTrace = z.infer<typeof DecisionTrace>;

export const DecisionEvent = z.object({
  ...base,
  type: z.literal('decision'),
  agent: z.number().int().nonnegative(),
  role: Role,
  desk: z.number().int().nonnegative(),
  trace: DecisionTrace,
  sentence: z.string(),
});


export const CoordinationEvent = z.object({
  ...base,
  type: z.literal('coordination'),
  desk: z.number().int().nonnegative(),
  symbol: z.number().int().nonnegative(),
  method: z.enum(['majority', 'confidenceWeighted', 'unanimous']),
  votes: z.array(Vote),
  outcome: Action,
  conflict: z.string().nullable(),
  resolution: z.string().nullable(),
  riskOverride: z.boolean(),
});

export const Severity = z.enum(['info', 'warning', 'error', 'critical', 'emergency']);
export type Severity = z.infer<typeof Severity>;

export const AlertEvent = z.object({
  ...base,
  type: z.literal('alert'),
  severity: Severity,
  source: z.string(),
  message: z.string(),
});

export const HeadlineEvent = z.object({
  ...base,
  type: z.literal('headline'),
  symbol: z.number().int().nonnegative().nullable(),
  text: z.string(),
  /** -1..1 */
  sentiment: z.number().min(-1).max(1),
  strength: z.number().nonnegative(),
});

export const InputAppliedEvent = z.object({
  ...base,
  type: z.literal('input'),
  input: z.unknown(),
});

/** A scenario's life: queued, started, a shock started or ended, ended (with its report) or cancelled. */
export const ScenarioEvent = z.object({
  ...base,
  type: z.literal('scenario'),
  phase: z.enum(['queued', 'started', 'shock', 'ended', 'cancelled']),
  scenarioId: z.number().int().nonnegative(),
  name: z.string(),
  message: z.string(),
  report: ScenarioReport.nullable(),
});

export const BullpenEvent = z.discriminatedUnion('type', [
  TradeEvent,
  OrderEvent,
  DecisionEvent,
  CoordinationEvent,
  AlertEvent,
  HeadlineEvent,
  InputAppliedEvent,
  ScenarioEvent,
]);
export type BullpenEvent = z.infer<typeof BullpenEvent>;
export type TradeEvent = z.infer<typeof TradeEvent>;
export type OrderEvent = z.infer<typeof OrderEvent>;
export type DecisionEvent = z.infer<typeof DecisionEvent>;
export type CoordinationEvent = z.infer<typeof CoordinationEvent>;
export type AlertEvent = z.infer<typeof AlertEvent>;
export type HeadlineEvent = z.infer<typeof HeadlineEvent>;
export type ScenarioEvent = z.infer<typeof ScenarioEvent>;
export type EventType = BullpenEvent['type'];
export const EVENT_TYPES = ['trade', 'order', 'decision', 'coordination', 'alert', 'headline', 'input', 'scenario'] as const satisfies readonly EventType[];

/** An event before the host stamps it: the engine fills tick and seq, the host adds the session id. */
export type EngineEvent = BullpenEvent extends infer E ? (E extends BullpenEvent ? Omit<E, 'sessionId'> : never) : never;
