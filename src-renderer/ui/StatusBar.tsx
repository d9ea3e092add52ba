import type { Speed } from '../../src-shared/config';
import { useState } from 'react';
import { commands, deck, SPEEDS } from '../controller';
import { fmtInt, fmtRate, fmtSpeed } from '../format';
import { frames } from '../frames';
import { useFloor } from '../store';
import { useReplay } from '../store/replay';

function speedValue(s: Speed | undefined): string {
  return s === undefined ? '1' : String(s);
}

function parseSpeed(v: string): Speed {
  return v === 'max' ? 'max' : Number(v);
}

/** Text of the link indicator (data-state carries the raw ConnState). */
const CONN_LABEL: Record<string, string> = {
  open: 'connected',
  connecting: 'connecting',
  reconnecting: 'reconnecting',
  closed: 'closed',
};

const HEALTH_LABEL: Record<string, string> = {
  unknown: '—',
  idle: 'idle',
  starting: 'starting',
  running: 'running',
  crashed: 'crashed',
  stopped: 'stopped',
};

/**
 * The floor-wide emergency halt: every desk stops trading (session.input halt, desk null) until it
 * is lifted. Shows the engine's last applied halt input, else the frame (every symbol halted
 * everywhere). Test hook: btn-emergency-halt (data-halted true|false).
 */
function EmergencyHalt({ enabled }: { enabled: boolean }) {
  const floorHalt = useFloor((s) => s.floorHalt);
  const allHalted = useFloor((s) => s.board.length > 0 && s.board.every((r) => r.halted === 3));
  const [busy, setBusy] = useState(false);
  // unknown input history: the frame tells — every symbol halted everywhere and every desk stopped
  // (a market-wide circuit breaker halts the symbols but not the desks)
  const agents = frames.batch?.latest.agents.halted;
  const frameHalted = allHalted && !!agents && agents.length > 0 && agents.every((h) => h > 0);
  const halted = floorHalt ?? frameHalted;
  return (
    <button
      type="button"
      className={`btn btn-halt ${halted ? 'is-halted' : ''}`}
      data-testid="btn-emergency-halt"
      data-halted={halted ? 'true' : 'false'}
      aria-pressed={halted}
      disabled={!enabled || busy}
      onClick={() => {
        setBusy(true);
        void deck.haltFloor(!halted).finally(() => setBusy(false));
      }}
      title={halted ? 'Lift the floor-wide halt: desks trade again' : 'Floor-wide emergency halt: every desk stops trading now'}
    >
      {halted ? '▶ RESUME TRADING' : '■ EMERGENCY HALT'}
    </button>
  );
}

/**
 * Bottom status bar. Test hooks: status-tick (text = tick number), btn-pause (text Pause/Resume),
 * speed-select (<select>, values 0.25 … 100 and "max"), conn-state (text connected | connecting |
 * reconnecting | closed; data-state = open | connecting | reconnecting | closed).
 */
export function StatusBar() {
  const status = useFloor((s) => s.status);
  const info = useFloor((s) => s.info);
  const tick = useFloor((s) => s.tick);
  const fps = useFloor((s) => s.fps);
  const obsRate = useFloor((s) => s.observedTickRate);
  const conn = useFloor((s) => s.conn);
  const kind = useFloor((s) => s.transportKind);
  const resetCamera = useFloor((s) => s.resetCamera);
  const toggle = useFloor((s) => s.toggle);

  const online = conn.state === 'open';
  const hasSession = !!info && status?.sessionId === info.sessionId;
  const paused = status?.paused ?? false;
  // a recording is shown: the replay bar has the controls (the live session runs on behind it)
  const replaying = useReplay((s) => s.open !== null);
  // an ended session (historical data ran out) stays on show but has nothing left to pause or speed up
  const canControl = online && hasSession && status?.health !== 'crashed' && status?.health !== 'stopped' && !replaying;
  const speed = status?.speed;
  const options = speed !== undefined && !SPEEDS.includes(speed) ? [...SPEEDS, speed].sort((a, b) => (a === 'max' ? 1 : b === 'max' ? -1 : a - b)) : SPEEDS;
  const featured = status?.agents ?? info?.roster.agents.length ?? 0;
  const crowd = status?.crowd ?? info?.roster.crowdTypes.length ?? 0;
  const health = online ? (status?.health ?? 'idle') : 'unknown';
  const ticking = health === 'running' && !paused;
  const tickRate = !ticking ? 0 : status && status.tickRate > 0 ? status.tickRate : obsRate;

  return (
    <footer className="status-bar" aria-label="Session status">
      <div className="sb-group">
        <button
          type="button"
          className={`btn ${paused ? 'btn-primary' : ''}`}
          data-testid="btn-pause"
          disabled={!canControl}
          onClick={() => void commands.togglePause()}
          title="Pause or resume the simulation (Space)"
        >
          {paused ? 'Resume' : 'Pause'}
        </button>
        <label className="sb-speed" title="Simulation speed ([ and ] to step)">
          <span className="sb-label">Speed</span>
          <select
            data-testid="speed-select"
            value={speedValue(speed)}
            disabled={!canControl}
            onChange={(e) => void commands.setSpeed(parseSpeed(e.target.value))}
          >
            {options.map((s) => (
              <option key={String(s)} value={String(s)}>
                {fmtSpeed(s)}
              </option>
            ))}
          </select>
        </label>
        <EmergencyHalt enabled={canControl} />
        <button type="button" className="btn btn-ghost" onClick={resetCamera} title="Reset the camera (R)">
          Reset view
        </button>
        <button type="button" className="btn btn-ghost" onClick={() => toggle('showHelp')} title="Keyboard shortcuts (?)">
          ?
        </button>
      </div>

      <div className="sb-group sb-stats">
        <span className="sb-item" title={info?.sessionId ?? ''}>
          <span className="sb-label">Session</span>
          <span className="sb-value mono">{info ? info.sessionId.slice(0, 12) : '—'}</span>
        </span>
        <span className="sb-item">
          <span className="sb-label">Tick</span>
          <span className="sb-value mono" data-testid="status-tick">
            {tick}
          </span>
        </span>
        <span className="sb-item">
          <span className="sb-label">Speed</span>
          <span className="sb-value mono">{fmtSpeed(speed)}</span>
        </span>
        <span className="sb-item" title="featured agents + crowd traders">
          <span className="sb-label">Agents</span>
          <span className="sb-value mono">
            {fmtInt(featured)} + {fmtInt(crowd)}
          </span>
        </span>
        <span className="sb-item">
          <span className="sb-label">FPS</span>
          <span className="sb-value mono">{fps}</span>
        </span>
        <span className="sb-item">
          <span className="sb-label">Ticks/s</span>
          <span className="sb-value mono">{fmtRate(tickRate)}</span>
        </span>
        <span className="sb-item">
          <span className="sb-label">Worker</span>
          <span className={`sb-value health health-${health}`} data-testid="worker-health">
            {paused && health === 'running' ? 'paused' : (HEALTH_LABEL[health] ?? health)}
          </span>
        </span>
        <span className="sb-item">
          <span className="sb-label">{kind === 'ipc' ? 'IPC' : 'Link'}</span>
          <span className={`sb-value conn conn-${conn.state}`} data-testid="conn-state" data-state={conn.state} data-transport={kind ?? ''}>
            {CONN_LABEL[conn.state] ?? conn.state}
          </span>
        </span>
      </div>
    </footer>
  );
}
