import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { LIMITS, defaultSessionConfig } from '../../../src-shared/config';
import { checkScenarioTargets, type Scenario, type ScenarioReport } from '../../../src-shared/scenario';
import { Engine } from '../../../src-workers/sim/engine';
import { ScenarioFileError, resolveScenarioArg } from '../../host/scenario-presets';

/**
 * `bullpen sim`: runs a headless, seeded session in this process (no worker), shows a progress bar on
 * stderr, prints a per-desk summary on stdout and, with --export DIR, writes CSVs: bars.csv (OHLCV of
 * each symbol every --bar-ticks ticks), trades.csv (every trade), decisions.csv (every featured
 * decision with its role, trace as JSON and sentence) and equity.csv (each desk's equity per bar).
 */

export interface SimOptions {
  seed: number;
  ticks: number;
  crowd: number;
  symbols: number;
  desks: number;
  barTicks: number;
  export?: string;
  /** preset names or scenario files, injected at the matching `at` tick (default 0) */
  scenario?: string[];
  at?: number[];
}

/** Scenarios to inject, by tick (already validated against the session). */
export interface ScheduledScenario {
  at: number;
  scenario: Scenario;
}

/**
 * Pairs `--scenario` and `--at` (the i-th --at goes with the i-th --scenario; missing ones mean tick
 * 0), loads and validates each scenario, and checks it against the session's symbols and length.
 * Throws a ScenarioFileError naming the problem; nothing is run when one fails.
 */
export function planScenarios(o: SimOptions, symbolNames: readonly string[]): ScheduledScenario[] {
  const names = o.scenario ?? [];
  const ats = o.at ?? [];
  if (ats.length > names.length) throw new ScenarioFileError(`--at given ${ats.length} times but --scenario only ${names.length}: each --at goes with one --scenario`);
  return names.map((arg, i) => {
    const scenario = resolveScenarioArg(arg);
    const at = ats[i] ?? 0;
    if (at >= o.ticks) throw new ScenarioFileError(`--at ${at} for ${arg} is outside the session (it runs ticks 0 to ${o.ticks - 1})`);
    const problems = checkScenarioTargets(scenario, symbolNames);
    if (problems.length > 0) throw new ScenarioFileError(`${arg}: ${problems.join('; ')}`);
    return { at, scenario };
  });
}

export interface SimIO {
  out: (s: string) => void;
  err: (s: string) => void;
  /** draw a progress bar (redrawn in place on a terminal) */
  tty: boolean;
}

