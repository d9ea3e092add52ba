import { useEffect, useMemo } from 'react';
import { addAfterEffect, addEffect, useFrame, useThree, type ThreeEvent } from '@react-three/fiber';
import { InstancedMesh, MeshBasicMaterial, Object3D, TorusGeometry, Vector2, Vector3 } from 'three';
import type { Roster } from '../../src-shared/roster';
import { useFloor, type InspectTarget } from '../store';
import { floorView, placeAnchored, worldOf } from './anchors';
import { AVATAR_SCALE } from './Desks';
import type { FloorLayout } from './layout';
import { buildCrowdGrid, CROWD_GROUND, CrowdPickProxy } from './picking';
import { renderStats } from './stats';

/**
 * Inspection on the floor: the crowd's pointer target (grid picking, see picking.ts), rings under
 * pinned and inspected targets, and the per-frame placement of the DOM popovers.
 */
export function Inspect({ roster, layout }: { roster: Roster; layout: FloorLayout }) {
  const inspect = useFloor((s) => s.inspect);
  const camera = useThree((s) => s.camera);
  const size = useThree((s) => s.size);
  const scene = useThree((s) => s.scene);
  const raycaster = useThree((s) => s.raycaster);

  const proxy = useMemo(() => new CrowdPickProxy(buildCrowdGrid(layout)), [layout]);

  useEffect(() => {
    floorView.layout = layout;
    floorView.roster = roster;
    return () => {
      floorView.layout = null;
      floorView.roster = null;
    };
  }, [layout, roster]);
  // what the pointer would pick at a page position: the same raycast R3F's events do
  useEffect(() => {
    const ndc = new Vector2();
    floorView.pick = (x, y) => {
      ndc.set(((x - floorView.left) / floorView.width) * 2 - 1, -((y - floorView.top) / floorView.height) * 2 + 1);
      raycaster.setFromCamera(ndc, camera);
      for (const hit of raycaster.intersectObject(scene, true)) {
        if (hit.object === proxy && hit.instanceId !== undefined) return { kind: 'crowd', index: hit.instanceId };
        const agents: unknown = hit.object.userData.agents;
        if (Array.isArray(agents) && hit.instanceId !== undefined) {
          const a: unknown = agents[hit.instanceId];
          if (typeof a === 'number') return { kind: 'agent', index: a };
        }
      }
      return null;
    };
    return () => {
      floorView.pick = null;
    };
  }, [camera, scene, raycaster, proxy]);

  useEffect(() => {
    floorView.camera = camera;
    floorView.left = size.left;
    floorView.top = size.top;
    floorView.width = Math.max(1, size.width);
    floorView.height = Math.max(1, size.height);
  }, [camera, size]);

  // one instanced ring per pinned / inspected target (the selected agent has Desks' own ring)
  const rings = useMemo(() => {
    const m = new InstancedMesh(
      new TorusGeometry(0.75, 0.045, 6, 32),
      new MeshBasicMaterial({ color: '#ffd166', toneMapped: false, transparent: true, opacity: 0.9 }),
      8,
    );
    m.name = 'inspect-rings';
    m.count = 1;
    m.frustumCulled = false;
    m.raycast = () => {};
    return m;
  }, []);
  useEffect(
    () => () => {
      rings.geometry.dispose();
      (rings.material as MeshBasicMaterial).dispose();
      rings.dispose();
    },
    [rings],
  );

  const tmp = useMemo(() => ({ o: new Object3D(), v: new Vector3() }), []);
  useFrame((state) => {
    const st = useFloor.getState();
    const targets: InspectTarget[] = [...st.pinned];
    if (st.inspected?.kind === 'crowd') targets.push(st.inspected);
    let n = 0;
    const pulse = 1 + Math.sin(state.clock.elapsedTime * 4) * 0.08;
    for (const t of targets) {
      if (n >= 8) break;
      const p = worldOf(t, 'body', tmp.v);
      if (!p) continue;
      const s = (t.kind === 'agent' ? AVATAR_SCALE : layout.crowdScale * 0.42) * pulse;
      tmp.o.position.set(p.x, t.kind === 'agent' ? 0.08 : CROWD_GROUND + 0.03, p.z);
      tmp.o.rotation.set(-Math.PI / 2, 0, 0);
      tmp.o.scale.set(s, s, s);
      tmp.o.updateMatrix();
      rings.setMatrixAt(n++, tmp.o.matrix);
    }
    if (n === 0) {
      // one ring shrunk to nothing: the shader compiles with the first frame, not on the first pin
      tmp.o.position.set(0, -10, 0);
      tmp.o.scale.set(1e-4, 1e-4, 1e-4);
      tmp.o.updateMatrix();
      rings.setMatrixAt(n++, tmp.o.matrix);
    }
    rings.count = n;
    rings.instanceMatrix.needsUpdate = true;
  });

  const onClick = (e: ThreeEvent<MouseEvent>) => {
    e.stopPropagation();
    if (e.instanceId !== undefined) inspect({ kind: 'crowd', index: e.instanceId });
  };
  const onMove = (e: ThreeEvent<PointerEvent>) => {
    e.stopPropagation();
    document.body.style.cursor = 'pointer';
  };
  const onOut = () => {
    document.body.style.cursor = '';
  };

  return (
    <>
      <primitive object={proxy} onClick={onClick} onPointerMove={onMove} onPointerOut={onOut} />
      <primitive object={rings} />
    </>
  );
}

/**
 * Per-frame JavaScript time (window.__bullpen.frameJsMs): from R3F's global before-frame effect to
 * its after-frame effect, i.e. every useFrame callback plus renderer.render (which on WebGL only
 * records commands; GPU time is not included). Popover placement runs after the render.
 */
export function FrameTiming() {
  useEffect(() => {
    let start = 0;
    const offBefore = addEffect(() => {
      start = performance.now();
      renderStats.renderStartAt = 0;
    });
    const offAfter = addAfterEffect(() => {
      placeAnchored();
      const rs = renderStats.renderStartAt;
      if (start > 0) renderStats.pushFrameJs(performance.now() - start, rs >= start ? rs - start : 0);
    });
    return () => {
      offBefore();
      offAfter();
    };
  }, []);
  return null;
}
