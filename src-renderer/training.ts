import type { PushMessage } from '../src-shared/api';
import type { DeployRequest, TrainingMetricRow, TrainingProgress, TrainingPush, TrainingRunSummary } from '../src-shared/training-api';
import { CallError } from './api/transport';
import { call } from './controller';
import { useFloor } from './store';
import { useTraining } from './store/training';

/**
 * The training panel's calls (training.* in docs/API.md) and the `training` push handler. Metric
 * series are kept here, outside React: a run's points are loaded once (training.get) and then grow
 * with every progress push; the charts draw only what was added since they last looked.
 */

export interface SeriesPoint {
  timesteps: number;
  m: Record<string, number | null>;
}

interface RunSeries {
  /** bumped when the series is replaced (reloaded): charts redraw it whole */
  epoch: number;
  points: SeriesPoint[];
}

export const trainingSeries = {
  /** bumped on every change */
  version: 0,
  runs: new Map<string, RunSeries>(),
};

let epochs = 0;

/** The numeric figures of an update (curriculum_name is text: shown elsewhere). */
function numeric(src: Record<string, unknown>): Record<string, number | null> {
  const m: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(src)) if (typeof v === 'number' || v === null) m[k] = v;
  return m;
}

function progressPoint(p: TrainingProgress): SeriesPoint {
  return { timesteps: p.timesteps, m: numeric(p) };
}

function replaceSeries(runId: string, rows: TrainingMetricRow[]): void {
  trainingSeries.runs.set(runId, { epoch: ++epochs, points: rows.map((r) => ({ timesteps: r.timesteps, m: numeric(r.metrics) })) });
  trainingSeries.version++;
}

function appendPoint(runId: string, p: TrainingProgress): void {
  const s = trainingSeries.runs.get(runId);
  if (!s) return; // not loaded: training.get brings the whole series when the run is shown
  const last = s.points[s.points.length - 1];
  if (last && last.timesteps >= p.timesteps) return;
  s.points.push(progressPoint(p));
  trainingSeries.version++;
}

function errorText(err: unknown): string {
  if (err instanceof CallError && err.code === 'bad_request') return err.message;
  return err instanceof Error ? err.message : String(err);
}

function fail(label: string, err: unknown): null {
  useFloor.getState().notify({ level: 'error', title: `${label} failed`, message: errorText(err) });
  return null;
}

let refreshTimer: ReturnType<typeof setTimeout> | null = null;

/** The `training` push: progress of every run (several per second at most), and each run's end. */
export function onTrainingPush(msg: Extract<PushMessage, { push: 'training' }>): void {
  const st = useTraining.getState();
  const { runId, status, progress } = msg;
  if (progress) {
    st.setLive(runId, progress);
    appendPoint(runId, progress);
  }
  const known = st.runs?.some((r) => r.id === runId) ?? false;
  if (!known && st.runs !== null && refreshTimer === null) {
    // a run started elsewhere (another window, the API): list it
    refreshTimer = setTimeout(() => {
      refreshTimer = null;
      void training.refreshRuns();
    }, 300);
  }
  st.upsertRun({ id: runId, status, ...(progress ? { stepsDone: progress.timesteps } : {}), ...(msg.error !== undefined ? { error: msg.error } : {}) });
  if (status === 'completed' || status === 'cancelled' || status === 'failed') onRunEnded(msg);
}

function onRunEnded(msg: TrainingPush): void {
  const st = useTraining.getState();
  const short = msg.runId.slice(0, 8);
  if (msg.status === 'failed') useFloor.getState().notify({ level: 'error', title: `Training run ${short} failed`, message: msg.error ?? 'no error given' });
  else if (msg.status === 'completed') useFloor.getState().notify({ level: 'info', title: `Training run ${short} completed`, message: `${msg.progress?.timesteps.toLocaleString('en-US') ?? '?'} steps; its checkpoints can be deployed from the training panel.` });
  // the whole series, the final checkpoints and the evaluation
  if (st.selected === msg.runId) void training.loadDetail(msg.runId);
  else trainingSeries.runs.delete(msg.runId);
}

