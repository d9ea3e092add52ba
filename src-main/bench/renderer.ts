import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS } from './chromium';
import type { BenchOptions, Figure } from './figures';

/**
 * Renderer figures, measured in a real Chromium (playwright-core) on the built renderer
 * (out/renderer) served by the real browser-mode host with a 10,000-trader crowd:
 *
 *   renderer.draw_calls_10k        WebGL draw calls of one frame (window.__bullpen.drawCalls())
 *   renderer.frame_js_p95_ms_10k   95th percentile of JavaScript time per frame (__bullpen.frameJsMs():
 *                                  every useFrame callback + renderer.render + popover placement)
 *   renderer.frame_update_js_p95_ms_10k  the part of it before renderer.render (the floor's own
 *                                  per-frame work: instance buffers, animation)
 *   renderer.first_frame_ms        navigation start → first frame drawn with host data (firstFrameAt)
 *
 * Chromium: BULLPEN_CHROMIUM, else Debian's /usr/bin/chromium, else Playwright's own browser. Without
 * one, or without a built renderer, it says so on stderr and returns no figures. On a machine without
 * a GPU Chromium draws through SwiftShader (software GL): the draw-call count is exact, the times are
 * the CPU's (see docs/BENCHMARKS.md).
 */

const CROWD = 10_000;
const VIEWPORT = { width: 1440, height: 900 };


interface PlaywrightCore {
  chromium: {
    executablePath(): string;
    launch(o: { executablePath?: string; args: string[]; headless?: boolean }): Promise<Browser>;
  };
}
interface Browser {
  newPage(o: { viewport: { width: number; height: number } }): Promise<Page>;
  close(): Promise<void>;
}
interface Page {
  goto(url: string, o?: { waitUntil?: 'load' | 'domcontentloaded' }): Promise<unknown>;
  evaluate<R>(fn: () => R): Promise<R>;
  waitForFunction(fn: () => unknown, arg?: unknown, o?: { timeout?: number; polling?: number }): Promise<unknown>;
  waitForTimeout(ms: number): Promise<void>;
  on(ev: 'pageerror', cb: (e: Error) => void): void;
  close(): Promise<void>;
}

interface PageStats {
  drawCalls: number;
  crowdInstances: number;
  frameCount: number;
  js: number[];
  upd: number[];
}

function loadPlaywright(): PlaywrightCore | null {
  try {
    const require = createRequire(import.meta.url);
    return require('playwright-core') as PlaywrightCore;
  } catch {
    return null;
  }
}

function findChromium(pw: PlaywrightCore): string | null {
  const env = process.env.BULLPEN_CHROMIUM;
  if (env) return existsSync(env) ? env : null;
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  try {
    const own = pw.chromium.executablePath();
    return own && existsSync(own) ? own : null;
  } catch {
    return null;
  }
}

function quantile(xs: number[], q: number): number {
  const a = [...xs].sort((x, y) => x - y);
  return a[Math.min(a.length - 1, Math.floor(a.length * q))] ?? NaN;
}

const p95 = (xs: number[]): number => quantile(xs, 0.95);

function readStats(page: Page): Promise<PageStats> {
  return page.evaluate(() => {
    const b = (window as unknown as {
      __bullpen?: {
        drawCalls(): number;
        crowdInstances: number;
        frameCount: number;
        frameJsMs(): number[];
        frameUpdateMs(): number[];
      };
    }).__bullpen;
    if (!b) return { drawCalls: 0, crowdInstances: 0, frameCount: 0, js: [], upd: [] };
    return { drawCalls: b.drawCalls(), crowdInstances: b.crowdInstances, frameCount: b.frameCount, js: b.frameJsMs(), upd: b.frameUpdateMs() };
  });
}

