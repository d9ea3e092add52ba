import type { Library } from '../store/library';
import { getRecording, readEquity, readMarks, type RecordingInfo } from '../store/recordings';

/** Capital each desk starts with (src-workers/sim/desks.ts). */
export const DESK_CAPITAL = 1_000_000;

export interface DeskStats {
  pnl: number;
  maxDrawdown: number;
  finalEquity: number;
}

export interface Comparison {
  a: { id: string; halts: number };
  b: { id: string; halts: number };
  /** the parent both share (or the one that is the other's parent) */
  sharedParent: string;
  desks: Array<{ desk: number; name: string; a: DeskStats; b: DeskStats; pnlDiff: number; drawdownDiff: number }>;
  /** equity curves overlaid: per sample tick, desk equity of a and of b (null where one has no sample) */
  curves: Array<{ tick: number; desk: number; a: number | null; b: number | null }>;
}

function stats(points: Array<{ tick: number; equity: number }>): DeskStats {
  let peak = -Infinity;
  let dd = 0;
  for (const p of points) {
    peak = Math.max(peak, p.equity);
    if (peak > 0) dd = Math.max(dd, (peak - p.equity) / peak);
  }
  const last = points[points.length - 1]?.equity ?? DESK_CAPITAL;
  return { pnl: last - DESK_CAPITAL, maxDrawdown: dd, finalEquity: last };
}

function parentOf(r: RecordingInfo): string | null {
  return r.parentId;
}

/** Compares two recordings that share a parent (siblings, or parent and fork). */
export function compareRecordings(lib: Library, refA: string, refB: string): Comparison {
  const a = getRecording(lib, refA);
  const b = getRecording(lib, refB);
  const shared =
    parentOf(a) !== null && parentOf(a) === parentOf(b) ? parentOf(a) : parentOf(b) === a.id ? a.id : parentOf(a) === b.id ? b.id : null;
  if (shared === null) throw new Error(`Recordings ${a.id} and ${b.id} do not share a parent; only forks of one session can be compared.`);
  const qa = readEquity(lib, a.id);
  const qb = readEquity(lib, b.id);
  const D = Math.max(a.config.desks, b.config.desks);
  const desks: Comparison['desks'] = [];
  for (let d = 0; d < D; d++) {
    const sa = stats(qa.filter((q) => q.desk === d));
    const sb = stats(qb.filter((q) => q.desk === d));
    desks.push({ desk: d, name: a.roster?.desks[d]?.name ?? `desk ${d}`, a: sa, b: sb, pnlDiff: sb.pnl - sa.pnl, drawdownDiff: sb.maxDrawdown - sa.maxDrawdown });
  }
  const key = (t: number, d: number): string => `${t}:${d}`;
  const map = new Map<string, { tick: number; desk: number; a: number | null; b: number | null }>();
  for (const q of qa) map.set(key(q.tick, q.desk), { tick: q.tick, desk: q.desk, a: q.equity, b: null });
  for (const q of qb) {
    const m = map.get(key(q.tick, q.desk));
    if (m) m.b = q.equity;
    else map.set(key(q.tick, q.desk), { tick: q.tick, desk: q.desk, a: null, b: q.equity });
  }
  const curves = [...map.values()].sort((x, y) => x.tick - y.tick || x.desk - y.desk);
  const halts = (id: string): number => readMarks(lib, id).filter((m) => m.kind === 'halt').length;
  return { a: { id: a.id, halts: halts(a.id) }, b: { id: b.id, halts: halts(b.id) }, sharedParent: shared, desks, curves };
}
