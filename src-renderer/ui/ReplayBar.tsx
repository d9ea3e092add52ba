import { useEffect, useRef, useState } from 'react';
import type { Speed } from '../../src-shared/config';
import type { RecordingMark } from '../../src-shared/recording';
import { SPEEDS } from '../controller';
import { fmtSpeed } from '../format';
import { floorTime, installReplaySync, replay } from '../replay';
import { useFloor } from '../store';
import { data } from '../store/data';
import { useReplay } from '../store/replay';
import { CompareView } from './CompareView';
import { RecordingsDialog } from './RecordingsDialog';
import { TrainingButton } from './TrainingRoot';
import { TournamentButton } from './TournamentPanel';
import './replay.css';

/**
 * The replay bar (docs/USER-GUIDE.md, "Replay"): the LIVE / REPLAY indicator, the "Open recording"
 * button, and — while a recording is shown — transport controls, a seek slider with the
 * recording's marks, fork and back-to-live. Mounted once by App.
 *
 * Test hooks: mode-indicator (text LIVE | REPLAY), btn-open-recording, replay-bar, replay-seek
 * (<input type=range>), replay-tick, btn-replay-play (text Play | Pause), replay-speed,
 * btn-step-back, btn-step-fwd, btn-prev-mark, btn-next-mark, replay-mark-<i> (data-tick,
 * data-kind), btn-fork, btn-back-live; the dialog's hooks are in RecordingsDialog.tsx.
 */
export function ReplayRoot() {
  useEffect(() => installReplaySync(), []);
  const open = useReplay((s) => s.open);
  const dialog = useReplay((s) => s.showDialog);
  const compare = useReplay((s) => s.compare);
  return (
    <>
      <ModeIndicator />
      {open ? <ReplayBar /> : null}
      {open ? <div className="replay-frame" aria-hidden="true" /> : null}
      {dialog ? <RecordingsDialog /> : null}
      {compare ? <CompareView /> : null}
    </>
  );
}

function ModeIndicator() {
  const open = useReplay((s) => s.open);
  const conn = useFloor((s) => s.conn.state);
  return (
    <div className={`mode-corner ${open ? 'is-replay' : 'is-live'}`}>
      <span
        className={`mode-indicator ${open ? 'mode-replay' : 'mode-live'}`}
        data-testid="mode-indicator"
        title={open ? `Showing recording ${open.recording.id}; the live session keeps running behind it` : 'The floor shows the live session'}
      >
        <span className="mode-dot" aria-hidden="true" />
        {open ? 'REPLAY' : 'LIVE'}
      </span>
      <button
        type="button"
        className="btn btn-sm"
        data-testid="btn-open-recording"
        disabled={conn !== 'open'}
        onClick={() => replay.openDialog()}
        title="Open a recorded session (O)"
      >
        Open recording…
      </button>
      <button
        type="button"
        className="btn btn-sm"
        data-testid="btn-open-data"
        disabled={conn !== 'open'}
        onClick={() => data.openDialog()}
        title="Cached market data: import CSV files, start a historical session"
      >
        Data…
      </button>
      <TrainingButton />
      <TournamentButton />
    </div>
  );
}

const MARK_LABEL: Record<RecordingMark['kind'], string> = { input: 'Injection / input', halt: 'Halt', alert: 'Alert', trade: 'Large trade' };
/** slots across the slider: marks closer than one slot share one button (jump still reaches each) */
const MARK_SLOTS = 360;
/** the colour a shared button takes: the most serious kind in it */
const MARK_RANK: Record<RecordingMark['kind'], number> = { halt: 3, input: 2, alert: 1, trade: 0 };

interface MarkGroup {
  /** index of the group's first mark in the recording's marks (the test hook replay-mark-<i>) */
  i: number;
  m: RecordingMark;
  kind: RecordingMark['kind'];
  all: RecordingMark[];
}

function groupMarks(marks: readonly RecordingMark[], first: number, last: number): MarkGroup[] {
  const bySlot = new Map<number, MarkGroup>();
  marks.forEach((m, i) => {
    // the running session's own recording goes on growing past the ticks opened
    if (m.tick >= last) return;
    const slot = Math.round(((m.tick - first) / Math.max(1, last - first)) * MARK_SLOTS);
    const g = bySlot.get(slot);
    if (!g) bySlot.set(slot, { i, m, kind: m.kind, all: [m] });
    else {
      g.all.push(m);
      if (MARK_RANK[m.kind] > MARK_RANK[g.kind]) g.kind = m.kind;
    }
  });
  return [...bySlot.values()];
}

