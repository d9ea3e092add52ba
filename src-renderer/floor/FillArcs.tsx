import { useEffect, useMemo } from 'react';
import { useFrame } from '@react-three/fiber';
import { AdditiveBlending, Color, DynamicDrawUsage, InstancedMesh, MeshBasicMaterial, Object3D, SphereGeometry } from 'three';
import type { TradeEvent } from '../../src-shared/events';
import type { Roster } from '../../src-shared/roster';
import { AVATAR_SCALE, BODY_H } from './Desks';
import type { FloorLayout } from './layout';
import { BUY, SELL } from './palette';
import { statsHooks, type FillArcInfo } from './stats';

/** Wall-clock life of one arc: long enough to follow at 1×, short enough not to clutter at 10×. */
const ARC_S = 0.9;
/** Dots per arc (a comet: the head and a fading tail). */
const TAIL = 4;
/** Arcs drawn at once; beyond this the oldest are dropped (a flood of fills reads as a flood anyway). */
const MAX_ARCS = 64;
/** Where an arc lands on a venue tower and how high it rises between. */
const TOWER_TOP_Y = 2.2;
const ARC_RISE = 3.2;

interface Fill {
  agent: number;
  symbol: number;
  venue: number;
  buy: boolean;
  at: number;
  seq: number;
}

/** Fills of featured agents waiting to be drawn, newest last; fed by the controller's event stream. */
const fills: Fill[] = [];

/** Takes a batch of trades (the controller calls this for trades with a featured buyer or seller). */
export function noteFills(trades: readonly TradeEvent[]): void {
  const now = performance.now();
  for (const t of trades) {
    if (t.buyAgent >= 0) fills.push({ agent: t.buyAgent, symbol: t.symbol, venue: t.venue, buy: true, at: now, seq: t.seq });
    if (t.sellAgent >= 0) fills.push({ agent: t.sellAgent, symbol: t.symbol, venue: t.venue, buy: false, at: now, seq: t.seq });
  }
  if (fills.length > MAX_ARCS) fills.splice(0, fills.length - MAX_ARCS);
}

export function clearFills(): void {
  fills.length = 0;
}

/**
 * An order that fills sends a comet from the agent's head to its venue's tower (green: bought, red:
 * sold), and the avatar's end of the arc flares as it leaves — the floor shows who is trading where.
 * All arcs are one instanced draw; positions are written in useFrame, never through React state.
 */
export function FillArcs({ roster, layout }: { roster: Roster; layout: FloorLayout }) {
  const built = useMemo(() => {
    const mesh = new InstancedMesh(
      new SphereGeometry(0.16, 10, 8),
      new MeshBasicMaterial({ transparent: true, blending: AdditiveBlending, depthWrite: false, toneMapped: false }),
      MAX_ARCS * TAIL,
    );
    mesh.instanceMatrix.setUsage(DynamicDrawUsage);
    mesh.frustumCulled = false;
    mesh.count = 0;
    // instanceColor exists from the start, so the shader is compiled once with it
    mesh.setColorAt(0, BUY);
    return { mesh, dummy: new Object3D(), c: new Color() };
  }, []);

  useEffect(() => {
    clearFills();
    return () => {
      built.mesh.geometry.dispose();
      (built.mesh.material as MeshBasicMaterial).dispose();
    };
  }, [built]);

  useEffect(() => {
    statsHooks.fillArcs = () => {
      const now = performance.now();
      return fills
        .filter((f) => (now - f.at) / 1000 < ARC_S && layout.agents[f.agent] !== undefined)
        .map((f): FillArcInfo => ({ agent: f.agent, symbol: f.symbol, venue: f.venue, side: f.buy ? 'buy' : 'sell', seq: f.seq }));
    };
    return () => {
      statsHooks.fillArcs = () => [];
    };
  }, [layout]);

  useFrame(() => {
    const { mesh, dummy, c } = built;
    const now = performance.now();
    let drop = 0;
    while (drop < fills.length && (now - fills[drop]!.at) / 1000 >= ARC_S) drop++;
    if (drop > 0) fills.splice(0, drop);
    let n = 0;
    for (const f of fills) {
      const p = layout.agents[f.agent];
      const agent = roster.agents[f.agent];
      const tower = layout.towers.find((t) => t.symbol === f.symbol && t.venue === f.venue) ?? layout.towers.find((t) => t.symbol === f.symbol);
      if (!p || !agent || !tower) continue;
      const age = (now - f.at) / 1000 / ARC_S;
      const ax = p.x;
      const ay = (BODY_H[agent.role] + 0.3) * AVATAR_SCALE;
      const az = p.z;
      const mx = (ax + tower.x) / 2;
      const mz = (az + tower.z) / 2;
      const my = Math.max(ay, TOWER_TOP_Y) + ARC_RISE;
      const base = f.buy ? BUY : SELL;
      for (let k = 0; k < TAIL; k++) {
        const t = Math.min(1, Math.max(0, age * 1.25 - k * 0.06));
        const u = 1 - t;
        // quadratic Bézier: avatar → apex → tower top
        dummy.position.set(u * u * ax + 2 * u * t * mx + t * t * tower.x, u * u * ay + 2 * u * t * my + t * t * TOWER_TOP_Y, u * u * az + 2 * u * t * mz + t * t * tower.z);
        // the head flares as it leaves the avatar, the tail thins out
        const flare = k === 0 ? 1 + 1.6 * Math.max(0, 1 - age * 5) : 1 - k * 0.2;
        dummy.scale.setScalar(flare);
        dummy.updateMatrix();
        mesh.setMatrixAt(n, dummy.matrix);
        // additive dots overlap: kept below full brightness so green and red still read as such
        c.copy(base).multiplyScalar(0.6 * (1 - age) * (1 - k * 0.22));
        mesh.setColorAt(n, c);
        n++;
      }
    }
    mesh.count = n;
    mesh.instanceMatrix.needsUpdate = true;
    if (mesh.instanceColor) mesh.instanceColor.needsUpdate = true;
  });

  return <primitive object={built.mesh} />;
}
