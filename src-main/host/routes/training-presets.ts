import type { TrainingPreset } from '../../../src-shared';

/**
 * The training panel's presets (training.presets). Each is a full job the RL library validates like
 * any other; the panel lets the user change its seed and steps. Hyperparameters left out take the
 * env's defaults (DEFAULT_HYPERPARAMS in src-workers/rl/train-task.ts).
 */
export const TRAINING_PRESETS: readonly TrainingPreset[] = [
  {
    id: 'trading-ppo',
    name: 'Trading trader (PPO)',
    description: 'One agent trades one symbol against the crowd and two rule-based desks; reward: differential Sharpe ratio.',
    spec: { env: 'trading', algo: 'ppo', steps: 200_000, seed: 1 },
  },
  {
    id: 'desk-mappo',
    name: 'Desk of three (MAPPO)',
    description: 'An analyst, a risk manager and a trader learn together as one desk (shared reward, centralised critic).',
    spec: { env: 'desk', algo: 'mappo', steps: 100_000, seed: 1 },
  },
  {
    id: 'trading-curriculum',
    name: 'Trading with curriculum',
    description: 'The PPO trader, promoted through the difficulty levels as it improves.',
    spec: { env: 'trading', algo: 'ppo', steps: 300_000, seed: 1, curriculum: true },
  },
  {
    id: 'quick-look',
    name: 'Quick look (small PPO)',
    description: 'A small, fast PPO trading run (short episodes, small rollouts) to see the curves move in seconds.',
    spec: {
      env: 'trading',
      algo: 'ppo',
      steps: 4096,
      seed: 1,
      hyperparams: { n_envs: 2, n_steps: 128, batch_size: 128, n_epochs: 2 },
      envConfig: { episodeSteps: 64, warmupTicks: 100 },
      evalEpisodes: 2,
      checkpointEvery: 2,
    },
  },
];
