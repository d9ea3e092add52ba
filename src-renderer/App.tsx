import { useEffect } from 'react';
import type { Speed } from '../src-shared/config';
import { commands, SPEEDS } from './controller';
import { FloorCanvas } from './floor/FloorCanvas';
import { useFloor } from './store';
import { AgentPanel } from './ui/AgentPanel';
import { BoardPanel } from './ui/BoardPanel';
import { ErrorToast } from './ui/ErrorToast';
import { FeedPanel } from './ui/FeedPanel';
import { Help } from './ui/Help';
import { Legend } from './ui/Legend';
import { Overlay } from './ui/Overlay';
import { StatusBar } from './ui/StatusBar';

function stepSpeed(dir: 1 | -1): void {
  const cur: Speed = useFloor.getState().status?.speed ?? 1;
  let i = SPEEDS.findIndex((s) => s === cur);
  if (i < 0) i = SPEEDS.findIndex((s) => s !== 'max' && cur !== 'max' && s >= cur);
  if (i < 0) i = SPEEDS.length - 1;
  const next = SPEEDS[Math.max(0, Math.min(SPEEDS.length - 1, i + dir))];
  if (next !== undefined && next !== cur) void commands.setSpeed(next);
}

function useShortcuts(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const t = e.target;
      if (t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement) return;
      const st = useFloor.getState();
      const controllable = st.conn.state === 'open' && !!st.status && st.status.health !== 'crashed';
      switch (e.key) {
        case ' ':
          if (t instanceof HTMLButtonElement) return; // let the focused button handle Space
          e.preventDefault();
          if (controllable) void commands.togglePause();
          break;
        case 'r':
        case 'R':
          st.resetCamera();
          break;
        case 'f':
        case 'F':
          if (st.selected !== null) st.focusSelected();
          break;
        case 'Escape':
          if (st.showHelp) st.toggle('showHelp', false);
          else st.select(null);
          break;
        case 'n':
        case 'N':
          st.toggle('showFeed');
          break;
        case 'b':
        case 'B':
          st.toggle('showBoard');
          break;
        case '?':
        case 'h':
        case 'H':
          st.toggle('showHelp');
          break;
        case '[':
        case '-':
          if (controllable) stepSpeed(-1);
          break;
        case ']':
        case '+':
        case '=':
          if (controllable) stepSpeed(1);
          break;
        default:
          return;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

function TopBar() {
  const info = useFloor((s) => s.info);
  const cfg = info?.config;
  return (
    <header className="top-bar">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        BULLPEN
      </div>
      {cfg ? (
        <div className="top-meta">
          {info.roster.symbols.length} symbols · {info.roster.desks.length} desks · {info.roster.agents.length} featured agents ·{' '}
          {info.roster.crowdTypes.length.toLocaleString('en-US')} crowd traders · seed {cfg.seed}
        </div>
      ) : null}
    </header>
  );
}

/**
 * Layout: the 3D floor fills the window; panels float over it; the status bar is at the bottom.
 *
 * End-to-end test hooks (stable; see also floor/stats.ts for window.__bullpen):
 *   floor-canvas, status-tick, btn-pause, speed-select, board-row-<i>, board-price-<i>,
 *   conn-state, error-toast (+ btn-restart inside it when the worker crashed), worker-health,
 *   event-feed, agent-panel, floor-overlay (data-phase = connecting|loading|starting|none|error).
 */
export function App() {
  useShortcuts();
  return (
    <div className="app">
      <FloorCanvas />
      <Overlay />
      <TopBar />
      <div className="side side-left">
        <FeedPanel />
      </div>
      <div className="side side-right">
        <BoardPanel />
        <AgentPanel />
      </div>
      <Legend />
      <ErrorToast />
      <Help />
      <StatusBar />
    </div>
  );
}
