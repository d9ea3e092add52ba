import { useEffect, useMemo, useRef } from 'react';
import { useFrame, useThree } from '@react-three/fiber';
import { PerspectiveCamera, Vector3 } from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import { useFloor } from '../store';
import type { FloorLayout } from './layout';

interface Flight {
  fromPos: Vector3;
  fromTarget: Vector3;
  toPos: Vector3;
  toTarget: Vector3;
  t: number;
}

const ELEVATION = (36 * Math.PI) / 180;

/** Points the home view must show: desk clusters (with their tags), the pit, towers and the board. */
function interestPoints(layout: FloorLayout): Vector3[] {
  const pts: Vector3[] = [];
  for (const d of layout.desks) {
    for (const [dx, dz] of [[-3, -3], [3, -3], [-3, 3], [3, 3]] as const) {
      pts.push(new Vector3(d.x + dx, 0, d.z + dz), new Vector3(d.x + dx, 3.2, d.z + dz));
    }
  }
  for (let i = 0; i < 16; i++) {
    const a = (i / 16) * Math.PI * 2;
    pts.push(new Vector3(Math.cos(a) * layout.pitRadius, 0, Math.sin(a) * layout.pitRadius));
  }
  const b = layout.board;
  for (const sx of [-0.5, 0.5]) for (const sy of [-0.5, 0.5]) pts.push(new Vector3(b.x + sx * b.width, b.y + sy * b.height, b.z));
  return pts;
}

/**
 * The home view: looking at the floor from the viewer's side (+Z) at a fixed elevation, at the
 * smallest distance that fits every interest point into the viewport for this aspect ratio.
 */
function fitHome(layout: FloorLayout, fov: number, aspect: number): { pos: Vector3; target: Vector3 } {
  const pts = interestPoints(layout);
  const cam = new PerspectiveCamera(fov, Math.max(0.2, aspect), 0.1, 2000);
  const dir = new Vector3(0, Math.sin(ELEVATION), Math.cos(ELEVATION));
  const target = new Vector3(0, 0, -layout.pitRadius * 0.2);
  const p = new Vector3();
  const bounds = (dist: number) => {
    cam.position.copy(target).addScaledVector(dir, dist);
    cam.lookAt(target);
    cam.updateMatrixWorld();
    let minX = Infinity;
    let maxX = -Infinity;
    let minY = Infinity;
    let maxY = -Infinity;
    for (const q of pts) {
      p.copy(q).project(cam);
      minX = Math.min(minX, p.x);
      maxX = Math.max(maxX, p.x);
      minY = Math.min(minY, p.y);
      maxY = Math.max(maxY, p.y);
    }
    return { minX, maxX, minY, maxY };
  };
  let dist = 40;
  for (let iter = 0; iter < 3; iter++) {
    let lo = 5;
    let hi = 600;
    for (let i = 0; i < 30; i++) {
      const mid = (lo + hi) / 2;
      const r = bounds(mid);
      if (Math.max(-r.minX, r.maxX) <= 0.96 && r.maxY <= 0.9 && r.minY >= -0.96) hi = mid;
      else lo = mid;
    }
    dist = hi;
    // recentre vertically: move the target along the camera's up direction
    const r = bounds(dist);
    const cy = (r.maxY + r.minY) / 2;
    const halfH = dist * Math.tan((fov * Math.PI) / 360);
    const up = new Vector3(0, Math.cos(ELEVATION), -Math.sin(ELEVATION));
    target.addScaledVector(up, cy * halfH);
  }
  return { pos: target.clone().addScaledVector(dir, dist), target };
}

/** Orbit/zoom camera with a home view (reset: R key or the toolbar) and fly-to-agent (F key). */
export function CameraRig({ layout }: { layout: FloorLayout }) {
  const controls = useRef<OrbitControls | null>(null);
  const camera = useThree((s) => s.camera);
  const gl = useThree((s) => s.gl);
  const width = useThree((s) => s.size.width);
  const height = useThree((s) => s.size.height);
  const fov = camera instanceof PerspectiveCamera ? camera.fov : 45;
  const home = useMemo(() => fitHome(layout, fov, width / Math.max(1, height)), [layout, fov, width, height]);
  const flight = useRef<Flight | null>(null);
  /** true until the user moves the camera: a resize then re-fits the home view */
  const atHome = useRef(true);

  // three's OrbitControls, owned here (no drei: nothing that could reach the network)
  useEffect(() => {
    const c = new OrbitControls(camera, gl.domElement);
    c.enableDamping = true;
    c.dampingFactor = 0.08;
    c.minDistance = 4;
    c.maxPolarAngle = Math.PI * 0.47;
    c.addEventListener('start', () => {
      flight.current = null;
      atHome.current = false;
    });
    controls.current = c;
    return () => {
      c.dispose();
      controls.current = null;
    };
  }, [camera, gl]);

  // place the camera at home when the layout changes (or the window resizes while at home)
  useEffect(() => {
    if (controls.current) controls.current.maxDistance = layout.extent * 4;
    if (!atHome.current) return;
    camera.position.copy(home.pos);
    camera.lookAt(home.target);
    const c = controls.current;
    if (c) {
      c.target.copy(home.target);
      c.update();
    }
  }, [camera, home, layout]);

  const fly = (toPos: Vector3, toTarget: Vector3) => {
    const c = controls.current;
    flight.current = {
      fromPos: camera.position.clone(),
      fromTarget: c ? c.target.clone() : home.target.clone(),
      toPos,
      toTarget,
      t: 0,
    };
  };

  const resetNonce = useFloor((s) => s.cameraResetNonce);
  const focusNonce = useFloor((s) => s.cameraFocusNonce);
  useEffect(() => {
    if (resetNonce === 0) return;
    atHome.current = true;
    fly(home.pos.clone(), home.target.clone());
  }, [resetNonce]);
  useEffect(() => {
    if (focusNonce === 0) return;
    const st = useFloor.getState();
    const desk = st.focusDesk !== null ? layout.desks[st.focusDesk] : undefined;
    if (desk) {
      // the whole desk from the pit side, a little above
      const target = new Vector3(desk.x, 1.6, desk.z);
      fly(new Vector3(desk.x + Math.sin(desk.yaw) * 14, 10, desk.z + Math.cos(desk.yaw) * 14), target);
      return;
    }
    const sel = st.focusAgent ?? st.selected;
    const p = sel !== null ? layout.agents[sel] : undefined;
    if (!p) return;
    const target = new Vector3(p.x, 2.2, p.z);
    // stand on the pit side of the agent, above its desk, looking down over the monitors
    const toPos = new Vector3(p.x + Math.sin(p.yaw) * 9, 8.5, p.z + Math.cos(p.yaw) * 9);
    fly(toPos, target);
  }, [focusNonce]);

  useFrame((_, delta) => {
    const f = flight.current;
    const c = controls.current;
    if (!f) {
      c?.update(delta);
      return;
    }
    f.t = Math.min(1, f.t + delta / 0.8);
    const e = f.t < 0.5 ? 4 * f.t ** 3 : 1 - (-2 * f.t + 2) ** 3 / 2;
    camera.position.lerpVectors(f.fromPos, f.toPos, e);
    if (c) {
      c.target.lerpVectors(f.fromTarget, f.toTarget, e);
      c.update();
    } else camera.lookAt(f.toTarget);
    if (f.t >= 1) flight.current = null;
  });

  return null;
}
