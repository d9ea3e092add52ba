import { useEffect, useMemo, useRef } from 'react';
import { useFrame, useThree } from '@react-three/fiber';
import {
  AmbientLight,
  DirectionalLight,
  Fog,
  HemisphereLight,
  CircleGeometry,
  Color,
  CylinderGeometry,
  DoubleSide,
  Mesh,
  MeshBasicMaterial,
  MeshLambertMaterial,
  RingGeometry,
  TorusGeometry,
} from 'three';
import { frames } from '../frames';
import type { FloorLayout } from './layout';
import { PIT_DEPTH } from './Crowd';
import { BUY, HOLD, SELL } from './palette';
import { stressState } from './stress';

/** The floor's background (also the fog's colour when calm). */
export const BG = '#070b14';

/**
 * Static architecture: the floor, the sunken pit with a glowing rim (its colour follows the average
 * move of the market since the open), concentric guide rings, and the lights.
 */
export function Environment({ layout }: { layout: FloorLayout }) {
  const built = useMemo(() => {
    const R = layout.pitRadius + 0.5;
    const outer = layout.extent * 2.4;
    const floor = new Mesh(
      new RingGeometry(R, outer, 96, 1),
      new MeshLambertMaterial({ color: '#0d1422' }),
    );
    floor.rotation.x = -Math.PI / 2;
    floor.name = 'floor';
    const pitFloor = new Mesh(new CircleGeometry(R, 96), new MeshLambertMaterial({ color: '#0a101c' }));
    pitFloor.rotation.x = -Math.PI / 2;
    pitFloor.position.y = -PIT_DEPTH;
    const wall = new Mesh(
      new CylinderGeometry(R, R, PIT_DEPTH, 96, 1, true),
      new MeshLambertMaterial({ color: '#141d2e', side: DoubleSide }),
    );
    wall.position.y = -PIT_DEPTH / 2;
    const rimMat = new MeshBasicMaterial({ color: '#4a5a78', toneMapped: false });
    const rim = new Mesh(new TorusGeometry(R, 0.07, 8, 160), rimMat);
    rim.rotation.x = -Math.PI / 2;
    rim.position.y = 0.02;
    // guide rings on the floor: the desk walkway, and the outer edge
    const lineMat = new MeshBasicMaterial({ color: '#1d2a44', toneMapped: false, side: DoubleSide });
    const ring1 = new Mesh(new RingGeometry(layout.deskRadius - 3.2, layout.deskRadius - 3.1, 160), lineMat);
    const ring2 = new Mesh(new RingGeometry(layout.deskRadius + 2.6, layout.deskRadius + 2.7, 160), lineMat);
    for (const r of [ring1, ring2]) {
      r.rotation.x = -Math.PI / 2;
      r.position.y = 0.01;
    }
    const all = [floor, pitFloor, wall, rim, ring1, ring2];
    for (const m of all) m.raycast = () => {};
    return { all, rimMat };
  }, [layout]);

  useEffect(
    () => () => {
      for (const m of built.all) {
        m.geometry.dispose();
        const mat = m.material;
        if (!Array.isArray(mat)) mat.dispose();
      }
    },
    [built],
  );

  const tmp = useMemo(() => ({ c: new Color(), t: new Color() }), []);
  useFrame((state, delta) => {
    const b = frames.batch;
    let mood = 0;
    if (b) {
      const s = b.latest.symbols;
      let sum = 0;
      for (let i = 0; i < s.last.length; i++) {
        const o = s.open[i] ?? 0;
        if (o > 0) sum += ((s.last[i] ?? 0) - o) / o;
      }
      mood = s.last.length ? sum / s.last.length : 0;
    }
    const mag = Math.min(1, Math.abs(mood) * 30);
    tmp.t.copy(HOLD).multiplyScalar(0.6).lerp(mood >= 0 ? BUY : SELL, mag);
    // under stress the rim turns to a red alarm pulse
    const stress = stressState.level;
    if (stress > 0.2) tmp.t.lerp(SELL, Math.min(1, (stress - 0.2) * 1.6));
    tmp.t.multiplyScalar(0.85 + 0.15 * Math.sin(state.clock.elapsedTime * (2 + 6 * stress)));
    built.rimMat.color.lerp(tmp.t, 1 - Math.exp(-delta * 3));
  });

  return (
    <group>
      {built.all.map((m) => (
        <primitive key={m.uuid} object={m} />
      ))}
    </group>
  );
}

const CALM = {
  key: new Color('#ffffff'),
  fill: new Color('#7aa2ff'),
  sky: new Color('#8fa8ff'),
  ambient: new Color('#9fb0d0'),
  bg: new Color(BG),
};
const ALARM = {
  key: new Color('#9db4ff'),
  fill: new Color('#ff3b30'),
  sky: new Color('#ff5a4a'),
  ambient: new Color('#ff7a45'),
  bg: new Color('#1c070b'),
};

/**
 * The lights. Calm is the usual look; as the room's stress rises (floor/stress.ts) the key light
 * cools and dims, a red/amber tint creeps into the sky, ambient and fill lights, and the background
 * and fog darken toward red. Same lights throughout (only colours and intensities change): adding
 * or removing a light would recompile every lit shader.
 */
export function Lights({ layout }: { layout: FloorLayout }) {
  const e = layout.extent;
  const key = useRef<DirectionalLight>(null);
  const fill = useRef<DirectionalLight>(null);
  const hemi = useRef<HemisphereLight>(null);
  const amb = useRef<AmbientLight>(null);
  const scene = useThree((s) => s.scene);
  const shown = useRef(-1);
  useFrame(() => {
    const s = stressState.level;
    // quantised: nothing to do while the level holds still
    const q = Math.round(s * 200) / 200;
    if (q === shown.current) return;
    shown.current = q;
    const k = Math.min(1, q * 1.15);
    if (key.current) {
      key.current.color.copy(CALM.key).lerp(ALARM.key, k);
      key.current.intensity = 1.6 - 0.75 * k;
    }
    if (fill.current) {
      fill.current.color.copy(CALM.fill).lerp(ALARM.fill, k);
      fill.current.intensity = 0.5 + 0.9 * k;
    }
    if (hemi.current) {
      hemi.current.color.copy(CALM.sky).lerp(ALARM.sky, k * 0.8);
      hemi.current.intensity = 0.9 - 0.3 * k;
    }
    if (amb.current) {
      amb.current.color.copy(CALM.ambient).lerp(ALARM.ambient, k * 0.9);
      amb.current.intensity = 0.25 + 0.15 * k;
    }
    if (scene.background instanceof Color) scene.background.copy(CALM.bg).lerp(ALARM.bg, k);
    if (scene.fog instanceof Fog) scene.fog.color.copy(CALM.bg).lerp(ALARM.bg, k);
  });
  return (
    <>
      <hemisphereLight ref={hemi} args={['#8fa8ff', '#0a0f1a', 0.9]} />
      <ambientLight ref={amb} intensity={0.25} color="#9fb0d0" />
      <directionalLight ref={key} position={[e * 0.4, e * 1.2, e * 0.8]} intensity={1.6} color="#ffffff" />
      <directionalLight ref={fill} position={[-e * 0.8, e * 0.6, -e * 0.4]} intensity={0.5} color="#7aa2ff" />
      <pointLight position={[0, layout.board.y, layout.board.z + 6]} intensity={60} distance={e * 1.5} decay={1.6} color="#ffd9a0" />
    </>
  );
}
