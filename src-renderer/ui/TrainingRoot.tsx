import { lazy, Suspense } from 'react';
import { useFloor } from '../store';
import { useTraining } from '../store/training';
import { training } from '../training';

// the panel (and its charts) load when first opened: they are not needed for the floor's first frame
const TrainingPanel = lazy(() => import('./TrainingPanel').then((m) => ({ default: m.TrainingPanel })));

/** Mounted once by App: the training panel while it is shown (ui/TrainingPanel.tsx). */
export function TrainingRoot() {
  const show = useTraining((s) => s.show);
  if (!show) return null;
  return (
    <Suspense fallback={null}>
      <TrainingPanel />
    </Suspense>
  );
}

/** Toolbar button (next to "Open recording…"); shows how many runs are in progress. Test hook: btn-training. */
export function TrainingButton() {
  const conn = useFloor((s) => s.conn.state);
  const show = useTraining((s) => s.show);
  const running = useTraining((s) => s.runs?.filter((r) => r.status === 'running' || r.status === 'queued').length ?? 0);
  return (
    <button
      type="button"
      className={`btn btn-sm ${show ? 'active' : ''}`}
      data-testid="btn-training"
      disabled={conn !== 'open'}
      aria-pressed={show}
      onClick={() => training.toggle()}
      title="Train reinforcement-learning agents, follow their learning curves, deploy them (T)"
    >
      Training{running > 0 ? ` · ${running}` : ''}
    </button>
  );
}
