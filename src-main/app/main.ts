/// <reference types="electron-vite/node" />
/**
 * Electron main process: the thin glue between Electron and the plain-Node host. It owns the
 * window, the menu, the security policy (./security.ts), the IPC transport and the library path;
 * everything else (sessions, the API router, the store) is the same code the CLI and the
 * browser-mode server run.
 */
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  protocol,
  session,
  shell,
  type IpcMainInvokeEvent,
  type MenuItemConstructorOptions,
  type WebContents,
} from 'electron';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import simWorkerPath from '../../src-workers/sim/sim.worker.ts?modulePath';
import trainWorkerPath from '../../src-workers/rl/train.worker.ts?modulePath';
import tournamentWorkerPath from '../../src-workers/tournament/tournament.worker.ts?modulePath';
import type { AppInfo, PushMessage, ResponseEnvelope } from '../../src-shared/api';
import type { FrameBatch } from '../../src-shared/frame';
import { APP_VERSION } from '../host/app-version';
import { createRouter, type Router } from '../host/router';
import { SessionHost } from '../host/session-host';
import { libraryBarLoader } from '../host/historical-bars';
import { openLibrary, type Library } from '../store/library';
import { Recorder } from '../store/recorder';
import { RunStore } from '../store/runs';
import { TrainingService } from '../training/service';
import { TournamentService } from '../tournament/service';
import { RecordingService } from '../replay/service';
import { APP_FOLDER, LIBRARY_FILE } from '../store/paths';
import {
  APP_ENTRY_URL,
  APP_HOST,
  APP_SCHEME,
  IPC_CHANNELS,
  PRODUCTION_CSP,
  SECURE_WEB_PREFERENCES,
  allowedOriginsFor,
  devCsp,
  isAllowedNavigation,
  isAllowedRequestUrl,
  isAllowedSenderUrl,
  mimeTypeOf,
  originOf,
  resolveAppRequest,
  securityHeaders,
} from './security';

const here = dirname(fileURLToPath(import.meta.url));
const PRELOAD_PATH = join(here, '..', 'preload', 'index.cjs');
const RENDERER_DIR = join(here, '..', 'renderer');
const DEV_SERVER_URL = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
const PAGE_URL = DEV_SERVER_URL ?? APP_ENTRY_URL;
const PAGE_ORIGIN = originOf(PAGE_URL) ?? `${APP_SCHEME}://${APP_HOST}`;
const CSP = DEV_SERVER_URL ? devCsp(DEV_SERVER_URL) : PRODUCTION_CSP;

// ---- before `ready` -------------------------------------------------------------------------------

// One data folder for the app, the CLI and browser mode (store/paths.ts): <appData>/Bullpen, or
// BULLPEN_DATA_DIR. Set before the single-instance lock, which is keyed on it.
const dataFolder = process.env.BULLPEN_DATA_DIR?.trim() || join(app.getPath('appData'), APP_FOLDER);
app.setName('Bullpen');
app.setPath('userData', dataFolder);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.enableSandbox();
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
  ]);
  main();
}

// ---- the app ---------------------------------------------------------------------------------------

