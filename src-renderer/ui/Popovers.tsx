import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { DecisionEvent } from '../../src-shared/events';
import type { CrowdInspection } from '../../src-shared/inspect';
import { actionName, CROWD_TYPES, type Roster } from '../../src-shared/roster';
import { commands } from '../controller';
import { anchored, placeAnchored, type Anchored } from '../floor/anchors';
import { agentDisplay, CROWD_HEX, ROLE_HEX, ROLE_LABEL } from '../floor/palette';
import { fmtMoney } from '../format';
import { frames } from '../frames';
import { loadTimeline } from '../replay';
import { useReplay } from '../store/replay';
import { targetKey, useFloor, type InspectTarget } from '../store';
import { DecisionChain, fmtNum } from './DecisionChain';

/**
 * Popovers anchored to clicked avatars: ONE open popover (not a DOM node per avatar) plus the
 * pinned ones. Their screen position is written by floor/anchors.ts every rendered frame (a CSS
 * transform, never React state); their contents refresh 5×/s from frames.ts.
 *
 * Test hooks: popover (data-kind agent|crowd, data-index, data-pinned true|false), agent-panel
 * (the open agent popover's body), chain, chain-signal, chain-sentence, timeline, timeline-item,
 * btn-pin, btn-close-popover, btn-expand (pinned agent popovers start compact), crowd-type.
 */
export function Popovers() {
  const inspected = useFloor((s) => s.inspected);
  const pinned = useFloor((s) => s.pinned);
  const roster = useFloor((s) => s.info?.roster ?? null);
  if (!roster) return null;
  return (
    <div className="popover-layer">
      {pinned.map((t) => (
        <Popover key={`pin-${targetKey(t)}`} target={t} pinned roster={roster} />
      ))}
      {inspected ? <Popover key={`open-${targetKey(inspected)}`} target={inspected} pinned={false} roster={roster} /> : null}
    </div>
  );
}

interface Live {
  position: number;
  pnl: number;
  action: number;
  confidence: number;
  halted: boolean;
}

function readLive(t: InspectTarget): Live | null {
  const b = frames.batch;
  if (!b) return null;
  if (t.kind === 'agent') {
    const a = b.latest.agents;
    if (t.index >= a.position.length) return null;
    return {
      position: a.position[t.index] ?? 0,
      pnl: a.pnl[t.index] ?? 0,
      action: a.action[t.index] ?? 0,
      confidence: a.confidence[t.index] ?? 0,
      halted: (a.halted[t.index] ?? 0) > 0,
    };
  }
  const c = b.latest.crowd;
  if (t.index >= c.position.length) return null;
  return { position: c.position[t.index] ?? 0, pnl: c.pnl[t.index] ?? 0, action: c.action[t.index] ?? 0, confidence: 0, halted: false };
}

/** Re-renders its caller 5×/s (panels stay under ~10 renders per second). */
function useTicker(ms = 200): number {
  const [n, setN] = useState(0);
  useEffect(() => {
    const t = setInterval(() => setN((x) => x + 1), ms);
    return () => clearInterval(t);
  }, [ms]);
  return n;
}

function Popover({ target, pinned, roster }: { target: InspectTarget; pinned: boolean; roster: Roster }) {
  const box = useRef<HTMLDivElement | null>(null);
  const line = useRef<HTMLDivElement | null>(null);
  const dot = useRef<HTMLDivElement | null>(null);

  // follow the target on screen (placement happens in the render loop, see floor/anchors.ts)
  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const a: Anchored = { target, box: el, line: line.current, dot: dot.current, w: el.offsetWidth, h: el.offsetHeight };
    anchored.add(a);
    placeAnchored();
    const ro = new ResizeObserver(() => {
      a.w = el.offsetWidth;
      a.h = el.offsetHeight;
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      anchored.delete(a);
    };
  }, [target]);

  const kind = target.kind;
  return (
    <>
      <div ref={line} className={`popover-line ${pinned ? 'pinned' : ''}`} aria-hidden="true" />
      <div ref={dot} className={`popover-dot ${pinned ? 'pinned' : ''}`} aria-hidden="true" />
      <section
        ref={box}
        className={`popover ${pinned ? 'is-pinned' : ''} popover-${kind}`}
        data-testid="popover"
        data-kind={kind}
        data-index={target.index}
        data-pinned={pinned ? 'true' : 'false'}
        role="dialog"
        aria-label={kind === 'agent' ? 'Agent details' : 'Crowd trader details'}
      >
        {kind === 'agent' ? (
          <AgentPopover index={target.index} pinned={pinned} roster={roster} />
        ) : (
          <CrowdPopover index={target.index} pinned={pinned} roster={roster} />
        )}
      </section>
    </>
  );
}

