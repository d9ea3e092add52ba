import { describe, expect, it } from 'vitest';
import type { BullpenEvent } from '../../src-shared/events';
import { LIVE_TRADES_PER_BATCH, liveView } from '../../src-main/host/live-view';

let seq = 0;
const base = () => ({ sessionId: 's', tick: Math.floor(seq / 10), seq: seq++ });
const decision = (agent: number): BullpenEvent => ({
  ...base(),
  type: 'decision',
  agent,
  role: 'MarketAnalyst',
  desk: 0,
  trace: { inputs: {}, signals: [], proposal: { action: 'hold', symbol: 0, size: 0, confidence: 0.5 }, risk: null, final: { action: 'hold', symbol: 0, size: 0, confidence: 0.5 } },
  sentence: `agent ${agent}`,
});
const trade = (): BullpenEvent => ({ ...base(), type: 'trade', symbol: 0, venue: 0, price: 10, qty: 1, side: 'buy', buyAgent: 1, sellAgent: -1 });
const alert = (): BullpenEvent => ({ ...base(), type: 'alert', severity: 'critical', source: 'risk', message: 'halt' });

describe('live view of the event stream', () => {
  it('passes a normal-speed batch through untouched', () => {
    const batch = [decision(1), decision(2), trade(), alert()];
    expect(liveView(batch)).toEqual({ events: batch, skipped: 0 });
  });

  it('at high speed keeps every alert, each agent\'s latest decision and the latest trades, and counts the rest', () => {
    const batch: BullpenEvent[] = [];
    for (let t = 0; t < 100; t++) {
      batch.push(decision(t % 5), trade());
      if (t === 25) batch.push(alert());
    }
    const { events, skipped } = liveView(batch);
    const decisions = events.filter((e) => e.type === 'decision');
    expect(decisions.map((d) => (d.type === 'decision' ? d.sentence : ''))).toEqual(['agent 0', 'agent 1', 'agent 2', 'agent 3', 'agent 4']);
    // the kept decisions are the last ones each agent made
    const lastSeqOf = (agent: number) => Math.max(...batch.filter((e) => e.type === 'decision' && e.agent === agent).map((e) => e.seq));
    for (const d of decisions) if (d.type === 'decision') expect(d.seq).toBe(lastSeqOf(d.agent));
    expect(events.filter((e) => e.type === 'alert')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'trade')).toHaveLength(LIVE_TRADES_PER_BATCH);
    expect(skipped).toBe(batch.length - events.length);
    // order is preserved
    const seqs = events.map((e) => e.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
  });
});
