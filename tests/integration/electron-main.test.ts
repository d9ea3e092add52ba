import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The BUILT Electron main process (electron-vite output) run under plain Node with a recording
 * stand-in for `electron` (tests/integration/electron-stub). It checks the real bundle's wiring —
 * security handlers, the app:// protocol, IPC through the shared router, frames from the bundled
 * sim worker, shutdown — where the Electron binary itself cannot run. tests/e2e/electron.spec.ts
 * drives the real app where it can.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(join(root, 'package.json'));
// inside the project, so the bundle resolves better-sqlite3 and package.json's "type"
const outDir = join(root, 'out', `.electron-main-test-${process.pid}`);
const dataDir = mkdtempSync(join(tmpdir(), 'bullpen-electron-main-'));

interface ProtocolReply {
  status: number;
  type: string | null;
  csp: string | null;
  nosniff: string | null;
  head: string;
}
interface Envelope {
  id: number;
  ok: boolean;
  result?: Record<string, unknown>;
  error?: { code: string; message: string };
}
interface Report {
  beforeReady: { sandboxEnabled: boolean; privileged: { scheme: string; privileges: Record<string, boolean> }[]; userData: string; name: string };
  window: { title: string; show: boolean; loadedUrl: string; webPreferences: Record<string, boolean>; preload: string };
  menu: string[];
  errorBoxes: unknown[];
  ipcChannels: string[];
  permissionRequests: Record<string, boolean>;
  permissionCheck: boolean;
  devicePermission: boolean;
  requests: Record<string, 'allow' | 'cancel'>;
  windowOpen: { action: string };
  navigationPrevented: boolean;
  webviewPrevented: boolean;
  protocol: Record<'index' | 'root' | 'traversal' | 'missing' | 'post', ProtocolReply>;
  ipc: Record<string, Envelope>;
  start: { ok: boolean; sessionId: string | null; error: unknown };
  frames: {
    count: number;
    sessionId: string;
    lastIsFloat64Array: boolean;
    seriesIsFloat64Array: boolean;
    actionIsInt8Array: boolean;
    ticksIncrease: boolean;
    firstPrice: number;
  };
  pushKinds: string[];
  otherChannels: string[];
  statusTick: number;
  quit: { quitted: boolean };
}

let report: Report;
let driverOutput = '';

beforeAll(() => {
  const evBin = join(dirname(require.resolve('electron-vite/package.json')), 'bin', 'electron-vite.js');
  const build = spawnSync(process.execPath, [evBin, 'build', '--outDir', outDir, '--logLevel', 'warn'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 150_000,
  });
  if (build.status !== 0) throw new Error(`electron-vite build failed:\n${build.stdout}\n${build.stderr}`);
  const run = spawnSync(process.execPath, [join(root, 'tests', 'integration', 'electron-stub', 'driver.mjs'), outDir], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, STUB_APP_DATA: dataDir, STUB_APP_PATH: dataDir, BULLPEN_DATA_DIR: '' },
  });
  driverOutput = `${run.stdout}\n${run.stderr}`;
  if (run.status !== 0) throw new Error(`driver failed (exit ${run.status}):\n${driverOutput}`);
  const line = run.stdout.trim().split('\n').pop() ?? '';
  report = JSON.parse(line) as Report;
}, 240_000);