function HeadButtons({ target, pinned, focus }: { target: InspectTarget; pinned: boolean; focus?: () => void }) {
  const pin = useFloor((s) => s.pin);
  const unpin = useFloor((s) => s.unpin);
  const inspect = useFloor((s) => s.inspect);
  return (
    <div className="head-actions">
      {focus ? (
        <button type="button" className="btn btn-ghost btn-sm" onClick={focus} title="Fly to this agent (F)">
          Focus
        </button>
      ) : null}
      <button
        type="button"
        className={`btn btn-ghost btn-sm ${pinned ? 'active' : ''}`}
        data-testid="btn-pin"
        aria-pressed={pinned}
        onClick={() => (pinned ? unpin(target) : pin(target))}
        title={pinned ? 'Unpin: close this popover' : 'Pin: keep this popover open (Esc does not close it)'}
      >
        {pinned ? 'Pinned' : 'Pin'}
      </button>
      <button
        type="button"
        className="icon-btn"
        data-testid="btn-close-popover"
        onClick={() => (pinned ? unpin(target) : inspect(null))}
        aria-label="Close"
        title={pinned ? 'Close' : 'Close (Esc)'}
      >
        ×
      </button>
    </div>
  );
}

function Stat({ label, children, cls = '', title }: { label: string; children: React.ReactNode; cls?: string; title?: string }) {
  return (
    <div title={title}>
      <dt>{label}</dt>
      <dd className={cls}>{children}</dd>
    </div>
  );
}

function pnlClass(v: number | undefined): string {
  return v === undefined ? '' : v > 0 ? 'pos' : v < 0 ? 'neg' : '';
}

type HistoryState = 'loading' | 'ready' | 'error';

