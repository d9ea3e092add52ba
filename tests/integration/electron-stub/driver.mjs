// Runs the BUILT Electron main process (argv[2]/main/index.js) under plain Node with the recording
// `electron` stub, exercises what the window would do (IPC requests, a session, app:// requests,
// permission/navigation/popup attempts, quit) and prints one JSON report on stdout for
// electron-main.test.ts to check. Nothing here decides pass/fail.
import { register } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

register('./hooks.mjs', import.meta.url);

const outDir = process.argv[2];
if (!outDir) throw new Error('usage: driver.mjs <electron-vite outDir>');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(fn, ms, what) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (fn()) return true;
    await sleep(25);
  }
  throw new Error(`timed out waiting for ${what}`);
}

const report = {};
await import(pathToFileURL(join(outDir, 'main', 'index.js')).href);
const stub = globalThis.__electronStub;
report.beforeReady = {
  sandboxEnabled: stub.sandboxEnabled,
  privileged: stub.privileged,
  userData: stub.paths.userData,
  name: stub.name,
};
stub.fireReady();
await until(() => stub.windows.length === 1 && stub.ipcHandlers.size > 0, 5000, 'the window');

const win = stub.windows[0];
const wc = win.webContents;
const { preload, ...prefs } = win.options.webPreferences;
report.window = { title: win.options.title, show: win.options.show, loadedUrl: win.loadedUrl, webPreferences: prefs, preload };
report.menu = stub.menu.template.map((m) => m.role ?? m.label);
report.errorBoxes = stub.errorBoxes;
report.messageBoxes = stub.messageBoxes.length;
report.ipcChannels = [...stub.ipcHandlers.keys()];

// ---- security handlers ----
const ses = stub.session;
const perms = {};
for (const p of ['media', 'geolocation', 'notifications', 'midi', 'clipboard-read', 'openExternal', 'fullscreen']) {
  perms[p] = await new Promise((resolve) => ses.permissionRequestHandler(wc, p, resolve, {}));
}
report.permissionRequests = perms;
report.permissionCheck = ses.permissionCheckHandler(wc, 'media', 'app://bullpen', {});
report.devicePermission = ses.devicePermissionHandler({});
const requestVerdicts = {};
for (const url of ['app://bullpen/assets/x.js', 'https://example.com/x.js', 'file:///etc/passwd', 'data:text/plain,hi', 'ws://127.0.0.1:9/']) {
  requestVerdicts[url] = await new Promise((resolve) => ses.beforeRequest({ url }, (r) => resolve(r.cancel ? 'cancel' : 'allow')));
}
report.requests = requestVerdicts;
report.windowOpen = wc.windowOpenHandler({ url: 'https://example.com/', disposition: 'new-window' });
let navPrevented = false;
wc.emit('will-navigate', { preventDefault: () => (navPrevented = true) }, 'https://example.com/');
report.navigationPrevented = navPrevented;
let webviewPrevented = false;
wc.emit('will-attach-webview', { preventDefault: () => (webviewPrevented = true) }, {}, {});
report.webviewPrevented = webviewPrevented;

// ---- app:// protocol ----
const serve = stub.protocolHandlers.get('app');
async function fetchApp(url, method = 'GET') {
  const res = await serve({ url, method, headers: new Headers() });
  const body = res.body ? await res.text() : '';
  return { status: res.status, type: res.headers.get('content-type'), csp: res.headers.get('content-security-policy'), nosniff: res.headers.get('x-content-type-options'), head: body.slice(0, 200) };
}
report.protocol = {
  index: await fetchApp('app://bullpen/index.html'),
  root: await fetchApp('app://bullpen/'),
  traversal: await fetchApp('app://bullpen/..%2f..%2fpackage.json'),
  missing: await fetchApp('app://bullpen/nope.js'),
  post: await fetchApp('app://bullpen/index.html', 'POST'),
};

// ---- IPC ----
const handle = stub.ipcHandlers.get('bullpen:request');
const own = { sender: wc, senderFrame: { url: 'app://bullpen/index.html', parent: null } };
const call = (env, event = own) => handle(event, env);
report.ipc = {
  info: await call({ id: 1, method: 'app.info', params: {} }),
  foreignUrl: await call({ id: 2, method: 'app.info', params: {} }, { sender: wc, senderFrame: { url: 'https://evil.example/', parent: null } }),
  subFrame: await call({ id: 3, method: 'app.info', params: {} }, { sender: wc, senderFrame: { url: 'app://bullpen/index.html', parent: {} } }),
  otherContents: await call({ id: 4, method: 'app.info', params: {} }, { sender: {}, senderFrame: { url: 'app://bullpen/index.html', parent: null } }),
  noFrame: await call({ id: 5, method: 'app.info', params: {} }, { sender: wc, senderFrame: null }),
  badParams: await call({ id: 6, method: 'session.setSpeed', params: { speed: 'warp' } }),
  unknown: await call({ id: 7, method: 'nope' }),
  notJson: await call({ id: 8, method: 'app.info', params: { n: 10n } }),
  tooBig: await call({ id: 9, method: 'app.info', params: { pad: 'x'.repeat(70 * 1024) } }),
  extraKey: await call({ id: 10, method: 'app.info', params: {}, evil: true }),
};

const start = await call({ id: 20, method: 'session.start', params: { config: { seed: 3 } } });
report.start = { ok: start.ok, sessionId: start.ok ? start.result.sessionId : null, error: start.ok ? null : start.error };
await until(() => wc.sent.filter((m) => m.channel === 'bullpen:frames').length >= 3, 20_000, 'three frame batches');
const frames = wc.sent.filter((m) => m.channel === 'bullpen:frames').map((m) => m.payload);
const f = frames[frames.length - 1];
report.frames = {
  count: frames.length,
  sessionId: f.sessionId,
  lastIsFloat64Array: f.latest.symbols.last instanceof Float64Array,
  seriesIsFloat64Array: f.seriesLast instanceof Float64Array,
  actionIsInt8Array: f.latest.agents.action instanceof Int8Array,
  ticksIncrease: frames.every((b, i) => i === 0 || b.toTick > frames[i - 1].toTick),
  firstPrice: f.latest.symbols.last[0],
};
report.pushKinds = [...new Set(wc.sent.filter((m) => m.channel === 'bullpen:push').map((m) => m.payload.push))].sort();
report.otherChannels = [...new Set(wc.sent.map((m) => m.channel))].filter((c) => c !== 'bullpen:frames' && c !== 'bullpen:push');
const status = await call({ id: 21, method: 'session.status', params: {} });
report.statusTick = status.ok ? status.result.tick : -1;

// ---- quit: the host and the library are shut down, then the app quits ----
stub.quitCalls = 0;
stub.quitted = false;
const { app } = await import('electron');
app.quit();
await until(() => stub.quitted === true, 5000, 'quit after shutdown');
report.quit = { quitted: stub.quitted, quitCalls: stub.quitCalls };

process.stdout.write(`${JSON.stringify(report)}\n`);
process.exit(0);
