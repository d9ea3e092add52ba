import { Object3D, type Intersection, type Raycaster } from 'three';
import type { FloorLayout } from './layout';

/**
 * Crowd picking that scales: a uniform grid over the pit (built once per layout, counting sort) and
 * a 2D DDA walk of the cells the pointer ray crosses inside the crowd's height band. Each figure is
 * tested as a vertical cylinder. A pointer move costs O(cells on the ray × figures per cell), not a
 * scan of the whole crowd (10,000 traders ≈ 40 cells ≈ 150 cylinder tests).
 */

/** Ground level of the pit, where crowd figures stand (Crowd.tsx). */
export const CROWD_GROUND = -0.6;
/** Figure height and radius at scale 1 (Crowd.tsx geometry, with room for the buy/sell posture). */
const FIG_H = 0.86;
const FIG_R = 0.2;

export interface CrowdGrid {
  n: number;
  cell: number;
  min: number;
  dim: number;
  /** cellStart[c] .. cellStart[c+1] index into items */
  cellStart: Int32Array;
  items: Int32Array;
  xz: Float32Array;
  radius: number;
  height: number;
}

export function buildCrowdGrid(layout: FloorLayout): CrowdGrid {
  const xz = layout.crowd;
  const n = xz.length / 2;
  const radius = FIG_R * 1.12 * layout.crowdScale;
  const height = FIG_H * 1.12 * layout.crowdScale;
  const cell = Math.max(0.6, 2.5 * radius * 2);
  const extent = layout.pitRadius + 1;
  const min = -extent;
  const dim = Math.max(1, Math.ceil((2 * extent) / cell));
  const counts = new Int32Array(dim * dim + 1);
  const cellOf = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const cx = Math.min(dim - 1, Math.max(0, Math.floor(((xz[i * 2] ?? 0) - min) / cell)));
    const cz = Math.min(dim - 1, Math.max(0, Math.floor(((xz[i * 2 + 1] ?? 0) - min) / cell)));
    const c = cz * dim + cx;
    cellOf[i] = c;
    counts[c + 1] = (counts[c + 1] ?? 0) + 1;
  }
  for (let c = 0; c < dim * dim; c++) counts[c + 1] = (counts[c + 1] ?? 0) + (counts[c] ?? 0);
  const cellStart = counts;
  const fill = cellStart.slice(0, dim * dim);
  const items = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = cellOf[i] ?? 0;
    items[fill[c] ?? 0] = i;
    fill[c] = (fill[c] ?? 0) + 1;
  }
  return { n, cell, min, dim, cellStart, items, xz, radius, height };
}

export interface CrowdHit {
  index: number;
  distance: number;
}

