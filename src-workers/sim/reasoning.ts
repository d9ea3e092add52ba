/**
 * Plain-language sentences built ONLY from a decision trace: every name, action and number in the
 * sentence is read from the trace (numbers printed with `fmt`, so a reader can find each in it).
 * Nothing else (no engine state, no desk object) is passed in, so the sentence cannot claim more
 * than the trace holds.
 */
import type { DecisionTrace } from '../../src-shared/events';

/** Numbers in sentences: at most 2 decimals, trailing zeros dropped. */
export function fmt(x: number): string {
  const r = Math.round(x * 100) / 100;
  return (Object.is(r, -0) ? 0 : r).toString();
}

const ACTION_WORD = { buy: 'BUY', sell: 'SELL', hold: 'HOLD' } as const;

function str(v: number | string | undefined, fallback: string): string {
  return typeof v === 'string' ? v : fallback;
}

export function sentenceFromTrace(trace: DecisionTrace): string {
  const i = trace.inputs;
  const who = `${str(i.role, 'Agent')} on ${str(i.desk, 'its desk')}`;
  const sym = str(i.symbolName, `symbol ${trace.proposal.symbol}`);
  const p = trace.proposal;
  const top = [...trace.signals].sort((a, b) => Math.abs(b.weight * b.vote) - Math.abs(a.weight * a.vote)).slice(0, 2);
  const why = top.length > 0 ? `: ${top.map((s) => `${s.name} ${fmt(s.value)} (weight ${fmt(s.weight)})`).join(' and ')}` : '';
  const propose = p.action === 'hold' ? `proposes HOLD on ${sym}` : `proposes ${ACTION_WORD[p.action]} ${fmt(p.size)} ${sym}`;
  const first = `${who} ${propose} at ${fmt(p.confidence * 100)}% confidence${why}.`;

  const parts: string[] = [];
  const c = trace.consensus;
  if (c) {
    parts.push(c.outcome ? `The desk voted ${ACTION_WORD[c.outcome]} by ${c.method}` : `The desk's ${c.method} vote failed (${c.conflict ?? 'conflict'})`);
    if (c.resolution) parts.push(`resolved by ${c.resolution} to ${ACTION_WORD[c.decided]}`);
    if (c.riskOverride) parts.push(`the risk manager overrode it to ${ACTION_WORD[c.decided]}`);
  }
  const f = trace.final;
  if (trace.risk) parts.push(trace.risk.approved ? `risk approved` : `risk vetoed it (${trace.risk.reason})`);
  parts.push(f.action === 'hold' ? 'final: HOLD' : `final: ${ACTION_WORD[f.action]} ${fmt(f.size)} ${sym}`);
  const second = parts.join('; ');
  return `${first} ${second.charAt(0).toUpperCase()}${second.slice(1)}.`;
}