/**
 * The seek slider: uncontrolled, with native input/change listeners (so a value set from outside,
 * e.g. by an accessibility tool or a test, seeks too); it shows `value` whenever it changes.
 */
function SeekSlider({ min, max, value, onSeek }: { min: number; max: number; value: number; onSeek: (tick: number) => void }) {
  const ref = useRef<HTMLInputElement | null>(null);
  const cb = useRef(onSeek);
  cb.current = onSeek;
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    // every `input` seeks; the `change` that ends a drag seeks only when no `input` said the same
    let last = Number.NaN;
    const onInput = (): void => {
      last = Number(el.value);
      cb.current(last);
    };
    const onChange = (): void => {
      const t = Number(el.value);
      if (t !== last) cb.current(t);
      last = Number.NaN;
    };
    el.addEventListener('input', onInput);
    el.addEventListener('change', onChange);
    return () => {
      el.removeEventListener('input', onInput);
      el.removeEventListener('change', onChange);
    };
  }, []);
  useEffect(() => {
    const el = ref.current;
    if (el && Number(el.value) !== value) el.value = String(value);
  }, [value, min, max]);
  return <input ref={ref} type="range" className="rb-seek" data-testid="replay-seek" min={min} max={max} step={1} defaultValue={value} aria-label="Seek to tick" />;
}

