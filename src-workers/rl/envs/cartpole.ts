import { Box, Discrete, type BoxSpace, type DiscreteSpace, type Env, type StepResult } from '../env';
import { Rng } from '../rng';

const GRAVITY = 9.8;
const MASS_CART = 1.0;
const MASS_POLE = 0.1;
const TOTAL_MASS = MASS_POLE + MASS_CART;
const LENGTH = 0.5; // half the pole's length
const POLEMASS_LENGTH = MASS_POLE * LENGTH;
const FORCE_MAG = 10.0;
const TAU = 0.02; // seconds between state updates (Euler integration)
const THETA_THRESHOLD = (12 * 2 * Math.PI) / 360;
const X_THRESHOLD = 2.4;

/**
 * Gymnasium CartPole-v1: the same dynamics, thresholds, reward (+1 every step, including the
 * terminating one), start state (uniform ±0.05) and 500-step truncation. Actions: 0 push left,
 * 1 push right. Observation: [x, ẋ, θ, θ̇].
 */
export class CartPole implements Env<DiscreteSpace> {
  readonly observationSpace: BoxSpace = Box(
    [-X_THRESHOLD * 2, -Infinity, -THETA_THRESHOLD * 2, -Infinity],
    [X_THRESHOLD * 2, Infinity, THETA_THRESHOLD * 2, Infinity],
  );
  readonly actionSpace: DiscreteSpace = Discrete(2);
  readonly maxSteps: number;
  private rng: Rng;
  private readonly s = new Float64Array(4);
  private t = 0;

  constructor(opts: { maxSteps?: number; seed?: number } = {}) {
    this.maxSteps = opts.maxSteps ?? 500;
    this.rng = new Rng(opts.seed ?? 0);
  }

  reset(seed?: number): Float64Array {
    if (seed !== undefined) this.rng = new Rng(seed);
    for (let i = 0; i < 4; i++) this.s[i] = this.rng.range(-0.05, 0.05);
    this.t = 0;
    return this.s;
  }

  /** Sets the physical state [x, ẋ, θ, θ̇] (tests, scripted starts); the step count is kept. */
  setState(x: number, xDot: number, theta: number, thetaDot: number): Float64Array {
    this.s[0] = x;
    this.s[1] = xDot;
    this.s[2] = theta;
    this.s[3] = thetaDot;
    return this.s;
  }

  step(action: number): StepResult {
    const s = this.s;
    let x = s[0]!;
    let xDot = s[1]!;
    let theta = s[2]!;
    let thetaDot = s[3]!;
    const force = action === 1 ? FORCE_MAG : -FORCE_MAG;
    const cos = Math.cos(theta);
    const sin = Math.sin(theta);
    const temp = (force + POLEMASS_LENGTH * thetaDot * thetaDot * sin) / TOTAL_MASS;
    const thetaAcc = (GRAVITY * sin - cos * temp) / (LENGTH * (4.0 / 3.0 - (MASS_POLE * cos * cos) / TOTAL_MASS));
    const xAcc = temp - (POLEMASS_LENGTH * thetaAcc * cos) / TOTAL_MASS;
    x = x + TAU * xDot;
    xDot = xDot + TAU * xAcc;
    theta = theta + TAU * thetaDot;
    thetaDot = thetaDot + TAU * thetaAcc;
    s[0] = x;
    s[1] = xDot;
    s[2] = theta;
    s[3] = thetaDot;
    this.t++;
    const terminated = x < -X_THRESHOLD || x > X_THRESHOLD || theta < -THETA_THRESHOLD || theta > THETA_THRESHOLD;
    return { obs: s, reward: 1, terminated, truncated: !terminated && this.t >= this.maxSteps };
  }
}
