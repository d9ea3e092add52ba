import { useEffect, useMemo } from 'react';
import { useFrame } from '@react-three/fiber';
import { AdditiveBlending, DynamicDrawUsage, InstancedBufferAttribute, InstancedBufferGeometry, Mesh, PlaneGeometry, ShaderMaterial } from 'three';
import { TICK_MS } from '../../src-shared/config';
import type { CoordinationEvent } from '../../src-shared/events';
import type { Roster } from '../../src-shared/roster';
import { frames } from '../frames';
import { useFloor } from '../store';
import { AVATAR_SCALE, BODY_H } from './Desks';
import { DESK_SCALE, type FloorLayout } from './layout';
import { BUY, HOLD, SELL } from './palette';
import { statsHooks, type VoteLineInfo } from './stats';

/** Lines fade out over this much floor time after the vote … */
export const VOTE_FADE_FLOOR_S = 1.5;
/** … but stay at least this long on screen (wall clock), so desks still visibly talk at high speed. */
const VOTE_MIN_WALL_S = 0.6;
/** Height of a desk's hub (where its votes meet) above the floor. */
const HUB_Y = 3.0 * DESK_SCALE;
/** Ribbon half-widths (world units) for the lightest and the heaviest vote of a desk. */
const W_MIN = 0.05;
const W_MAX = 0.2;

const vertexShader = /* glsl */ `
attribute vec3 aA;
attribute vec3 aB;
attribute vec3 aColor;
attribute vec4 aParams; // width, alpha, dashed, conflict
varying vec3 vColor;
varying float vAlpha;
varying float vT;
varying float vLen;
varying float vDash;
varying float vConflict;
varying float vAcross;
void main() {
  float t = position.x + 0.5;
  vec3 d = aB - aA;
  float len = length(d);
  vec3 p = aA + d * t;
  // a gentle arc, so lines meeting at a hub stay apart
  p.y += sin(t * 3.14159265) * min(0.6, 0.12 * len);
  vec3 toCam = normalize(cameraPosition - p);
  vec3 side = cross(d, toCam);
  float sl = length(side);
  side = sl > 1e-5 ? side / sl : vec3(1.0, 0.0, 0.0);
  p += side * position.y * 2.0 * aParams.x;
  gl_Position = projectionMatrix * viewMatrix * vec4(p, 1.0);
  vColor = aColor;
  vAlpha = aParams.y;
  vT = t;
  vLen = len;
  vDash = aParams.z;
  vConflict = aParams.w;
  vAcross = position.y * 2.0;
}
`;

const fragmentShader = /* glsl */ `
uniform float uTime;
varying vec3 vColor;
varying float vAlpha;
varying float vT;
varying float vLen;
varying float vDash;
varying float vConflict;
varying float vAcross;
void main() {
  // dissenting votes are dashed
  if (vDash > 0.5 && fract(vT * vLen * 2.2) > 0.55) discard;
  vec3 c = vColor;
  // a conflict pulses red
  if (vConflict > 0.5) c = mix(c, vec3(1.0, 0.12, 0.16), 0.55 + 0.45 * sin(uTime * 11.0));
  // a pulse flows from the voter toward the hub
  float flow = 0.8 + 0.35 * sin(vT * vLen * 1.6 - uTime * 7.0);
  float edge = 1.0 - smoothstep(0.45, 1.0, abs(vAcross));
  float a = vAlpha * edge;
  if (a < 0.01) discard;
  gl_FragColor = vec4(c * flow * 1.3 * a, a);
}
`;

interface DeskVote {
  ev: CoordinationEvent;
  /** performance.now() when the floor first saw it */
  seenAt: number;
  /** shown with the wall-clock minimum (it was fresh when it arrived) */
  fresh: boolean;
}

const ACTION_COLOR = { buy: BUY, sell: SELL, hold: HOLD } as const;

/** How visible a desk's latest vote is now: 1 when it arrives, 0 once faded. */
function alphaOf(dv: DeskVote, tickNow: number, now: number): number {
  const floorAge = Math.max(0, ((tickNow - dv.ev.tick) * TICK_MS) / 1000);
  let alpha = 1 - floorAge / VOTE_FADE_FLOOR_S;
  if (dv.fresh) alpha = Math.max(alpha, 1 - (now - dv.seenAt) / 1000 / VOTE_MIN_WALL_S);
  return alpha <= 0 ? 0 : Math.min(1, alpha) ** 0.7;
}

