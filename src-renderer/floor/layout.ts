import type { Roster } from '../../src-shared/roster';

/**
 * Where everything stands on the floor, computed once per roster (pure, no three.js objects).
 * The pit (crowd) is centred on the origin; desks stand on an arc around it, open at the back,
 * where the venue towers and the big board are.
 */

export interface DeskPlace {
  x: number;
  z: number;
  /** rotation about Y so the desk's local +Z faces the pit centre */
  yaw: number;
}

export interface AgentPlace {
  x: number;
  z: number;
  yaw: number;
  /** desk-local slot 0..n-1 */
  slot: number;
}

export interface FloorLayout {
  pitRadius: number;
  pitInner: number;
  deskRadius: number;
  /** crowd instance size (1 = default scale) */
  crowdScale: number;
  crowd: Float32Array; // x,z pairs
  /** the crowd's types (a copy of roster.crowdTypes): a later layout with the same crowd reuses `crowd` */
  crowdTypes: Uint8Array;
  desks: DeskPlace[];
  agents: AgentPlace[];
  towers: { x: number; z: number; symbol: number; venue: number }[];
  /** venues drawn per symbol */
  venuesPerSymbol: number;
  board: { x: number; y: number; z: number; width: number; height: number };
  towerRowZ: number;
  extent: number;
}

/** Size of a desk cluster (table, monitors, avatars) relative to the crowd's figures. */
export const DESK_SCALE = 1.3;

const R2A = 0.7548776662466927; // plastic-number low-discrepancy sequence
const R2B = 0.5698402909980532;

function fract(x: number): number {
  return x - Math.floor(x);
}

