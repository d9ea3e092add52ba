import { useEffect, useMemo } from 'react';
import { useFrame, type ThreeEvent } from '@react-three/fiber';
import {
  BoxGeometry,
  BufferGeometry,
  CapsuleGeometry,
  Color,
  ConeGeometry,
  CylinderGeometry,
  DynamicDrawUsage,
  InstancedMesh,
  Material,
  Mesh,
  MeshBasicMaterial,
  Object3D,
  OctahedronGeometry,
  RingGeometry,
  SphereGeometry,
  TorusGeometry,
} from 'three';
import { ROLES, type Role, type Roster } from '../../src-shared/roster';
import { frames } from '../frames';
import { useFloor } from '../store';
import { DESK_SCALE, type FloorLayout } from './layout';
import { glowMaterial } from './materials';
import { BUY, HALT, HOLD, POLICY, POLICY_ALT, ROLE_COLORS, SELL } from './palette';
import { renderStats } from './stats';

/** Body height of each role's silhouette (feet at y = 0), before posture. */
export const BODY_H: Record<Role, number> = {
  MarketAnalyst: 1.1,
  RiskManager: 1.0,
  NewsTrader: 1.1,
  ArbitrageHunter: 1.12,
  PortfolioBalancer: 1.0,
};

/** A distinct silhouette per role, so roles read at a glance even without colour. */
function bodyGeometry(role: Role): BufferGeometry {
  switch (role) {
    case 'MarketAnalyst': {
      const g = new CapsuleGeometry(0.27, 0.56, 4, 12);
      g.translate(0, 0.55, 0);
      return g;
    }
    case 'RiskManager': {
      const g = new BoxGeometry(0.66, 1.0, 0.44);
      g.translate(0, 0.5, 0);
      return g;
    }
    case 'NewsTrader': {
      const g = new ConeGeometry(0.4, 1.1, 14);
      g.translate(0, 0.55, 0);
      return g;
    }
    case 'ArbitrageHunter': {
      const g = new OctahedronGeometry(0.5, 0);
      g.scale(0.9, 1.12, 0.9);
      g.translate(0, 0.56, 0);
      return g;
    }
    case 'PortfolioBalancer': {
      const g = new CylinderGeometry(0.38, 0.2, 1.0, 14);
      g.translate(0, 0.5, 0);
      return g;
    }
  }
}

export const AVATAR_SCALE = 1.35 * DESK_SCALE;
const TABLE_Y = 1.0 * DESK_SCALE;

function setInstanceCount(mesh: InstancedMesh, n: number): void {
  mesh.count = n;
  mesh.instanceMatrix.setUsage(DynamicDrawUsage);
  mesh.frustumCulled = false;
}

function disposeMesh(m: Mesh): void {
  m.geometry.dispose();
  const mat = m.material;
  if (Array.isArray(mat)) mat.forEach((x: Material) => x.dispose());
  else mat.dispose();
  if (m instanceof InstancedMesh) m.dispose();
}

interface AgentAnim {
  tilt: Float32Array;
  stretch: Float32Array;
  marker: Float32Array;
  markerDir: Float32Array;
  color: Float32Array; // rgb
  phase: Float32Array;
}

/**
 * Desk clusters and their featured agents. Per role one InstancedMesh of bodies (distinct
 * silhouette), one of heads (role colour), role pads, action markers, tables, monitors and the desk
 * status strips: about a dozen draw calls however many desks. Posture and colour ease toward the
 * latest frame every render frame (buy green / sell red / hold neutral, brighter with confidence,
 * grey and slumped when the desk is halted).
 */