/**
 * Desks that visibly talk: when a desk votes (a coordination event), a ribbon runs from each
 * voter's head to the desk's hub above its table — coloured by the voter's action, as wide as its
 * vote's weight (relative to the desk's heaviest vote), dashed when it dissented from the outcome —
 * and one thick ribbon from the hub down to the table in the outcome's colour. A conflict makes
 * the desk's ribbons pulse red. Everything fades over ~1.5 s of floor time. All desks' ribbons are
 * one instanced draw (camera-facing quads bent in the vertex shader; WebGL lines are 1 px wide).
 */
export function VoteLines({ roster, layout }: { roster: Roster; layout: FloorLayout }) {
  const built = useMemo(() => {
    // every desk: its votes + the outcome ribbon (votes come from the desk's agents)
    const cap = Math.max(4, roster.agents.length + roster.desks.length * 2);
    const geo = new InstancedBufferGeometry();
    const plane = new PlaneGeometry(1, 1, 12, 1);
    geo.index = plane.index;
    geo.setAttribute('position', plane.getAttribute('position'));
    const attr = (size: number) => {
      const a = new InstancedBufferAttribute(new Float32Array(cap * size), size);
      a.setUsage(DynamicDrawUsage);
      return a;
    };
    const a = attr(3);
    const b = attr(3);
    const color = attr(3);
    const params = attr(4);
    geo.setAttribute('aA', a);
    geo.setAttribute('aB', b);
    geo.setAttribute('aColor', color);
    geo.setAttribute('aParams', params);
    // one invisible ribbon is always drawn: the shader compiles with the first frame, not with the first vote
    geo.instanceCount = 1;
    const mat = new ShaderMaterial({
      vertexShader,
      fragmentShader,
      uniforms: { uTime: { value: 0 } },
      transparent: true,
      depthWrite: false,
      blending: AdditiveBlending,
    });
    const mesh = new Mesh(geo, mat);
    mesh.name = 'vote-lines';
    mesh.frustumCulled = false;
    mesh.renderOrder = 5;
    mesh.raycast = () => {};
    plane.dispose();
    const attrs = [
      { attr: a, size: 3 },
      { attr: b, size: 3 },
      { attr: color, size: 3 },
      { attr: params, size: 4 },
    ];
    return { mesh, geo, mat, a, b, color, params, attrs, cap };
  }, [roster]);

  useEffect(
    () => () => {
      built.geo.dispose();
      built.mat.dispose();
    },
    [built],
  );

  // the latest vote per desk, fed from the store's coordination list (10 Hz), never through React state
  const votes = useMemo(() => new Map<number, DeskVote>(), []);
  useEffect(() => {
    votes.clear();
    const take = (list: readonly CoordinationEvent[]) => {
      const sid = useFloor.getState().info?.sessionId;
      const now = performance.now();
      const tickNow = currentTick();
      for (const ev of list) {
        if (ev.sessionId !== sid) continue;
        const cur = votes.get(ev.desk);
        if (cur && cur.ev.seq >= ev.seq) continue;
        const age = ((tickNow - ev.tick) * TICK_MS) / 1000;
        votes.set(ev.desk, { ev, seenAt: now, fresh: age < 10 });
      }
    };
    take(useFloor.getState().coordination);
    return useFloor.subscribe((s, prev) => {
      if (s.coordination === prev.coordination) return;
      if (s.coordination.length === 0) votes.clear();
      // the list is newest first: only its head can be new
      const fresh: CoordinationEvent[] = [];
      for (const ev of s.coordination) {
        const cur = votes.get(ev.desk);
        if (cur && cur.ev.seq >= ev.seq) continue;
        fresh.push(ev);
        if (fresh.length > 64) break;
      }
      take(fresh.reverse());
    });
  }, [votes, roster]);

  useEffect(() => {
    statsHooks.voteLines = () => {
      const out: VoteLineInfo[] = [];
      const tickNow = currentTick();
      const now = performance.now();
      for (const [desk, dv] of votes) {
        const alpha = alphaOf(dv, tickNow, now);
        if (alpha <= 0 || !layout.desks[desk]) continue;
        const conflict = dv.ev.conflict !== null;
        for (const v of dv.ev.votes) {
          if (!layout.agents[v.agent] || !roster.agents[v.agent]) continue;
          out.push({ desk, from: v.agent, to: 'desk', action: v.action, weight: v.weight, agreed: v.action === dv.ev.outcome, conflict, alpha, seq: dv.ev.seq });
        }
      }
      return out;
    };
    return () => {
      statsHooks.voteLines = () => [];
    };
  }, [votes, layout, roster]);

  useFrame((state) => {
    const { a, b, color, params, attrs, cap, geo, mat } = built;
    const time = state.clock.elapsedTime;
    (mat.uniforms.uTime as { value: number }).value = time;
    const tickNow = currentTick();
    const now = performance.now();
    const A = a.array as Float32Array;
    const B = b.array as Float32Array;
    const C = color.array as Float32Array;
    const P = params.array as Float32Array;
    let n = 0;
    for (const [desk, dv] of votes) {
      const ev = dv.ev;
      const alpha = alphaOf(dv, tickNow, now);
      if (alpha <= 0) {
        votes.delete(desk);
        continue;
      }
      const dp = layout.desks[desk];
      if (!dp) continue;
      const conflict = ev.conflict !== null ? 1 : 0;
      let wMax = 0;
      for (const v of ev.votes) wMax = Math.max(wMax, Math.abs(v.weight));
      for (const v of ev.votes) {
        const p = layout.agents[v.agent];
        const agent = roster.agents[v.agent];
        if (!p || !agent || n >= cap - 1) continue;
        const headY = (BODY_H[agent.role] + 0.24) * AVATAR_SCALE;
        const w01 = wMax > 0 ? Math.abs(v.weight) / wMax : 1;
        const agreed = v.action === ev.outcome;
        const c = ACTION_COLOR[v.action];
        const o3 = n * 3;
        A[o3] = p.x;
        A[o3 + 1] = headY;
        A[o3 + 2] = p.z;
        B[o3] = dp.x;
        B[o3 + 1] = HUB_Y;
        B[o3 + 2] = dp.z;
        C[o3] = c.r;
        C[o3 + 1] = c.g;
        C[o3 + 2] = c.b;
        const o4 = n * 4;
        P[o4] = W_MIN + (W_MAX - W_MIN) * w01;
        P[o4 + 1] = alpha * (agreed ? 1 : 0.75);
        P[o4 + 2] = agreed ? 0 : 1;
        P[o4 + 3] = conflict;
        n++;
      }
      if (n >= cap) break;
      // the outcome: from the hub down to the table
      const c = ACTION_COLOR[ev.outcome];
      const o3 = n * 3;
      A[o3] = dp.x;
      A[o3 + 1] = HUB_Y;
      A[o3 + 2] = dp.z;
      B[o3] = dp.x;
      B[o3 + 1] = 1.05 * DESK_SCALE;
      B[o3 + 2] = dp.z;
      C[o3] = c.r;
      C[o3 + 1] = c.g;
      C[o3 + 2] = c.b;
      const o4 = n * 4;
      P[o4] = W_MAX * 1.3;
      P[o4 + 1] = alpha;
      P[o4 + 2] = 0;
      P[o4 + 3] = conflict;
      n++;
    }
    if (n === 0) {
      // the always-drawn invisible ribbon
      P[0] = 0;
      P[1] = 0;
      n = 1;
    }
    const had = geo.instanceCount;
    geo.instanceCount = n;
    if (n > 1 || had > 1) {
      for (const { attr, size } of attrs) {
        attr.clearUpdateRanges();
        attr.addUpdateRange(0, n * size);
        attr.needsUpdate = true;
      }
    }
  });

  return <primitive object={built.mesh} />;
}

/** The tick on the floor now: the latest frame batch's, else the status bar's. */
function currentTick(): number {
  const st = useFloor.getState();
  const b = frames.batch;
  return b && b.sessionId === st.info?.sessionId ? b.toTick : st.tick;
}
