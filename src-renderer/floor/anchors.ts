import { Vector3, type Camera } from 'three';
import type { Roster } from '../../src-shared/roster';
import type { InspectTarget } from '../store';
import { AVATAR_SCALE, BODY_H } from './Desks';
import type { FloorLayout } from './layout';
import { CROWD_GROUND } from './picking';

/**
 * Screen positions of things on the floor, for the DOM: the popovers follow their avatar (their
 * transform is written here every rendered frame, never through React state), and the e2e hooks
 * `screenPositionOfAgent/Crowd` give deterministic click targets.
 */

export interface FloorView {
  camera: Camera | null;
  layout: FloorLayout | null;
  roster: Roster | null;
  /** what a pointer at (x, y) in page CSS pixels would pick (null: nothing, or no floor yet) */
  pick: ((x: number, y: number) => InspectTarget | null) | null;
  /** the canvas's position and size in CSS pixels (page coordinates) */
  left: number;
  top: number;
  width: number;
  height: number;
}

export const floorView: FloorView = { camera: null, layout: null, roster: null, pick: null, left: 0, top: 0, width: 1, height: 1 };

export interface ScreenPoint {
  x: number;
  y: number;
  /** in front of the camera and inside the canvas */
  visible: boolean;
}

const tmp = new Vector3();

/** World position of a target: 'anchor' = above the head (popovers), 'body' = the middle (clicks). */
export function worldOf(t: InspectTarget, part: 'anchor' | 'body', out: Vector3): Vector3 | null {
  const layout = floorView.layout;
  if (!layout) return null;
  if (t.kind === 'agent') {
    const p = layout.agents[t.index];
    const role = floorView.roster?.agents[t.index]?.role ?? 'MarketAnalyst';
    if (!p) return null;
    const h = BODY_H[role] * AVATAR_SCALE;
    return out.set(p.x, part === 'anchor' ? h + 0.55 * AVATAR_SCALE : h * 0.5, p.z);
  }
  const x = layout.crowd[t.index * 2];
  const z = layout.crowd[t.index * 2 + 1];
  if (x === undefined || z === undefined) return null;
  return out.set(x, CROWD_GROUND + (part === 'anchor' ? 0.85 : 0.34) * layout.crowdScale, z);
}

export function projectToScreen(world: Vector3): ScreenPoint | null {
  const cam = floorView.camera;
  if (!cam) return null;
  tmp.copy(world).project(cam);
  const x = floorView.left + ((tmp.x + 1) / 2) * floorView.width;
  const y = floorView.top + ((1 - tmp.y) / 2) * floorView.height;
  const visible = tmp.z > -1 && tmp.z < 1 && Math.abs(tmp.x) <= 1 && Math.abs(tmp.y) <= 1;
  return { x, y, visible };
}

const w = new Vector3();
export function screenOf(t: InspectTarget, part: 'anchor' | 'body'): ScreenPoint | null {
  const p = worldOf(t, part, w);
  return p ? projectToScreen(p) : null;
}

/**
 * A click target for t: the first of a few points on its figure (middle, upper, lower body, head)
 * where the pointer would pick t itself and not a figure standing in front of it. `picks` is false
 * when none does (the middle is returned).
 */
export function clickTargetOf(t: InspectTarget): (ScreenPoint & { picks: boolean }) | null {
  const base = worldOf(t, 'body', w);
  if (!base) return null;
  const bx = base.x;
  const by = base.y;
  const bz = base.z;
  const h = t.kind === 'agent' ? by : 0.3 * (floorView.layout?.crowdScale ?? 1);
  let first: ScreenPoint | null = null;
  for (const k of [0, 0.5, -0.45, 0.9, 1.3, -0.8]) {
    const p = projectToScreen(w.set(bx, by + k * h, bz));
    if (!p) return null;
    first ??= p;
    if (!p.visible) continue;
    const got = floorView.pick?.(p.x, p.y) ?? null;
    if (got && got.kind === t.kind && got.index === t.index) return { ...p, picks: true };
  }
  return first ? { ...first, picks: false } : null;
}

/** A DOM popover that follows a target on screen. */
export interface Anchored {
  target: InspectTarget;
  box: HTMLElement;
  line: HTMLElement | null;
  dot: HTMLElement | null;
  /** measured size (ResizeObserver), so the per-frame placement never reads layout */
  w: number;
  h: number;
}

export const anchored = new Set<Anchored>();

const GAP = 30;
const MARGIN = 8;
const TOP_SAFE = 40;
const BOTTOM_SAFE = 48;

interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

function overlaps(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/** Places every anchored popover next to its target (called once per rendered frame). */
export function placeAnchored(): void {
  if (anchored.size === 0) return;
  const vw = window.innerWidth;
  const vh = window.innerHeight;
  const placed: Rect[] = [];
  for (const a of anchored) {
    const s = screenOf(a.target, 'anchor');
    const bw = a.w;
    const bh = a.h;
    let x: number;
    let y: number;
    if (s) {
      x = s.x + GAP;
      if (x + bw > vw - MARGIN) x = s.x - GAP - bw;
      y = s.y - 70;
    } else {
      x = vw / 2 - bw / 2;
      y = vh / 2 - bh / 2;
    }
    x = Math.max(MARGIN, Math.min(vw - bw - MARGIN, x));
    y = Math.max(TOP_SAFE, Math.min(vh - BOTTOM_SAFE - bh, y));
    // keep pinned popovers from covering each other: slide down (then up) past earlier ones
    for (let iter = 0; iter < 6; iter++) {
      const r = { x, y, w: bw, h: bh };
      const hit = placed.find((p) => overlaps(r, p));
      if (!hit) break;
      const below = hit.y + hit.h + 8;
      y = below + bh <= vh - BOTTOM_SAFE ? below : Math.max(TOP_SAFE, hit.y - bh - 8);
      if (iter === 5) x = Math.max(MARGIN, Math.min(vw - bw - MARGIN, hit.x - bw - 8));
    }
    placed.push({ x, y, w: bw, h: bh });
    a.box.style.transform = `translate3d(${Math.round(x)}px, ${Math.round(y)}px, 0)`;
    const showLine = !!s && s.visible;
    if (a.dot) {
      a.dot.style.display = showLine ? 'block' : 'none';
      if (s) a.dot.style.transform = `translate3d(${s.x - 4}px, ${s.y - 4}px, 0)`;
    }
    if (a.line) {
      a.line.style.display = showLine ? 'block' : 'none';
      if (s && showLine) {
        const ex = s.x < x ? x : s.x > x + bw ? x + bw : s.x;
        const ey = Math.max(y + 14, Math.min(y + bh - 14, s.y));
        const len = Math.hypot(ex - s.x, ey - s.y);
        const ang = Math.atan2(ey - s.y, ex - s.x);
        a.line.style.width = `${len}px`;
        a.line.style.transform = `translate3d(${s.x}px, ${s.y}px, 0) rotate(${ang}rad)`;
      }
    }
  }
}
