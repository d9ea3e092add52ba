import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PushMessage } from '../../src-shared/api';
import { TrainingPusher } from '../../src-main/host/routes/training-push';
import type { TrainingProgress } from '../../src-workers/rl/train-task';

function progress(update: number, extra: Partial<TrainingProgress> = {}): TrainingProgress {
  return {
    update,
    timesteps: update * 256,
    total_steps: 4096,
    episodes: update,
    curriculum_level: 0,
    curriculum_name: null,
    curriculum_window_mean: null,
    learning_rate: 3e-4,
    clip_range: 0.2,
    policy_gradient_loss: -0.01,
    value_loss: 0.5,
    entropy_loss: -1.1,
    approx_kl: 0.002,
    clip_fraction: 0.1,
    explained_variance: 0.3,
    ep_rew_mean: 1.5,
    ep_len_mean: 64,
    fps: 5000,
    n_updates: update * 10,
    ...extra,
  };
}

describe('TrainingPusher', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends at most one progress message per run per interval, the latest update, and flushes it before the end', () => {
    const sent: PushMessage[] = [];
    const p = new TrainingPusher((m) => sent.push(m), 250, () => Date.now());
    const updates = () => sent.flatMap((m) => (m.push === 'training' && m.progress ? [m.progress.update] : []));
    p.queued('a');
    p.progress('a', progress(1)); // sent at once
    p.progress('a', progress(2)); // held
    p.progress('a', progress(3)); // replaces 2
    p.progress('b', progress(1)); // another run is not held back by a
    expect(updates()).toEqual([1, 1]);
    vi.advanceTimersByTime(249);
    expect(updates()).toEqual([1, 1]);
    vi.advanceTimersByTime(1);
    expect(updates()).toEqual([1, 1, 3]);
    p.progress('a', progress(4)); // held until 500 ms
    p.ended('a', 'completed', null);
    expect(sent.map((m) => (m.push === 'training' ? `${m.runId}:${m.status}:${m.progress?.update ?? '-'}` : '')).filter((x) => x.startsWith('a'))).toEqual([
      'a:queued:-',
      'a:running:1',
      'a:running:3',
      'a:running:4',
      'a:completed:4',
    ]);
    vi.advanceTimersByTime(1000);
    expect(sent.length).toBe(6); // nothing left behind after the end
  });

  it('sends non-finite metrics (no finished episode yet) as null', () => {
    const sent: PushMessage[] = [];
    const p = new TrainingPusher((m) => sent.push(m));
    p.progress('a', progress(1, { ep_rew_mean: NaN, ep_len_mean: NaN, explained_variance: -Infinity }));
    const m = sent[0]!;
    expect(m.push === 'training' && m.progress).toMatchObject({ ep_rew_mean: null, ep_len_mean: null, explained_variance: null, value_loss: 0.5 });
    p.ended('a', 'failed', 'PPO: the loss is NaN');
    expect(sent[1]).toMatchObject({ status: 'failed', error: 'PPO: the loss is NaN', progress: { update: 1 } });
  });
});
