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
}

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
};

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
  };
  Object.defineProperty(window, '__bullpen', { value: Object.freeze(view), configurable: true, enumerable: false, writable: false });
}
