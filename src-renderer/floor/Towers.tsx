import { useEffect, useMemo, useRef } from 'react';
import { useFrame } from '@react-three/fiber';
import { BoxGeometry, Color, CylinderGeometry, DynamicDrawUsage, InstancedMesh, MeshBasicMaterial, Object3D } from 'three';
import type { Roster } from '../../src-shared/roster';
import { frames } from '../frames';
import type { FloorLayout } from './layout';
import { glowMaterial } from './materials';
import { BUY, SELL } from './palette';

const MAX_H = 7.5;
const TOWER_W = 0.95;

/**
 * Venue towers: for each symbol one tower per venue, standing in a row under the big board. Each
 * tower is a live order-book column: the lower (green) block is bid depth, the upper (red) block
 * ask depth, heights relative to the deepest book on the floor; the beacon on top glows with the
 * symbol's change since the open, and pulses with traded volume.
 * (Frames carry the venue-blended book top, so a symbol's towers currently show the same book.)
 */
export function Towers({ roster, layout }: { roster: Roster; layout: FloorLayout }) {
  const built = useMemo(() => {
    const T = layout.towers.length;
    const cap = Math.max(1, T);
    const blocks = new InstancedMesh(new BoxGeometry(TOWER_W, 1, TOWER_W), glowMaterial(0.45, { roughness: 0.35, metalness: 0.2 }), cap * 2);
    blocks.name = 'tower-blocks';
    const beacons = new InstancedMesh(new CylinderGeometry(0.62, 0.62, 0.16, 20), new MeshBasicMaterial({ toneMapped: false }), cap);
    beacons.name = 'tower-beacons';
    const plinths = new InstancedMesh(new BoxGeometry(TOWER_W + 0.5, 0.3, TOWER_W + 0.5), glowMaterial(0.02, { color: '#1b2435', roughness: 0.6 }), cap);
    plinths.name = 'tower-plinths';
    const dummy = new Object3D();
    const c = new Color();
    layout.towers.forEach((t, i) => {
      dummy.position.set(t.x, 0.15, t.z);
      dummy.rotation.set(0, 0, 0);
      dummy.scale.set(1, 1, 1);
      dummy.updateMatrix();
      plinths.setMatrixAt(i, dummy.matrix);
      blocks.setColorAt(i * 2, c.copy(BUY).multiplyScalar(0.6));
      blocks.setColorAt(i * 2 + 1, c.copy(SELL).multiplyScalar(0.6));
      beacons.setColorAt(i, c.set('#8a96ad'));
    });
    if (T === 0) {
      blocks.setColorAt(0, c);
      blocks.setColorAt(1, c);
      beacons.setColorAt(0, c);
    }
    blocks.count = T * 2;
    beacons.count = T;
    plinths.count = T;
    plinths.instanceMatrix.needsUpdate = true;
    for (const m of [blocks, beacons, plinths]) {
      m.frustumCulled = false;
      m.raycast = () => {};
    }
    blocks.instanceMatrix.setUsage(DynamicDrawUsage);
    beacons.instanceMatrix.setUsage(DynamicDrawUsage);
    return { blocks, beacons, plinths };
  }, [layout]);

  useEffect(
    () => () => {
      for (const m of [built.blocks, built.beacons, built.plinths]) {
        m.geometry.dispose();
        const mat = m.material;
        if (Array.isArray(mat)) mat.forEach((x) => x.dispose());
        else mat.dispose();
        m.dispose();
      }
    },
    [built],
  );

  const S = roster.symbols.length;
  const anim = useMemo(
    () => ({ bid: new Float32Array(S), ask: new Float32Array(S), vol: new Float32Array(S), chg: new Float32Array(S), maxSize: 1, maxVol: 1 }),
    [S],
  );
  const tmp = useMemo(() => ({ dummy: new Object3D(), c: new Color() }), []);
  const seen = useRef(-1);

  useFrame((state, delta) => {
    const b = frames.batch;
    const sym = b && b.latest.symbols.last.length === S ? b.latest.symbols : null;
    const k = 1 - Math.exp(-Math.min(delta, 0.1) * 5);
    if (sym && frames.version !== seen.current) {
      seen.current = frames.version;
      let maxSize = 0;
      let maxVol = 0;
      for (let s = 0; s < S; s++) {
        maxSize = Math.max(maxSize, sym.bidSize[s] ?? 0, sym.askSize[s] ?? 0);
        maxVol = Math.max(maxVol, sym.volume[s] ?? 0);
      }
      // slowly decaying maxima keep the scale stable
      anim.maxSize = Math.max(maxSize, anim.maxSize * 0.995, 1e-9);
      anim.maxVol = Math.max(maxVol, anim.maxVol * 0.99, 1e-9);
    }
    const { dummy, c } = tmp;
    const time = state.clock.elapsedTime;
    const { blocks, beacons } = built;
    for (let i = 0; i < layout.towers.length; i++) {
      const t = layout.towers[i];
      if (!t) continue;
      const s = t.symbol;
      if (sym) {
        const bidT = ((sym.bidSize[s] ?? 0) / anim.maxSize) * (MAX_H / 2);
        const askT = ((sym.askSize[s] ?? 0) / anim.maxSize) * (MAX_H / 2);
        const open = sym.open[s] ?? 0;
        const chgT = open > 0 ? ((sym.last[s] ?? 0) - open) / open : 0;
        const volT = (sym.volume[s] ?? 0) / anim.maxVol;
        if (t.venue === 0) {
          anim.bid[s] = (anim.bid[s] ?? 0) + (bidT - (anim.bid[s] ?? 0)) * k;
          anim.ask[s] = (anim.ask[s] ?? 0) + (askT - (anim.ask[s] ?? 0)) * k;
          anim.chg[s] = (anim.chg[s] ?? 0) + (chgT - (anim.chg[s] ?? 0)) * k;
          anim.vol[s] = Math.max(volT, (anim.vol[s] ?? 0) * (1 - k * 0.5));
        }
      }
      const bidH = 0.25 + (anim.bid[s] ?? 0);
      const askH = 0.25 + (anim.ask[s] ?? 0);
      const base = 0.3;
      dummy.rotation.set(0, 0, 0);
      dummy.position.set(t.x, base + bidH / 2, t.z);
      dummy.scale.set(1, bidH, 1);
      dummy.updateMatrix();
      blocks.setMatrixAt(i * 2, dummy.matrix);
      dummy.position.set(t.x, base + bidH + 0.06 + askH / 2, t.z);
      dummy.scale.set(0.86, askH, 0.86);
      dummy.updateMatrix();
      blocks.setMatrixAt(i * 2 + 1, dummy.matrix);
      const top = base + bidH + 0.06 + askH + 0.2;
      const vol = anim.vol[s] ?? 0;
      const pulse = 1 + vol * 0.35 + Math.sin(time * 5 + s) * 0.04 * vol;
      dummy.position.set(t.x, top, t.z);
      dummy.scale.set(pulse, 1, pulse);
      dummy.updateMatrix();
      beacons.setMatrixAt(i, dummy.matrix);
      const chg = anim.chg[s] ?? 0;
      const mag = Math.min(1, Math.abs(chg) * 40);
      if (chg >= 0) c.setRGB(0.45, 0.5, 0.6).lerp(BUY, mag);
      else c.setRGB(0.45, 0.5, 0.6).lerp(SELL, mag);
      c.multiplyScalar(0.8 + vol * 0.9);
      beacons.setColorAt(i, c);
    }
    blocks.instanceMatrix.needsUpdate = true;
    beacons.instanceMatrix.needsUpdate = true;
    if (beacons.instanceColor) beacons.instanceColor.needsUpdate = true;
  });

  return (
    <group>
      <primitive object={built.plinths} />
      <primitive object={built.blocks} />
      <primitive object={built.beacons} />
    </group>
  );
}
