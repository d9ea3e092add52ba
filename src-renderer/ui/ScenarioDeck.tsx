import { useEffect, useMemo, useRef, useState } from 'react';
import { checkScenarioTargets, Scenario, SHOCK_KINDS, type MarketParams, type ScenarioState, type ScenarioSummary, type ShockStatus } from '../../src-shared/scenario';
import type { Speed } from '../../src-shared/config';
import { deck } from '../controller';
import { useFloor, type DeckTab } from '../store';
import { useReplay } from '../store/replay';

/**
 * The scenario deck (D): crisis presets and custom scenarios (a form and a JSON editor validated live
 * with the shared zod schema), injected now or at a tick; the queued and active scenarios with their
 * time left and Cancel; live market controls. The emergency halt lives in the status bar and the
 * report of an ended scenario in ScenarioReport.tsx.
 *
 * Test hooks: scenario-deck, deck-tab-<presets|custom|market>, deck-preset-<name>, deck-inject-<name>
 * (deck-inject-custom for the editor), deck-at-tick, deck-json, deck-json-error (one li per issue,
 * data-path), deck-form-add, deck-active (deck-scenario-<id> rows, data-remaining = ticks),
 * deck-cancel-<id>, deck-slider-<param>, deck-reports (deck-report-<id>).
 */

const TICKS_PER_SECOND = 20;

/** Seconds of wall time for `ticks` at the current speed (null when paused or unknown). */
function wallSeconds(ticks: number, speed: Speed | undefined, paused: boolean, observed: number): number | null {
  if (paused) return null;
  const rate = speed === 'max' ? observed : speed !== undefined ? speed * TICKS_PER_SECOND : 0;
  return rate > 0 ? ticks / rate : null;
}