export async function rendererFigures(opts: BenchOptions): Promise<Figure[]> {
  // loaded here, not at the top: the other providers need neither the web server nor its store
  const { DEFAULT_RENDERER_DIR, serve } = await import('../web/serve');
  const pw = loadPlaywright();
  if (!pw) {
    process.stderr.write('bench renderer: playwright-core is not installed (npm install); no renderer figures.\n');
    return [];
  }
  const executablePath = findChromium(pw);
  if (!executablePath) {
    const env = process.env.BULLPEN_CHROMIUM;
    process.stderr.write(
      env
        ? `bench renderer: BULLPEN_CHROMIUM=${env} does not exist; no renderer figures.\n`
        : 'bench renderer: no Chromium found: install it (sudo apt-get install -y chromium) or set BULLPEN_CHROMIUM to a Chromium/Chrome binary; no renderer figures.\n',
    );
    return [];
  }
  if (!existsSync(join(DEFAULT_RENDERER_DIR, 'index.html'))) {
    process.stderr.write('bench renderer: the renderer is not built (run `npm run build:renderer` first); no renderer figures.\n');
    return [];
  }
  const dir = mkdtempSync(join(tmpdir(), 'bullpen-bench-renderer-'));
  const serving = await serve({ seed: 1, crowd: CROWD, db: join(dir, 'library.db') });
  let browser: Browser | null = null;
  try {
    browser = await pw.chromium.launch({ executablePath, args: [...CHROMIUM_ARGS] });
    const url = serving.server.url;
    opts.log(`Chromium ${executablePath}, ${CROWD.toLocaleString('en-US')} crowd, ${VIEWPORT.width}×${VIEWPORT.height}`);

    // first frame: a cold page load (the server and worker are already warm)
    const page = await browser.newPage({ viewport: VIEWPORT });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url, { waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => (window as unknown as { __bullpen?: { firstFrameAt: number | null } }).__bullpen?.firstFrameAt != null, undefined, {
      timeout: 120_000,
      polling: 50,
    });
    const firstFrameMs = await page.evaluate(() => {
      const b = (window as unknown as { __bullpen: { firstFrameAt: number } }).__bullpen;
      return b.firstFrameAt - performance.timeOrigin;
    });
    const marks = await page.evaluate(() =>
      performance
        .getEntriesByType('mark')
        .filter((m) => m.name.startsWith('bullpen:'))
        .map((m) => `${m.name.slice(8)} ${m.startTime.toFixed(0)}`)
        .join(', '),
    );
    const dcl = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      return nav ? nav.domContentLoadedEventEnd.toFixed(0) : '?';
    });
    opts.log(`first frame with host data after ${firstFrameMs.toFixed(0)} ms (DOMContentLoaded ${dcl}, ${marks})`);

    // steady state: let shaders compile and the floor settle, then time a window of frames
    await page.waitForTimeout(3000);
    const before = await readStats(page);
    const seconds = Math.max(5, opts.seconds);
    let maxCalls = before.drawCalls;
    for (let t = 0; t < seconds; t++) {
      await page.waitForTimeout(1000);
      maxCalls = Math.max(maxCalls, (await readStats(page)).drawCalls);
    }
    const after = await readStats(page);
    const frames = Math.min(after.frameCount - before.frameCount, after.js.length);
    const js = after.js.slice(-frames);
    const upd = after.upd.slice(-frames);
    if (after.crowdInstances !== CROWD) throw new Error(`the crowd mesh holds ${after.crowdInstances} instances, expected ${CROWD}`);
    if (frames < 3) throw new Error(`only ${frames} frames rendered in ${seconds} s`);
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    opts.log(
      `${frames} frames in ${seconds} s (${(frames / seconds).toFixed(1)} fps), draw calls ${after.drawCalls} (max ${maxCalls}), ` +
        `JS/frame p50 ${quantile(js, 0.5).toFixed(2)} ms p95 ${p95(js).toFixed(2)} ms, update p50 ${quantile(upd, 0.5).toFixed(2)} ms p95 ${p95(upd).toFixed(2)} ms`,
    );
    await page.close();
    return [
      { name: 'renderer.draw_calls_10k', value: maxCalls, unit: 'calls' },
      { name: 'renderer.frame_js_p95_ms_10k', value: p95(js), unit: 'ms' },
      { name: 'renderer.frame_update_js_p95_ms_10k', value: p95(upd), unit: 'ms' },
      { name: 'renderer.first_frame_ms', value: firstFrameMs, unit: 'ms' },
    ];
  } finally {
    await browser?.close().catch(() => {});
    await serving.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
