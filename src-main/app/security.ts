/**
 * The Electron security policy as plain data and pure functions, so it can be unit-tested without
 * Electron (this module must not import `electron`). main.ts applies it; see Electron's security
 * checklist: https://www.electronjs.org/docs/latest/tutorial/security
 */

/** The custom scheme the packaged renderer is served from (`app://bullpen/index.html`). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'bullpen';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

export { IPC_CHANNELS } from './channels';

/** The webPreferences every Bullpen window gets (minus the preload path, added by main.ts). */
export const SECURE_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  webviewTag: false,
  navigateOnDragDrop: false,
  spellcheck: false,
  safeDialogs: true,
} as const;

export type SecureWebPreferences = typeof SECURE_WEB_PREFERENCES;

/**
 * Content-Security-Policy of the packaged renderer. Everything comes from the app's own origin;
 * no eval, no remote hosts. `style-src 'unsafe-inline'` is there for libraries that inject <style>
 * elements (charts, three.js helpers); `blob:` workers and images for three.js/canvas output.
 */
export const PRODUCTION_CSP_DIRECTIVES: Readonly<Record<string, readonly string[]>> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'worker-src': ["'self'", 'blob:'],
  'media-src': ["'self'", 'blob:'],
  'object-src': ["'none'"],
  'frame-src': ["'none'"],
  'child-src': ["'self'", 'blob:'],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
};

export function cspString(directives: Readonly<Record<string, readonly string[]>>): string {
  return Object.entries(directives)
    .map(([k, v]) => `${k} ${v.join(' ')}`)
    .join('; ');
}

export const PRODUCTION_CSP = cspString(PRODUCTION_CSP_DIRECTIVES);

/**
 * CSP while developing against the electron-vite dev server (never used when packaged): Vite's
 * HMR client needs a WebSocket to the dev server and React Refresh injects an inline preamble.
 */
export function devCsp(devServerUrl: string): string {
  const u = new URL(devServerUrl);
  const ws = `${u.protocol === 'https:' ? 'wss' : 'ws'}://${u.host}`;
  return cspString({
    ...PRODUCTION_CSP_DIRECTIVES,
    'script-src': ["'self'", "'unsafe-inline'"],
    'connect-src': ["'self'", ws],
  });
}

/** Extra response headers for every renderer response. */
export function securityHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Referrer-Policy': 'no-referrer',
  };
}

/** The origin (scheme://host[:port]) of a URL, or null when it has none or does not parse. */
export function originOf(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  // WHATWG URL gives custom schemes an opaque ("null") origin; build it from the parts instead.
  if (!u.host) return null;
  return `${u.protocol}//${u.host}`;
}

/**
 * True when an IPC message comes from the app's own page: the sender frame's URL has exactly the
 * allowed origin (app://bullpen when packaged, the dev server when developing). Anything else —
 * file://, remote sites, data:, about:blank, a look-alike host — is refused.
 */
export function isAllowedSenderUrl(url: string | undefined | null, allowedOrigin: string): boolean {
  if (typeof url !== 'string' || url.length === 0) return false;
  const origin = originOf(url);
  const allowed = originOf(allowedOrigin);
  return origin !== null && allowed !== null && origin === allowed;
}

/** Schemes the window may always load from: DevTools' own pages and in-memory data/blob URLs. */
const ALWAYS_ALLOWED_SCHEMES = new Set(['devtools:', 'chrome-devtools:', 'data:', 'blob:']);

/**
 * Network policy for the app's session (defence in depth behind the CSP): a request is allowed
 * only to the app's own origins (app://bullpen, plus the dev server's http and ws origins while
 * developing) or to devtools/data/blob URLs. No remote content, no file://.
 */
export function isAllowedRequestUrl(url: string, allowedOrigins: readonly string[]): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (ALWAYS_ALLOWED_SCHEMES.has(u.protocol)) return true;
  const origin = originOf(url);
  return origin !== null && allowedOrigins.some((a) => originOf(a) === origin);
}

/** The origins a renderer loaded from `pageUrl` may talk to (the dev server adds its socket). */
export function allowedOriginsFor(pageUrl: string): string[] {
  const origin = originOf(pageUrl);
  if (origin === null) return [];
  const u = new URL(pageUrl);
  if (u.protocol === 'http:' || u.protocol === 'https:') {
    return [origin, `${u.protocol === 'https:' ? 'wss' : 'ws'}://${u.host}`];
  }
  return [origin];
}

/** Navigation is never allowed away from the app's page: the renderer is a single page. */
export function isAllowedNavigation(_url: string): boolean {
  return false;
}

/**
 * Resolves an `app://bullpen/...` request to a file path under `root`, or null when the URL is
 * foreign or tries to escape the root (`..`, encoded separators, absolute paths). `sep` and `join`
 * come from node:path so this stays pure and testable.
 */
export function resolveAppRequest(
  requestUrl: string,
  root: string,
  pathJoin: (...parts: string[]) => string,
  sep: string,
): string | null {
  let u: URL;
  try {
    u = new URL(requestUrl);
  } catch {
    return null;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (pathname === '/' || pathname === '') pathname = '/index.html';
  if (pathname.includes('\0') || pathname.includes('\\')) return null;
  const segments = pathname.split('/').filter((s) => s.length > 0);
  if (segments.some((s) => s === '..' || s === '.')) return null;
  const full = pathJoin(root, ...segments);
  const rootWithSep = root.endsWith(sep) ? root : root + sep;
  if (!full.startsWith(rootWithSep)) return null;
  return full;
}

export { mimeTypeOf } from '../web/mime';
