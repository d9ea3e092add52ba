import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { DecisionTrace } from '../../src-shared/events';
import { registerSim, runSim, type SimOptions } from '../../src-main/cli/commands/sim';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'bullpen-sim-'));
  dirs.push(d);
  return d;
}

/** Minimal RFC 4180 parser (quoted fields with doubled quotes, commas inside quotes). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let inQ = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inQ) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') inQ = false;
      else field += c;
    } else if (c === '"') inQ = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  return rows;
}

const quietIO = (): { out: string[]; err: string[]; io: { out: (s: string) => void; err: (s: string) => void; tty: boolean } } => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (s) => out.push(s), err: (s) => err.push(s), tty: false } };
};

describe('bullpen sim', () => {
  const base: SimOptions = { seed: 12, ticks: 300, crowd: 300, symbols: 2, desks: 2, barTicks: 25 };

  it('prints a per-desk summary and exports bars, trades, decisions and equity as CSV', () => {
    const dir = tmp();
    const { out, err, io } = quietIO();
    const sum = runSim({ ...base, export: dir }, io);
    const text = out.join('');
    expect(text).toContain('Trend Desk');
    expect(text).toContain('Reversion Desk');
    expect(text).toMatch(/P&L\s+Sharpe \(per floor-hour\)\s+max drawdown\s+trades/);
    expect(text).toContain(`state hash ${sum.stateHash}`);
    expect(err.join('')).toContain('sim: 100% (tick 300/300)');

    const bars = parseCsv(readFileSync(join(dir, 'bars.csv'), 'utf8'));
    expect(bars[0]).toEqual(['tick', 'symbol', 'name', 'open', 'high', 'low', 'close', 'volume']);
    expect(bars).toHaveLength(1 + (300 / 25) * 2);
    for (const r of bars.slice(1)) {
      const [o, h, l, c] = r.slice(3, 7).map(Number) as [number, number, number, number];
      expect(h).toBeGreaterThanOrEqual(Math.max(o, c));
      expect(l).toBeLessThanOrEqual(Math.min(o, c));
      expect(l).toBeGreaterThan(0);
    }
    expect(bars.slice(1).map((r) => Number(r[0]))).toEqual([25, 25, 50, 50, 75, 75, 100, 100, 125, 125, 150, 150, 175, 175, 200, 200, 225, 225, 250, 250, 275, 275, 300, 300]);

    const trades = parseCsv(readFileSync(join(dir, 'trades.csv'), 'utf8'));
    expect(trades).toHaveLength(1 + sum.trades); // every trade, the crowd's included
    expect(trades[0]).toEqual(['tick', 'seq', 'symbol', 'name', 'venue', 'price', 'qty', 'aggressor', 'buy_agent', 'sell_agent']);

    const dec = parseCsv(readFileSync(join(dir, 'decisions.csv'), 'utf8'));
    expect(dec).toHaveLength(1 + sum.decisions);
    for (const r of dec.slice(1)) {
      const trace = DecisionTrace.parse(JSON.parse(r[9]!));
      expect(r[4]).toBe(trace.inputs.role);
      expect(r[6]).toBe(trace.proposal.action);
      expect(r[7]).toBe(trace.final.action);
      expect(r[10]!.startsWith(`${r[4]} on `)).toBe(true);
    }

    const eq = parseCsv(readFileSync(join(dir, 'equity.csv'), 'utf8'));
    expect(eq).toHaveLength(1 + 12 * 2);
    expect(eq[1]!.slice(0, 3)).toEqual(['25', '0', 'Trend Desk']);
    expect(sum.files).toEqual({ 'bars.csv': 24, 'trades.csv': sum.trades, 'decisions.csv': sum.decisions, 'equity.csv': 24 });
  });

  it('is deterministic: the same seed writes the same files, another seed different ones', () => {
    const a = tmp();
    const b = tmp();
    const c = tmp();
    const sa = runSim({ ...base, ticks: 150, export: a }, quietIO().io);
    const sb = runSim({ ...base, ticks: 150, export: b }, quietIO().io);
    const sc = runSim({ ...base, ticks: 150, seed: 13, export: c }, quietIO().io);
    expect(sb.stateHash).toBe(sa.stateHash);
    for (const f of ['bars.csv', 'trades.csv', 'decisions.csv', 'equity.csv']) expect(readFileSync(join(b, f), 'utf8')).toBe(readFileSync(join(a, f), 'utf8'));
    expect(sc.stateHash).not.toBe(sa.stateHash);
    expect(readFileSync(join(c, 'trades.csv'), 'utf8')).not.toBe(readFileSync(join(a, 'trades.csv'), 'utf8'));
  });

  it('rejects invalid options with an error naming the option', async () => {
    const attempt = async (args: string[]): Promise<CommanderError> => {
      const program = new Command().exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
      registerSim(program);
      try {
        await program.parseAsync(['node', 'bullpen', 'sim', ...args]);
      } catch (e) {
        if (e instanceof CommanderError) return e;
        throw e;
      }
      throw new Error(`accepted ${args.join(' ')}`);
    };
    const cases: Array<[string[], string]> = [
      [['--seed', 'abc', '--ticks', '10'], '--seed'],
      [['--seed', '1', '--ticks', '0'], '--ticks'],
      [['--seed', '1', '--ticks', '10', '--crowd', '100001'], '--crowd'],
      [['--seed', '1', '--ticks', '10', '--symbols', '33'], '--symbols'],
      [['--seed', '1', '--ticks', '10', '--desks', '1.5'], '--desks'],
      [['--seed', '1', '--ticks', '10', '--bar-ticks', '-2'], '--bar-ticks'],
      [['--ticks', '10'], '--seed'],
      [['--seed', '1', '--ticks', '10', '--speed', '2'], '--speed'],
    ];
    for (const [args, name] of cases) {
      const e = await attempt(args);
      expect(e.exitCode, args.join(' ')).not.toBe(0);
      expect(e.message, args.join(' ')).toContain(name);
    }
  });
});
