/**
 * Example: train PPO on your own environment from a plain Node script (docs/RL.md).
 *   node --import tsx src-workers/rl/examples/mean-reversion.ts
 *
 * A toy market: the price's deviation from fair value follows a mean-reverting (Ornstein–Uhlenbeck)
 * process. Each step the agent picks a target position (short, flat, long), earns
 * position × price change, and pays a cost for trading. The good policy is to buy below fair
 * value and sell above it.
 */
import { Box, Discrete, PPO, Rng, evaluatePolicy, type BoxSpace, type DiscreteSpace, type Env, type StepResult } from '..';

class MeanReversion implements Env<DiscreteSpace> {
  readonly observationSpace: BoxSpace = Box([-5, -1], [5, 1]); // [deviation / σ, current position]
  readonly actionSpace: DiscreteSpace = Discrete(3); // 0 short, 1 flat, 2 long
  private rng = new Rng(0);
  private dev = 0;
  private pos = 0;
  private t = 0;
  private readonly obs = new Float64Array(2);

  reset(seed?: number): Float64Array {
    if (seed !== undefined) this.rng = new Rng(seed);
    this.dev = this.rng.normal();
    this.pos = 0;
    this.t = 0;
    return this.observe();
  }

  step(action: number): StepResult {
    const target = action - 1;
    const cost = 0.02 * Math.abs(target - this.pos);
    this.pos = target;
    const next = 0.8 * this.dev + 0.6 * this.rng.normal(); // stationary σ = 1
    const reward = this.pos * (next - this.dev) - cost;
    this.dev = next;
    this.t++;
    return { obs: this.observe(), reward, terminated: false, truncated: this.t >= 100 };
  }

  private observe(): Float64Array {
    this.obs[0] = this.dev;
    this.obs[1] = this.pos;
    return this.obs;
  }
}

const model = new PPO(() => new MeanReversion(), {
  n_envs: 8,
  n_steps: 128,
  batch_size: 256,
  n_epochs: 10,
  gamma: 0.95,
  learning_rate: 3e-4,
  seed: 1,
});
const before = evaluatePolicy(model, () => new MeanReversion(), 20);
model.learn(40_000, {
  onUpdate: (m) => {
    if (m.update % 10 === 0) console.log(`steps ${m.timesteps}  mean return ${m.ep_rew_mean.toFixed(2)}  ${m.fps.toFixed(0)} steps/s`);
  },
});
const after = evaluatePolicy(model, () => new MeanReversion(), 20);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
console.log(`greedy policy, 20 episodes: mean return ${mean(before).toFixed(2)} before → ${mean(after).toFixed(2)} after training`);
console.log(`buy at −1σ: ${model.predict([-1, 0])[0]}, sell at +1σ: ${model.predict([1, 0])[0]} (0 short, 1 flat, 2 long)`);