function AgentPopover({ index, pinned, roster }: { index: number; pinned: boolean; roster: Roster }) {
  useTicker(200);
  const focusOnAgent = useFloor((s) => s.focusOnAgent);
  const [history, setHistory] = useState<HistoryState>('loading');
  const [historyError, setHistoryError] = useState('');
  /** seq of the decision shown in the chain; null = follow the latest */
  const [chosen, setChosen] = useState<number | null>(null);
  /** pinned popovers start compact (sentence only) so several fit on screen */
  const [expanded, setExpanded] = useState(!pinned);
  // a link (a scenario report's action line) asks this popover to show one decision
  const decisionFocus = useFloor((s) => s.decisionFocus);
  useEffect(() => {
    if (pinned || !decisionFocus || decisionFocus.agent !== index) return;
    setChosen(decisionFocus.seq);
    setExpanded(true);
  }, [decisionFocus, index, pinned]);

  // in a replay: the recorded decisions up to the moment shown, reloaded when the moment jumps
  const moment = useReplay((s) => s.moment);
  useEffect(() => {
    let alive = true;
    setHistory('loading');
    loadTimeline(index, 50)
      .then(() => alive && setHistory('ready'))
      .catch((err: unknown) => {
        if (!alive) return;
        setHistory('error');
        setHistoryError(err instanceof Error ? err.message : String(err));
      });
    return () => {
      alive = false;
    };
  }, [index, moment]);

  const agent = roster.agents[index];
  if (!agent) return <p className="empty">Unknown agent #{index}.</p>;
  const desk = roster.desks[agent.desk];
  const disp = agentDisplay(agent, desk?.name);
  const live = readLive({ kind: 'agent', index });
  const log: DecisionEvent[] = frames.decisionLog.get(index) ?? [];
  const latest = frames.decisions.get(index) ?? log[log.length - 1] ?? null;
  const shown = chosen !== null ? (frames.linkedDecisions.get(chosen) ?? log.find((e) => e.seq === chosen) ?? latest) : latest;
  const votes = latest?.trace.consensus?.votes ?? [];
  const mine = votes.find((v) => v.agent === index);
  const totalW = votes.reduce((acc, v) => acc + Math.max(0, v.weight), 0);
  const act = live ? actionName(live.action) : 'hold';
  const focus = () => focusOnAgent(index);
  const sym = (i: number) => roster.symbols[i]?.name ?? `#${i}`;

  return (
    <div data-testid={pinned ? undefined : 'agent-panel'}>
      <header className="panel-head popover-head">
        <div>
          <h2 title={agent.name}>{disp.title}</h2>
          <div className="agent-sub">
            <span className="role-chip" style={{ borderColor: ROLE_HEX[agent.role], color: ROLE_HEX[agent.role] }}>
              {ROLE_LABEL[agent.role]}
            </span>
            <span>{desk ? desk.name : `Desk ${agent.desk}`}</span>
          </div>
        </div>
        <HeadButtons target={{ kind: 'agent', index }} pinned={pinned} focus={focus} />
      </header>
      <dl className="agent-stats">
        <Stat label="Action" cls={`act act-${live?.halted ? 'halted' : act}`}>
          {live?.halted ? 'HALTED' : act.toUpperCase()}
          {live && !live.halted ? <span className="mono faint"> {Math.round(live.confidence * 100)}%</span> : null}
        </Stat>
        <Stat label="Position" cls="mono">
          {live ? fmtNum(Math.round(live.position * 100) / 100) : '—'}
        </Stat>
        <Stat label="P&amp;L" cls={`mono ${pnlClass(live?.pnl)}`}>
          {live ? fmtMoney(live.pnl) : '—'}
        </Stat>
        <Stat label="Desk weight" cls="mono" title="This agent's vote weight in its desk (adapts to realised performance), and its share of the desk's total">
          {mine ? (
            <>
              ×{fmtNum(mine.weight)}
              {totalW > 0 ? <span className="faint"> {Math.round((Math.max(0, mine.weight) / totalW) * 100)}%</span> : null}
            </>
          ) : (
            '—'
          )}
        </Stat>
      </dl>

      {shown ? (
        <>
          <div className="reason-head">
            {chosen !== null && shown !== latest ? 'Decision' : 'Latest decision'}
            <span className="mono"> · t{shown.tick} · {sym(shown.trace.final.symbol)}</span>
            {chosen !== null ? (
              <button type="button" className="link-btn" onClick={() => setChosen(null)}>
                back to latest
              </button>
            ) : null}
            <button type="button" className="link-btn" data-testid="btn-expand" aria-expanded={expanded} onClick={() => setExpanded((x) => !x)}>
              {expanded ? 'less' : 'chain & history'}
            </button>
          </div>
          <p className="sentence" data-testid="chain-sentence">
            {shown.sentence}
          </p>
          {expanded ? <DecisionChain d={shown} roster={roster} /> : null}
        </>
      ) : (
        <p className="empty">{history === 'loading' ? 'Loading decisions…' : 'No decision yet: this agent has not acted in this session.'}</p>
      )}

      {!expanded ? null : (
        <>
          <div className="reason-head timeline-head">
            Recent decisions <span className="faint">({log.length})</span>
          </div>
          {history === 'error' ? (
            <p className="error-text">Could not load the history: {historyError}</p>
          ) : log.length === 0 ? (
            <p className="empty">{history === 'loading' ? 'Loading…' : 'None yet.'}</p>
          ) : (
            <ol className="timeline" data-testid="timeline">
              {[...log].reverse().map((e) => {
                const f = e.trace.final;
                const c = e.trace.consensus;
                return (
                  <li key={e.seq}>
                    <button
                      type="button"
                      className={`timeline-item ${shown?.seq === e.seq ? 'current' : ''}`}
                      data-testid="timeline-item"
                      data-seq={e.seq}
                      onClick={() => {
                        if (e.seq !== latest?.seq) frames.linkedDecisions.set(e.seq, e);
                        setChosen(e.seq === latest?.seq ? null : e.seq);
                      }}
                      title={e.sentence}
                    >
                      <span className="mono faint">t{e.tick}</span>
                      <span className={`act act-${e.trace.proposal.action}`}>{e.trace.proposal.action.toUpperCase()}</span>
                      <span className="faint">→</span>
                      <span className={`act act-${f.action}`}>
                        {f.action.toUpperCase()}
                        {f.action !== 'hold' ? ` ${fmtNum(f.size)}` : ''}
                      </span>
                      <span>{sym(f.symbol)}</span>
                      <span className="mono faint">{fmtNum(e.trace.proposal.confidence * 100)}%</span>
                      {c && !c.outcome ? <span className="warn small">conflict</span> : null}
                      {e.trace.risk && !e.trace.risk.approved ? <span className="neg small">veto</span> : null}
                    </button>
                  </li>
                );
              })}
            </ol>
          )}
        </>
      )}
    </div>
  );
}