afterAll(() => {
  rmSync(outDir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the built Electron main process (stubbed electron)', () => {
  it('sets up before ready: sandbox for all renderers, the app:// scheme, the Bullpen data folder', () => {
    expect(report.beforeReady.sandboxEnabled).toBe(true);
    expect(report.beforeReady.privileged).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
    ]);
    expect(report.beforeReady.userData).toBe(join(dataDir, 'Bullpen'));
    expect(report.beforeReady.name).toBe('Bullpen');
  });

  it('opens one secure window on app://bullpen with the bundled preload', () => {
    expect(report.window.title).toBe('Bullpen');
    expect(report.window.loadedUrl).toBe('app://bullpen/index.html');
    expect(report.window.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(report.window.preload).toBe(join(outDir, 'preload', 'index.cjs'));
    expect(existsSync(report.window.preload)).toBe(true);
    expect(report.menu).toEqual(expect.arrayContaining(['File', 'editMenu', 'viewMenu', 'windowMenu', 'help']));
    expect(report.errorBoxes).toEqual([]);
  });

  it('denies every permission, popups, navigation, webviews and remote requests', () => {
    expect(Object.values(report.permissionRequests).every((v) => v === false)).toBe(true);
    expect(report.permissionCheck).toBe(false);
    expect(report.devicePermission).toBe(false);
    expect(report.windowOpen).toEqual({ action: 'deny' });
    expect(report.navigationPrevented).toBe(true);
    expect(report.webviewPrevented).toBe(true);
    expect(report.requests).toEqual({
      'app://bullpen/assets/x.js': 'allow',
      'https://example.com/x.js': 'cancel',
      'file:///etc/passwd': 'cancel',
      'data:text/plain,hi': 'allow',
      'ws://127.0.0.1:9/': 'cancel',
    });
  });

  it('serves out/renderer over app:// with the CSP, and nothing outside it', () => {
    const { index, root: slash, traversal, missing, post } = report.protocol;
    for (const r of [index, slash]) {
      expect(r.status).toBe(200);
      expect(r.type).toMatch(/^text\/html/);
      expect(r.head).toMatch(/<!doctype html>/i);
    }
    for (const r of [index, slash, traversal, missing, post]) {
      expect(r.csp).toContain("script-src 'self'");
      expect(r.csp).not.toContain('unsafe-eval');
      expect(r.nosniff).toBe('nosniff');
    }
    expect(traversal.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(post.status).toBe(405);
  });

  it('answers IPC through the shared router and refuses foreign senders', () => {
    const { ipc } = report;
    expect(report.ipcChannels).toEqual(['bullpen:request']);
    expect(ipc.info).toMatchObject({ id: 1, ok: true, result: { name: 'Bullpen', transport: 'ipc', dbPath: join(dataDir, 'Bullpen', 'library.sqlite') } });
    for (const k of ['foreignUrl', 'subFrame', 'otherContents', 'noFrame']) {
      expect(ipc[k]?.ok, k).toBe(false);
      expect(ipc[k]?.error?.code, k).toBe('unauthorized');
    }
    expect(ipc.badParams?.error?.code).toBe('bad_request');
    expect(ipc.unknown?.error?.code).toBe('unknown_method');
    expect(ipc.notJson?.error?.code).toBe('bad_request');
    expect(ipc.tooBig).toMatchObject({ id: 9, ok: false, error: { code: 'payload_too_large' } });
    expect(ipc.extraKey?.error?.code).toBe('bad_request');
  });

  it('runs the bundled sim worker and sends one cloned typed-array message per batch', () => {
    expect(report.start).toMatchObject({ ok: true });
    expect(report.frames.count).toBeGreaterThanOrEqual(3);
    expect(report.frames.sessionId).toBe(report.start.sessionId);
    expect(report.frames.lastIsFloat64Array).toBe(true);
    expect(report.frames.seriesIsFloat64Array).toBe(true);
    expect(report.frames.actionIsInt8Array).toBe(true);
    expect(report.frames.ticksIncrease).toBe(true);
    expect(report.frames.firstPrice).toBeGreaterThan(0);
    expect(report.pushKinds).toEqual(expect.arrayContaining(['session', 'status']));
    expect(report.otherChannels).toEqual([]);
    expect(report.statusTick).toBeGreaterThan(0);
  });

  it('records the session in the library and closes it cleanly on quit', () => {
    expect(report.quit.quitted).toBe(true);
    const db = new Database(join(dataDir, 'Bullpen', 'library.sqlite'), { readonly: true });
    try {
      const rows = db.prepare('SELECT id, status FROM sessions').all() as { id: string; status: string }[];
      expect(rows).toEqual([{ id: report.start.sessionId, status: 'stopped' }]);
    } finally {
      db.close();
    }
  });
});

describe('the built preload (as a sandboxed renderer runs it)', () => {
  type Listener = (event: unknown, payload: unknown) => void;
  function loadPreload(): {
    exposed: Map<string, Record<string, unknown>>;
    invoked: { channel: string; args: unknown[] }[];
    listeners: Map<string, Set<Listener>>;
    required: string[];
  } {
    const exposed = new Map<string, Record<string, unknown>>();
    const invoked: { channel: string; args: unknown[] }[] = [];
    const listeners = new Map<string, Set<Listener>>();
    const required: string[] = [];
    const electron = {
      contextBridge: { exposeInMainWorld: (key: string, api: Record<string, unknown>) => exposed.set(key, api) },
      ipcRenderer: {
        invoke: (channel: string, ...args: unknown[]) => {
          invoked.push({ channel, args });
          return Promise.resolve({ id: 1, ok: true, result: null });
        },
        on: (channel: string, fn: Listener) => {
          const set = listeners.get(channel) ?? new Set<Listener>();
          set.add(fn);
          listeners.set(channel, set);
        },
        removeListener: (channel: string, fn: Listener) => listeners.get(channel)?.delete(fn),
      },
    };
    // A sandboxed preload gets a `require` that knows only a few modules: give it `electron` alone.
    const sandboxRequire = (id: string): unknown => {
      required.push(id);
      if (id === 'electron') return electron;
      throw new Error(`sandboxed preload cannot require "${id}"`);
    };
    const code = readFileSync(join(outDir, 'preload', 'index.cjs'), 'utf8');
    const module = { exports: {} };
    runInNewContext(`(function (require, module, exports) {${code}\n})`, {})(sandboxRequire, module, module.exports);
    return { exposed, invoked, listeners, required };
  }

  it('exposes exactly the BullpenBridge as window.bullpen and requires nothing but electron', async () => {
    const { exposed, invoked, listeners, required } = loadPreload();
    expect([...new Set(required)]).toEqual(['electron']);
    expect([...exposed.keys()]).toEqual(['bullpen']);
    const bridge = exposed.get('bullpen') as Record<string, (...a: unknown[]) => unknown>;
    expect(Object.keys(bridge).sort()).toEqual(['onFrames', 'onPush', 'request']);
    expect(Object.isFrozen(bridge)).toBe(true);

    await bridge.request?.({ id: 1, method: 'app.info', params: {} });
    expect(invoked).toEqual([{ channel: 'bullpen:request', args: [{ id: 1, method: 'app.info', params: {} }] }]);

    const got: unknown[] = [];
    const off = bridge.onFrames?.((b: unknown) => got.push(b)) as () => void;
    const offPush = bridge.onPush?.((m: unknown) => got.push(m)) as () => void;
    const fire = (channel: string, payload: unknown): void => {
      for (const fn of listeners.get(channel) ?? []) fn({ sender: 'SECRET' }, payload);
    };
    fire('bullpen:frames', { tick: 1 });
    fire('bullpen:push', { push: 'status' });
    expect(got).toEqual([{ tick: 1 }, { push: 'status' }]); // the payload only, never the IPC event
    off();
    off(); // idempotent
    offPush();
    fire('bullpen:frames', { tick: 2 });
    expect(got).toHaveLength(2);
    expect(listeners.get('bullpen:frames')?.size).toBe(0);
    expect(() => bridge.onFrames?.('not a function')).toThrow(/function/);
  });
});
