import { useEffect, useMemo } from 'react';
import { useFrame } from '@react-three/fiber';
import {
  CanvasTexture,
  DoubleSide,
  InstancedBufferAttribute,
  InstancedMesh,
  LinearFilter,
  Matrix4,
  NoColorSpace,
  PlaneGeometry,
  ShaderMaterial,
  Vector2,
} from 'three';
import type { Roster } from '../../src-shared/roster';
import { useFloor } from '../store';
import { DESK_SCALE, type FloorLayout } from './layout';
import { agentDisplay, POLICY_HEX, ROLE_HEX, ROLE_SHORT } from './palette';

/**
 * All name tags (agents, desks, symbols) as ONE instanced, camera-facing quad mesh sampling one
 * canvas-texture atlas (system fonts only: no font downloads). Tags keep a fixed on-screen size
 * (shrinking a little and fading with distance), so they stay readable from any zoom.
 */

interface LabelSpec {
  /** agentShort: the compact pill shown instead of the full agent tag when the camera is far */
  kind: 'agent' | 'agentShort' | 'desk' | 'symbol';
  title: string;
  sub: string;
  color: string;
  x: number;
  y: number;
  z: number;
  agent: number;
}

const PX = 2; // atlas pixels per CSS pixel
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

interface Cell {
  x: number;
  y: number;
  w: number;
  h: number;
}

function roundRect(g: CanvasRenderingContext2D, x: number, y: number, w: number, h: number, r: number): void {
  g.beginPath();
  g.moveTo(x + r, y);
  g.arcTo(x + w, y, x + w, y + h, r);
  g.arcTo(x + w, y + h, x, y + h, r);
  g.arcTo(x, y + h, x, y, r);
  g.arcTo(x, y, x + w, y, r);
  g.closePath();
}

function buildAtlas(specs: LabelSpec[]): { canvas: HTMLCanvasElement; cells: Cell[] } {
  const canvas = document.createElement('canvas');
  const g = canvas.getContext('2d');
  if (!g) throw new Error('2D canvas unavailable');
  const style = (kind: LabelSpec['kind']) =>
    kind === 'desk'
      ? { title: `700 ${15 * PX}px ${FONT}`, sub: `500 ${10.5 * PX}px ${FONT}`, h: 42, pad: 12 }
      : kind === 'agentShort'
        ? { title: `700 ${10.5 * PX}px ${FONT}`, sub: '', h: 17, pad: 5 }
        : kind === 'symbol'
        ? { title: `800 ${14 * PX}px ${FONT}`, sub: `500 ${9.5 * PX}px ${FONT}`, h: 36, pad: 10 }
        : { title: `650 ${12 * PX}px ${FONT}`, sub: `500 ${9.5 * PX}px ${FONT}`, h: 34, pad: 9 };
  // measure
  const sizes = specs.map((s) => {
    const st = style(s.kind);
    g.font = st.title;
    const tw = g.measureText(s.title).width / PX;
    g.font = st.sub || st.title;
    const sw = s.sub ? g.measureText(s.sub).width / PX : 0;
    return { w: Math.ceil(Math.max(tw, sw) + st.pad * 2 + 6), h: st.h };
  });
  // shelf-pack into a 2048-wide atlas
  const W = 2048;
  let x = 0;
  let y = 0;
  let rowH = 0;
  const cells: Cell[] = sizes.map((s) => {
    const w = s.w * PX + 4;
    const h = s.h * PX + 4;
    if (x + w > W) {
      x = 0;
      y += rowH;
      rowH = 0;
    }
    const cell = { x, y, w, h };
    x += w;
    rowH = Math.max(rowH, h);
    return cell;
  });
  const H = Math.max(64, 2 ** Math.ceil(Math.log2(y + rowH + 1)));
  canvas.width = W;
  canvas.height = H;
  g.clearRect(0, 0, W, H);
  specs.forEach((s, i) => {
    const cell = cells[i];
    if (!cell) return;
    const st = style(s.kind);
    const cx = cell.x + 2;
    const cy = cell.y + 2;
    const w = cell.w - 4;
    const h = cell.h - 4;
    g.save();
    if (s.kind === 'agentShort') {
      roundRect(g, cx, cy, w, h, (h / 2));
      g.fillStyle = 'rgba(10, 15, 26, 0.85)';
      g.fill();
      g.lineWidth = 1.5 * PX;
      g.strokeStyle = s.color;
      g.stroke();
      g.fillStyle = '#f2f6ff';
      g.font = st.title;
      g.textAlign = 'center';
      g.textBaseline = 'middle';
      g.fillText(s.title, cx + w / 2, cy + h / 2 + 0.5 * PX);
      g.restore();
      return;
    }
    roundRect(g, cx, cy, w, h, 7 * PX);
    g.fillStyle = s.kind === 'desk' ? 'rgba(8, 12, 22, 0.86)' : 'rgba(10, 15, 26, 0.82)';
    g.fill();
    g.lineWidth = 1.5 * PX;
    g.strokeStyle = s.kind === 'agent' ? `${s.color}99` : `${s.color}cc`;
    g.stroke();
    // role/desk colour bar
    g.beginPath();
    roundRect(g, cx + 3 * PX, cy + 5 * PX, 3 * PX, h - 10 * PX, 1.5 * PX);
    g.fillStyle = s.color;
    g.fill();
    g.textBaseline = 'alphabetic';
    g.fillStyle = '#f2f6ff';
    g.font = st.title;
    const titleY = cy + (s.kind === 'desk' ? 19 : 16) * PX;
    g.fillText(s.title, cx + (st.pad + 2) * PX, titleY);
    g.fillStyle = s.color;
    g.font = st.sub;
    g.fillText(s.sub, cx + (st.pad + 2) * PX, cy + h - 7 * PX);
    g.restore();
  });
  return { canvas, cells };
}