/** The engine's own view of one crowd trader (last order and why), refreshed once a second while shown. */
function useCrowdInspection(index: number, live: boolean): { data: CrowdInspection | null; error: string } {
  const [data, setData] = useState<CrowdInspection | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    // crowd.inspect asks the live engine: not while a recording is shown
    setData(null);
    if (!live) return;
    let alive = true;
    const load = (): void => {
      commands.inspectCrowd(index).then(
        (r) => {
          if (!alive) return;
          setData(r);
          setError('');
        },
        (err: unknown) => alive && setError(err instanceof Error ? err.message : String(err)),
      );
    };
    load();
    const timer = setInterval(load, 1000);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, [index, live]);
  return { data, error };
}

function CrowdPopover({ index, pinned, roster }: { index: number; pinned: boolean; roster: Roster }) {
  useTicker(200);
  const replaying = useReplay((s) => s.open !== null);
  const inspection = useCrowdInspection(index, !replaying);
  const order = inspection.data?.lastOrder ?? null;
  const typeIdx = roster.crowdTypes[index];
  const type = typeIdx !== undefined ? CROWD_TYPES[typeIdx] : undefined;
  const live = readLive({ kind: 'crowd', index });
  const act = live ? actionName(live.action) : 'hold';
  const label = type ? CROWD_TYPE_LABEL[type] : 'Unknown';
  return (
    <div>
      <header className="panel-head popover-head">
        <div>
          <h2>Crowd trader #{index.toLocaleString('en-US')}</h2>
          <div className="agent-sub">
            <span
              className="role-chip"
              data-testid="crowd-type"
              data-type={type ?? ''}
              style={{ borderColor: type ? CROWD_HEX[type] : undefined, color: type ? CROWD_HEX[type] : undefined }}
            >
              {label}
            </span>
            <span>crowd · the pit</span>
          </div>
        </div>
        <HeadButtons target={{ kind: 'crowd', index }} pinned={pinned} />
      </header>
      <dl className="agent-stats">
        <Stat label="Position" cls="mono">
          {live ? fmtNum(Math.round(live.position * 100) / 100) : '—'}
        </Stat>
        <Stat label="P&amp;L" cls={`mono ${pnlClass(live?.pnl)}`}>
          {live ? fmtMoney(live.pnl) : '—'}
        </Stat>
        <Stat label="Last order" cls={`act act-${act}`} title="Side of this trader's last order (from the frame's crowd action column)">
          {live ? act.toUpperCase() : '—'}
        </Stat>
      </dl>
      <p className="crowd-note">{type ? CROWD_TYPE_BLURB[type] : ''}</p>
      {order ? (
        <p className="small" data-testid="crowd-last-order">
          Last order at tick {order.tick.toLocaleString('en-US')}: {order.side} {fmtNum(order.qty)} {roster.symbols[inspection.data?.symbol ?? 0]?.name ?? ''}{' '}
          {order.kind === 'market' ? 'at market' : order.price !== null ? `${order.kind} at ${fmtNum(order.price)}` : order.kind}
          {' '}on {roster.venues[inspection.data?.venue ?? 0] ?? ''}
        </p>
      ) : null}
      {inspection.data ? (
        <p className="small" data-testid="crowd-why">
          Why: {inspection.data.why}
        </p>
      ) : replaying ? (
        <p className="faint small">Its last order and why are shown on the live floor only.</p>
      ) : inspection.error ? (
        <p className="neg small">{inspection.error}</p>
      ) : (
        <p className="faint small">Asking the engine…</p>
      )}
    </div>
  );
}

const CROWD_TYPE_LABEL: Record<(typeof CROWD_TYPES)[number], string> = {
  noise: 'Noise trader',
  marketMaker: 'Market maker',
  momentum: 'Momentum trader',
  value: 'Value trader',
};

const CROWD_TYPE_BLURB: Record<(typeof CROWD_TYPES)[number], string> = {
  noise: 'Trades at random times and sides: the background flow of the market.',
  marketMaker: 'Quotes both sides around the price and earns the spread.',
  momentum: 'Buys what has been rising and sells what has been falling.',
  value: 'Buys below its estimate of fair value and sells above it.',
};
