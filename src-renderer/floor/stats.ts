/**
 * Read-only render statistics, exposed as `window.__bullpen` for the end-to-end tests.
 *
 * Stable hooks (Playwright reads these; keep names and meanings):
 *   window.__bullpen.drawCalls()      draw calls of the last complete WebGL frame
 *                                     (renderer.info.render.calls; info.autoReset is off and the
 *                                     counters are reset once at the start of every frame)
 *   window.__bullpen.triangles()      triangles of the last complete frame
 *   window.__bullpen.crowdDrawCalls() draw calls the crowd made in the last frame (1 = one instanced draw)
 *   window.__bullpen.crowdMeshes      crowd meshes in the scene (1)
 *   window.__bullpen.crowdInstances   instances drawn by the crowd mesh (= crowd size)
 *   window.__bullpen.featuredAgents   featured avatars on the floor
 *   window.__bullpen.frameCount       WebGL frames rendered so far
 *   window.__bullpen.firstRenderAt    Date.now() of the first rendered WebGL frame (null before)
 *   window.__bullpen.firstFrameAt     Date.now() of the first rendered frame that drew host frame data
 *                                     (a FrameBatch) onto the floor (null before)
 *   window.__bullpen.framesReceived   frame batches received from the host
 *   window.__bullpen.lastTick         tick of the latest frame batch received
 *   window.__bullpen.drawnTick        tick of the latest frame batch drawn on the floor
 *   window.__bullpen.fps              rendered frames per second (last second)
 *   window.__bullpen.transport        'websocket' | 'ipc'
 *   window.__bullpen.softwareGL       true on SwiftShader/llvmpipe (antialias off, DPR 1)
 *   window.__bullpen.frameJsMs()      JavaScript milliseconds of each of the last ≤ 600 rendered frames
 *                                     (all useFrame work + renderer.render + popover placement;
 *                                     oldest first; see floor/Inspect.tsx FrameTiming)
 *   window.__bullpen.frameUpdateMs()  the part of each frameJsMs sample spent before renderer.render
 *                                     (the floor's useFrame work: instance buffers, animation)
 *   window.__bullpen.screenPositionOfAgent(i)
 *   window.__bullpen.screenPositionOfCrowd(i)
 *                                     {x, y, visible, onCanvas, picks} in CSS pixels (page
 *                                     coordinates): a point on featured agent i's / crowd trader i's
 *                                     figure with the current camera, chosen so that a click there
 *                                     picks that figure (picks = true; false when every candidate
 *                                     point is hidden by another figure). A deterministic click
 *                                     target for page.mouse.click(x, y). onCanvas is false where a
 *                                     panel covers the point; null before the floor is drawn.
 *   window.__bullpen.inspected()      the open popover's target {kind: 'agent'|'crowd', index} or null
 *   window.__bullpen.pinned()         the pinned popovers' targets
 *   window.__bullpen.fillArcs()       featured agents' fills flying to their venue now (floor/FillArcs.tsx):
 *                                     {agent, symbol, venue, side, seq (the trade event's)}
 *   window.__bullpen.voteLines()      the vote lines drawn now (floor/VoteLines.tsx): one per vote of
 *                                     each desk's latest coordination event still fading,
 *                                     {desk, from (voter agent index), to ('desk': the desk's hub),
 *                                     action, weight, agreed (voted the outcome), conflict, alpha, seq}
 *   window.__bullpen.stress()         the room's stress (floor/stress.ts): {level 0..1 (smoothed),
 *                                     target (unsmoothed), beacons (alarm beacons on), parts: the
 *                                     inputs {volatility, halts, shocks, alerts}}; the canvas wrapper
 *                                     also carries data-stress (level, 2 decimals) and data-beacons
 */
export interface RenderStats {
  drawCalls(): number;
  triangles(): number;
  crowdDrawCalls(): number;
  readonly crowdMeshes: number;
  readonly crowdInstances: number;
  readonly featuredAgents: number;
  readonly frameCount: number;
  readonly firstRenderAt: number | null;
  readonly firstFrameAt: number | null;
  readonly framesReceived: number;
  readonly lastTick: number;
  readonly drawnTick: number;
  readonly fps: number;
  readonly transport: string;
  /** true when the GL renderer is software (SwiftShader/llvmpipe): no MSAA, DPR 1 */
  readonly softwareGL: boolean;
  frameJsMs(): number[];
  frameUpdateMs(): number[];
  screenPositionOfAgent(index: number): ScreenTarget | null;
  screenPositionOfCrowd(index: number): ScreenTarget | null;
  inspected(): { kind: 'agent' | 'crowd'; index: number } | null;
  pinned(): { kind: 'agent' | 'crowd'; index: number }[];
  voteLines(): VoteLineInfo[];
  stress(): StressInfo;
  fillArcs(): FillArcInfo[];
}

/** A featured agent's fill on its way to the venue (floor/FillArcs.tsx). */
export interface FillArcInfo {
  agent: number;
  symbol: number;
  venue: number;
  side: 'buy' | 'sell';
  seq: number;
}

export interface VoteLineInfo {
  desk: number;
  /** the voter's featured agent index */
  from: number;
  to: 'desk';
  action: 'buy' | 'sell' | 'hold';
  weight: number;
  /** the voter voted the desk's outcome */
  agreed: boolean;
  /** the vote ended in a conflict (resolved by the desk's rule) */
  conflict: boolean;
  /** 1 when the vote arrives, fading to 0 over ~1.5 s of floor time */
  alpha: number;
  seq: number;
}