/** A 24×24 outline or filled path icon (the UI font has no media-control glyphs). */
function Icon({ d, stroke = false }: { d: string; stroke?: boolean }) {
  return (
    <svg className="rb-icon" viewBox="0 0 24 24" aria-hidden="true">
      <path d={d} fill={stroke ? 'none' : 'currentColor'} stroke="currentColor" strokeWidth={stroke ? 2 : 1} strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}

function ReplayBar() {
  const open = useReplay((s) => s.open);
  const marks = useReplay((s) => s.marks);
  const busy = useReplay((s) => s.busy);
  const frameTick = useFloor((s) => s.tick);
  /** the slider's value while the analyst drags it (null: follow the moment shown) */
  const [drag, setDrag] = useState<number | null>(null);
  const seeking = useRef<{ inFlight: boolean; next: number | null }>({ inFlight: false, next: null });
  if (!open) return null;
  const rec = open.recording;
  const first = rec.firstTick;
  const last = Math.max(rec.lastTick, first + 1);
  // the moment shown is the latest frame's (the host's last answer until frames arrive)
  const tick = frameTick > 0 ? frameTick : open.tick;
  const value = drag ?? tick;
  const pct = (t: number) => `${(((t - first) / (last - first)) * 100).toFixed(3)}%`;

  const seekTo = (t: number): void => {
    const s = seeking.current;
    if (s.inFlight) {
      s.next = t;
      return;
    }
    s.inFlight = true;
    void replay.seek(t).finally(() => {
      s.inFlight = false;
      const n = s.next;
      s.next = null;
      if (n !== null && n !== t) seekTo(n);
      else setDrag(null);
    });
  };

  const name = rec.name ?? `Session ${rec.id.slice(0, 12)}`;
  return (
    <section className="replay-bar" data-testid="replay-bar" data-busy={busy ? 'true' : 'false'} aria-label="Replay controls">
      <div className="rb-controls">
        <button type="button" className="btn rb-btn" data-testid="btn-prev-mark" disabled={busy} onClick={() => void replay.jump('prev')} title="Previous marked event">
          <Icon d="M6 5v14M18 5l-9 7 9 7z" />
        </button>
        <button type="button" className="btn rb-btn" data-testid="btn-step-back" disabled={busy || tick <= first} onClick={() => void replay.step(-1)} title="One tick back (←)">
          <Icon d="M15 5l-8 7 8 7z" />1
        </button>
        <button
          type="button"
          className="btn btn-primary rb-play"
          data-testid="btn-replay-play"
          onClick={() => void replay.togglePlay()}
          title="Play or pause the recording (Space)"
        >
          {open.playing ? <Icon d="M7 5h3.5v14H7zM13.5 5H17v14h-3.5z" /> : <Icon d="M7 4.5l12 7.5-12 7.5z" />}
          {open.playing ? 'Pause' : 'Play'}
        </button>
        <button type="button" className="btn rb-btn" data-testid="btn-step-fwd" disabled={busy || tick >= rec.lastTick} onClick={() => void replay.step(1)} title="One tick forward (→)">
          1<Icon d="M9 5l8 7-8 7z" />
        </button>
        <button type="button" className="btn rb-btn" data-testid="btn-next-mark" disabled={busy} onClick={() => void replay.jump('next')} title="Next marked event">
          <Icon d="M18 5v14M6 5l9 7-9 7z" />
        </button>
        <select
          data-testid="replay-speed"
          value={String(open.speed)}
          onChange={(e) => void replay.setSpeed((e.target.value === 'max' ? 'max' : Number(e.target.value)) as Speed)}
          title="Replay speed (as fast as possible: max)"
        >
          {SPEEDS.map((s) => (
            <option key={String(s)} value={String(s)}>
              {s === 'max' ? 'max (fastest)' : fmtSpeed(s)}
            </option>
          ))}
        </select>
      </div>

      <div className="rb-track">
        <div className="rb-head">
          <span className="rb-name" title={rec.id}>
            {name}
            {rec.parentId ? <span className="faint"> · fork of {rec.parentId.slice(0, 8)} @ t{rec.forkTick ?? 0}</span> : null}
          </span>
          {open.mark ? (
            <span className={`rb-lastmark mark-${open.mark.kind}`} title={MARK_LABEL[open.mark.kind]}>
              {open.mark.label}
            </span>
          ) : null}
          <span className="rb-legend">
            {(['input', 'halt', 'alert', 'trade'] as const).map((k) => (
              <span key={k} className={`rb-legend-item mark-${k}`}>
                <i aria-hidden="true" />
                {MARK_LABEL[k]}
              </span>
            ))}
          </span>
        </div>
        <div className="rb-marks" aria-label="Marked events">
          <div className="rb-progress" style={{ width: pct(value) }} />
          {groupMarks(marks, first, last).map(({ i, m, kind, all }) => (
            <button
              key={`${m.seq}-${i}`}
              type="button"
              className={`rb-mark mark-${kind}`}
              style={{ left: pct(Math.min(last, m.tick + 1)) }}
              data-testid={`replay-mark-${i}`}
              data-tick={m.tick}
              data-kind={kind}
              title={all
                .slice(0, 6)
                .map((x) => `t${x.tick} · ${MARK_LABEL[x.kind]}: ${x.label}`)
                .join('\n')
                .concat(all.length > 6 ? `\n… and ${all.length - 6} more` : '')}
              aria-label={`${MARK_LABEL[kind]} at tick ${m.tick}: ${m.label}${all.length > 1 ? ` (+${all.length - 1} more)` : ''}`}
              onClick={() => seekTo(m.tick + 1)}
            />
          ))}
        </div>
        <SeekSlider min={first} max={rec.lastTick} value={value} onSeek={(t) => {
          setDrag(t);
          seekTo(t);
        }} />
      </div>

      <div className="rb-time">
        <div className="rb-tick mono">
          t<span data-testid="replay-tick">{tick}</span>
          <span className="faint"> / {rec.lastTick}</span>
        </div>
        <div className="rb-clock mono faint">
          {floorTime(tick - first)} / {floorTime(rec.lastTick - first)}
        </div>
      </div>

      <div className="rb-actions">
        <button type="button" className="btn rb-fork" data-testid="btn-fork" disabled={busy} onClick={() => void replay.fork()} title="Start a new live session from exactly this moment">
          <Icon d="M7 4v6a4 4 0 004 4h2a4 4 0 014 4v2M7 10v10M4.5 17.5 7 20l2.5-2.5M14.5 17.5 17 20l2.5-2.5" stroke />
          Fork from here
        </button>
        <button type="button" className="btn rb-live" data-testid="btn-back-live" onClick={() => void replay.backToLive()} title="Close the recording and show the live session">
          <span className="rb-live-dot" aria-hidden="true" />
          Back to live
        </button>
      </div>
    </section>
  );
}