function main(): void {
  let window: BrowserWindow | null = null;
  let host: SessionHost | null = null;
  let router: Router | null = null;
  let library: Library | null = null;
  let training: TrainingService | null = null;
  let tournaments: TournamentService | null = null;
  let libraryError: string | null = null;
  let renderCrashes = 0;

  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });

  app.on('web-contents-created', (_e, contents) => hardenContents(contents));

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0 && app.isReady()) window = createWindow();
  });

  let shutDown = false;
  app.on('will-quit', (e) => {
    if (shutDown) return;
    e.preventDefault();
    const done = (): void => {
      shutDown = true;
      app.quit();
    };
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, 3000).unref());
    void Promise.race([shutdown(), timeout]).then(done, done);
  });

  async function shutdown(): Promise<void> {
    try {
      // a run stops at its next update; the floor's session closes meanwhile
      await Promise.all([training?.close(), tournaments?.close(), host?.dispose()]);
    } finally {
      library?.close();
    }
  }

  void app.whenReady().then(() => {
    hardenSession();
    serveRenderer();
    ({ host, router } = startHost());
    registerIpc();
    Menu.setApplicationMenu(buildMenu());
    window = createWindow();
    if (libraryError) {
      // not showErrorBox: that one is modal and blocks the main process (and with it the floor)
      const opts = { type: 'warning' as const, title: 'Bullpen', message: 'Bullpen could not open its library', detail: libraryError, buttons: ['OK'] };
      void dialog.showMessageBox(window, opts);
    }
  });

  // ---- host ----------------------------------------------------------------------------------

  function nativeBinding(): string | undefined {
    const candidate = app.isPackaged
      ? join(process.resourcesPath, 'better_sqlite3.node')
      : join(app.getAppPath(), '.electron-native', 'better_sqlite3.node');
    return existsSync(candidate) ? candidate : undefined;
  }

  function startHost(): { host: SessionHost; router: Router } {
    const dbPath = join(app.getPath('userData'), LIBRARY_FILE);
    const binding = nativeBinding();
    try {
      library = openLibrary(dbPath, { appVersion: APP_VERSION, ...(binding ? { nativeBinding: binding } : {}) });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const abi = /NODE_MODULE_VERSION|different Node\.js version|invalid ELF|not a valid Win32/i.test(message);
      libraryError =
        `${message}\n\nThe floor still runs, but sessions are not recorded.` +
        (abi || !binding
          ? '\n\nThe Electron build of better-sqlite3 is missing or does not match this Electron: run ' +
            '`node scripts/electron-native.mjs` (needs the internet once) and start Bullpen again.'
          : '');
      console.error(`[bullpen] library: ${message}`);
    }
    const sessionHost = new SessionHost({
      workerFactory: () => new Worker(simWorkerPath),
      // every session is recorded; sessions cut off last time are marked interrupted by the Recorder
      ...(library ? { recorder: new Recorder(library), loadBars: libraryBarLoader(() => (library as Library).db) } : {}),
      appVersion: APP_VERSION,
      log: (line) => console.error(`[host] ${line}`),
    });
    const appInfo: AppInfo = { name: 'Bullpen', version: APP_VERSION, transport: 'ipc', dataDir: app.getPath('userData'), dbPath };
    sessionHost.onFrames((batch: FrameBatch) => send(IPC_CHANNELS.frames, batch));
    sessionHost.onPush((msg: PushMessage) => send(IPC_CHANNELS.push, msg));
    // training runs in a Piscina pool on the bundled worker (out/main/chunks/train.worker-….js)
    training = library ? new TrainingService({ store: new RunStore(library.db), workerFilename: trainWorkerPath, recoverInterrupted: true }) : null;
    // tournaments run on their own bundled worker; progress goes to the window as pushes
    tournaments = library ? new TournamentService({ library, workerFilename: tournamentWorkerPath }) : null;
    tournaments?.subscribe((msg) => sessionHost.publish(msg));
    const services = { ...(library ? { library } : {}), ...(training ? { training } : {}), ...(tournaments ? { tournaments } : {}) };
    return { host: sessionHost, router: createRouter(sessionHost, appInfo, library ? new RecordingService(library, sessionHost) : undefined, services) };
  }

  /** One IPC message per host batch; typed arrays are structured-cloned (never transferred). */
  function send(channel: string, payload: unknown): void {
    const wc = window && !window.isDestroyed() ? window.webContents : null;
    if (!wc || wc.isDestroyed() || wc.isCrashed()) return;
    wc.send(channel, payload);
  }

  // ---- IPC -----------------------------------------------------------------------------------

  function isTrustedSender(e: IpcMainInvokeEvent): boolean {
    const frame = e.senderFrame;
    if (!window || window.isDestroyed() || e.sender !== window.webContents) return false;
    if (!frame || frame.parent !== null) return false; // the top frame only
    return isAllowedSenderUrl(frame.url, PAGE_ORIGIN);
  }

  function registerIpc(): void {
    ipcMain.handle(IPC_CHANNELS.request, async (e, raw: unknown): Promise<ResponseEnvelope> => {
      const id = idOf(raw);
      if (!isTrustedSender(e)) {
        return { id, ok: false, error: { code: 'unauthorized', message: 'IPC from an unexpected frame was refused.' } };
      }
      if (!router) return { id, ok: false, error: { code: 'internal', message: 'The host is not ready.' } };
      // Same path as the WebSocket transport: JSON text + its size → the shared router (zod inside).
      let json: string | undefined;
      try {
        json = JSON.stringify(raw);
      } catch {
        json = undefined;
      }
      if (json === undefined) {
        return { id, ok: false, error: { code: 'bad_request', message: 'Request is not valid JSON.' } };
      }
      return router.handle(json, Buffer.byteLength(json, 'utf8'));
    });
  }

  // ---- window --------------------------------------------------------------------------------

  function createWindow(): BrowserWindow {
    const win = new BrowserWindow({
      width: 1440,
      height: 900,
      minWidth: 960,
      minHeight: 600,
      title: 'Bullpen',
      backgroundColor: '#0b1120',
      show: false,
      ...(process.platform === 'linux' && !app.isPackaged ? { icon: join(app.getAppPath(), 'build', 'icon.png') } : {}),
      webPreferences: { ...SECURE_WEB_PREFERENCES, preload: PRELOAD_PATH },
    });
    const reveal = (): void => {
      if (!win.isDestroyed() && !win.isVisible()) win.show();
    };
    win.once('ready-to-show', reveal);
    setTimeout(reveal, 4000).unref(); // never stay invisible if the first paint is slow
    win.on('closed', () => {
      if (window === win) window = null;
    });
    win.webContents.on('render-process-gone', (_e, details) => {
      console.error(`[bullpen] renderer gone: ${details.reason} (exit ${details.exitCode})`);
      if (details.reason !== 'clean-exit' && details.reason !== 'killed' && renderCrashes++ < 3 && !win.isDestroyed()) {
        win.webContents.reload();
      }
    });
    void win.loadURL(PAGE_URL);
    return win;
  }

  // ---- security --------------------------------------------------------------------------------

  function hardenContents(contents: WebContents): void {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-navigate', (e, url) => {
      if (!isAllowedNavigation(url)) e.preventDefault();
    });
    contents.on('will-attach-webview', (e) => e.preventDefault());
  }

  function hardenSession(): void {
    const ses = session.defaultSession;
    ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
    ses.setPermissionCheckHandler(() => false);
    ses.setDevicePermissionHandler(() => false);
    const origins = allowedOriginsFor(PAGE_URL);
    ses.webRequest.onBeforeRequest((details, callback) => {
      const allowed = isAllowedRequestUrl(details.url, origins);
      if (!allowed) console.error(`[bullpen] blocked request to ${details.url}`);
      callback({ cancel: !allowed });
    });
    if (DEV_SERVER_URL) {
      // the dev server's responses get the (dev) CSP as a header; app:// responses carry it themselves
      ses.webRequest.onHeadersReceived((details, callback) => {
        callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
      });
    }
  }

  /** app://bullpen/… → files of out/renderer (inside app.asar when packaged), with the CSP. */
  function serveRenderer(): void {
    protocol.handle(APP_SCHEME, async (request) => {
      const headers = securityHeaders(PRODUCTION_CSP);
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        return new Response('Method not allowed', { status: 405, headers });
      }
      const file = resolveAppRequest(request.url, RENDERER_DIR, join, sep);
      if (!file) return new Response('Not found', { status: 404, headers });
      try {
        const body = await readFile(file);
        return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
          status: 200,
          headers: { ...headers, 'Content-Type': mimeTypeOf(file), 'Cache-Control': 'no-cache' },
        });
      } catch {
        return new Response('Not found', { status: 404, headers });
      }
    });
  }

  // ---- menu ----------------------------------------------------------------------------------

  function showAbout(): void {
    const lines = [
      `Version ${APP_VERSION}`,
      `Electron ${process.versions.electron ?? '?'} · Chromium ${process.versions.chrome ?? '?'} · Node ${process.versions.node}`,
      `Data folder: ${app.getPath('userData')}`,
      library ? `Library: ${library.path}` : `Library: not open${libraryError ? ` (${libraryError.split('\n')[0]})` : ''}`,
    ];
    const opts = { type: 'info' as const, title: 'About Bullpen', message: 'Bullpen', detail: lines.join('\n'), buttons: ['OK'] };
    void (window ? dialog.showMessageBox(window, opts) : dialog.showMessageBox(opts));
  }

  function buildMenu(): Menu {
    const isMac = process.platform === 'darwin';
    const template: MenuItemConstructorOptions[] = [
      ...(isMac ? [{ role: 'appMenu' as const }] : []),
      {
        label: 'File',
        submenu: [
          { label: 'Open Data Folder', click: () => void shell.openPath(app.getPath('userData')) },
          { type: 'separator' },
          isMac ? { role: 'close' } : { role: 'quit' },
        ],
      },
      { role: 'editMenu' },
      { role: 'viewMenu' },
      { role: 'windowMenu' },
      {
        role: 'help',
        submenu: [
          { label: 'About Bullpen', click: showAbout },
          { label: 'Show Library File', click: () => library && shell.showItemInFolder(library.path) },
        ],
      },
    ];
    return Menu.buildFromTemplate(template);
  }
}

/** The request id when the raw request carries one, so even a refusal can be matched by the client. */
function idOf(raw: unknown): number {
  if (typeof raw === 'object' && raw !== null && 'id' in raw) {
    const id = (raw as { id: unknown }).id;
    if (typeof id === 'number' && Number.isInteger(id) && id >= 0) return id;
  }
  return -1;
}