const vertexShader = /* glsl */ `
attribute vec4 aUv;
attribute vec2 aSize;
attribute vec2 aState;
attribute float aLod;
uniform vec2 uViewport;
uniform float uFadeNear;
uniform float uFadeFar;
uniform float uLodNear;
uniform float uLodFar;
varying vec2 vUv;
varying float vAlpha;
void main() {
  vec4 mv = modelViewMatrix * instanceMatrix * vec4(0.0, 0.0, 0.0, 1.0);
  float dist = -mv.z;
  float t = clamp((dist - uFadeNear) / max(1.0, uFadeFar - uFadeNear), 0.0, 1.0);
  float hl = aState.y;
  float scale = mix(mix(1.0, 0.62, t), 1.18, hl);
  vec4 clip = projectionMatrix * mv;
  vec2 px = vec2(position.x, position.y + 0.5) * aSize * scale;
  clip.xy += px / uViewport * 2.0 * clip.w;
  gl_Position = clip;
  vUv = aUv.xy + vec2(uv.x, uv.y) * aUv.zw;
  // level of detail for agent tags: full tag near (aLod 1), compact pill far (aLod 2);
  // a highlighted (selected / hovered) agent always shows its full tag
  float near = 1.0 - smoothstep(uLodNear, uLodFar, dist);
  float lod = aLod < 0.5 ? 1.0 : aLod < 1.5 ? max(near, hl) : (1.0 - near) * (1.0 - hl);
  vAlpha = aState.x * lod * mix(mix(1.0, 0.5, t), 1.0, hl);
  if (lod < 0.01) gl_Position = vec4(2.0, 2.0, 2.0, 1.0);
}
`;

const fragmentShader = /* glsl */ `
uniform sampler2D uAtlas;
varying vec2 vUv;
varying float vAlpha;
void main() {
  vec4 c = texture2D(uAtlas, vUv);
  float a = c.a * vAlpha;
  if (a < 0.02) discard;
  gl_FragColor = vec4(c.rgb, a);
}
`;