export function Desks({ roster, layout }: { roster: Roster; layout: FloorLayout }) {
  const inspect = useFloor((s) => s.inspect);
  const hover = useFloor((s) => s.hover);
  const select = (agent: number) => inspect({ kind: 'agent', index: agent });

  const built = useMemo(() => {
    const A = roster.agents.length;
    const D = roster.desks.length;
    const dummy = new Object3D();
    const c = new Color();

    // bodies: one mesh per role
    const byRole: number[][] = ROLES.map(() => []);
    const slotInRole = new Int32Array(A);
    for (const a of roster.agents) {
      const r = ROLES.indexOf(a.role);
      const list = byRole[r] ?? [];
      slotInRole[a.index] = list.length;
      list.push(a.index);
    }
    const bodies = ROLES.map((role, r) => {
      const list = byRole[r] ?? [];
      const m = new InstancedMesh(bodyGeometry(role), glowMaterial(0.35, { roughness: 0.45 }), Math.max(1, list.length));
      m.name = `bodies-${role}`;
      // instance → featured agent index, for picking (floor/Inspect.tsx pickAt)
      m.userData.agents = list;
      for (let k = 0; k < list.length; k++) m.setColorAt(k, HOLD);
      if (list.length === 0) m.setColorAt(0, HOLD);
      setInstanceCount(m, list.length);
      return m;
    });

    const heads = new InstancedMesh(new SphereGeometry(0.21, 16, 12), glowMaterial(0.5, { roughness: 0.3 }), Math.max(1, A));
    heads.name = 'heads';
    heads.userData.agents = roster.agents.map((a) => a.index);
    const pads = new InstancedMesh(new RingGeometry(0.42, 0.6, 28), new MeshBasicMaterial({ toneMapped: false }), Math.max(1, A));
    pads.name = 'role-pads';
    const markerGeo = new ConeGeometry(0.16, 0.3, 10);
    const markers = new InstancedMesh(markerGeo, glowMaterial(0.9), Math.max(1, A));
    markers.name = 'action-markers';
    const monitors = new InstancedMesh(new BoxGeometry(0.7, 0.42, 0.05), glowMaterial(1.1, { roughness: 0.2 }), Math.max(1, A));
    monitors.name = 'monitors';
    for (const a of roster.agents) {
      const r = ROLES.indexOf(a.role);
      const rc = ROLE_COLORS[r] ?? HOLD;
      heads.setColorAt(a.index, rc);
      pads.setColorAt(a.index, c.copy(rc).multiplyScalar(0.9));
      markers.setColorAt(a.index, HOLD);
      monitors.setColorAt(a.index, c.copy(HOLD).multiplyScalar(0.3));
    }
    if (A === 0) for (const m of [heads, pads, markers, monitors]) m.setColorAt(0, HOLD);
    for (const m of [heads, pads, markers, monitors]) setInstanceCount(m, A);

    // static: pads under agents, monitors in front of them
    for (const a of roster.agents) {
      const p = layout.agents[a.index];
      if (!p) continue;
      dummy.position.set(p.x, 0.02, p.z);
      dummy.rotation.set(-Math.PI / 2, 0, 0);
      dummy.scale.set(AVATAR_SCALE, AVATAR_SCALE, AVATAR_SCALE);
      dummy.updateMatrix();
      pads.setMatrixAt(a.index, dummy.matrix);
      // monitor: 0.75 in front of the agent, on the table, facing the agent
      const fx = Math.sin(p.yaw);
      const fz = Math.cos(p.yaw);
      dummy.position.set(p.x + fx * 0.95 * DESK_SCALE, TABLE_Y + 0.27 * DESK_SCALE, p.z + fz * 0.95 * DESK_SCALE);
      dummy.rotation.set(-0.18, p.yaw + Math.PI, 0, 'YXZ');
      dummy.scale.set(DESK_SCALE, DESK_SCALE, DESK_SCALE);
      dummy.updateMatrix();
      monitors.setMatrixAt(a.index, dummy.matrix);
    }
    pads.instanceMatrix.needsUpdate = true;
    monitors.instanceMatrix.needsUpdate = true;

    // deployed trained policies (roster.agents[i].policy): a spinning holographic octahedron for a
    // head (their sphere head is shrunk away) and a hologram-coloured floor ring
    const policyList = roster.agents.filter((a) => a.policy !== undefined).map((a) => a.index);
    const policyHeads = new InstancedMesh(
      new OctahedronGeometry(0.3, 0),
      new MeshBasicMaterial({ toneMapped: false, transparent: true, opacity: 0.92 }),
      Math.max(1, policyList.length),
    );
    policyHeads.name = 'policy-heads';
    policyHeads.userData.agents = policyList;
    for (let k = 0; k < Math.max(1, policyList.length); k++) policyHeads.setColorAt(k, POLICY);
    setInstanceCount(policyHeads, policyList.length);
    const isPolicy = new Uint8Array(A);
    for (const i of policyList) {
      isPolicy[i] = 1;
      pads.setColorAt(i, POLICY);
    }

    // desks: table tops, front panels and a status strip along the front edge
    const tables = new InstancedMesh(new BoxGeometry(5.3, 0.1, 1.25), glowMaterial(0.05, { color: '#1c2638', roughness: 0.35, metalness: 0.4 }), Math.max(1, D));
    tables.name = 'desk-tops';
    const panels = new InstancedMesh(new BoxGeometry(5.2, 0.95, 0.1), glowMaterial(0, { color: '#111827', roughness: 0.7 }), Math.max(1, D));
    panels.name = 'desk-panels';
    const strips = new InstancedMesh(new BoxGeometry(5.0, 0.07, 0.04), new MeshBasicMaterial({ toneMapped: false }), Math.max(1, D));
    strips.name = 'desk-strips';
    for (let d = 0; d < D; d++) {
      const p = layout.desks[d];
      if (!p) continue;
      const put = (m: InstancedMesh, lz: number, y: number) => {
        dummy.position.set(p.x + Math.sin(p.yaw) * lz * DESK_SCALE, y, p.z + Math.cos(p.yaw) * lz * DESK_SCALE);
        dummy.rotation.set(0, p.yaw, 0);
        dummy.scale.set(DESK_SCALE, DESK_SCALE, DESK_SCALE);
        dummy.updateMatrix();
        m.setMatrixAt(d, dummy.matrix);
      };
      put(tables, -0.05, TABLE_Y);
      put(panels, 0.5, (TABLE_Y - 0.05 * DESK_SCALE) / 2);
      put(strips, 0.57, TABLE_Y - 0.2 * DESK_SCALE);
      strips.setColorAt(d, HOLD);
    }
    if (D === 0) strips.setColorAt(0, HOLD);
    for (const m of [tables, panels, strips]) setInstanceCount(m, D);

    // selection ring
    const ring = new Mesh(new TorusGeometry(0.75, 0.05, 8, 40), new MeshBasicMaterial({ color: '#ffffff', toneMapped: false }));
    ring.rotation.x = -Math.PI / 2;
    // always drawn (shrunk to nothing when no agent is selected) so its shader compiles with the
    // first frame instead of stalling the first click (seconds on software GL)
    ring.scale.setScalar(1e-4);
    ring.raycast = () => {};
    for (const m of [pads, monitors, tables, panels, strips, markers]) m.raycast = () => {};

    const anim: AgentAnim = {
      tilt: new Float32Array(A),
      stretch: new Float32Array(A).fill(1),
      marker: new Float32Array(A),
      markerDir: new Float32Array(A).fill(1),
      color: new Float32Array(A * 3),
      phase: new Float32Array(A),
    };
    for (let i = 0; i < A; i++) {
      anim.phase[i] = (i * 2.399) % (Math.PI * 2);
      anim.color[i * 3] = HOLD.r;
      anim.color[i * 3 + 1] = HOLD.g;
      anim.color[i * 3 + 2] = HOLD.b;
    }
    const roleOf = new Uint8Array(A);
    for (const a of roster.agents) roleOf[a.index] = ROLES.indexOf(a.role);

    return { bodies, byRole, slotInRole, heads, pads, markers, monitors, tables, panels, strips, ring, anim, roleOf, policyHeads, policyList, isPolicy, animated: [...bodies, heads, markers, monitors, policyHeads] };
  }, [roster, layout]);

  useEffect(() => {
    renderStats.featuredAgents = roster.agents.length;
    const b = built;
    return () => {
      renderStats.featuredAgents = 0;
      for (const m of [...b.bodies, b.heads, b.pads, b.markers, b.monitors, b.tables, b.panels, b.strips, b.ring, b.policyHeads]) disposeMesh(m);
    };
  }, [built, roster]);

  const tmp = useMemo(() => ({ dummy: new Object3D(), c: new Color(), t: new Color() }), []);
  const deskAcc = useMemo(() => new Float32Array(roster.desks.length * 3), [roster]);

  useFrame((state, delta) => {
    const { anim, bodies, slotInRole, heads, markers, monitors, strips, roleOf, ring, isPolicy, policyHeads, animated } = built;
    let policySlot = 0;
    const A = roster.agents.length;
    const b = frames.batch;
    const cols = b && b.latest.agents.action.length === A ? b.latest.agents : null;
    const k = 1 - Math.exp(-Math.min(delta, 0.1) * 7);
    const time = state.clock.elapsedTime;
    const { dummy, c, t } = tmp;
    deskAcc.fill(0);
    for (let i = 0; i < A; i++) {
      const p = layout.agents[i];
      if (!p) continue;
      const act = cols ? (cols.action[i] ?? 0) : 0;
      const conf = cols ? Math.min(1, Math.max(0, cols.confidence[i] ?? 0)) : 0;
      const halted = cols ? (cols.halted[i] ?? 0) > 0 : false;
      let tilt = 0;
      let stretch = 1;
      let marker = 0;
      if (halted) {
        t.copy(HALT);
        tilt = 0.42;
        stretch = 0.8;
      } else if (act > 0) {
        t.copy(BUY).multiplyScalar(0.45 + 0.85 * conf);
        tilt = 0.2;
        stretch = 1.08;
        marker = 0.6 + 0.6 * conf;
      } else if (act < 0) {
        t.copy(SELL).multiplyScalar(0.45 + 0.85 * conf);
        tilt = -0.16;
        stretch = 0.95;
        marker = 0.6 + 0.6 * conf;
      } else {
        t.copy(HOLD).multiplyScalar(0.55 + 0.35 * conf);
      }
      if (act !== 0 && !halted) anim.markerDir[i] = act > 0 ? 1 : -1;
      const ci = i * 3;
      const cr = (anim.color[ci] ?? 0) + (t.r - (anim.color[ci] ?? 0)) * k;
      const cg = (anim.color[ci + 1] ?? 0) + (t.g - (anim.color[ci + 1] ?? 0)) * k;
      const cb = (anim.color[ci + 2] ?? 0) + (t.b - (anim.color[ci + 2] ?? 0)) * k;
      anim.color[ci] = cr;
      anim.color[ci + 1] = cg;
      anim.color[ci + 2] = cb;
      const tl = (anim.tilt[i] ?? 0) + (tilt - (anim.tilt[i] ?? 0)) * k;
      const st = (anim.stretch[i] ?? 1) + (stretch - (anim.stretch[i] ?? 1)) * k;
      const mk = (anim.marker[i] ?? 0) + (marker - (anim.marker[i] ?? 0)) * k;
      anim.tilt[i] = tl;
      anim.stretch[i] = st;
      anim.marker[i] = mk;

      const r = roleOf[i] ?? 0;
      const role = ROLES[r] ?? 'MarketAnalyst';
      const breathe = halted ? 0 : Math.sin(time * 1.6 + (anim.phase[i] ?? 0)) * 0.015;
      const s = AVATAR_SCALE;
      dummy.position.set(p.x, 0, p.z);
      dummy.rotation.set(tl, p.yaw, 0, 'YXZ');
      dummy.scale.set(s, s * (st + breathe), s);
      dummy.updateMatrix();
      const body = bodies[r];
      const slot = slotInRole[i] ?? 0;
      if (body) {
        body.setMatrixAt(slot, dummy.matrix);
        body.setColorAt(slot, c.setRGB(cr, cg, cb));
      }
      // head sits on top of the leaning, stretched body
      const hh = (BODY_H[role] * (st + breathe) + 0.24) * s;
      const hy = Math.cos(tl) * hh;
      const hz = Math.sin(tl) * hh;
      const hx = p.x + Math.sin(p.yaw) * hz;
      const hzw = p.z + Math.cos(p.yaw) * hz;
      dummy.position.set(hx, hy, hzw);
      if (isPolicy[i] === 1) {
        dummy.rotation.set(0, time * 1.4 + i, 0);
        dummy.scale.set(s, s * 1.25, s);
        dummy.updateMatrix();
        policyHeads.setMatrixAt(policySlot, dummy.matrix);
        const shimmer = 0.5 + 0.5 * Math.sin(time * 2.2 + i);
        c.copy(POLICY).lerp(POLICY_ALT, shimmer);
        if (halted) c.multiplyScalar(0.35);
        policyHeads.setColorAt(policySlot, c);
        policySlot++;
        dummy.scale.setScalar(1e-4);
      } else {
        dummy.rotation.set(0, p.yaw, 0);
        dummy.scale.set(s, s, s);
      }
      dummy.updateMatrix();
      heads.setMatrixAt(i, dummy.matrix);
      if (halted) heads.setColorAt(i, c.copy(ROLE_COLORS[r] ?? HOLD).multiplyScalar(0.35));
      else heads.setColorAt(i, ROLE_COLORS[r] ?? HOLD);

      // action marker: an arrow above the head, up for buy, down for sell
      const dir = anim.markerDir[i] ?? 1;
      dummy.position.set(hx, hy + 0.62 * s + Math.sin(time * 3 + i) * 0.05, hzw);
      dummy.rotation.set(dir > 0 ? 0 : Math.PI, time * 1.5 + i, 0);
      const ms = Math.max(0.0001, mk) * s;
      dummy.scale.set(ms, ms, ms);
      dummy.updateMatrix();
      markers.setMatrixAt(i, dummy.matrix);
      markers.setColorAt(i, dir > 0 ? BUY : SELL);

      monitors.setColorAt(i, c.setRGB(cr * 0.55 + 0.03, cg * 0.55 + 0.04, cb * 0.55 + 0.07));

      const desk = roster.agents[i]?.desk ?? 0;
      const di = desk * 3;
      if (di + 2 < deskAcc.length) {
        deskAcc[di] = (deskAcc[di] ?? 0) + (halted ? 0 : act * (0.4 + conf));
        deskAcc[di + 1] = (deskAcc[di + 1] ?? 0) + 1;
        deskAcc[di + 2] = (deskAcc[di + 2] ?? 0) + (halted ? 1 : 0);
      }
    }
    for (const m of animated) {
      m.instanceMatrix.needsUpdate = true;
      if (m.instanceColor) m.instanceColor.needsUpdate = true;
    }
    for (let d = 0; d < roster.desks.length; d++) {
      const n = deskAcc[d * 3 + 1] ?? 0;
      const mood = n > 0 ? (deskAcc[d * 3] ?? 0) / n : 0;
      const haltedAll = n > 0 && (deskAcc[d * 3 + 2] ?? 0) >= n;
      if (haltedAll) c.setRGB(1.0, 0.55, 0.1).multiplyScalar(0.5 + 0.5 * Math.abs(Math.sin(time * 4)));
      else if (mood > 0.05) c.copy(BUY).multiplyScalar(0.4 + Math.min(1, mood) * 1.2);
      else if (mood < -0.05) c.copy(SELL).multiplyScalar(0.4 + Math.min(1, -mood) * 1.2);
      else c.copy(HOLD).multiplyScalar(0.5);
      strips.setColorAt(d, c);
    }
    if (strips.instanceColor) strips.instanceColor.needsUpdate = true;

    // selection ring follows the selected agent
    const sel = useFloor.getState().selected;
    const sp = sel !== null ? layout.agents[sel] : undefined;
    if (sp) {
      ring.visible = true;
      const pulse = 1 + Math.sin(time * 4) * 0.06;
      ring.position.set(sp.x, 0.06, sp.z);
      ring.scale.set(pulse * AVATAR_SCALE, pulse * AVATAR_SCALE, pulse * AVATAR_SCALE);
    } else ring.scale.setScalar(1e-4);
  });

  const onBody = (role: number) => (e: ThreeEvent<MouseEvent>) => {
    e.stopPropagation();
    const id = e.instanceId;
    if (id === undefined) return;
    const agent = built.byRole[role]?.[id];
    if (agent !== undefined) select(agent);
  };
  const onBodyHover = (role: number) => (e: ThreeEvent<PointerEvent>) => {
    e.stopPropagation();
    const id = e.instanceId;
    const agent = id === undefined ? undefined : built.byRole[role]?.[id];
    hover(agent ?? null);
    document.body.style.cursor = agent !== undefined ? 'pointer' : '';
  };
  const onOut = () => {
    hover(null);
    document.body.style.cursor = '';
  };
  const onHead = (e: ThreeEvent<MouseEvent>) => {
    e.stopPropagation();
    if (e.instanceId !== undefined && e.instanceId < roster.agents.length) select(e.instanceId);
  };
  const onPolicyHead = (e: ThreeEvent<MouseEvent>) => {
    e.stopPropagation();
    const agent = e.instanceId === undefined ? undefined : built.policyList[e.instanceId];
    if (agent !== undefined) select(agent);
  };
  const onPolicyHeadHover = (e: ThreeEvent<PointerEvent>) => {
    e.stopPropagation();
    const agent = e.instanceId === undefined ? undefined : built.policyList[e.instanceId];
    hover(agent ?? null);
    document.body.style.cursor = 'pointer';
  };
  const onHeadHover = (e: ThreeEvent<PointerEvent>) => {
    e.stopPropagation();
    hover(e.instanceId ?? null);
    document.body.style.cursor = 'pointer';
  };

  return (
    <group>
      {built.bodies.map((m, r) => (
        <primitive key={m.uuid} object={m} onClick={onBody(r)} onPointerMove={onBodyHover(r)} onPointerOut={onOut} />
      ))}
      <primitive object={built.heads} onClick={onHead} onPointerMove={onHeadHover} onPointerOut={onOut} />
      <primitive object={built.policyHeads} onClick={onPolicyHead} onPointerMove={onPolicyHeadHover} onPointerOut={onOut} />
      <primitive object={built.pads} />
      <primitive object={built.markers} />
      <primitive object={built.monitors} />
      <primitive object={built.tables} />
      <primitive object={built.panels} />
      <primitive object={built.strips} />
      <primitive object={built.ring} />
    </group>
  );
}
