import type { BullpenEvent } from '../../src-shared/events';

/** Trades and orders kept per batch in the live view; a screen cannot show more in 33 ms anyway. */
export const LIVE_TRADES_PER_BATCH = 64;

/**
 * Thins one batch of events for the live push to clients, so that 100x or "max" speed (thousands
 * of decisions per second) does not flood a renderer with JSON. Rare events (alerts, headlines,
 * inputs) always pass; of the frequent ones it keeps what a live screen shows: each agent's latest
 * decision, each desk's latest vote, the most recent trades and orders. Order is preserved.
 */
export function liveView(events: readonly BullpenEvent[]): { events: BullpenEvent[]; skipped: number } {
  const latestDecision = new Map<number, number>();
  const latestVote = new Map<number, number>();
  const marketIdx: number[] = [];
  events.forEach((e, i) => {
    if (e.type === 'decision') latestDecision.set(e.agent, i);
    else if (e.type === 'coordination') latestVote.set(e.desk, i);
    else if (e.type === 'trade' || e.type === 'order') marketIdx.push(i);
  });
  const keep = new Uint8Array(events.length);
  events.forEach((e, i) => {
    if (e.type === 'alert' || e.type === 'headline' || e.type === 'input' || e.type === 'scenario') keep[i] = 1;
  });
  for (const i of latestDecision.values()) keep[i] = 1;
  for (const i of latestVote.values()) keep[i] = 1;
  for (const i of marketIdx.slice(-LIVE_TRADES_PER_BATCH)) keep[i] = 1;
  const kept = events.filter((_, i) => keep[i] === 1);
  return { events: kept, skipped: events.length - kept.length };
}