export function Labels({ roster, layout }: { roster: Roster; layout: FloorLayout }) {
  const specs = useMemo<LabelSpec[]>(() => {
    const out: LabelSpec[] = [];
    for (const a of roster.agents) {
      const p = layout.agents[a.index];
      if (!p) continue;
      // a deployed trained policy: hologram colour and an "RL" tag with its checkpoint's label
      const color = a.policy ? POLICY_HEX : (ROLE_HEX[a.role] ?? '#9aa5b8');
      // above the action arrows; neighbours alternate heights so their tags overlap less
      const y = (3.3 + (p.slot % 2) * 0.45) * DESK_SCALE;
      const deskName = roster.desks[a.desk]?.name;
      const disp = agentDisplay(a, deskName);
      const sub = a.policy ? `RL · ${a.policy.label}` : disp.isRole ? (deskName ?? '') : ROLE_SHORT[a.role];
      out.push({ kind: 'agent', title: disp.title, sub, color, x: p.x, y, z: p.z, agent: a.index });
      out.push({ kind: 'agentShort', title: a.policy ? `RL ${disp.short}` : disp.short, sub: '', color, x: p.x, y, z: p.z, agent: a.index });
    }
    for (const d of roster.desks) {
      const p = layout.desks[d.index];
      if (!p) continue;
      out.push({
        kind: 'desk',
        title: d.name,
        sub: `${d.personality} · ${d.consensus === 'confidenceWeighted' ? 'confidence-weighted' : d.consensus}`,
        color: '#8fb4ff',
        // on the floor in front of the desk (pit side), clear of the agents' tags
        x: p.x + Math.sin(p.yaw) * 2.6 * DESK_SCALE,
        y: 0.05,
        z: p.z + Math.cos(p.yaw) * 2.6 * DESK_SCALE,
        agent: -1,
      });
    }
    for (const s of roster.symbols) {
      const ts = layout.towers.filter((t) => t.symbol === s.index);
      if (ts.length === 0) continue;
      const x = ts.reduce((acc, t) => acc + t.x, 0) / ts.length;
      out.push({
        kind: 'symbol',
        title: s.name,
        sub: roster.venues.slice(0, layout.venuesPerSymbol).join(' · ') || 'venues',
        color: '#ffd166',
        x,
        y: 0.15,
        z: layout.towerRowZ + 1.6,
        agent: -1,
      });
    }
    return out;
  }, [roster, layout]);

  const built = useMemo(() => {
    const n = specs.length;
    const { canvas, cells } = buildAtlas(specs);
    const tex = new CanvasTexture(canvas);
    tex.colorSpace = NoColorSpace;
    tex.generateMipmaps = false;
    tex.minFilter = LinearFilter;
    tex.magFilter = LinearFilter;
    tex.flipY = true;
    const geo = new PlaneGeometry(1, 1);
    const uv = new Float32Array(Math.max(1, n) * 4);
    const size = new Float32Array(Math.max(1, n) * 2);
    const state = new Float32Array(Math.max(1, n) * 2);
    const lod = new Float32Array(Math.max(1, n));
    const W = canvas.width;
    const H = canvas.height;
    cells.forEach((c, i) => {
      // flipY: canvas row 0 is the top of the texture (v = 1)
      uv[i * 4] = (c.x + 2) / W;
      uv[i * 4 + 1] = 1 - (c.y + c.h - 2) / H;
      uv[i * 4 + 2] = (c.w - 4) / W;
      uv[i * 4 + 3] = (c.h - 4) / H;
      size[i * 2] = (c.w - 4) / PX;
      size[i * 2 + 1] = (c.h - 4) / PX;
      state[i * 2] = 1;
      state[i * 2 + 1] = 0;
      const kind = specs[i]?.kind;
      lod[i] = kind === 'agent' ? 1 : kind === 'agentShort' ? 2 : 0;
    });
    geo.setAttribute('aLod', new InstancedBufferAttribute(lod, 1));
    geo.setAttribute('aUv', new InstancedBufferAttribute(uv, 4));
    geo.setAttribute('aSize', new InstancedBufferAttribute(size, 2));
    const stateAttr = new InstancedBufferAttribute(state, 2);
    geo.setAttribute('aState', stateAttr);
    const mat = new ShaderMaterial({
      vertexShader,
      fragmentShader,
      uniforms: {
        uAtlas: { value: tex },
        uViewport: { value: new Vector2(1, 1) },
        uFadeNear: { value: layout.extent * 1.0 },
        uFadeFar: { value: layout.extent * 3.2 },
        uLodNear: { value: 16 },
        uLodFar: { value: 22 },
      },
      transparent: true,
      depthWrite: false,
      // tags are a HUD: always drawn over the floor (they keep a fixed screen size anyway)
      depthTest: false,
      side: DoubleSide,
    });
    const mesh = new InstancedMesh(geo, mat, Math.max(1, n));
    mesh.name = 'labels';
    const m = new Matrix4();
    specs.forEach((s, i) => {
      m.makeTranslation(s.x, s.y, s.z);
      mesh.setMatrixAt(i, m);
    });
    mesh.count = n;
    mesh.instanceMatrix.needsUpdate = true;
    mesh.frustumCulled = false;
    mesh.renderOrder = 10;
    mesh.raycast = () => {};
    return { mesh, mat, tex, stateAttr };
  }, [specs, layout]);

  useEffect(
    () => () => {
      built.tex.dispose();
      built.mat.dispose();
      built.mesh.geometry.dispose();
      built.mesh.dispose();
    },
    [built],
  );

  // highlight the selected / hovered agent's tag
  const selected = useFloor((s) => s.selected);
  const hovered = useFloor((s) => s.hovered);
  useEffect(() => {
    const arr = built.stateAttr.array as Float32Array;
    specs.forEach((s, i) => {
      const hl = (s.kind === 'agent' || s.kind === 'agentShort') && (s.agent === selected || s.agent === hovered) ? 1 : 0;
      arr[i * 2 + 1] = hl;
    });
    built.stateAttr.needsUpdate = true;
  }, [built, specs, selected, hovered]);

  useFrame((state) => {
    const v = built.mat.uniforms.uViewport?.value as Vector2 | undefined;
    v?.set(Math.max(1, state.size.width), Math.max(1, state.size.height));
  });

  return <primitive object={built.mesh} />;
}
