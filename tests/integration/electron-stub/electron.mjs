// A recording stand-in for the `electron` module, just wide enough for src-main/app/main.ts, so the
// built main process (out/main/index.js) can run under plain Node where the Electron binary is
// missing. Everything it is asked to do lands in globalThis.__electronStub for driver.mjs to check.
import { EventEmitter } from 'node:events';

let resolveReady;
const ready = new Promise((r) => (resolveReady = r));

export const stub = {
  paths: { appData: process.env.STUB_APP_DATA ?? '/tmp', home: process.env.HOME ?? '/tmp', userData: '' },
  appPath: process.env.STUB_APP_PATH ?? process.cwd(),
  name: 'electron',
  sandboxEnabled: false,
  quitCalls: 0,
  privileged: [],
  protocolHandlers: new Map(),
  ipcHandlers: new Map(),
  windows: [],
  menu: null,
  errorBoxes: [],
  messageBoxes: [],
  session: null,
  isReady: false,
  fireReady() {
    stub.isReady = true;
    resolveReady();
  },
};
globalThis.__electronStub = stub;

class App extends EventEmitter {
  isPackaged = false;
  getPath(name) {
    if (!(name in stub.paths)) throw new Error(`stub: unknown path ${name}`);
    return stub.paths[name];
  }
  setPath(name, value) {
    stub.paths[name] = value;
  }
  setName(n) {
    stub.name = n;
  }
  getName() {
    return stub.name;
  }
  getAppPath() {
    return stub.appPath;
  }
  getVersion() {
    return '0.0.0-stub';
  }
  requestSingleInstanceLock() {
    return true;
  }
  enableSandbox() {
    stub.sandboxEnabled = true;
  }
  whenReady() {
    return ready;
  }
  isReady() {
    return stub.isReady;
  }
  quit() {
    stub.quitCalls++;
    // Electron: quit → before-quit → will-quit (preventable) → quit
    let prevented = false;
    this.emit('will-quit', { preventDefault: () => (prevented = true) });
    if (!prevented) stub.quitted = true;
  }
  exit() {
    stub.quitted = true;
  }
}
export const app = new App();

class WebContents extends EventEmitter {
  constructor(win) {
    super();
    this.win = win;
    this.sent = [];
    this.destroyed = false;
    this.windowOpenHandler = null;
    this.mainFrame = { url: 'app://bullpen/index.html', parent: null };
  }
  send(channel, ...args) {
    // Electron structured-clones the payload; so do we, to catch anything unclonable.
    this.sent.push({ channel, payload: structuredClone(args[0]) });
  }
  setWindowOpenHandler(fn) {
    this.windowOpenHandler = fn;
  }
  isDestroyed() {
    return this.destroyed;
  }
  isCrashed() {
    return false;
  }
  isLoading() {
    return false;
  }
  reload() {}
}

export class BrowserWindow extends EventEmitter {
  static getAllWindows() {
    return stub.windows.filter((w) => !w.destroyed);
  }
  constructor(options) {
    super();
    this.options = options;
    this.destroyed = false;
    this.visible = false;
    this.loadedUrl = null;
    this.webContents = new WebContents(this);
    stub.windows.push(this);
    app.emit('web-contents-created', {}, this.webContents);
  }
  loadURL(url) {
    this.loadedUrl = url;
    this.webContents.mainFrame.url = url;
    return Promise.resolve();
  }
  isDestroyed() {
    return this.destroyed;
  }
  isVisible() {
    return this.visible;
  }
  show() {
    this.visible = true;
  }
  isMinimized() {
    return false;
  }
  restore() {}
  focus() {}
}

export const ipcMain = {
  handle(channel, fn) {
    if (stub.ipcHandlers.has(channel)) throw new Error(`stub: second handler for ${channel}`);
    stub.ipcHandlers.set(channel, fn);
  },
};

export const protocol = {
  registerSchemesAsPrivileged(list) {
    if (stub.isReady) throw new Error('stub: registerSchemesAsPrivileged after ready');
    stub.privileged.push(...list);
  },
  handle(scheme, fn) {
    stub.protocolHandlers.set(scheme, fn);
  },
};

function makeSession() {
  const s = {
    permissionRequestHandler: null,
    permissionCheckHandler: null,
    devicePermissionHandler: null,
    beforeRequest: null,
    headersReceived: null,
    setPermissionRequestHandler(fn) {
      s.permissionRequestHandler = fn;
    },
    setPermissionCheckHandler(fn) {
      s.permissionCheckHandler = fn;
    },
    setDevicePermissionHandler(fn) {
      s.devicePermissionHandler = fn;
    },
    webRequest: {
      onBeforeRequest(fn) {
        s.beforeRequest = fn;
      },
      onHeadersReceived(fn) {
        s.headersReceived = fn;
      },
    },
  };
  return s;
}
stub.session = makeSession();
export const session = { defaultSession: stub.session };

export const Menu = {
  buildFromTemplate(template) {
    return { template };
  },
  setApplicationMenu(menu) {
    stub.menu = menu;
  },
};

export const dialog = {
  showErrorBox(title, content) {
    stub.errorBoxes.push({ title, content });
  },
  showMessageBox(...args) {
    stub.messageBoxes.push(args);
    return Promise.resolve({ response: 0, checkboxChecked: false });
  },
};

export const shell = {
  openPath: () => Promise.resolve(''),
  showItemInFolder: () => {},
};

export default { app, BrowserWindow, ipcMain, protocol, session, Menu, dialog, shell };
