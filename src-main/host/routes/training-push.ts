import type { PushMessage, TrainRunStatus, TrainingProgress } from '../../../src-shared';
import type { TrainingProgress as WorkerProgress } from '../../../src-workers/rl/train-task';

/**
 * Training progress as pushed to clients: at most one message per run per `intervalMs` (the latest
 * update wins; a pending one is sent when the interval ends), and one final message with the run's
 * end status, sent after any pending progress.
 */

const num = (x: number | undefined): number | null => (x !== undefined && Number.isFinite(x) ? x : null);

/** The worker's progress as the contract has it: non-finite numbers (no episode finished yet) become null. */
export function toPushProgress(p: WorkerProgress): TrainingProgress {
  return {
    update: p.update,
    timesteps: p.timesteps,
    total_steps: p.total_steps,
    episodes: p.episodes,
    n_updates: num(p.n_updates),
    ep_rew_mean: num(p.ep_rew_mean),
    ep_len_mean: num(p.ep_len_mean),
    policy_gradient_loss: num(p.policy_gradient_loss),
    value_loss: num(p.value_loss),
    entropy_loss: num(p.entropy_loss),
    approx_kl: num(p.approx_kl),
    clip_fraction: num(p.clip_fraction),
    explained_variance: num(p.explained_variance),
    fps: num(p.fps),
    learning_rate: num(p.learning_rate),
    clip_range: num(p.clip_range),
    curriculum_level: p.curriculum_level,
    curriculum_name: typeof p.curriculum_name === 'string' ? p.curriculum_name : null,
    curriculum_window_mean: num(p.curriculum_window_mean ?? undefined),
  };
}

interface RunPush {
  lastSentAt: number;
  pending: TrainingProgress | null;
  last: TrainingProgress | null;
  timer: ReturnType<typeof setTimeout> | null;
}

export class TrainingPusher {
  private readonly runs = new Map<string, RunPush>();

  constructor(
    private readonly publish: (msg: PushMessage) => void,
    private readonly intervalMs = 250,
    private readonly now: () => number = () => Date.now(),
  ) {}

  private state(runId: string): RunPush {
    let s = this.runs.get(runId);
    if (!s) {
      s = { lastSentAt: -Infinity, pending: null, last: null, timer: null };
      this.runs.set(runId, s);
    }
    return s;
  }

  queued(runId: string): void {
    this.publish({ push: 'training', runId, status: 'queued', progress: null });
  }

  progress(runId: string, p: WorkerProgress): void {
    const s = this.state(runId);
    s.pending = toPushProgress(p);
    if (s.timer) return;
    const wait = s.lastSentAt + this.intervalMs - this.now();
    if (wait <= 0) this.flush(runId);
    else {
      s.timer = setTimeout(() => {
        s.timer = null;
        this.flush(runId);
      }, wait);
      s.timer.unref?.();
    }
  }

  private flush(runId: string): void {
    const s = this.runs.get(runId);
    if (!s?.pending) return;
    const progress = s.pending;
    s.pending = null;
    s.last = progress;
    s.lastSentAt = this.now();
    this.publish({ push: 'training', runId, status: 'running', progress });
  }

  /** The run ended: pending progress first, then its status (and error). */
  ended(runId: string, status: TrainRunStatus, error: string | null): void {
    const s = this.runs.get(runId);
    if (s?.timer) clearTimeout(s.timer);
    if (s) s.timer = null;
    this.flush(runId);
    this.runs.delete(runId);
    this.publish({ push: 'training', runId, status, progress: s?.last ?? null, error });
  }
}
