import { useEffect, useRef, useState } from 'react';
import type { Speed } from '../../src-shared/config';
import type { RecordingMark } from '../../src-shared/recording';
import { SPEEDS } from '../controller';
import { fmtSpeed } from '../format';
import { floorTime, installReplaySync, replay } from '../replay';
import { useFloor } from '../store';
import { useReplay } from '../store/replay';
import { CompareView } from './CompareView';
import { RecordingsDialog } from './RecordingsDialog';
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
    </div>
  );
}

const MARK_LABEL: Record<RecordingMark['kind'], string> = { input: 'Injection / input', halt: 'Halt', alert: 'Alert', trade: 'Large trade' };
/** marks drawn on the slider at most (the first ones; jump still reaches all) */
const MAX_MARKS = 600;

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
  // the frames show the moment; the host's answer is the truth right after a command
  const tick = open.playing ? Math.max(frameTick, open.tick) : open.tick;
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
    <section className="replay-bar" data-testid="replay-bar" aria-label="Replay controls">
      <div className="rb-controls">
        <button type="button" className="btn rb-btn" data-testid="btn-prev-mark" disabled={busy} onClick={() => void replay.jump('prev')} title="Previous marked event">
          ⏮
        </button>
        <button type="button" className="btn rb-btn" data-testid="btn-step-back" disabled={busy || tick <= first} onClick={() => void replay.step(-1)} title="One tick back (←)">
          ◀︎ 1
        </button>
        <button
          type="button"
          className="btn btn-primary rb-play"
          data-testid="btn-replay-play"
          onClick={() => void replay.togglePlay()}
          title="Play or pause the recording (Space)"
        >
          {open.playing ? '❚❚ Pause' : '▶ Play'}
        </button>
        <button type="button" className="btn rb-btn" data-testid="btn-step-fwd" disabled={busy || tick >= rec.lastTick} onClick={() => void replay.step(1)} title="One tick forward (→)">
          1 ▶︎
        </button>
        <button type="button" className="btn rb-btn" data-testid="btn-next-mark" disabled={busy} onClick={() => void replay.jump('next')} title="Next marked event">
          ⏭
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
          {marks.slice(0, MAX_MARKS).map((m, i) => (
            <button
              key={`${m.seq}-${i}`}
              type="button"
              className={`rb-mark mark-${m.kind}`}
              style={{ left: pct(Math.min(last, m.tick + 1)) }}
              data-testid={`replay-mark-${i}`}
              data-tick={m.tick}
              data-kind={m.kind}
              title={`t${m.tick} · ${MARK_LABEL[m.kind]}: ${m.label}`}
              aria-label={`${MARK_LABEL[m.kind]} at tick ${m.tick}: ${m.label}`}
              onClick={() => seekTo(m.tick + 1)}
            />
          ))}
        </div>
        <input
          type="range"
          className="rb-seek"
          data-testid="replay-seek"
          min={first}
          max={rec.lastTick}
          step={1}
          value={value}
          aria-label="Seek to tick"
          onChange={(e) => {
            const t = Number(e.target.value);
            setDrag(t);
            seekTo(t);
          }}
        />
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
          ⑂ Fork from here
        </button>
        <button type="button" className="btn rb-live" data-testid="btn-back-live" onClick={() => void replay.backToLive()} title="Close the recording and show the live session">
          ● Back to live
        </button>
      </div>
    </section>
  );
}
