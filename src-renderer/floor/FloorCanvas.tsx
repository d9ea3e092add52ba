import { Component, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { Canvas, useFrame, useThree } from '@react-three/fiber';
import { ACESFilmicToneMapping, Color, Fog } from 'three';
import type { Roster } from '../../src-shared/roster';
import { useFloor } from '../store';
import { BigBoard } from './BigBoard';
import { CameraRig } from './CameraRig';
import { Crowd } from './Crowd';
import { Desks } from './Desks';
import { BG, Environment, Lights } from './Environment';
import { clickTargetOf } from './anchors';
import { FrameTiming, Inspect } from './Inspect';
import { Labels } from './Labels';
import { computeLayout, type FloorLayout } from './layout';
import { renderStats, statsHooks } from './stats';
import { Stress } from './Stress';
import { Towers } from './Towers';
import { VoteLines } from './VoteLines';
import { FillArcs } from './FillArcs';

/**
 * Software GL (SwiftShader, llvmpipe) draws every pixel on the CPU: skip MSAA and high-DPI there so
 * the floor stays interactive in CI and on machines without a GPU.
 */
function detectSoftwareGL(): boolean {
  try {
    const c = document.createElement('canvas');
    const gl = c.getContext('webgl2');
    if (!gl) return false;
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const r = String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return /swiftshader|llvmpipe|softpipe|software/i.test(r);
  } catch {
    return false;
  }
}

const SOFTWARE_GL = detectSoftwareGL();
renderStats.softwareGL = SOFTWARE_GL;
statsHooks.screenPosition = (kind, index) => clickTargetOf({ kind, index });
statsHooks.inspected = () => useFloor.getState().inspected;
statsHooks.pinned = () => useFloor.getState().pinned;

/**
 * Per-frame accounting for window.__bullpen: renderer.info is reset once at the start of every
 * frame (autoReset off) and read right after the scene has rendered, so drawCalls() is exactly one
 * frame's draw calls whatever renders happen in between.
 */
function FrameStats() {
  const gl = useThree((s) => s.gl);
  const scene = useThree((s) => s.scene);
  useEffect(() => {
    gl.info.autoReset = false;
    let fpsFrames = 0;
    let fpsStart = performance.now();
    const prevBefore = scene.onBeforeRender;
    const prevAfter = scene.onAfterRender;
    scene.onBeforeRender = () => {
      renderStats.renderStartAt = performance.now();
      gl.info.reset();
      renderStats.crowdCallsThisFrame = 0;
    };
    scene.onAfterRender = () => {
      const s = renderStats;
      s.lastCalls = gl.info.render.calls;
      s.lastTriangles = gl.info.render.triangles;
      s.crowdCallsLastFrame = s.crowdCallsThisFrame;
      s.frameCount++;
      const now = Date.now();
      if (s.firstRenderAt === null) {
        s.firstRenderAt = now;
        performance.mark('bullpen:first-render');
      }
      if (s.pendingDrawnTick >= 0) {
        s.drawnTick = s.pendingDrawnTick;
        s.pendingDrawnTick = -1;
        if (s.firstFrameAt === null) {
          s.firstFrameAt = now;
          performance.mark('bullpen:first-frame');
        }
      }
      fpsFrames++;
      const t = performance.now();
      if (t - fpsStart >= 1000) {
        s.fps = (fpsFrames * 1000) / (t - fpsStart);
        fpsFrames = 0;
        fpsStart = t;
      }
    };
    return () => {
      scene.onBeforeRender = prevBefore;
      scene.onAfterRender = prevAfter;
      gl.info.autoReset = true;
    };
  }, [gl, scene]);
  // keep the loop honest when nothing else subscribes
  useFrame(() => {});
  return null;
}

/** After a first floor frame is drawn, how long to wait before mounting the rest (ms); without host data, after the first render. */
const SECOND_WAVE_AFTER_MS = 50;
const SECOND_WAVE_NO_DATA_MS = 1500;

/**
 * true once the floor's first frame is on screen: the board, the name tags, the vote lines and the
 * alarm beacons mount then, so their shaders, atlas and canvas are not on the path to the first
 * frame (on software GL each shader program costs a noticeable part of a second to link).
 */
function useSecondWave(): boolean {
  const [ready, setReady] = useState(false);
  useFrame(() => {
    if (ready) return;
    const s = renderStats;
    const now = Date.now();
    if ((s.firstFrameAt !== null && now - s.firstFrameAt >= SECOND_WAVE_AFTER_MS) || (s.firstRenderAt !== null && now - s.firstRenderAt >= SECOND_WAVE_NO_DATA_MS)) setReady(true);
  });
  return ready;
}

function SceneContents({ roster }: { roster: Roster }) {
  const secondWave = useSecondWave();
  // a roster that grows while the session runs (a policy deployed as a new desk) keeps the crowd's
  // positions (and so its 10,000-instance buffers) when the crowd itself did not change
  const prev = useRef<FloorLayout | null>(null);
  const layout: FloorLayout = useMemo(() => {
    const l = computeLayout(roster, prev.current);
    prev.current = l;
    return l;
  }, [roster]);
  const scene = useThree((s) => s.scene);
  useEffect(() => {
    performance.mark('bullpen:scene-built');
  }, []);
  useEffect(() => {
    scene.fog = new Fog(BG, layout.extent * 1.6, layout.extent * 4.5);
    return () => {
      scene.fog = null;
    };
  }, [scene, layout]);
  return (
    <>
      <Lights layout={layout} />
      <Environment layout={layout} />
      <Crowd roster={roster} layout={layout} />
      <Desks roster={roster} layout={layout} />
      <Towers roster={roster} layout={layout} />
      <Inspect roster={roster} layout={layout} />
      {secondWave ? (
        <>
          <BigBoard roster={roster} layout={layout} />
          <Labels roster={roster} layout={layout} />
          <VoteLines roster={roster} layout={layout} />
          <FillArcs roster={roster} layout={layout} />
          <Stress roster={roster} layout={layout} />
        </>
      ) : null}
      <CameraRig layout={layout} />
    </>
  );
}

class GlBoundary extends Component<{ children: ReactNode }, { error: string | null }> {
  override state = { error: null as string | null };
  static getDerivedStateFromError(err: unknown) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
  override componentDidCatch(err: unknown) {
    console.error('[bullpen] 3D view failed', err);
  }
  override render() {
    if (this.state.error) {
      return (
        <div className="gl-fallback" role="alert">
          <h2>The 3D floor could not be drawn</h2>
          <p>{this.state.error}</p>
          <p>The panels keep working. WebGL2 is required for the floor view.</p>
          <button type="button" className="btn" onClick={() => this.setState({ error: null })}>
            Try again
          </button>
        </div>
      );
    }
    return this.props.children;
  }
}

/** The 3D floor. data-testid="floor-canvas" is the canvas wrapper used by the e2e tests. */
export function FloorCanvas() {
  const roster = useFloor((s) => s.info?.roster ?? null);
  const sessionId = useFloor((s) => s.info?.sessionId ?? null);
  const select = useFloor((s) => s.select);
  return (
    <div className="floor-canvas" data-testid="floor-canvas">
      <GlBoundary>
        <Canvas
          gl={{ antialias: !SOFTWARE_GL, powerPreference: 'high-performance', alpha: false, stencil: false }}
          dpr={SOFTWARE_GL ? 1 : [1, 2]}
          camera={{ fov: 45, near: 0.5, far: 800, position: [0, 30, 45] }}
          onCreated={({ gl, scene }) => {
            gl.toneMapping = ACESFilmicToneMapping;
            gl.toneMappingExposure = 1.05;
            scene.background = new Color(BG);
          }}
          onPointerMissed={() => select(null)}
        >
          <FrameStats />
          <FrameTiming />
          {roster && sessionId ? <SceneContents key={sessionId} roster={roster} /> : null}
        </Canvas>
      </GlBoundary>
    </div>
  );
}