/** Nearest crowd figure hit by the ray (origin o, unit direction d), or null. */
export function pickCrowd(g: CrowdGrid, ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, far = Infinity): CrowdHit | null {
  if (g.n === 0) return null;
  const y0 = CROWD_GROUND;
  const y1 = CROWD_GROUND + g.height;
  // the part of the ray inside the height band
  let t0 = 0;
  let t1 = far;
  if (Math.abs(dy) < 1e-9) {
    if (oy < y0 || oy > y1) return null;
  } else {
    const a = (y0 - oy) / dy;
    const b = (y1 - oy) / dy;
    t0 = Math.max(t0, Math.min(a, b));
    t1 = Math.min(t1, Math.max(a, b));
  }
  // and inside the grid's square
  const max = g.min + g.dim * g.cell;
  for (const [o, d] of [
    [ox, dx],
    [oz, dz],
  ] as const) {
    if (Math.abs(d) < 1e-12) {
      if (o < g.min || o > max) return null;
    } else {
      const a = (g.min - o) / d;
      const b = (max - o) / d;
      t0 = Math.max(t0, Math.min(a, b));
      t1 = Math.min(t1, Math.max(a, b));
    }
  }
  if (!(t1 >= t0)) return null;

  const dim = g.dim;
  const cellAt = (v: number) => Math.min(dim - 1, Math.max(0, Math.floor((v - g.min) / g.cell)));
  let cx = cellAt(ox + dx * t0);
  let cz = cellAt(oz + dz * t0);
  const endX = cellAt(ox + dx * t1);
  const endZ = cellAt(oz + dz * t1);
  const stepX = dx > 0 ? 1 : -1;
  const stepZ = dz > 0 ? 1 : -1;
  const nextBoundary = (c: number, step: number) => g.min + (c + (step > 0 ? 1 : 0)) * g.cell;
  let tMaxX = Math.abs(dx) < 1e-12 ? Infinity : (nextBoundary(cx, stepX) - ox) / dx;
  let tMaxZ = Math.abs(dz) < 1e-12 ? Infinity : (nextBoundary(cz, stepZ) - oz) / dz;
  const tDeltaX = Math.abs(dx) < 1e-12 ? Infinity : g.cell / Math.abs(dx);
  const tDeltaZ = Math.abs(dz) < 1e-12 ? Infinity : g.cell / Math.abs(dz);

  const found: { best: CrowdHit | null } = { best: null };
  const r2 = g.radius * g.radius;
  const aa = dx * dx + dz * dz;
  const tested = new Set<number>();
  const testCell = (x: number, z: number) => {
    if (x < 0 || z < 0 || x >= dim || z >= dim) return;
    const c = z * dim + x;
    const from = g.cellStart[c] ?? 0;
    const to = g.cellStart[c + 1] ?? 0;
    for (let k = from; k < to; k++) {
      const i = g.items[k] ?? 0;
      if (tested.has(i)) continue;
      tested.add(i);
      const fx = ox - (g.xz[i * 2] ?? 0);
      const fz = oz - (g.xz[i * 2 + 1] ?? 0);
      let enter: number;
      let exit: number;
      if (aa < 1e-12) {
        if (fx * fx + fz * fz > r2) continue;
        enter = -Infinity;
        exit = Infinity;
      } else {
        const b = 2 * (fx * dx + fz * dz);
        const c0 = fx * fx + fz * fz - r2;
        const disc = b * b - 4 * aa * c0;
        if (disc < 0) continue;
        const sq = Math.sqrt(disc);
        enter = (-b - sq) / (2 * aa);
        exit = (-b + sq) / (2 * aa);
      }
      const lo = Math.max(enter, t0);
      const hi = Math.min(exit, t1);
      if (hi < lo || lo < 0) continue;
      if (!found.best || lo < found.best.distance) found.best = { index: i, distance: lo };
    }
  };
  // walk the cells in ray order; a figure can spill into the neighbouring cell, so test the 3×3
  for (let guard = 0; guard < 4 * dim + 8; guard++) {
    for (let ddz = -1; ddz <= 1; ddz++) for (let ddx = -1; ddx <= 1; ddx++) testCell(cx + ddx, cz + ddz);
    const tNext = Math.min(tMaxX, tMaxZ);
    // nothing further along can be nearer than a hit we already have
    if (found.best && found.best.distance < tNext) break;
    if (cx === endX && cz === endZ) break;
    if (tMaxX < tMaxZ) {
      cx += stepX;
      tMaxX += tDeltaX;
    } else {
      cz += stepZ;
      tMaxZ += tDeltaZ;
    }
    if (tNext > t1 + g.cell) break;
  }
  return found.best;
}

/**
 * An invisible scene object whose raycast() asks the grid, so the crowd takes part in R3F's pointer
 * events like any mesh (e.instanceId = the crowd trader's index).
 */
export class CrowdPickProxy extends Object3D {
  grid: CrowdGrid;
  constructor(grid: CrowdGrid) {
    super();
    this.grid = grid;
    this.name = 'crowd-picker';
  }
  override raycast(raycaster: Raycaster, intersects: Intersection[]): void {
    const r = raycaster.ray;
    const hit = pickCrowd(this.grid, r.origin.x, r.origin.y, r.origin.z, r.direction.x, r.direction.y, r.direction.z, raycaster.far);
    if (!hit || hit.distance < raycaster.near) return;
    const point = r.at(hit.distance, r.origin.clone());
    intersects.push({ distance: hit.distance, point, object: this, instanceId: hit.index });
  }
}
