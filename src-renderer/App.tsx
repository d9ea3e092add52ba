import { lazy, Suspense, useEffect } from 'react';
import type { Speed } from '../src-shared/config';
import { commands, SPEEDS } from './controller';
import { FloorCanvas } from './floor/FloorCanvas';
import { useFloor } from './store';
import { BoardPanel } from './ui/BoardPanel';
import { DropImport } from './ui/DropImport';
import { ErrorToast } from './ui/ErrorToast';
import { NoticeToast } from './ui/NoticeToast';
import { FeedPanel } from './ui/FeedPanel';
import { Leaderboard } from './ui/Leaderboard';
import { Legend } from './ui/Legend';
import { Overlay } from './ui/Overlay';
import { Popovers } from './ui/Popovers';
import { replay } from './replay';
import { replayOpen } from './store/replay';
import { StatusBar } from './ui/StatusBar';
import { SystemPanel } from './ui/SystemPanel';
import { TrainingRoot } from './ui/TrainingRoot';
import { training } from './training';

// the charts (lightweight-charts) load after the floor: they are not needed for its first frame
const ChartPanel = lazy(() => import('./ui/ChartPanel').then((m) => ({ default: m.ChartPanel })));
// so do the scenario deck, its reports, the help and the replay bar with its dialogs and compare
// view (lightweight-charts again): the first floor frame waits for none of them
const ScenarioDeck = lazy(() => import('./ui/ScenarioDeck').then((m) => ({ default: m.ScenarioDeck })));
const ScenarioReport = lazy(() => import('./ui/ScenarioReport').then((m) => ({ default: m.ScenarioReport })));
const Help = lazy(() => import('./ui/Help').then((m) => ({ default: m.Help })));
const ReplayRoot = lazy(() => import('./ui/ReplayBar').then((m) => ({ default: m.ReplayRoot })));
// the tournament dialog (lightweight-charts too) loads with them
// the data dialog (its preview is a lightweight-charts chart); the drop zone itself stays in the main chunk
const DataDialog = lazy(() => import('./ui/DataDialog').then((m) => ({ default: m.DataDialog })));
const TournamentRoot = lazy(() => import('./ui/TournamentPanel').then((m) => ({ default: m.TournamentRoot })));

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
      // (the replay's seek slider is an input too, but nothing is typed into it)
      if ((t instanceof HTMLInputElement && t.type !== 'range') || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement) return;
      const st = useFloor.getState();
      const controllable = st.conn.state === 'open' && !!st.status && st.status.health !== 'crashed' && st.status.health !== 'stopped';
      switch (e.key) {
        case ' ':
          if (t instanceof HTMLButtonElement) return; // let the focused button handle Space
          e.preventDefault();
          // a recording is shown: Space plays or pauses it (ui/ReplayBar.tsx)
          if (replayOpen()) void replay.togglePlay();
          else if (controllable) void commands.togglePause();
          break;
        case 'ArrowLeft':
        case 'ArrowRight':
          // on the seek slider the arrows move it (and seek) by one tick already
          if (!replayOpen() || t instanceof HTMLInputElement) return;
          e.preventDefault();
          void replay.step(e.key === 'ArrowRight' ? 1 : -1);
          break;
        case 'o':
        case 'O':
          replay.openDialog();
          break;
        case 't':
        case 'T':
          if (st.conn.state === 'open') training.toggle();
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
          // closes the help, else the open popover; pinned popovers stay (close them with ×)
          if (st.showHelp) st.toggle('showHelp', false);
          else if (st.openReport !== null) st.showReport(null);
          else st.inspect(null);
          break;
        case 'c':
        case 'C':
          st.toggle('showCharts');
          break;
        case 'l':
        case 'L':
          st.toggle('showLeaderboard');
          break;
        case 's':
        case 'S':
          st.toggle('showSystem');
          break;
        case 'p':
        case 'P':
          if (st.inspected) st.pin(st.inspected);
          break;
        case 'n':
        case 'N':
          st.toggle('showFeed');
          break;
        case 'b':
        case 'B':
          st.toggle('showBoard');
          break;
        case 'd':
        case 'D':
          st.toggle('showDeck');
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
          {count(info.roster.symbols.length, 'symbol')} · {count(info.roster.desks.length, 'desk')} ·{' '}
          {count(info.roster.agents.length, 'featured agent')} · {count(info.roster.crowdTypes.length, 'crowd trader')} · seed {cfg.seed}
          {cfg.market.kind === 'historical' ? ` · historical ${cfg.market.series.map((k) => k.symbol).join(', ')} (${cfg.market.series[0]?.timeframe ?? ''})` : ''}
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
 *   event-feed (+ feed-tab-news|alerts|votes, vote-item), agent-panel (the open agent popover's
 *   body), popover (data-kind, data-index, data-pinned; chain, chain-signal, chain-sentence,
 *   timeline, timeline-item, btn-pin, btn-close-popover, btn-expand, crowd-type inside), chart-panel
 *   (data-bars, data-markers; chart-mode, chart-symbol, chart-desk), leaderboard
 *   (leaderboard-row-<desk>), system-panel,
 *   floor-overlay (data-phase = connecting|loading|starting|none|error),
 *   scenario deck (ui/ScenarioDeck.tsx): btn-deck (its tab while hidden), scenario-deck,
 *   deck-tab-<presets|custom|market>, deck-preset-<name>, deck-inject-<name> (deck-inject-custom),
 *   deck-at-tick, deck-json, deck-json-error, deck-form-add, deck-active (deck-scenario-<id>,
 *   data-remaining), deck-cancel-<id>, deck-slider-<param>, deck-value-<param>, deck-reports;
 *   btn-emergency-halt (status bar; data-halted, text EMERGENCY HALT | RESUME TRADING);
 *   scenario-report (data-id; report-desk-<d>, report-agent-<a>, report-decision, btn-close-report).
 *   replay (ui/ReplayBar.tsx, ui/RecordingsDialog.tsx, ui/CompareView.tsx): mode-indicator (LIVE |
 *   REPLAY), btn-open-recording, recording-dialog, recording-list, recording-item-<id>, btn-open-<id>,
 *   btn-compare, replay-bar, replay-seek, replay-tick, btn-replay-play, replay-speed, btn-step-back,
 *   btn-step-fwd, btn-prev-mark, btn-next-mark, replay-mark-<i>, btn-fork, btn-back-live,
 *   compare-view (compare-row-<desk>, compare-halts).
 *   training (ui/TrainingRoot.tsx, TrainingPanel.tsx, TrainingCharts.tsx, TrainingDeploy.tsx, PolicyExplain.tsx): btn-training,
 *   training-panel and the hooks listed in TrainingPanel.tsx; policy-explain in a policy agent's chain.
 *   tournaments (ui/TournamentPanel.tsx): btn-tournament, tournament-panel and the hooks listed there.
 *   market data (ui/DropImport.tsx, ui/DataDialog.tsx): drop-overlay, import-dialog, import-toast, btn-open-data,
 *   data-dialog and the hooks listed in those files.
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
        <SystemPanel />
      </div>
      <div className="side side-right">
        <BoardPanel />
        <Suspense fallback={null}>
          <ScenarioDeck />
        </Suspense>
        <Leaderboard />
      </div>
      <div className="dock-bottom">
        <Suspense fallback={null}>
          <ChartPanel />
        </Suspense>
      </div>
      <Legend />
      <Popovers />
      <Suspense fallback={null}>
        <ScenarioReport />
      </Suspense>
      <ErrorToast />
      <NoticeToast />
      <Suspense fallback={null}>
        <Help />
        <ReplayRoot />
      </Suspense>
      <Suspense fallback={null}>
        <DataDialog />
      </Suspense>
      <DropImport />
      <TrainingRoot />
      <Suspense fallback={null}>
        <TournamentRoot />
      </Suspense>
      <StatusBar />
    </div>
  );
}

function count(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}
