import { useEffect, useState } from 'react';
import { z } from 'zod';
import type { TrainingPreset, TrainingRunSummary } from '../../src-shared/training-api';
import { fmtNum } from './DecisionChain';
import { useFloor } from '../store';
import { useTraining } from '../store/training';
import { training } from '../training';
import { CompareChart, fmtSteps, runLabel, TrainingCharts } from './TrainingCharts';
import { TrainingDeploy } from './TrainingDeploy';
import './training.css';

/**
 * The training panel (docs/USER-GUIDE.md, "Training"): start runs from presets (seed and steps
 * editable), the library's runs with their progress, the selected run's live learning curves,
 * checkpoints (resume, deploy onto the floor), cancel, export, and compare (mean-return curves of
 * the runs ticked). Opened with the toolbar's "Training" button or T; it floats over the floor,
 * which stays live and clickable beside it.
 *
 * Test hooks: btn-training (toolbar), training-panel, training-preset (select), training-seed,
 * training-steps, btn-train-start, training-runs, training-run-<id> (data-status, data-steps),
 * training-progress-<id>, btn-train-cancel-<id>, btn-train-export-<id>, training-pick-<id>,
 * btn-train-compare, training-compare (training-compare-chart inside), training-detail (data-run),
 * training-charts, training-checkpoint (select), training-resume-steps, btn-train-resume,
 * deploy-as-desk, deploy-as-replace, deploy-agent, btn-deploy, training-error, btn-close-training.
 */
export function TrainingPanel() {
  const runs = useTraining((s) => s.runs);
  const listError = useTraining((s) => s.listError);
  const selected = useTraining((s) => s.selected);
  const picked = useTraining((s) => s.picked);
  const comparison = useTraining((s) => s.comparison);
  const compareError = useTraining((s) => s.compareError);
  const setComparison = useTraining((s) => s.setComparison);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      const t = e.target;
      if (t instanceof HTMLInputElement || t instanceof HTMLSelectElement) return;
      // an open popover or the help closes first (App's shortcuts)
      const f = useFloor.getState();
      if (f.inspected || f.showHelp) return;
      e.stopPropagation();
      training.close();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);

  const selectedRun = runs?.find((r) => r.id === selected) ?? null;
  return (
    <section className="panel tr-panel" data-testid="training-panel" aria-label="Training">
      <header className="panel-head">
        <h2>Training</h2>
        <div className="head-actions">
          <button type="button" className="btn btn-sm btn-ghost" onClick={() => void training.refreshRuns()} title="Reload the runs">
            Refresh
          </button>
          <button
            type="button"
            className="btn btn-sm"
            data-testid="btn-train-compare"
            disabled={picked.length < 2}
            onClick={() => void training.compare()}
            title="Overlay the mean-return curves of the runs ticked (2 or more)"
          >
            Compare {picked.length}
          </button>
          <button type="button" className="icon-btn" data-testid="btn-close-training" aria-label="Close" title="Close (T / Esc)" onClick={() => training.close()}>
            ×
          </button>
        </div>
      </header>
      <div className="tr-body">
        <div className="tr-side">
          <StartRun />
          <h3 className="tr-h">Runs</h3>
          {listError ? <p className="error-text">Could not list the runs: {listError}</p> : null}
          {runs === null && !listError ? <p className="empty">Loading…</p> : null}
          {runs && runs.length === 0 ? <p className="empty">No runs yet: start one above.</p> : null}
          {runs && runs.length > 0 ? (
            <ol className="tr-runs" data-testid="training-runs">
              {runs.map((r) => (
                <RunRow key={r.id} r={r} selected={r.id === selected} picked={picked.includes(r.id)} />
              ))}
            </ol>
          ) : null}
        </div>
        <div className="tr-main">
          {comparison || compareError ? (
            <section className="tr-compare" data-testid="training-compare">
              <div className="tr-compare-head">
                <h3 className="tr-h">Compare · mean return</h3>
                <button type="button" className="icon-btn" aria-label="Close compare" onClick={() => setComparison(null)}>
                  ×
                </button>
              </div>
              {compareError ? <p className="error-text">{compareError}</p> : null}
              {comparison ? (
                <>
                  <CompareChart comparison={comparison} />
                  <CompareTable comparison={comparison} />
                </>
              ) : null}
            </section>
          ) : null}
          {selectedRun ? <RunDetail key={selectedRun.id} run={selectedRun} /> : <p className="empty tr-none">Pick a run to see its learning curves, checkpoints and deployment.</p>}
        </div>
      </div>
    </section>
  );
}

function intIn(v: string, min: number, max: number): number | null {
  if (!/^\d+$/.test(v.trim())) return null;
  const n = Number(v);
  return Number.isSafeInteger(n) && n >= min && n <= max ? n : null;
}