function intOption(name: string, min: number, max: number): (value: string) => number {
  return (value: string): number => {
    if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError(`${name} must be a whole number, got "${value}".`);
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be from ${min} to ${max}, got ${value}.`);
    return n;
  };
}

/** Buffered CSV writer (a few hundred kB per write). */
class Csv {
  private fd: number;
  private buf: string[] = [];
  private size = 0;
  rows = 0;
  constructor(path: string, header: string) {
    this.fd = openSync(path, 'w');
    this.line(header);
    this.rows = 0;
  }
  line(s: string): void {
    this.buf.push(s);
    this.size += s.length + 1;
    this.rows++;
    if (this.size > 256 * 1024) this.flush();
  }
  flush(): void {
    if (this.buf.length === 0) return;
    writeSync(this.fd, this.buf.join('\n') + '\n');
    this.buf = [];
    this.size = 0;
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

function q(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function num(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Math.round(x * 1e6) / 1e6);
}

export interface SimSummary {
  ticks: number;
  seconds: number;
  stateHash: string;
  trades: number;
  decisions: number;
  desks: Array<{ desk: number; name: string; pnl: number; sharpe: number; maxDrawdown: number; trades: number; halted: boolean }>;
  files: Record<string, number>;
  scenarios: ScenarioReport[];
}

/** Runs the session; returns the summary (also printed). */
export function runSim(o: SimOptions, io: SimIO): SimSummary {
  const config = defaultSessionConfig({ seed: o.seed, crowd: o.crowd, symbols: o.symbols, desks: o.desks });
  const exporting = o.export !== undefined;
  const engine = new Engine(config, { allTradeEvents: exporting });
  const S = engine.S;
  const names = engine.roster.symbols.map((s) => s.name);
  const plan = planScenarios(o, names);
  const reports: ScenarioReport[] = [];
  let bars: Csv | null = null;
  let trades: Csv | null = null;
  let decisions: Csv | null = null;
  let equity: Csv | null = null;
  if (o.export !== undefined) {
    mkdirSync(o.export, { recursive: true });
    bars = new Csv(join(o.export, 'bars.csv'), 'tick,symbol,name,open,high,low,close,volume');
    trades = new Csv(join(o.export, 'trades.csv'), 'tick,seq,symbol,name,venue,price,qty,aggressor,buy_agent,sell_agent');
    decisions = new Csv(join(o.export, 'decisions.csv'), 'tick,seq,agent,desk,role,symbol,proposal,final,confidence,trace,sentence');
    equity = new Csv(join(o.export, 'equity.csv'), 'tick,desk,name,equity,pnl');
  }
  const open = new Float64Array(S);
  const high = new Float64Array(S);
  const low = new Float64Array(S);
  const vol = new Float64Array(S);
  const resetBar = (): void => {
    for (let s = 0; s < S; s++) {
      const p = engine.last[s] as number;
      open[s] = p;
      high[s] = p;
      low[s] = p;
      vol[s] = 0;
    }
  };
  resetBar();
  const t0 = performance.now();
  const width = 30;
  let shown = -1;
  const progress = (t: number): void => {
    const pct = Math.floor((t / o.ticks) * 100);
    if (io.tty) {
      if (pct === shown) return;
      shown = pct;
      const fill = Math.round((pct / 100) * width);
      io.err(`\r[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${String(pct).padStart(3)}%  tick ${t}/${o.ticks}`);
    } else if (pct >= shown + 10 || t === o.ticks) {
      shown = pct - (pct % 10);
      io.err(`sim: ${pct}% (tick ${t}/${o.ticks})\n`);
    }
  };
  for (let t = 0; t < o.ticks; t++) {
    plan.forEach((p, i) => {
      if (p.at === t) engine.applyInput({ kind: 'scenario', id: i + 1, startTick: t, scenario: p.scenario });
    });
    engine.step();
    const events = engine.drainEvents();
    for (const ev of events) if (ev.type === 'scenario' && ev.report) reports.push(ev.report);
    if (exporting) {
      for (const ev of events) {
        if (ev.type === 'trade') {
          trades!.line([ev.tick, ev.seq, ev.symbol, names[ev.symbol], ev.venue === 0 ? 'NOVA' : 'ARC', num(ev.price), num(ev.qty), ev.side, ev.buyAgent, ev.sellAgent].join(','));
        } else if (ev.type === 'decision') {
          const p = ev.trace.proposal;
          decisions!.line(
            [ev.tick, ev.seq, ev.agent, ev.desk, ev.role, names[p.symbol], p.action, ev.trace.final.action, num(p.confidence), q(JSON.stringify(ev.trace)), q(ev.sentence)].join(','),
          );
        }
      }
      for (let s = 0; s < S; s++) {
        const p = engine.last[s] as number;
        if (p > (high[s] as number)) high[s] = p;
        if (p < (low[s] as number)) low[s] = p;
        vol[s] = (vol[s] as number) + (engine.tickVolume[s] as number);
      }
      if (engine.tick % o.barTicks === 0) {
        for (let s = 0; s < S; s++) {
          bars!.line([engine.tick, s, names[s], num(open[s] as number), num(high[s] as number), num(low[s] as number), num(engine.last[s] as number), num(vol[s] as number)].join(','));
        }
        for (const d of engine.desks.info) {
          const eq = engine.desks.deskEquity(engine, d.index);
          equity!.line([engine.tick, d.index, q(d.name), num(eq), num(eq - 1_000_000)].join(','));
        }
        resetBar();
      }
    }
    if ((t & 63) === 0 || t === o.ticks - 1) progress(t + 1);
  }
  if (io.tty) io.err('\n');
  const seconds = (performance.now() - t0) / 1000;
  const m = engine.metrics();
  const files: Record<string, number> = {};
  for (const [name, csv] of [['bars.csv', bars], ['trades.csv', trades], ['decisions.csv', decisions], ['equity.csv', equity]] as const) {
    if (csv) {
      csv.close();
      files[name] = csv.rows;
    }
  }
  const summary: SimSummary = {
    ticks: engine.tick,
    seconds,
    stateHash: engine.stateHash(),
    trades: m.floor.trades,
    decisions: m.agents.reduce((a, x) => a + x.decisions, 0),
    desks: m.desks.map((d) => ({ desk: d.desk, name: d.name, pnl: d.pnl, sharpe: d.sharpe, maxDrawdown: d.maxDrawdown, trades: d.trades, halted: d.halted })),
    files,
    scenarios: reports,
  };
  const f = m.floor;
  const lines: string[] = [];
  lines.push(`bullpen sim: seed ${o.seed}, ${o.ticks} ticks (${(o.ticks * 0.05).toFixed(1)} s of floor time) in ${seconds.toFixed(2)} s — ${Math.round(o.ticks / Math.max(seconds, 1e-9))} ticks/s`);
  lines.push(`floor: ${S} symbols × 2 venues, crowd ${o.crowd}, ${o.desks} desks; ${f.trades} trades, ${f.orders} orders, ${f.crowdDecisions} crowd decisions, ${f.signals} signals, ${f.headlines} headlines, ${f.halts} halts`);
  lines.push(`prices: ${names.map((n, s) => `${n} ${(engine.startPrice[s] as number).toFixed(2)} → ${(engine.last[s] as number).toFixed(2)}`).join(', ')}`);
  lines.push('');
  const header = ['desk', 'P&L', 'Sharpe (per floor-hour)', 'max drawdown', 'trades', 'status'];
  const rows = summary.desks.map((d) => [
    d.name,
    (d.pnl >= 0 ? '+' : '') + d.pnl.toFixed(2),
    d.sharpe.toFixed(2),
    `${(d.maxDrawdown * 100).toFixed(2)}%`,
    String(d.trades),
    d.halted ? 'halted' : 'trading',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const fmtRow = (r: string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
  lines.push(fmtRow(header));
  for (const r of rows) lines.push(fmtRow(r));
  const pctS = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
  for (const r of reports) {
    lines.push('');
    lines.push(`scenario ${r.name} (ticks ${r.startTick}–${r.endTick}${r.cancelled ? ', cancelled' : ''}): index trough ${pctS(r.indexTrough)}, end ${pctS(r.indexEnd)}, half recovered ${r.recoverTicks === null ? 'not yet' : `after ${r.recoverTicks} ticks`}, ${r.halts} halt(s)`);
    lines.push(`  symbols: ${r.perSymbol.map((s) => `${s.name} ${pctS(s.peakToTrough)} (end ${pctS(s.end)})`).join(', ')}`);
    lines.push(`  desks: ${r.desks.map((d) => `${d.name} ${d.pnlImpact >= 0 ? '+' : ''}${d.pnlImpact.toFixed(0)} (max drawdown ${(d.maxDrawdown * 100).toFixed(2)}%)`).join(', ')}`);
  }
  for (const p of plan) if (!reports.some((r) => r.name === p.scenario.name)) lines.push(`scenario ${p.scenario.name}: still running at the end of the session (no report)`);
  lines.push('');
  lines.push(`state hash ${summary.stateHash}`);
  if (o.export !== undefined) lines.push(`exported to ${o.export}: ${Object.entries(files).map(([n, c]) => `${n} (${c} rows)`).join(', ')}`);
  io.out(lines.join('\n') + '\n');
  return summary;
}

export function registerSim(program: Command): void {
  program
    .command('sim')
    .description('run a headless simulation session and print its summary')
    .requiredOption('--seed <n>', 'session seed (0 to 4294967295)', intOption('--seed', 0, 0xffff_ffff))
    .requiredOption('--ticks <n>', 'ticks to simulate (one tick = 50 ms of floor time)', intOption('--ticks', 1, 100_000_000))
    .option('--crowd <n>', `background traders (${LIMITS.crowd.min}–${LIMITS.crowd.max})`, intOption('--crowd', LIMITS.crowd.min, LIMITS.crowd.max), 2000)
    .option('--symbols <n>', `symbols (${LIMITS.symbols.min}–${LIMITS.symbols.max})`, intOption('--symbols', LIMITS.symbols.min, LIMITS.symbols.max), 4)
    .option('--desks <n>', `desks of five agents (${LIMITS.desks.min}–${LIMITS.desks.max})`, intOption('--desks', LIMITS.desks.min, LIMITS.desks.max), 5)
    .option('--bar-ticks <n>', 'ticks per exported bar', intOption('--bar-ticks', 1, 1_000_000), 10)
    .option('--export <dir>', 'write bars.csv, trades.csv, decisions.csv and equity.csv into this folder')
    .option('--scenario <name|file>', 'inject a scenario preset (bullpen scenarios) or a scenario JSON file; repeatable', (v: string, acc: string[] = []) => [...acc, v])
    .option('--at <tick>', 'tick at which the matching --scenario starts (default 0); repeatable', (v: string, acc: number[] = []) => [...acc, intOption('--at', 0, 100_000_000)(v)])
    .action((opts: SimOptions) => {
      try {
        runSim(opts, { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s), tty: process.stderr.isTTY === true });
      } catch (err) {
        if (!(err instanceof ScenarioFileError)) throw err;
        process.stderr.write(`bullpen sim: ${err.message}\n`);
        process.exitCode = 1;
      }
    });
}