export interface StressInfo {
  level: number;
  target: number;
  beacons: boolean;
  parts: { volatility: number; halts: number; shocks: number; alerts: number };
}

export interface ScreenTarget {
  x: number;
  y: number;
  /** in front of the camera and inside the canvas */
  visible: boolean;
  /** the canvas is the topmost element at (x, y) (no panel over it) */
  onCanvas: boolean;
  /** a click at (x, y) picks this figure (not one standing in front of it) */
  picks: boolean;
}

/** Hooks the floor and the store install into the stats view (kept here to avoid import cycles). */
export const statsHooks = {
  screenPosition: (_kind: 'agent' | 'crowd', _index: number): { x: number; y: number; visible: boolean; picks: boolean } | null => null,
  inspected: (): { kind: 'agent' | 'crowd'; index: number } | null => null,
  pinned: (): { kind: 'agent' | 'crowd'; index: number }[] => [],
  voteLines: (): VoteLineInfo[] => [],
  fillArcs: (): FillArcInfo[] => [],
  stress: (): StressInfo => ({ level: 0, target: 0, beacons: false, parts: { volatility: 0, halts: 0, shocks: 0, alerts: 0 } }),
};

const FRAME_JS_KEEP = 600;

/** Mutable state behind the read-only view; written by the floor and the controller. */
export const renderStats = {
  lastCalls: 0,
  lastTriangles: 0,
  crowdCallsThisFrame: 0,
  crowdCallsLastFrame: 0,
  crowdMeshes: 0,
  crowdInstances: 0,
  featuredAgents: 0,
  frameCount: 0,
  firstRenderAt: null as number | null,
  firstFrameAt: null as number | null,
  framesReceived: 0,
  lastTick: 0,
  drawnTick: 0,
  /** tick written into the floor's buffers this frame, -1 when none */
  pendingDrawnTick: -1,
  fps: 0,
  transport: 'none',
  softwareGL: false,
  frameJs: new Float32Array(FRAME_JS_KEEP),
  frameUpd: new Float32Array(FRAME_JS_KEEP),
  frameJsHead: 0,
  frameJsCount: 0,
  /** performance.now() when the scene started rendering this frame (scene.onBeforeRender) */
  renderStartAt: 0,
  pushFrameJs(ms: number, updateMs: number): void {
    this.frameUpd[this.frameJsHead] = updateMs;
    this.frameJs[this.frameJsHead] = ms;
    this.frameJsHead = (this.frameJsHead + 1) % FRAME_JS_KEEP;
    this.frameJsCount = Math.min(FRAME_JS_KEEP, this.frameJsCount + 1);
  },
};

function screenTarget(kind: 'agent' | 'crowd', index: number): ScreenTarget | null {
  const p = statsHooks.screenPosition(kind, index);
  if (!p) return null;
  const el = p.visible ? document.elementFromPoint(p.x, p.y) : null;
  return { x: p.x, y: p.y, visible: p.visible, onCanvas: el instanceof HTMLCanvasElement && el.closest('[data-testid="floor-canvas"]') !== null, picks: p.picks };
}

function ring(a: Float32Array): number[] {
  const s = renderStats;
  const out: number[] = [];
  const start = (s.frameJsHead - s.frameJsCount + FRAME_JS_KEEP) % FRAME_JS_KEEP;
  for (let i = 0; i < s.frameJsCount; i++) out.push(a[(start + i) % FRAME_JS_KEEP] ?? 0);
  return out;
}

export function installStats(): void {
  const s = renderStats;
  const view: RenderStats = {
    drawCalls: () => s.lastCalls,
    triangles: () => s.lastTriangles,
    crowdDrawCalls: () => s.crowdCallsLastFrame,
    get crowdMeshes() {
      return s.crowdMeshes;
    },
    get crowdInstances() {
      return s.crowdInstances;
    },
    get featuredAgents() {
      return s.featuredAgents;
    },
    get frameCount() {
      return s.frameCount;
    },
    get firstRenderAt() {
      return s.firstRenderAt;
    },
    get firstFrameAt() {
      return s.firstFrameAt;
    },
    get framesReceived() {
      return s.framesReceived;
    },
    get lastTick() {
      return s.lastTick;
    },
    get drawnTick() {
      return s.drawnTick;
    },
    get fps() {
      return s.fps;
    },
    get transport() {
      return s.transport;
    },
    get softwareGL() {
      return s.softwareGL;
    },
    frameJsMs: () => ring(s.frameJs),
    frameUpdateMs: () => ring(s.frameUpd),
    screenPositionOfAgent: (i) => screenTarget('agent', i),
    screenPositionOfCrowd: (i) => screenTarget('crowd', i),
    inspected: () => statsHooks.inspected(),
    pinned: () => statsHooks.pinned(),
    voteLines: () => statsHooks.voteLines(),
    fillArcs: () => statsHooks.fillArcs(),
    stress: () => statsHooks.stress(),
  };
  Object.defineProperty(window, '__bullpen', { value: Object.freeze(view), configurable: true, enumerable: false, writable: false });
}
