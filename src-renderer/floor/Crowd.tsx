import { useEffect, useMemo, useRef } from 'react';
import { useFrame } from '@react-three/fiber';
import {
  BufferGeometry,
  Color,
  ConeGeometry,
  CylinderGeometry,
  DynamicDrawUsage,
  IcosahedronGeometry,
  InstancedBufferAttribute,
  InstancedMesh,
  Object3D,
} from 'three';
import { mergeGeometries } from 'three/examples/jsm/utils/BufferGeometryUtils.js';
import type { Roster } from '../../src-shared/roster';
import { frames } from '../frames';
import type { FloorLayout } from './layout';
import { crowdMaterial, type CrowdUniforms } from './materials';
import { BUY, CROWD_COLORS, SELL } from './palette';
import { renderStats } from './stats';

export const PIT_DEPTH = 0.6;

/** A tiny standing figure, feet at y = 0. Fewer triangles for very large crowds. */
function crowdGeometry(n: number): BufferGeometry {
  if (n > 20_000) {
    // a 4-triangle pyramid: the shader's head tint colours its tip
    const cone = new ConeGeometry(0.2, 0.72, 4, 1, true);
    cone.translate(0, 0.36, 0);
    return cone;
  }
  const body = new CylinderGeometry(0.13, 0.19, 0.5, 6, 1).toNonIndexed();
  body.translate(0, 0.25, 0);
  const head = new IcosahedronGeometry(0.125, 0);
  head.translate(0, 0.66, 0);
  body.deleteAttribute('uv');
  head.deleteAttribute('uv');
  const merged = mergeGeometries([body, head]);
  body.dispose();
  head.dispose();
  return merged;
}

function hash(i: number): number {
  const x = Math.sin(i * 127.1 + 311.7) * 43758.5453;
  return x - Math.floor(x);
}

/**
 * The whole crowd as ONE InstancedMesh (one draw call). Per-instance base colour by crowd type is
 * set with setColorAt before the first render; the last action comes from the frame's Int8 column,
 * copied into a per-instance attribute and applied in the shader (tint + posture).
 */
export function Crowd({ roster, layout }: { roster: Roster; layout: FloorLayout }) {
  const uniforms = useMemo<CrowdUniforms>(
    () => ({ uTime: { value: 0 }, uGlow: { value: 0.22 }, uBuy: { value: BUY.clone() }, uSell: { value: SELL.clone() }, uBodyTint: { value: 0.12 } }),
    [],
  );

  // keyed on the crowd's positions, not the roster: a roster that only gains desks or agents keeps
  // the layout's crowd array (layout.ts), so the 10,000 instances are not rebuilt
  const crowdXZ = layout.crowd;
  const crowdTypes = layout.crowdTypes;
  const crowdScale = layout.crowdScale;
  const { mesh, action } = useMemo(() => {
    const n = crowdTypes.length;
    const cap = Math.max(1, n);
    const geo = crowdGeometry(n);
    const action = new InstancedBufferAttribute(new Int8Array(cap), 1);
    action.setUsage(DynamicDrawUsage);
    geo.setAttribute('aAction', action);
    const mesh = new InstancedMesh(geo, crowdMaterial(uniforms), cap);
    mesh.name = 'crowd';
    const dummy = new Object3D();
    const c = new Color();
    for (let i = 0; i < n; i++) {
      const t = crowdTypes[i] ?? 0;
      const s = crowdScale * (0.88 + 0.24 * hash(i));
      dummy.position.set(crowdXZ[i * 2] ?? 0, -PIT_DEPTH, crowdXZ[i * 2 + 1] ?? 0);
      dummy.rotation.set(0, hash(i + 7) * Math.PI * 2, 0);
      dummy.scale.set(s, s, s);
      dummy.updateMatrix();
      mesh.setMatrixAt(i, dummy.matrix);
      c.copy(CROWD_COLORS[t] ?? CROWD_COLORS[0] ?? c).multiplyScalar(0.8 + 0.35 * hash(i + 3));
      mesh.setColorAt(i, c); // before the first render, so the shader is compiled with instance colours
    }
    if (n === 0) mesh.setColorAt(0, c.set('#000000'));
    mesh.count = n;
    mesh.instanceMatrix.needsUpdate = true;
    if (mesh.instanceColor) mesh.instanceColor.needsUpdate = true;
    // instances never leave the pit, but the shader stretches them: skip culling rather than guess bounds
    mesh.frustumCulled = false;
    // thousands of instances are not clickable
    mesh.raycast = () => {};
    mesh.onAfterRender = () => {
      renderStats.crowdCallsThisFrame++;
    };
    return { mesh, action };
  }, [crowdXZ, crowdTypes, crowdScale, uniforms]);

  useEffect(() => {
    renderStats.crowdMeshes = 1;
    renderStats.crowdInstances = mesh.count;
    return () => {
      renderStats.crowdMeshes = 0;
      renderStats.crowdInstances = 0;
      mesh.geometry.dispose();
      const m = mesh.material;
      if (Array.isArray(m)) m.forEach((x) => x.dispose());
      else m.dispose();
      mesh.dispose();
    };
  }, [mesh]);

  const seen = useRef(-1);
  useEffect(() => {
    uniforms.uBodyTint.value = roster.crowdTypes.length > 20_000 ? 0.3 : 0.12;
  }, [roster, uniforms]);

  useFrame((state) => {
    uniforms.uTime.value = state.clock.elapsedTime;
    const b = frames.batch;
    if (!b || frames.version === seen.current) return;
    seen.current = frames.version;
    const src = b.latest.crowd.action;
    const dst = action.array as Int8Array;
    if (src.length !== mesh.count) return;
    dst.set(src);
    action.clearUpdateRanges();
    action.addUpdateRange(0, src.length);
    action.needsUpdate = true;
    renderStats.pendingDrawnTick = b.toTick;
  });

  return <primitive object={mesh} />;
}