export const training = {
  open(): void {
    const st = useTraining.getState();
    st.setShow(true);
    if (!st.presets) void training.loadPresets();
    void training.refreshRuns();
  },
  close(): void {
    useTraining.getState().setShow(false);
  },
  toggle(): void {
    if (useTraining.getState().show) training.close();
    else training.open();
  },
  async loadPresets(): Promise<void> {
    try {
      useTraining.getState().setPresets(await call('training.presets', {}));
    } catch (err) {
      fail('Load training presets', err);
    }
  },
  async refreshRuns(): Promise<void> {
    try {
      const runs = await call('training.list', { limit: 100 });
      useTraining.getState().setRuns(runs);
    } catch (err) {
      useTraining.getState().setRuns(useTraining.getState().runs, errorText(err));
    }
  },
  /** Starts a run from a preset (seed and steps as edited), or resumes a run's job from one of its checkpoints. */
  async start(what: { preset: string; seed: number; steps: number } | { resume: TrainingRunSummary; checkpointId: string; steps: number }): Promise<TrainingRunSummary | null> {
    const st = useTraining.getState();
    st.setBusy(true);
    try {
      const run =
        'preset' in what
          ? await call('training.start', { preset: what.preset, seed: what.seed, steps: what.steps })
          : await call('training.start', {
              spec: { env: what.resume.env, algo: what.resume.algo, steps: what.steps, seed: what.resume.seed, curriculum: what.resume.curriculum, hyperparams: what.resume.hyperparams, envConfig: what.resume.envConfig },
              resumeFrom: what.checkpointId,
            });
      useTraining.getState().upsertRun(run);
      void training.select(run.id);
      return run;
    } catch (err) {
      return fail('Start training', err);
    } finally {
      useTraining.getState().setBusy(false);
    }
  },
  async select(runId: string | null): Promise<void> {
    useTraining.getState().select(runId);
    if (runId) await training.loadDetail(runId);
  },
  async loadDetail(runId: string): Promise<void> {
    try {
      const d = await call('training.get', { id: runId });
      replaceSeries(runId, d.metrics);
      const st = useTraining.getState();
      st.upsertRun(d.run);
      if (st.selected === runId) st.setDetail({ runId, checkpoints: d.checkpoints, evaluation: d.evaluation });
    } catch (err) {
      fail('Load training run', err);
    }
  },
  async cancel(runId: string): Promise<void> {
    try {
      useTraining.getState().upsertRun(await call('training.cancel', { id: runId }));
    } catch (err) {
      fail('Cancel training run', err);
    }
  },
  /** Downloads the run (metrics + latest checkpoint) as `bullpen-training-run/1` JSON. */
  async exportRun(runId: string): Promise<void> {
    try {
      const r = await call('training.export', { id: runId });
      const blob = new Blob([JSON.stringify(r.export, null, 1)], { type: 'application/json' });
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = `bullpen-run-${runId.slice(0, 8)}.json`;
      a.dataset.testid = 'training-download';
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      fail('Export training run', err);
    }
  },
  async compare(): Promise<void> {
    const ids = useTraining.getState().picked;
    if (ids.length < 2) return;
    try {
      useTraining.getState().setComparison(await call('training.compare', { ids, metrics: ['ep_rew_mean'] }));
    } catch (err) {
      useTraining.getState().setComparison(null, errorText(err));
    }
  },
  /** Puts a checkpoint's policy on the floor (a new desk, or in place of one agent) and opens its first agent's popover. */
  async deploy(req: DeployRequest): Promise<boolean> {
    const st = useTraining.getState();
    st.setBusy(true);
    try {
      const r = await call('training.deploy', req);
      const names = r.agents.map((a) => `#${a}`).join(', ');
      useFloor.getState().notify({ level: 'info', title: 'Policy deployed', message: `Agents ${names} at desk ${r.desk} act on the policy from tick ${r.tick}.` });
      const first = r.agents[0];
      if (first !== undefined) useFloor.getState().select(first);
      return true;
    } catch (err) {
      fail('Deploy', err);
      return false;
    } finally {
      useTraining.getState().setBusy(false);
    }
  },
};
