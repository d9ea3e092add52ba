import { useEffect, useMemo, useRef } from 'react';
import { useFrame, useThree } from '@react-three/fiber';
import {
  AdditiveBlending,
  Color,
  ConeGeometry,
  CylinderGeometry,
  DoubleSide,
  DynamicDrawUsage,
  InstancedMesh,
  MeshBasicMaterial,
  Object3D,
  SphereGeometry,
} from 'three';
import { mergeGeometries } from 'three/examples/jsm/utils/BufferGeometryUtils.js';
import type { Roster } from '../../src-shared/roster';
import { frames } from '../frames';
import { useFloor } from '../store';
import type { FloorLayout } from './layout';
import { statsHooks } from './stats';
import {
  activeScenarios,
  activeShocksOf,
  beaconsOn,
  realisedVolatility,
  recentAlertLevel,
  smoothStress,
  stressParts,
  stressState,
  stressTarget,
} from './stress';

/** Inputs are re-read at most this often (s); the level itself eases every frame. */
const INPUT_EVERY_S = 0.1;

function beaconGeometries() {
  const housing = new CylinderGeometry(0.34, 0.44, 0.28, 16, 1);
  housing.translate(0, 0.14, 0);
  const dome = new SphereGeometry(0.3, 16, 8, 0, Math.PI * 2, 0, Math.PI / 2);
  dome.translate(0, 0.28, 0);
  housing.deleteAttribute('uv');
  dome.deleteAttribute('uv');
  const body = mergeGeometries([housing.toNonIndexed(), dome.toNonIndexed()]);
  housing.dispose();
  dome.dispose();
  // two opposite light cones lying flat, apex at the dome: the sweeping beams of a rotating beacon
  const a = new ConeGeometry(0.75, 3.2, 16, 1, true);
  a.translate(0, -1.6, 0); // apex at the origin, opening toward −Y
  a.rotateZ(Math.PI / 2); // opening toward +X
  const b = a.clone();
  b.rotateY(Math.PI);
  a.deleteAttribute('uv');
  b.deleteAttribute('uv');
  const beams = mergeGeometries([a, b]);
  beams.translate(0, 0.32, 0);
  a.dispose();
  b.dispose();
  return { body, beams };
}

/**
 * The room reacting to the market: computes the stress level (floor/stress.ts) and drives the
 * alarm beacons — rotating red lights along the top of the big board and at the front corners of
 * the floor, one instanced draw for their bodies and one for their beams. They are dark and
 * beamless when calm, light up above the threshold and spin faster as stress rises. The lights
 * (Environment.tsx) and the board's headline strip (BigBoard.tsx) read `stressState` too.
 * Test hooks: window.__bullpen.stress(); data-stress / data-beacons on the canvas wrapper.
 */
