import { Box, type BoxSpace, type Env, type StepResult } from '../env';
import { Rng } from '../rng';

const MAX_SPEED = 8;
const MAX_TORQUE = 2;
const DT = 0.05;
const G = 10.0;
const M = 1.0;
const L = 1.0;

function angleNormalize(x: number): number {
  const twoPi = 2 * Math.PI;
  const y = (x + Math.PI) % twoPi; // Python's % is a floor modulo
  return (y < 0 ? y + twoPi : y) - Math.PI;
}

/**
 * Gymnasium Pendulum-v1: swing a pendulum up and keep it upright. Observation [cos θ, sin θ, θ̇],
 * action: a torque in [-2, 2], reward −(θ² + 0.1 θ̇² + 0.001 u²), never terminates, truncated
 * after 200 steps. Start state θ ~ U(−π, π), θ̇ ~ U(−1, 1).
 */
export class Pendulum implements Env<BoxSpace> {
  readonly observationSpace: BoxSpace = Box([-1, -1, -MAX_SPEED], [1, 1, MAX_SPEED]);
  readonly actionSpace: BoxSpace = Box(-MAX_TORQUE, MAX_TORQUE, 1);
  readonly maxSteps: number;
  private rng: Rng;
  private th = 0;
  private thDot = 0;
  private t = 0;
  private readonly o = new Float64Array(3);

  constructor(opts: { maxSteps?: number; seed?: number } = {}) {
    this.maxSteps = opts.maxSteps ?? 200;
    this.rng = new Rng(opts.seed ?? 0);
  }

  private observe(): Float64Array {
    this.o[0] = Math.cos(this.th);
    this.o[1] = Math.sin(this.th);
    this.o[2] = this.thDot;
    return this.o;
  }

  reset(seed?: number): Float64Array {
    if (seed !== undefined) this.rng = new Rng(seed);
    this.th = this.rng.range(-Math.PI, Math.PI);
    this.thDot = this.rng.range(-1, 1);
    this.t = 0;
    return this.observe();
  }

  /** Sets the state (θ = 0 is upright); the step count is kept. */
  setState(theta: number, thetaDot: number): Float64Array {
    this.th = theta;
    this.thDot = thetaDot;
    return this.observe();
  }

  step(action: Float64Array): StepResult {
    const u = Math.min(MAX_TORQUE, Math.max(-MAX_TORQUE, action[0]!));
    const th = this.th;
    const thDot = this.thDot;
    const a = angleNormalize(th);
    const cost = a * a + 0.1 * thDot * thDot + 0.001 * u * u;
    let newThDot = thDot + ((3 * G) / (2 * L) * Math.sin(th) + (3.0 / (M * L * L)) * u) * DT;
    newThDot = Math.min(MAX_SPEED, Math.max(-MAX_SPEED, newThDot));
    this.th = th + newThDot * DT;
    this.thDot = newThDot;
    this.t++;
    return { obs: this.observe(), reward: -cost, terminated: false, truncated: this.t >= this.maxSteps };
  }
}