function sameCrowd(a: Uint8Array, b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * `prev`: the layout shown so far. When the roster changed but its crowd did not (desks or agents
 * were added while the session runs), the crowd's positions are kept — the same array, so the
 * crowd's instance buffers are not rebuilt — and the desks' arc is laid out again around the pit.
 */
export function computeLayout(roster: Roster, prev: FloorLayout | null = null): FloorLayout {
  const n = roster.crowdTypes.length;
  const pitRadius = 6 + 0.1 * Math.sqrt(n);
  const pitInner = 1.6;
  // area per trader → instance spacing; default crowd (2000) gives scale 1
  const spacing = Math.sqrt((Math.PI * (pitRadius ** 2 - pitInner ** 2)) / Math.max(1, n));
  const crowdScale = Math.min(1.25, Math.max(0.35, spacing / 0.5));
  const reuse = prev !== null && sameCrowd(prev.crowdTypes, roster.crowdTypes);
  const crowd = reuse ? prev.crowd : crowdPositions(roster, pitRadius, pitInner);
  const crowdTypes = reuse ? prev.crowdTypes : Uint8Array.from(roster.crowdTypes);

  return placeRest(roster, { pitRadius, pitInner, crowdScale, crowd, crowdTypes });
}

/**
 * The crowd: one wedge per crowd type, sized by its share; positions filled with a low-discrepancy
 * sequence so density is even without overlaps piling up.
 */
function crowdPositions(roster: Roster, pitRadius: number, pitInner: number): Float32Array {
  const n = roster.crowdTypes.length;
  const counts = [0, 0, 0, 0];
  for (const t of roster.crowdTypes) counts[t] = (counts[t] ?? 0) + 1;
  const wedgeStart: number[] = [];
  let acc = 0;
  for (let t = 0; t < counts.length; t++) {
    wedgeStart.push(acc);
    acc += ((counts[t] ?? 0) / Math.max(1, n)) * Math.PI * 2;
  }
  const seen = [0, 0, 0, 0];
  const crowd = new Float32Array(n * 2);
  const gap = n > 0 ? 0.7 / pitRadius : 0; // a little aisle between wedges
  for (let i = 0; i < n; i++) {
    const t = roster.crowdTypes[i] ?? 0;
    const k = seen[t] ?? 0;
    seen[t] = k + 1;
    const share = ((counts[t] ?? 1) / Math.max(1, n)) * Math.PI * 2;
    const a = fract(0.5 + k * R2A);
    const b = fract(0.5 + k * R2B);
    const r = Math.sqrt(pitInner ** 2 + b * (pitRadius ** 2 - pitInner ** 2));
    const g = Math.min(gap, share * 0.2);
    const theta = (wedgeStart[t] ?? 0) + g / 2 + a * Math.max(0, share - g) + Math.PI / 2;
    crowd[i * 2] = Math.cos(theta) * r;
    crowd[i * 2 + 1] = Math.sin(theta) * r;
  }
  return crowd;
}

function placeRest(
  roster: Roster,
  pit: Pick<FloorLayout, 'pitRadius' | 'pitInner' | 'crowdScale' | 'crowd' | 'crowdTypes'>,
): FloorLayout {
  const { pitRadius } = pit;

  // desks on two side arcs around the pit (a U open toward the viewer at +Z, with the towers and
  // the board at the back): nothing stands between the home camera and the pit
  const D = roster.desks.length;
  const right = Math.ceil(D / 2);
  const left = D - right;
  const lo = (58 * Math.PI) / 180;
  const hi = (124 * Math.PI) / 180;
  const perSide = Math.max(right, 1);
  const deskRadius = Math.max(pitRadius + 5 + 2 * DESK_SCALE, (perSide * 6.4 * DESK_SCALE) / (hi - lo));
  const desks: DeskPlace[] = [];
  for (let d = 0; d < D; d++) {
    const side = d % 2 === 0 ? 1 : -1; // alternate right, left
    const k = Math.floor(d / 2);
    const m = side > 0 ? right : left;
    const theta = m <= 1 ? Math.PI / 2 : lo + ((hi - lo) * k) / (m - 1);
    const x = side * Math.sin(theta) * deskRadius;
    const z = Math.cos(theta) * deskRadius;
    // local +Z (forward) should point at the centre
    desks.push({ x, z, yaw: Math.atan2(-x, -z) });
  }

  // agents stand behind their desk (outer side), facing the pit
  const perDesk = new Map<number, number>();
  const deskMembers = new Map<number, number>();
  for (const a of roster.agents) deskMembers.set(a.desk, (deskMembers.get(a.desk) ?? 0) + 1);
  const agents: AgentPlace[] = roster.agents.map((a) => {
    const desk = desks[a.desk] ?? { x: 0, z: deskRadius, yaw: Math.PI };
    const slot = perDesk.get(a.desk) ?? 0;
    perDesk.set(a.desk, slot + 1);
    const m = deskMembers.get(a.desk) ?? 1;
    const u = m === 1 ? 0 : slot / (m - 1) - 0.5; // -0.5..0.5
    const lx = u * 4.2 * DESK_SCALE;
    const lz = (-1.05 + 0.45 * (2 * u) ** 2) * DESK_SCALE; // behind the desk, outer slots curl forward
    const c = Math.cos(desk.yaw);
    const s = Math.sin(desk.yaw);
    // rotate local (lx, lz) by yaw about Y
    const x = desk.x + lx * c + lz * s;
    const z = desk.z - lx * s + lz * c;
    const faceYaw = desk.yaw - u * 0.5;
    return { x, z, yaw: faceYaw, slot };
  });

  // venue towers behind the pit, one group per symbol, lined up under the board
  const S = roster.symbols.length;
  const V = Math.max(1, Math.min(4, roster.venues.length || 2));
  const boardWidth = Math.min(70, Math.max(26, pitRadius * 2.4, S * 3.2));
  const towerRowZ = -(pitRadius + 4.5);
  const towers: FloorLayout['towers'] = [];
  const pitch = Math.min(boardWidth / Math.max(1, S), 5.2);
  const groupW = Math.min(pitch, 4.5);
  for (let s = 0; s < S; s++) {
    const cx = (s - (S - 1) / 2) * pitch;
    for (let v = 0; v < V; v++) {
      const off = V === 1 ? 0 : (v / (V - 1) - 0.5) * groupW * 0.45;
      towers.push({ x: cx + off, z: towerRowZ, symbol: s, venue: v });
    }
  }
  const boardHeight = Math.max(11, Math.min(boardWidth * 0.42, 26));
  const board = { x: 0, y: 3.2 + boardHeight / 2, z: towerRowZ - 4.5, width: boardWidth, height: boardHeight };

  return {
    ...pit,
    deskRadius,
    desks,
    agents,
    towers,
    venuesPerSymbol: V,
    board,
    towerRowZ,
    extent: Math.max(deskRadius + 4, -board.z + 2, boardWidth / 2),
  };
}