export function Stress({ roster, layout }: { roster: Roster; layout: FloorLayout }) {
  const spots = useMemo(() => {
    const b = layout.board;
    const topY = b.y + b.height / 2 + 0.4;
    const out: { x: number; y: number; z: number; s: number; phase: number }[] = [];
    for (let k = 0; k < 5; k++) out.push({ x: b.x + (k / 4 - 0.5) * b.width * 0.92, y: topY, z: b.z, s: 1.7, phase: k * 1.3 });
    // the front corners of the desks' U
    const r = layout.deskRadius + 3;
    out.push({ x: r * 0.82, y: 0, z: r * 0.62, s: 1.4, phase: 0.7 });
    out.push({ x: -r * 0.82, y: 0, z: r * 0.62, s: 1.4, phase: 2.1 });
    return out;
  }, [layout]);

  const built = useMemo(() => {
    const { body, beams } = beaconGeometries();
    const n = spots.length;
    const bodies = new InstancedMesh(body, new MeshBasicMaterial({ toneMapped: false }), n);
    bodies.name = 'alarm-beacons';
    const beamMesh = new InstancedMesh(
      beams,
      new MeshBasicMaterial({ toneMapped: false, transparent: true, blending: AdditiveBlending, depthWrite: false, side: DoubleSide }),
      n,
    );
    beamMesh.name = 'alarm-beams';
    const c = new Color('#2a1416');
    for (let i = 0; i < n; i++) {
      bodies.setColorAt(i, c);
      beamMesh.setColorAt(i, c.setRGB(0, 0, 0));
    }
    for (const m of [bodies, beamMesh]) {
      m.instanceMatrix.setUsage(DynamicDrawUsage);
      m.frustumCulled = false;
      m.raycast = () => {};
      m.renderOrder = 4;
    }
    return { bodies, beams: beamMesh, all: [bodies, beamMesh] };
  }, [spots]);

  useEffect(
    () => () => {
      for (const m of [built.bodies, built.beams]) {
        m.geometry.dispose();
        (m.material as MeshBasicMaterial).dispose();
        m.dispose();
      }
    },
    [built],
  );

  useEffect(() => {
    statsHooks.stress = () => ({ level: stressState.level, target: stressState.target, beacons: stressState.beacons, parts: { ...stressState.parts } });
    return () => {
      stressState.level = 0;
      stressState.target = 0;
      stressState.beacons = false;
      stressState.alertFlash = null;
    };
  }, []);

  const gl = useThree((s) => s.gl);
  const host = useRef<HTMLElement | null>(null);
  useEffect(() => {
    host.current = gl.domElement.closest('[data-testid="floor-canvas"]');
  }, [gl]);

  const tmp = useMemo(() => ({ o: new Object3D(), c: new Color(), spin: 0, inputAt: -1, written: '', drawnOff: false }), []);
  const venues = Math.max(1, Math.min(8, roster.venues.length || 2));

  useFrame((state, delta) => {
    const t = state.clock.elapsedTime;
    if (t - tmp.inputAt >= INPUT_EVERY_S || tmp.inputAt < 0) {
      tmp.inputAt = t;
      const st = useFloor.getState();
      const b = frames.batch && frames.batch.sessionId === st.info?.sessionId ? frames.batch : null;
      const tick = b ? b.toTick : st.tick;
      let symHalted = 0;
      let venueHalted = 0;
      let agentsHalted = 0;
      if (b) {
        const h = b.latest.symbols.halted;
        const all = (1 << venues) - 1;
        for (let s = 0; s < h.length; s++) {
          const bits = h[s] ?? 0;
          if ((bits & all) === all) symHalted++;
          else if (bits !== 0) venueHalted++;
        }
        symHalted /= Math.max(1, h.length);
        venueHalted /= Math.max(1, h.length);
        const ah = b.latest.agents.halted;
        for (let a = 0; a < ah.length; a++) if ((ah[a] ?? 0) > 0) agentsHalted++;
        agentsHalted /= Math.max(1, ah.length);
      }
      const alert = recentAlertLevel(st.feed, tick);
      const parts = stressParts({
        rmsReturn: b ? realisedVolatility(frames.history) : 0,
        symbolsHalted: symHalted,
        symbolsVenueHalted: venueHalted,
        desksHalted: agentsHalted,
        floorHalt: st.floorHalt === true,
        activeScenarios: activeScenarios(st.info?.sessionId ?? null),
        activeShocks: activeShocksOf(st.scenarioState, tick),
        alertLevel: alert.level,
      });
      stressState.parts = parts;
      stressState.target = stressTarget(parts);
      stressState.alertFlash = alert.level === 2 ? alert.message : null;
    }
    const level = smoothStress(stressState.level, stressState.target, delta);
    stressState.level = level;
    stressState.beacons = beaconsOn(level, stressState.beacons);

    const el = host.current;
    if (el) {
      const key = `${level.toFixed(2)}|${stressState.beacons}`;
      if (key !== tmp.written) {
        tmp.written = key;
        el.dataset.stress = level.toFixed(2);
        el.dataset.beacons = String(stressState.beacons);
      }
    }

    // beacons: off = dark housings, no beams (nothing to rewrite once drawn off)
    const on = stressState.beacons;
    if (!on && tmp.drawnOff) return;
    const { o, c } = tmp;
    tmp.spin += Math.min(delta, 0.1) * (2.5 + 9 * level);
    const flash = 0.6 + 0.4 * Math.abs(Math.sin(t * (4 + 6 * level)));
    for (let i = 0; i < spots.length; i++) {
      const p = spots[i];
      if (!p) continue;
      o.position.set(p.x, p.y, p.z);
      o.rotation.set(0, on ? tmp.spin + p.phase : p.phase, 0);
      o.scale.setScalar(p.s);
      o.updateMatrix();
      built.bodies.setMatrixAt(i, o.matrix);
      if (on) c.setRGB(1.0, 0.16 + 0.35 * (1 - level), 0.08).multiplyScalar(0.7 + 0.8 * flash);
      else c.set('#2a1416');
      built.bodies.setColorAt(i, c);
      const bs = on ? p.s * (0.6 + 0.6 * level) : 1e-4;
      o.scale.set(bs, p.s, bs);
      o.updateMatrix();
      built.beams.setMatrixAt(i, o.matrix);
      if (on) c.setRGB(0.55, 0.06 + 0.2 * (1 - level), 0.03).multiplyScalar(0.35 + 0.45 * level);
      else c.setRGB(0, 0, 0);
      built.beams.setColorAt(i, c);
    }
    for (const m of built.all) {
      m.instanceMatrix.needsUpdate = true;
      if (m.instanceColor) m.instanceColor.needsUpdate = true;
    }
    tmp.drawnOff = !on;
  });

  return (
    <group>
      <primitive object={built.bodies} />
      <primitive object={built.beams} />
    </group>
  );
}
