import { useEffect, useState } from 'react';
import type { SessionStatus } from '../../src-shared/api';
import { renderStats } from '../floor/stats';
import { fmtInt, fmtRate } from '../format';
import { useFloor } from '../store';

/** p95 of the last ≤ 120 frames' JavaScript time (a start-up stall ages out). */
function p95(): number | null {
  const n = Math.min(renderStats.frameJsCount, 120);
  if (n === 0) return null;
  const cap = renderStats.frameJs.length;
  const a: number[] = [];
  for (let i = 1; i <= n; i++) a.push(renderStats.frameJs[(renderStats.frameJsHead - i + cap) % cap] ?? 0);
  a.sort((x, y) => x - y);
  return a[Math.min(a.length - 1, Math.floor(a.length * 0.95))] ?? null;
}

/** The live session's recorder (status.recording): state and how far the disk is behind. */
function recordingRows(r: SessionStatus['recording']): [string, string, string, string?][] {
  if (!r) return [['Recording', 'off', 'This host records nothing']];
  const state = r.state === 'recording' ? (r.backpressure ? 'recording · held' : 'recording') : r.state;
  const lag = r.lagMs >= 1000 ? `${(r.lagMs / 1000).toFixed(1)} s` : `${Math.round(r.lagMs)} ms`;
  return [
    ['Recording', state, 'The live session is written to the library (SQLite); “held”: the engine waits for the disk', r.state === 'failed' ? 'sys-rec-failed' : ''],
    ['Rec. lag', r.state === 'recording' ? lag : '—', `Age of the oldest event not yet on disk · ${fmtInt(r.pendingEvents)} pending, ${fmtInt(r.committedEvents)} on disk`, r.lagMs > 1000 ? 'sys-rec-lag' : ''],
  ];
}

/**
 * Session and system: tick, event and frame rates, worker health, and the renderer's own cost
 * (draw calls, JavaScript per frame). Refreshed 2×/s. Test hook: system-panel.
 */
export function SystemPanel() {
  const show = useFloor((s) => s.showSystem);
  const toggle = useFloor((s) => s.toggle);
  const status = useFloor((s) => s.status);
  const batchRate = useFloor((s) => s.batchRate);
  const fps = useFloor((s) => s.fps);
  const conn = useFloor((s) => s.conn.state);
  const [gpu, setGpu] = useState({ calls: 0, tris: 0, js: null as number | null });
  useEffect(() => {
    if (!show) return;
    const t = setInterval(() => setGpu({ calls: renderStats.lastCalls, tris: renderStats.lastTriangles, js: p95() }), 500);
    return () => clearInterval(t);
  }, [show]);
  if (!show) {
    return (
      <button type="button" className="panel-tab panel-tab-left" onClick={() => toggle('showSystem', true)} title="Show session & system (S)">
        System
      </button>
    );
  }
  const health = conn !== 'open' ? 'unknown' : (status?.health ?? 'idle');
  const ticking = health === 'running' && !status?.paused;
  const rows: [string, string, string, string?][] = [
    ['Ticks/s', ticking ? fmtRate(status?.tickRate ?? 0) : '0', 'Simulation ticks per second (host, last second)'],
    ['Events/s', ticking ? fmtRate(status?.eventRate ?? 0) : '0', 'Events per second (orders, trades, decisions, votes, alerts)'],
    ['Batches/s', fmtRate(batchRate), 'Frame batches received per second'],
    ['FPS', String(fps), 'Frames drawn per second'],
    ['JS p95', gpu.js === null ? '—' : `${gpu.js.toFixed(1)} ms`, '95th percentile of JavaScript time per frame (last 120 frames)'],
    ['Draw calls', fmtInt(gpu.calls), 'WebGL draw calls in the last frame'],
    ['Triangles', fmtInt(gpu.tris), 'Triangles in the last frame'],
    ['Worker', status?.paused && health === 'running' ? 'paused' : health, 'Simulation worker health', `health-${health}`],
    ...recordingRows(status?.recording),
  ];
  return (
    <section className="panel system-panel" aria-label="Session and system" data-testid="system-panel">
      <header className="panel-head">
        <h2>Session &amp; system</h2>
        <button type="button" className="icon-btn" onClick={() => toggle('showSystem', false)} aria-label="Hide system panel" title="Hide (S)">
          ×
        </button>
      </header>
      <dl className="sys-grid">
        {rows.map(([k, v, tip, cls]) => (
          <div key={k} title={tip}>
            <dt>{k}</dt>
            <dd className={`mono ${cls ?? ''}`}>{v}</dd>
          </div>
        ))}
      </dl>
      {status?.error ? <p className="error-text small">{status.error}</p> : null}
      {status?.recording?.error ? <p className="error-text small">Recording: {status.recording.error}</p> : null}
    </section>
  );
}