function StartRun() {
  const presets = useTraining((s) => s.presets);
  const busy = useTraining((s) => s.busy);
  const [presetId, setPresetId] = useState<string>('');
  const [seed, setSeed] = useState('1');
  const [steps, setSteps] = useState('');
  const preset: TrainingPreset | undefined = presets?.find((p) => p.id === presetId) ?? presets?.[0];
  useEffect(() => {
    // a new preset brings its own seed and steps
    if (!preset) return;
    setSeed(String(preset.spec.seed ?? 0));
    setSteps(String(preset.spec.steps));
  }, [preset]);
  const seedN = intIn(seed, 0, 0x7fff_ffff);
  const stepsN = intIn(steps, 1, 1_000_000_000);
  return (
    <form
      className="tr-start"
      onSubmit={(e) => {
        e.preventDefault();
        if (preset && seedN !== null && stepsN !== null) void training.start({ preset: preset.id, seed: seedN, steps: stepsN });
      }}
    >
      <h3 className="tr-h">Start a run</h3>
      {presets === null ? (
        <p className="empty">Loading presets…</p>
      ) : (
        <>
          <select data-testid="training-preset" value={preset?.id ?? ''} onChange={(e) => setPresetId(e.target.value)} aria-label="Preset">
            {presets.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
          {preset ? <p className="tr-desc">{preset.description}</p> : null}
          <div className="tr-fields">
            <label>
              <span>Seed</span>
              <input data-testid="training-seed" className={seedN === null ? 'invalid' : ''} value={seed} inputMode="numeric" onChange={(e) => setSeed(e.target.value)} />
            </label>
            <label>
              <span>Steps</span>
              <input data-testid="training-steps" className={stepsN === null ? 'invalid' : ''} value={steps} inputMode="numeric" onChange={(e) => setSteps(e.target.value)} />
            </label>
            <button type="submit" className="btn btn-primary" data-testid="btn-train-start" disabled={busy || !preset || seedN === null || stepsN === null}>
              Start
            </button>
          </div>
          {seedN === null ? <p className="error-text small">seed: a whole number from 0 to 2147483647</p> : null}
          {stepsN === null ? <p className="error-text small">steps: a whole number from 1 to 1,000,000,000</p> : null}
        </>
      )}
    </form>
  );
}

const STATUS_LABEL: Record<TrainingRunSummary['status'], string> = { queued: 'queued', running: 'training', completed: 'completed', cancelled: 'cancelled', failed: 'failed' };

function RunRow({ r, selected, picked }: { r: TrainingRunSummary; selected: boolean; picked: boolean }) {
  const live = useTraining((s) => s.live[r.id]);
  const pick = useTraining((s) => s.pick);
  const active = r.status === 'queued' || r.status === 'running';
  const pct = r.totalSteps > 0 ? Math.min(100, (r.stepsDone / r.totalSteps) * 100) : 0;
  const ret = live?.ep_rew_mean;
  return (
    <li className={`tr-run ${selected ? 'is-selected' : ''}`} data-testid={`training-run-${r.id}`} data-status={r.status} data-steps={r.stepsDone}>
      <label className="tr-pick" title="Tick 2 or more runs to compare them">
        <input type="checkbox" data-testid={`training-pick-${r.id}`} checked={picked} onChange={() => pick(r.id)} aria-label={`Pick ${runLabel(r)} for compare`} />
      </label>
      <button type="button" className="tr-run-main" onClick={() => void training.select(r.id)} title={r.id}>
        <span className="tr-run-title">
          <strong>{runLabel(r)}</strong>
        </span>
        <span className="tr-bar" data-testid={`training-progress-${r.id}`} role="progressbar" aria-valuenow={Math.round(pct)} aria-valuemin={0} aria-valuemax={100}>
          <span className={`tr-bar-fill st-${r.status}`} style={{ width: `${pct}%` }} />
        </span>
        <span className="tr-run-meta mono">
          <span className={`tr-status st-${r.status}`}>{STATUS_LABEL[r.status]}</span> {fmtSteps(r.stepsDone)} / {fmtSteps(r.totalSteps)} steps
          {active && ret !== undefined && ret !== null ? ` · return ${fmtNum(ret)}` : ''}
          {active && live?.fps ? ` · ${Math.round(live.fps).toLocaleString('en-US')}/s` : ''}
          {r.resumedFrom ? ' · resumed' : ''}
        </span>
      </button>
      <div className="tr-run-actions">
        {active ? (
          <button type="button" className="btn btn-sm btn-cancel" data-testid={`btn-train-cancel-${r.id}`} onClick={() => void training.cancel(r.id)} title="Stop at the next update (its checkpoints are kept)">
            Cancel
          </button>
        ) : null}
        <button type="button" className="btn btn-sm btn-ghost" data-testid={`btn-train-export-${r.id}`} onClick={() => void training.exportRun(r.id)} title="Download the run (metrics + latest checkpoint) as JSON">
          Export
        </button>
      </div>
    </li>
  );
}

const EvaluationSchema = z.object({
  steps: z.number(),
  contenders: z.array(z.object({ name: z.string(), episodes: z.number(), meanReturn: z.number(), ci95: z.tuple([z.number(), z.number()]), meanSharpe: z.number(), meanMaxDrawdown: z.number() })),
});

function RunDetail({ run }: { run: TrainingRunSummary }) {
  const detail = useTraining((s) => (s.detail?.runId === run.id ? s.detail : null));
  const live = useTraining((s) => s.live[run.id]);
  const busy = useTraining((s) => s.busy);
  const checkpoints = detail?.checkpoints ?? [];
  const [cpId, setCpId] = useState('');
  const [resumeSteps, setResumeSteps] = useState(String(run.totalSteps));
  const cp = checkpoints.find((c) => c.id === cpId) ?? checkpoints[checkpoints.length - 1] ?? null;
  const evaluation = EvaluationSchema.safeParse(detail?.evaluation);
  const resumeN = intIn(resumeSteps, 1, 1_000_000_000);
  return (
    <section className="tr-detail" data-testid="training-detail" data-run={run.id}>
      <div className="tr-detail-head">
        <h3 className="tr-h">{runLabel(run)}</h3>
        <span className={`tr-status st-${run.status}`}>{STATUS_LABEL[run.status]}</span>
        <span className="mono faint small">
          {fmtSteps(run.stepsDone)} / {fmtSteps(run.totalSteps)} steps
          {live ? ` · ${live.episodes.toLocaleString('en-US')} episodes · level ${live.curriculum_level}` : ''}
        </span>
      </div>
      {run.error ? (
        <p className="error-text" data-testid="training-error">
          {run.error}
        </p>
      ) : null}
      <TrainingCharts runId={run.id} />
      {evaluation.success ? (
        <table className="tr-eval">
          <caption>Held-out evaluation ({evaluation.data.contenders[0]?.episodes ?? 0} episodes on unseen markets)</caption>
          <thead>
            <tr>
              <th>contender</th>
              <th className="num">mean return</th>
              <th className="num">95% interval</th>
              <th className="num">Sharpe</th>
              <th className="num">max DD</th>
            </tr>
          </thead>
          <tbody>
            {evaluation.data.contenders.map((c) => (
              <tr key={c.name}>
                <td>{c.name}</td>
                <td className="num mono">{fmtNum(c.meanReturn)}</td>
                <td className="num mono">
                  {fmtNum(c.ci95[0])} … {fmtNum(c.ci95[1])}
                </td>
                <td className="num mono">{fmtNum(c.meanSharpe)}</td>
                <td className="num mono">{fmtNum(c.meanMaxDrawdown * 100)}%</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <div className="tr-cp">
        <h3 className="tr-h">Checkpoints</h3>
        {checkpoints.length === 0 ? (
          <p className="empty">{detail ? 'None yet: one is stored every few updates and at the end.' : 'Loading…'}</p>
        ) : (
          <>
            <select data-testid="training-checkpoint" value={cp?.id ?? ''} onChange={(e) => setCpId(e.target.value)} aria-label="Checkpoint">
              {checkpoints.map((c) => (
                <option key={c.id} value={c.id}>
                  {fmtSteps(c.timesteps)} steps · {c.id.slice(0, 8)}
                </option>
              ))}
            </select>
            <div className="tr-fields">
              <label title="Train a new run warm-started from this checkpoint">
                <span>Resume for</span>
                <input data-testid="training-resume-steps" className={resumeN === null ? 'invalid' : ''} value={resumeSteps} inputMode="numeric" onChange={(e) => setResumeSteps(e.target.value)} />
                <span>steps</span>
              </label>
              <button
                type="button"
                className="btn btn-sm"
                data-testid="btn-train-resume"
                disabled={busy || !cp || resumeN === null}
                onClick={() => cp && resumeN !== null && void training.start({ resume: run, checkpointId: cp.id, steps: resumeN })}
              >
                Resume
              </button>
            </div>
            {cp ? <TrainingDeploy checkpointId={cp.id} /> : null}
          </>
        )}
      </div>
      <details className="tr-hp">
        <summary>Hyperparameters and environment</summary>
        <pre className="mono">{JSON.stringify({ seed: run.seed, curriculum: run.curriculum, resumedFrom: run.resumedFrom, hyperparams: run.hyperparams, envConfig: run.envConfig }, null, 1)}</pre>
      </details>
    </section>
  );
}

function CompareTable({ comparison }: { comparison: NonNullable<ReturnType<typeof useTraining.getState>['comparison']> }) {
  return (
    <table className="tr-eval">
      <thead>
        <tr>
          <th>run</th>
          <th>status</th>
          <th className="num">steps</th>
          <th className="num">last mean return</th>
        </tr>
      </thead>
      <tbody>
        {comparison.runs.map((r) => (
          <tr key={r.run.id}>
            <td>{runLabel(r.run)}</td>
            <td>{r.run.status}</td>
            <td className="num mono">{fmtSteps(r.run.stepsDone)}</td>
            <td className="num mono">{r.last?.ep_rew_mean !== undefined && r.last.ep_rew_mean !== null ? fmtNum(r.last.ep_rew_mean) : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