function fmtSecs(s: number | null): string {
  if (s === null) return '';
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 120) return `${Math.round(s)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

export function ScenarioDeck() {
  const show = useFloor((s) => s.showDeck);
  const toggle = useFloor((s) => s.toggle);
  const tab = useFloor((s) => s.deckTab);
  const setTab = useFloor((s) => s.setDeckTab);
  const presets = useFloor((s) => s.presets);
  const sessionId = useFloor((s) => s.info?.sessionId ?? null);
  const [at, setAt] = useState('');
  const viewingRecording = useReplay((s) => s.open !== null);

  // presets once; scenario.active about once a second while the deck is open
  useEffect(() => {
    if (!show || !sessionId) return;
    if (!useFloor.getState().presets) void deck.loadPresets();
    void deck.loadReports();
    void deck.refreshActive();
    const t = setInterval(() => void deck.refreshActive(), 1000);
    return () => clearInterval(t);
  }, [show, sessionId]);

  if (!show) {
    return (
      <button type="button" className="panel-tab panel-tab-right deck-tab-btn" data-testid="btn-deck" onClick={() => toggle('showDeck', true)} title="Open the scenario deck (D)">
        Scenarios
      </button>
    );
  }
  const atTick = at.trim() === '' ? null : Number(at);
  const atValid = atTick === null || (Number.isInteger(atTick) && atTick >= 0);
  const tabs: [DeckTab, string][] = [
    ['presets', 'Presets'],
    ['custom', 'Custom'],
    ['market', 'Market'],
  ];
  return (
    <section className="panel deck-panel" aria-label="Scenario deck" data-testid="scenario-deck">
      <header className="panel-head deck-head">
        <h2 title="Scenario deck (D)">Scenario deck</h2>
        <div className="tabs" role="tablist">
          {tabs.map(([k, label]) => (
            <button
              key={k}
              type="button"
              role="tab"
              aria-selected={tab === k}
              className={`tab ${tab === k ? 'active' : ''}`}
              data-testid={`deck-tab-${k}`}
              onClick={() => setTab(k)}
            >
              {label}
            </button>
          ))}
        </div>
        <button type="button" className="icon-btn" onClick={() => toggle('showDeck', false)} aria-label="Hide scenario deck" title="Hide (D)">
          ×
        </button>
      </header>
      {viewingRecording ? (
        <p className="deck-replay small" data-testid="deck-not-live">
          Viewing a recording — fork to inject. The deck changes only a live session: use <strong>Fork</strong> in the replay bar to get one from this moment.
        </p>
      ) : null}
      <ActiveList />
      <div className="deck-body">
        {tab !== 'market' ? (
          <label className="deck-when" title="Leave empty to inject at the next tick; or give the absolute tick to start at">
            <span className="sb-label">Start</span>
            <input
              type="number"
              min={0}
              step={1}
              inputMode="numeric"
              placeholder="now"
              className={`deck-input mono ${atValid ? '' : 'invalid'}`}
              data-testid="deck-at-tick"
              value={at}
              onChange={(e) => setAt(e.target.value)}
              aria-label="Inject at tick (empty: now)"
            />
            <AtHint at={atTick} valid={atValid} />
          </label>
        ) : null}
        {tab === 'presets' ? <PresetList presets={presets} at={atValid ? atTick : null} disabled={!atValid} /> : null}
        {tab === 'custom' ? <CustomEditor at={atValid ? atTick : null} disabled={!atValid} /> : null}
        {tab === 'market' ? <MarketControls /> : null}
      </div>
      <ReportList />
    </section>
  );
}

function AtHint({ at, valid }: { at: number | null; valid: boolean }) {
  const tick = useFloor((s) => s.tick);
  if (!valid) return <span className="neg small">a whole tick number</span>;
  if (at === null) return <span className="faint small">at the next tick (now t{tick})</span>;
  if (at < tick) return <span className="warn small">tick {at} has passed (now t{tick})</span>;
  return <span className="faint small">in {(at - tick).toLocaleString('en-US')} ticks ({fmtSecs((at - tick) / TICKS_PER_SECOND)} floor time)</span>;
}

// ---- presets --------------------------------------------------------------------------------------

function PresetList({ presets, at, disabled }: { presets: ScenarioSummary[] | null; at: number | null; disabled: boolean }) {
  const [open, setOpen] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  if (!presets) return <p className="empty">Loading presets…</p>;
  if (presets.length === 0) return <p className="empty">No presets installed.</p>;
  return (
    <ul className="deck-presets">
      {presets.map((p) => {
        const expanded = open === p.name;
        return (
          <li key={p.name} className={`deck-preset ${expanded ? 'open' : ''}`} data-testid={`deck-preset-${p.name}`}>
            <div className="deck-preset-row">
              <button type="button" className="deck-preset-title" aria-expanded={expanded} onClick={() => setOpen(expanded ? null : p.name)} title="Show the description and its sources">
                <span className="deck-caret">{expanded ? '▾' : '▸'}</span>
                <span>
                  <strong>{p.title ?? p.name}</strong>
                  <span className="faint mono small"> {p.name}</span>
                </span>
              </button>
              <span className="faint small mono" title="shocks · floor seconds from its start to the end of its last shock">
                {p.shocks}⚡ {Math.round(p.seconds)}s
              </span>
              <button
                type="button"
                className="btn btn-sm btn-inject"
                data-testid={`deck-inject-${p.name}`}
                disabled={disabled || busy === p.name}
                onClick={() => {
                  setBusy(p.name);
                  void deck.inject({ preset: p.name }, at).finally(() => setBusy(null));
                }}
                title={at === null ? 'Inject at the next tick' : `Schedule for tick ${at}`}
              >
                {at === null ? 'Inject now' : `At t${at}`}
              </button>
            </div>
            <p className={`deck-desc ${expanded ? '' : 'clamped'}`}>{p.description}</p>
            {expanded ? (
              <>
                {p.sources.length ? (
                  <ul className="deck-sources">
                    {p.sources.map((s) => (
                      <li key={s}>{s}</li>
                    ))}
                  </ul>
                ) : (
                  <p className="faint small">Synthetic: no single real-world episode.</p>
                )}
                <p className="faint small">
                  Compression {p.compression}× (real seconds per floor second) · {p.shocks} shocks · {p.seconds.toFixed(1)} floor seconds
                </p>
              </>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}

// ---- custom scenarios -------------------------------------------------------------------------------

type Kind = (typeof SHOCK_KINDS)[number];

interface KindSpec {
  label: string;
  magnitude: string;
  def: number;
  min: number;
  max: number;
  step: number;
  effect: (m: number, f: FormState, symbols: string[]) => Record<string, unknown>;
}

interface FormState {
  kind: Kind;
  target: string;
  start: number;
  duration: number;
  magnitude: number;
  headline: string;
}

const KINDS: Record<Kind, KindSpec> = {
  gap: { label: 'Gap (fundamental move)', magnitude: 'move (−0.15 = −15 %)', def: -0.1, min: -0.99, max: 1, step: 0.01, effect: (m) => ({ kind: 'gap', move: m, shape: 'jump' }) },
  liquidity: { label: 'Liquidity drought', magnitude: 'depth × (0.2 = 20 % of normal)', def: 0.2, min: 0.001, max: 10, step: 0.05, effect: (m) => ({ kind: 'liquidity', depth: m, spread: Math.max(1, Math.round(10 / Math.max(m, 0.1)) / 10) }) },
  volatility: { label: 'Volatility burst', magnitude: 'multiplier ×', def: 3, min: 0.01, max: 50, step: 0.5, effect: (m) => ({ kind: 'volatility', multiplier: m }) },
  news: { label: 'Headline', magnitude: 'sentiment (−1 … 1)', def: -0.8, min: -1, max: 1, step: 0.1, effect: (m, f) => ({ kind: 'news', headline: f.headline || 'Breaking news', sentiment: m, strength: 1.5 }) },
  outage: { label: 'Trading halt / outage', magnitude: '(none)', def: 0, min: 0, max: 0, step: 1, effect: () => ({ kind: 'outage', mode: 'halt' }) },
  fatFinger: { label: 'Fat finger (sell)', magnitude: 'quantity (units)', def: 5000, min: 1, max: 1_000_000, step: 500, effect: (m) => ({ kind: 'fatFinger', side: 'sell', qty: Math.round(m) }) },
  contagion: { label: 'Contagion', magnitude: 'beta to the first symbol', def: 1, min: -3, max: 3, step: 0.1, effect: (m, _f, symbols) => ({ kind: 'contagion', source: symbols[0] ?? 0, beta: m }) },
  deleverage: { label: 'Forced deleveraging', magnitude: 'exposure (units)', def: 20000, min: 1, max: 1_000_000, step: 1000, effect: (m) => ({ kind: 'deleverage', side: 'long', exposure: m }) },
  herding: { label: 'Herding (momentum)', magnitude: 'multiplier ×', def: 4, min: 0, max: 50, step: 0.5, effect: (m) => ({ kind: 'herding', multiplier: m }) },
};

function shockFromForm(f: FormState, symbols: string[]): Record<string, unknown> {
  const spec = KINDS[f.kind];
  return {
    start: f.start,
    duration: f.duration,
    targets: { symbols: f.target === 'all' ? 'all' : [f.target], venues: 'all' },
    label: spec.label.toLowerCase(),
    effect: spec.effect(f.magnitude, f, symbols),
  };
}

function documentFrom(shocks: Record<string, unknown>[]): string {
  return JSON.stringify({ name: 'my-scenario', title: 'My scenario', description: 'Built in the scenario deck.', shocks }, null, 2);
}

interface Issue {
  path: string;
  message: string;
}

/** Every problem of the editor's text: JSON syntax, the shared Scenario schema, then this session's symbols. */
function validate(text: string, symbols: string[]): { scenario: Scenario | null; issues: Issue[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { scenario: null, issues: [{ path: '(json)', message: err instanceof Error ? err.message : 'not valid JSON' }] };
  }
  const r = Scenario.safeParse(raw);
  if (!r.success) return { scenario: null, issues: r.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message })) };
  const targets = checkScenarioTargets(r.data, symbols).map((m) => {
    const c = m.indexOf(': ');
    return c > 0 ? { path: m.slice(0, c), message: m.slice(c + 2) } : { path: '(root)', message: m };
  });
  return { scenario: targets.length ? null : r.data, issues: targets };
}

function CustomEditor({ at, disabled }: { at: number | null; disabled: boolean }) {
  const symbols = useFloor((s) => s.info?.roster.symbols.map((x) => x.name).join(',') ?? '');
  const symbolList = useMemo(() => (symbols ? symbols.split(',') : []), [symbols]);
  const [form, setForm] = useState<FormState>({ kind: 'gap', target: 'all', start: 0, duration: 0, magnitude: KINDS.gap.def, headline: 'Breaking: regulator opens probe' });
  const [text, setText] = useState(() => documentFrom([shockFromForm({ kind: 'gap', target: 'all', start: 0, duration: 0, magnitude: -0.1, headline: '' }, [])]));
  const [busy, setBusy] = useState(false);
  const { scenario, issues } = useMemo(() => validate(text, symbolList), [text, symbolList]);
  const spec = KINDS[form.kind];
  const set = (p: Partial<FormState>) => setForm((f) => ({ ...f, ...p }));

  const addShock = (replace: boolean) => {
    const shock = shockFromForm(form, symbolList);
    if (!replace) {
      try {
        const doc: unknown = JSON.parse(text);
        if (doc && typeof doc === 'object' && !Array.isArray(doc)) {
          const shocks: unknown = (doc as Record<string, unknown>).shocks;
          const list = Array.isArray(shocks) ? [...(shocks as unknown[]), shock] : [shock];
          setText(JSON.stringify({ ...(doc as Record<string, unknown>), shocks: list }, null, 2));
          return;
        }
      } catch {
        // not JSON: start a new document
      }
    }
    setText(documentFrom([shock]));
  };

  return (
    <div className="deck-custom">
      <fieldset className="deck-form">
        <legend className="sb-label">Shock</legend>
        <label>
          <span>Kind</span>
          <select value={form.kind} data-testid="deck-form-kind" onChange={(e) => {
            const k = e.target.value as Kind;
            set({ kind: k, magnitude: KINDS[k].def, duration: k === 'gap' || k === 'news' || k === 'fatFinger' ? form.duration : Math.max(form.duration, 30) });
          }}>
            {SHOCK_KINDS.map((k) => (
              <option key={k} value={k}>
                {KINDS[k].label}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>Target</span>
          <select value={form.target} data-testid="deck-form-target" onChange={(e) => set({ target: e.target.value })}>
            <option value="all">all symbols</option>
            {symbolList.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label title="floor seconds after the scenario's start (1 s = 20 ticks)">
          <span>Offset s</span>
          <input type="number" className="deck-input mono" min={0} step={1} value={form.start} data-testid="deck-form-start" onChange={(e) => set({ start: Number(e.target.value) })} />
        </label>
        <label title="floor seconds it lasts (0: instantaneous)">
          <span>Duration s</span>
          <input type="number" className="deck-input mono" min={0} step={1} value={form.duration} data-testid="deck-form-duration" onChange={(e) => set({ duration: Number(e.target.value) })} />
        </label>
        <label className="wide" title={spec.magnitude}>
          <span>Magnitude</span>
          <input
            type="number"
            className="deck-input mono"
            min={spec.min}
            max={spec.max}
            step={spec.step}
            value={form.magnitude}
            disabled={form.kind === 'outage'}
            data-testid="deck-form-magnitude"
            onChange={(e) => set({ magnitude: Number(e.target.value) })}
          />
          <em className="faint small">{spec.magnitude}</em>
        </label>
        {form.kind === 'news' ? (
          <label className="wide">
            <span>Headline</span>
            <input type="text" className="deck-input" maxLength={200} value={form.headline} onChange={(e) => set({ headline: e.target.value })} />
          </label>
        ) : null}
        <div className="deck-form-actions">
          <button type="button" className="btn btn-sm" data-testid="deck-form-add" onClick={() => addShock(false)} title="Append this shock to the document below">
            Add shock to JSON
          </button>
          <button type="button" className="btn btn-sm btn-ghost" onClick={() => addShock(true)} title="Replace the document with one holding only this shock">
            New document
          </button>
        </div>
      </fieldset>
      <label className="sb-label" htmlFor="deck-json">
        Scenario JSON <span className="faint">(schema: docs/SCENARIOS.md)</span>
      </label>
      <textarea
        id="deck-json"
        className={`deck-json mono ${issues.length ? 'invalid' : 'valid'}`}
        data-testid="deck-json"
        spellCheck={false}
        value={text}
        onChange={(e) => setText(e.target.value)}
        aria-invalid={issues.length > 0}
        aria-describedby="deck-json-status"
      />
      <div id="deck-json-status">
        {issues.length ? (
          <ul className="deck-issues" data-testid="deck-json-error" role="alert">
            {issues.map((i, n) => (
              <li key={`${i.path}-${n}`} data-path={i.path}>
                <code>{i.path}</code> {i.message}
              </li>
            ))}
          </ul>
        ) : (
          <p className="deck-ok small">✓ valid: {scenario ? `${scenario.shocks.length} shock${scenario.shocks.length === 1 ? '' : 's'}` : ''}</p>
        )}
      </div>
      <div className="deck-form-actions">
        <button
          type="button"
          className="btn btn-sm btn-inject"
          data-testid="deck-inject-custom"
          disabled={!scenario || disabled || busy}
          title={scenario ? 'Inject this scenario' : 'Fix the issues above first'}
          onClick={() => {
            if (!scenario) return;
            setBusy(true);
            void deck.inject({ scenario }, at).finally(() => setBusy(false));
          }}
        >
          {at === null ? 'Inject now' : `Inject at t${at}`}
        </button>
      </div>
    </div>
  );
}

// ---- active and queued scenarios ------------------------------------------------------------------

interface Group {
  id: number;
  name: string;
  shocks: ShockStatus[];
  active: boolean;
  startTick: number;
  endTick: number;
}

function groupsOf(state: ScenarioState | null): Group[] {
  if (!state) return [];
  const by = new Map<number, Group>();
  for (const s of state.shocks) {
    let g = by.get(s.scenarioId);
    if (!g) {
      g = { id: s.scenarioId, name: s.scenario, shocks: [], active: false, startTick: s.startTick, endTick: s.endTick };
      by.set(s.scenarioId, g);
    }
    g.shocks.push(s);
    g.active ||= s.state === 'active';
    g.startTick = Math.min(g.startTick, s.startTick);
    g.endTick = Math.max(g.endTick, s.endTick);
  }
  return [...by.values()].sort((a, b) => a.id - b.id);
}

function ActiveList() {
  const state = useFloor((s) => s.scenarioState);
  const speed = useFloor((s) => s.status?.speed);
  const paused = useFloor((s) => s.status?.paused ?? false);
  const observed = useFloor((s) => s.observedTickRate);
  const roster = useFloor((s) => s.info?.roster ?? null);
  const groups = groupsOf(state);
  const tick = state?.tick ?? 0;
  return (
    <div className="deck-active" data-testid="deck-active" data-count={groups.length}>
      {groups.length === 0 ? (
        <p className="deck-none faint small">No scenario queued or running.</p>
      ) : (
        groups.map((g) => {
          const remaining = g.active ? Math.max(0, g.endTick - tick) : Math.max(0, g.startTick - tick);
          const secs = wallSeconds(remaining, speed, paused, observed);
          const span = Math.max(1, g.endTick - g.startTick);
          const done = g.active ? Math.min(1, Math.max(0, (tick - g.startTick) / span)) : 0;
          const live = g.shocks.filter((s) => s.state === 'active');
          const queued = g.shocks.length - live.length;
          return (
            <div key={g.id} className={`deck-run ${g.active ? 'is-active' : 'is-queued'}`} data-testid={`deck-scenario-${g.id}`} data-remaining={remaining}>
              <div className="deck-run-head">
                <span className={`deck-state ${g.active ? 'active' : 'queued'}`}>{g.active ? 'ACTIVE' : 'QUEUED'}</span>
                <strong className="deck-run-name" title={g.name}>
                  {g.name}
                </strong>
                <span className="faint mono small">#{g.id}</span>
                <button type="button" className="btn btn-sm btn-cancel" data-testid={`deck-cancel-${g.id}`} onClick={() => void deck.cancel(g.id)} title="Cancel this scenario (its effects stop at the next tick)">
                  Cancel
                </button>
              </div>
              <div className="deck-left mono" title="floor ticks (and wall-clock time at the current speed)">
                {g.active ? '' : 'starts in '}
                <strong>{remaining.toLocaleString('en-US')}</strong> ticks{g.active ? ' left' : ''}
                {secs !== null ? <span className="muted"> · ≈ {fmtSecs(secs)} at {speed === 'max' ? 'max speed' : `${speed ?? 1}×`}</span> : paused ? <span className="muted"> · paused</span> : null}
                {!g.active ? <span className="faint"> · t{g.startTick.toLocaleString('en-US')}</span> : null}
              </div>
              <div className="deck-progress" aria-hidden="true">
                <span style={{ width: `${done * 100}%` }} />
              </div>
              <div className="deck-shocks small">
                {live.slice(0, 4).map((s) => (
                  <span key={s.shock} className="chip" title={`${s.kind} · ends t${s.endTick}`}>
                    {s.label ?? s.kind} <span className="faint mono">{s.remainingTicks}t</span>
                    <button type="button" className="chip-x" aria-label={`Cancel shock ${s.shock + 1}`} title="Cancel just this shock" onClick={() => void deck.cancel(g.id, s.shock)}>
                      ×
                    </button>
                  </span>
                ))}
                {live.length > 4 ? <span className="faint">+{live.length - 4} more</span> : null}
                {queued > 0 ? <span className="faint">{queued} shock{queued === 1 ? '' : 's'} to come</span> : null}
              </div>
            </div>
          );
        })
      )}
      {state && state.halts.length > 0 ? (
        <div className="deck-halts small">
          {state.halts.slice(0, 3).map((h, i) => (
            <span key={i} className="halt-tag" title={h.reason}>
              {h.scope === 'market' ? 'MARKET HALT' : h.scope === 'venue' ? `${roster?.venues[h.venue ?? 0] ?? 'VENUE'} DARK` : `${roster?.symbols[h.symbol ?? 0]?.name ?? 'SYMBOL'} HALT`} → t{h.untilTick}
            </span>
          ))}
        </div>
      ) : null}
    </div>
  );
}

// ---- live market controls ------------------------------------------------------------------------

type Param = 'volatility' | 'liquidity' | 'newsRate' | 'feeBps' | 'mixNoise' | 'mixMarketMaker' | 'mixMomentum' | 'mixValue';

const SLIDERS: { param: Param; label: string; min: number; max: number; step: number; unit: string; tip: string }[] = [
  { param: 'volatility', label: 'Volatility', min: 0, max: 5, step: 0.05, unit: '×', tip: "multiplier of the fundamental's volatility" },
  { param: 'liquidity', label: 'Liquidity', min: 0.05, max: 5, step: 0.05, unit: '×', tip: 'multiplier of market-maker quote size and crowd activity' },
  { param: 'newsRate', label: 'News rate', min: 0, max: 10, step: 0.1, unit: '×', tip: 'multiplier of the headline rate' },
  { param: 'feeBps', label: 'Fee level', min: 0, max: 50, step: 0.5, unit: ' bp', tip: 'taker fee, basis points' },
  { param: 'mixNoise', label: 'Noise traders', min: 0, max: 5, step: 0.05, unit: '×', tip: "crowd mix: noise traders' wake-up rate" },
  { param: 'mixMarketMaker', label: 'Market makers', min: 0, max: 5, step: 0.05, unit: '×', tip: "crowd mix: market makers' wake-up rate" },
  { param: 'mixMomentum', label: 'Momentum', min: 0, max: 5, step: 0.05, unit: '×', tip: "crowd mix: momentum traders' wake-up rate" },
  { param: 'mixValue', label: 'Value', min: 0, max: 5, step: 0.05, unit: '×', tip: "crowd mix: value traders' wake-up rate" },
];

const MIX_KEY: Partial<Record<Param, 'noise' | 'marketMaker' | 'momentum' | 'value'>> = {
  mixNoise: 'noise',
  mixMarketMaker: 'marketMaker',
  mixMomentum: 'momentum',
  mixValue: 'value',
};

function currentOf(state: ScenarioState | null, p: Param): number | null {
  if (!state) return null;
  const mix = MIX_KEY[p];
  if (mix) return state.params.crowdMix[mix];
  return state.params[p as 'volatility' | 'liquidity' | 'newsRate' | 'feeBps'];
}

function MarketControls() {
  const state = useFloor((s) => s.scenarioState);
  const [draft, setDraft] = useState<Partial<Record<Param, number>>>({});
  const pending = useRef<Partial<Record<Param, number>>>({});
  const sentAt = useRef<Partial<Record<Param, number>>>({});
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  const flush = () => {
    timer.current = null;
    const p = pending.current;
    pending.current = {};
    const mix: NonNullable<MarketParams['crowdMix']> = {};
    const params: MarketParams = {};
    for (const [k, v] of Object.entries(p) as [Param, number][]) {
      const m = MIX_KEY[k];
      if (m) mix[m] = v;
      else params[k as 'volatility' | 'liquidity' | 'newsRate' | 'feeBps'] = v;
    }
    if (Object.keys(mix).length) params.crowdMix = mix;
    if (Object.keys(params).length === 0) return;
    const sent = Object.keys(p) as Param[];
    void deck.setParams(params).then(() => {
      // the slider keeps its value until scenario.active reports it (or 3 s pass)
      const at = Date.now();
      for (const k of sent) sentAt.current[k] = at;
    });
  };

  useEffect(() => {
    setDraft((d) => {
      let changed = false;
      const next = { ...d };
      for (const [k, v] of Object.entries(d) as [Param, number][]) {
        if (pending.current[k] !== undefined) continue;
        const cur = currentOf(state, k);
        const at = sentAt.current[k];
        if ((cur !== null && Math.abs(cur - v) < 1e-9) || (at !== undefined && Date.now() - at > 3000)) {
          delete next[k];
          changed = true;
        }
      }
      return changed ? next : d;
    });
  }, [state]);

  const change = (p: Param, v: number) => {
    setDraft((d) => ({ ...d, [p]: v }));
    pending.current[p] = v;
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(flush, 250);
  };

  return (
    <div className="deck-market">
      {!state ? <p className="empty">Reading the live parameters…</p> : null}
      {SLIDERS.map((s, i) => {
        const cur = currentOf(state, s.param);
        const v = draft[s.param] ?? cur ?? (s.param === 'feeBps' ? 0 : 1);
        return (
          <div key={s.param}>
            {i === 4 ? <div className="sb-label deck-sub">Crowd mix</div> : null}
            <label className="deck-slider" title={s.tip}>
              <span className="deck-slider-label">{s.label}</span>
              <input
                type="range"
                min={s.min}
                max={s.max}
                step={s.step}
                value={v}
                disabled={!state}
                data-testid={`deck-slider-${s.param}`}
                onChange={(e) => change(s.param, Number(e.target.value))}
              />
              <span className={`mono deck-slider-value ${draft[s.param] !== undefined ? 'pending' : ''}`} data-testid={`deck-value-${s.param}`}>
                {v.toFixed(s.step < 0.1 ? 2 : 1)}
                {s.unit}
              </span>
            </label>
          </div>
        );
      })}
      <div className="deck-form-actions">
        <button
          type="button"
          className="btn btn-sm btn-ghost"
          disabled={!state}
          title="Volatility, liquidity, news rate and crowd mix back to 1×"
          onClick={() => {
            setDraft({});
            pending.current = {};
            void deck.setParams({ volatility: 1, liquidity: 1, newsRate: 1, crowdMix: { noise: 1, marketMaker: 1, momentum: 1, value: 1 } });
          }}
        >
          Reset multipliers
        </button>
      </div>
    </div>
  );
}

// ---- reports -------------------------------------------------------------------------------------

function ReportList() {
  const reports = useFloor((s) => s.reports);
  const showReport = useFloor((s) => s.showReport);
  if (reports.length === 0) return null;
  return (
    <div className="deck-reports" data-testid="deck-reports">
      <span className="sb-label">Reports</span>
      {[...reports]
        .reverse()
        .slice(0, 4)
        .map((r) => (
          <button key={`${r.scenarioId}-${r.endTick}`} type="button" className="btn btn-sm btn-ghost" data-testid={`deck-report-${r.scenarioId}`} onClick={() => showReport(r.scenarioId)} title={`Report of ${r.name} (#${r.scenarioId})`}>
            {r.name} #{r.scenarioId}
            {r.cancelled ? ' (cancelled)' : ''}
          </button>
        ))}
    </div>
  );
}
