import { useEffect, useState } from 'react';
import type { RecordingSummary } from '../../src-shared/recording';
import { floorTime, replay } from '../replay';
import { useFloor } from '../store';
import { useReplay } from '../store/replay';

/**
 * "Open recording": the library's recordings (recording.list) with open, rename, tag, delete, and
 * compare (pick two that share a parent). Test hooks: recording-dialog, recording-list,
 * recording-item-<id> (data-status), btn-open-<id>, btn-compare, btn-close-recordings.
 */

function fmtBytes(b: number): string {
  if (b >= 1024 ** 3) return `${(b / 1024 ** 3).toFixed(1)} GB`;
  if (b >= 1024 ** 2) return `${(b / 1024 ** 2).toFixed(1)} MB`;
  if (b >= 1024) return `${Math.round(b / 1024)} kB`;
  return `${b} B`;
}

function fmtWhen(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export function RecordingsDialog() {
  const list = useReplay((s) => s.recordings);
  const error = useReplay((s) => s.recordingsError);
  const busy = useReplay((s) => s.busy);
  const openId = useReplay((s) => s.open?.recording.id ?? null);
  const liveId = useReplay((s) => s.liveInfo?.sessionId ?? null);
  const floorId = useFloor((s) => s.info?.sessionId ?? null);
  const setDialog = useReplay((s) => s.setDialog);
  const [picked, setPicked] = useState<string[]>([]);
  const live = openId ? liveId : floorId;

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        setDialog(false);
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [setDialog]);

  const pick = (id: string) => setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id].slice(-2)));
  const [a, b] = picked;

  return (
    <div className="modal-backdrop" onClick={() => setDialog(false)}>
      <section className="panel rec-dialog" data-testid="recording-dialog" role="dialog" aria-label="Open recording" onClick={(e) => e.stopPropagation()}>
        <header className="panel-head">
          <h2>Recordings</h2>
          <div className="head-actions">
            <button type="button" className="btn btn-sm btn-ghost" onClick={() => void replay.listRecordings()} title="Reload the list">
              Refresh
            </button>
            <button
              type="button"
              className="btn btn-sm"
              data-testid="btn-compare"
              disabled={!a || !b}
              onClick={() => a && b && void replay.compare(a, b)}
              title="Compare the two recordings ticked (they must share a parent, or one is the other's fork)"
            >
              Compare {picked.length}/2
            </button>
            <button type="button" className="icon-btn" data-testid="btn-close-recordings" aria-label="Close" title="Close (Esc)" onClick={() => setDialog(false)}>
              ×
            </button>
          </div>
        </header>
        {error ? <p className="error-text">Could not list the recordings: {error}</p> : null}
        {list === null && !error ? <p className="empty">Loading…</p> : null}
        {list && list.length === 0 ? <p className="empty">No recordings yet: every session on the floor is recorded.</p> : null}
        {list && list.length > 0 ? (
          <ol className="rec-list" data-testid="recording-list">
            {list.map((r) => (
              <RecordingRow
                key={r.id}
                r={r}
                isLive={r.id === live}
                isOpen={r.id === openId}
                picked={picked.includes(r.id)}
                busy={busy}
                onPick={() => pick(r.id)}
              />
            ))}
          </ol>
        ) : null}
      </section>
    </div>
  );
}

function RecordingRow({ r, isLive, isOpen, picked, busy, onPick }: { r: RecordingSummary; isLive: boolean; isOpen: boolean; picked: boolean; busy: boolean; onPick: () => void }) {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(r.name ?? '');
  const [tag, setTag] = useState('');
  const [confirmDelete, setConfirmDelete] = useState(false);
  const ticks = Math.max(0, r.lastTick - r.firstTick);
  const title = r.name ?? `Session ${r.id.slice(0, 12)}`;
  return (
    <li className={`rec-item ${isOpen ? 'is-open' : ''} ${picked ? 'is-picked' : ''}`} data-testid={`recording-item-${r.id}`} data-status={r.status}>
      <label className="rec-pick" title="Tick two recordings to compare them">
        <input type="checkbox" checked={picked} onChange={onPick} aria-label={`Pick ${title} for compare`} />
      </label>
      <div className="rec-main">
        <div className="rec-title">
          {editing ? (
            <form
              className="rec-rename"
              onSubmit={(e) => {
                e.preventDefault();
                setEditing(false);
                void replay.rename(r.id, name.trim() === '' ? null : name.trim());
              }}
            >
              <input autoFocus value={name} maxLength={200} onChange={(e) => setName(e.target.value)} aria-label="New name" placeholder={`Session ${r.id.slice(0, 12)}`} />
              <button type="submit" className="btn btn-sm">
                Save
              </button>
            </form>
          ) : (
            <strong title={r.id}>{title}</strong>
          )}
          <span className={`rec-status st-${r.status}`}>{isLive ? 'live · recording' : r.status}</span>
          {isOpen ? <span className="rec-status st-open">on the floor</span> : null}
        </div>
        <div className="rec-meta mono">
          seed {r.seed} · {floorTime(ticks)} ({ticks.toLocaleString('en-US')} ticks) · {r.eventCount.toLocaleString('en-US')} events · {fmtBytes(r.bytes)} · {fmtWhen(r.startedAt)}
          {r.parentId ? <span> · fork of {r.parentId.slice(0, 8)} @ t{r.forkTick ?? 0}</span> : null}
        </div>
        <div className="rec-tags">
          {r.tags.map((t) => (
            <span key={t} className="rec-tag">
              {t}
              <button type="button" className="rec-tag-x" aria-label={`Remove tag ${t}`} onClick={() => void replay.tag(r.id, [], [t])}>
                ×
              </button>
            </span>
          ))}
          <form
            className="rec-tag-add"
            onSubmit={(e) => {
              e.preventDefault();
              const t = tag.trim();
              if (t) void replay.tag(r.id, [t.slice(0, 64)], []);
              setTag('');
            }}
          >
            <input value={tag} onChange={(e) => setTag(e.target.value)} placeholder="+ tag" aria-label="Add a tag" maxLength={64} />
          </form>
        </div>
        {r.error ? <p className="error-text small">{r.error}</p> : null}
      </div>
      <div className="rec-actions">
        <button type="button" className="btn btn-primary btn-sm" data-testid={`btn-open-${r.id}`} disabled={busy} onClick={() => void replay.open(r.id)}>
          Open
        </button>
        <button type="button" className="btn btn-ghost btn-sm" onClick={() => setEditing((x) => !x)}>
          Rename
        </button>
        {confirmDelete ? (
          <button type="button" className="btn btn-sm btn-danger" onClick={() => void replay.remove(r.id)} onBlur={() => setConfirmDelete(false)} autoFocus>
            Delete?
          </button>
        ) : (
          <button type="button" className="btn btn-ghost btn-sm" disabled={isLive} title={isLive ? 'Being recorded: stop the session first' : 'Delete this recording'} onClick={() => setConfirmDelete(true)}>
            Delete
          </button>
        )}
      </div>
    </li>
  );
}
