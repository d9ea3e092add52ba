import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { Library } from '../../store/library';
import { getRecording, keyframeTicks, listRecordings, readBars, readEquity, readInputs, readMarks, forEachEvent } from '../../store/recordings';
import { ReplayCursor } from '../../replay/cursor';
import { fmtBytes, fmtTicks, openLibraryOf, openRecordingRef } from './recording-common';

/**
 * `bullpen replay [FILE|ID]`: a recording's timeline summary (header, inputs, marked events, event
 * counts, prices and desk equity at the end); `--at TICK` shows the recorded moment at a tick (by
 * keyframe + re-simulation); without an argument, lists the library's recordings.
 */
export function registerReplay(program: Command): void {
  program
    .command('replay')
    .description('print a recording\'s timeline summary (no argument: list recordings)')
    .argument('[recording]', 'a .bullpen file, or a recording id / id prefix / name in the library')
    .option('--at <tick>', 'show the recorded moment at this tick', (v: string) => {
      if (!/^\d+$/.test(v)) throw new InvalidArgumentError(`--at must be a tick number, got "${v}".`);
      return Number(v);
    })
    .option('--marks <n>', 'marked events to list', (v: string) => Number(v), 40)
    .option('--json', 'print JSON instead of text')
    .action((ref: string | undefined, opts: { at?: number; marks: number; json?: boolean }, cmd: Command) => {
      const out = (s: string): void => void process.stdout.write(s);
      if (ref === undefined) {
        const lib = openLibraryOf(cmd);
        try {
          const recs = listRecordings(lib);
          if (opts.json) out(JSON.stringify(recs.map(({ roster: _r, ...r }) => r)) + '\n');
          else if (recs.length === 0) out(`No recordings in ${lib.path}.\n`);
          else {
            out(`${recs.length} recording(s) in ${lib.path}\n`);
            for (const r of recs) {
              out(
                `${r.id}  ${r.startedAt}  ${r.status.padEnd(11)} ${fmtTicks(r.lastTick - r.firstTick).padStart(7)}  ${fmtBytes(r.bytes).padStart(9)}` +
                  `  ${r.name ?? ''}${r.tags.length ? ` [${r.tags.join(', ')}]` : ''}${r.parentId ? `  fork of ${r.parentId.slice(0, 8)} @${r.forkTick}` : ''}\n`,
              );
            }
          }
        } finally {
          lib.close();
        }
        return;
      }
      const { lib, ref: id } = openRecordingRef(cmd, ref);
      try {
        if (opts.at !== undefined) out(moment(lib, id, opts.at, opts.json === true));
        else out(summary(lib, id, opts.marks, opts.json === true));
      } finally {
        lib.close();
      }
    });
}

function summary(lib: Library, ref: string, maxMarks: number, json: boolean): string {
  const r = getRecording(lib, ref);
  const counts: Record<string, number> = {};
  forEachEvent(lib, r.id, (e) => void (counts[e.type] = (counts[e.type] ?? 0) + 1));
  const inputs = readInputs(lib, r.id);
  const marks = readMarks(lib, r.id);
  const kf = keyframeTicks(lib, r.id);
  const bars = readBars(lib, r.id);
  const equity = readEquity(lib, r.id);
  const lastTick = equity.length > 0 ? (equity[equity.length - 1] as { tick: number }).tick : -1;
  const endEquity = equity.filter((q) => q.tick === lastTick);
  const symbols = r.roster?.symbols ?? [];
  const perSymbol = symbols.map((s) => {
    const b = bars.filter((x) => x.symbol === s.index);
    return {
      symbol: s.name,
      open: b[0]?.open ?? s.startPrice,
      close: b[b.length - 1]?.close ?? s.startPrice,
      high: b.reduce((m, x) => Math.max(m, x.high), -Infinity),
      low: b.reduce((m, x) => Math.min(m, x.low), Infinity),
      volume: b.reduce((m, x) => m + x.volume, 0),
    };
  });
  if (json) {
    const { roster: _roster, ...head } = r;
    return JSON.stringify({ ...head, keyframes: kf.length, eventsByType: counts, inputs, marks: marks.slice(0, maxMarks), symbols: perSymbol, endEquity }) + '\n';
  }
  const lines: string[] = [];
  lines.push(`Recording ${r.id}${r.name ? ` "${r.name}"` : ''}${r.tags.length ? ` [${r.tags.join(', ')}]` : ''}`);
  lines.push(`  status ${r.status}${r.error ? ` (${r.error})` : ''} · Bullpen ${r.appVersion} · started ${r.startedAt}${r.endedAt ? ` · ended ${r.endedAt}` : ''}`);
  if (r.parentId) lines.push(`  fork of ${r.parentId} at tick ${r.forkTick}`);
  lines.push(`  seed ${r.seed} · ${r.config.symbols} symbols · ${r.config.crowd} crowd · ${r.config.desks} desks`);
  lines.push(
    `  ticks ${r.firstTick} → ${r.lastTick} (${fmtTicks(r.lastTick - r.firstTick)} floor time) · ${r.eventCount} events · ${kf.length} keyframes (every ${r.keyframeEvery} ticks) · ${fmtBytes(r.bytes)}`,
  );
  lines.push(`  events: ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`);
  lines.push(`inputs (${inputs.length}):`);
  for (const i of inputs) lines.push(`  tick ${String(i.tick).padStart(7)}  ${JSON.stringify(i.input)}`);
  lines.push(`marked events (${marks.length}${marks.length > maxMarks ? `, first ${maxMarks}` : ''}):`);
  for (const m of marks.slice(0, maxMarks)) lines.push(`  tick ${String(m.tick).padStart(7)}  [${m.kind}] ${m.label}`);
  lines.push('symbols (open → close, high, low, volume):');
  for (const s of perSymbol) lines.push(`  ${s.symbol.padEnd(5)} ${s.open.toFixed(2)} → ${s.close.toFixed(2)}  high ${s.high.toFixed(2)}  low ${s.low.toFixed(2)}  volume ${Math.round(s.volume)}`);
  if (endEquity.length > 0) {
    lines.push(`desk equity at tick ${lastTick}:`);
    for (const q of endEquity) lines.push(`  ${(r.roster?.desks[q.desk]?.name ?? `desk ${q.desk}`).padEnd(14)} ${q.equity.toFixed(2)}`);
  }
  return lines.join('\n') + '\n';
}

function moment(lib: Library, ref: string, tick: number, json: boolean): string {
  const cursor = new ReplayCursor(lib, ref);
  const e = cursor.seek(tick);
  const r = cursor.rec;
  const symbols = Array.from({ length: e.S }, (_, s) => ({ symbol: e.symbolName(s), mark: e.mark[s] as number, last: e.last[s] as number }));
  const desks = Array.from({ length: e.desks.D }, (_, d) => ({ desk: r.roster?.desks[d]?.name ?? `desk ${d}`, equity: e.desks.deskEquity(e, d) }));
  if (json) return JSON.stringify({ id: r.id, tick: e.tick, hash: e.stateHash(), symbols, desks }) + '\n';
  const lines = [`Recording ${r.id} at tick ${e.tick} (${fmtTicks(e.tick)}) · state hash ${e.stateHash()}`];
  for (const s of symbols) lines.push(`  ${s.symbol.padEnd(5)} mark ${s.mark.toFixed(2)}  last ${s.last.toFixed(2)}`);
  for (const d of desks) lines.push(`  ${d.desk.padEnd(14)} equity ${d.equity.toFixed(2)}`);
  return lines.join('\n') + '\n';
}
