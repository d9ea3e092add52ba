import { join, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  APP_ENTRY_URL,
  APP_ORIGIN,
  PRODUCTION_CSP,
  PRODUCTION_CSP_DIRECTIVES,
  SECURE_WEB_PREFERENCES,
  allowedOriginsFor,
  devCsp,
  isAllowedRequestUrl,
  isAllowedNavigation,
  isAllowedSenderUrl,
  mimeTypeOf,
  originOf,
  resolveAppRequest,
  securityHeaders,
} from '../../src-main/app/security';

describe('Electron security policy', () => {
  it('webPreferences follow the security checklist', () => {
    expect(SECURE_WEB_PREFERENCES.contextIsolation).toBe(true);
    expect(SECURE_WEB_PREFERENCES.sandbox).toBe(true);
    expect(SECURE_WEB_PREFERENCES.nodeIntegration).toBe(false);
    expect(SECURE_WEB_PREFERENCES.nodeIntegrationInWorker).toBe(false);
    expect(SECURE_WEB_PREFERENCES.nodeIntegrationInSubFrames).toBe(false);
    expect(SECURE_WEB_PREFERENCES.webSecurity).toBe(true);
    expect(SECURE_WEB_PREFERENCES.allowRunningInsecureContent).toBe(false);
    expect(SECURE_WEB_PREFERENCES.experimentalFeatures).toBe(false);
    expect(SECURE_WEB_PREFERENCES.webviewTag).toBe(false);
  });

  it('the production CSP allows no eval, no inline script and no remote host', () => {
    expect(PRODUCTION_CSP).not.toContain('unsafe-eval');
    expect(PRODUCTION_CSP).not.toMatch(/https?:|wss?:|\*/);
    expect(PRODUCTION_CSP_DIRECTIVES['script-src']).toEqual(["'self'"]);
    expect(PRODUCTION_CSP_DIRECTIVES['default-src']).toEqual(["'self'"]);
    expect(PRODUCTION_CSP_DIRECTIVES['object-src']).toEqual(["'none'"]);
    expect(PRODUCTION_CSP_DIRECTIVES['base-uri']).toEqual(["'none'"]);
    expect(PRODUCTION_CSP_DIRECTIVES['frame-ancestors']).toEqual(["'none'"]);
    // every directive is well formed: "name value value"
    for (const part of PRODUCTION_CSP.split('; ')) expect(part).toMatch(/^[a-z-]+ \S+( \S+)*$/);
  });

  it('the dev CSP only adds the dev server socket and inline scripts, still no eval', () => {
    const csp = devCsp('http://localhost:5173/');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain('ws://localhost:5173');
    expect(csp).not.toMatch(/https?:\/\//);
  });

  it('security headers carry the CSP and nosniff', () => {
    const h = securityHeaders(PRODUCTION_CSP);
    expect(h['Content-Security-Policy']).toBe(PRODUCTION_CSP);
    expect(h['X-Content-Type-Options']).toBe('nosniff');
  });

  it('only the app origin may send IPC', () => {
    expect(isAllowedSenderUrl(APP_ENTRY_URL, APP_ORIGIN)).toBe(true);
    expect(isAllowedSenderUrl(`${APP_ORIGIN}/index.html#/floor?x=1`, APP_ORIGIN)).toBe(true);
    expect(isAllowedSenderUrl('http://localhost:5173/', 'http://localhost:5173')).toBe(true);
    for (const foreign of [
      'https://evil.example/index.html',
      'app://evil/index.html',
      'app://bullpen.evil/index.html',
      'app://bullpen@evil/index.html',
      'http://bullpen/index.html',
      'file:///etc/passwd',
      'file:///home/u/out/renderer/index.html',
      'data:text/html,<script>1</script>',
      'about:blank',
      'javascript:alert(1)',
      'http://localhost:5174/',
      'not a url',
      '',
    ]) {
      expect(isAllowedSenderUrl(foreign, APP_ORIGIN), foreign).toBe(false);
    }
    expect(isAllowedSenderUrl(undefined, APP_ORIGIN)).toBe(false);
    expect(isAllowedSenderUrl(null, APP_ORIGIN)).toBe(false);
    expect(isAllowedSenderUrl('http://localhost:5173/', 'http://localhost:5174')).toBe(false);
  });

  it('origins of custom schemes are computed from scheme and host', () => {
    expect(originOf('app://bullpen/a/b.js')).toBe('app://bullpen');
    expect(originOf('http://localhost:5173/x')).toBe('http://localhost:5173');
    expect(originOf('about:blank')).toBeNull();
    expect(originOf('%%%')).toBeNull();
  });

  it('the session may fetch only from the app itself (no remote content, no file://)', () => {
    const prod = allowedOriginsFor(APP_ENTRY_URL);
    expect(prod).toEqual([APP_ORIGIN]);
    expect(isAllowedRequestUrl('app://bullpen/assets/index.js', prod)).toBe(true);
    expect(isAllowedRequestUrl('data:image/png;base64,AAAA', prod)).toBe(true);
    expect(isAllowedRequestUrl('blob:app://bullpen/0b5c-11', prod)).toBe(true);
    expect(isAllowedRequestUrl('devtools://devtools/bundled/inspector.html', prod)).toBe(true);
    for (const remote of [
      'https://cdn.jsdelivr.net/x.js',
      'https://raw.githack.com/pmndrs/drei-assets/main/hdri/x.hdr',
      'http://localhost:5173/',
      'ws://127.0.0.1:8080/',
      'file:///etc/passwd',
      'app://other/x.js',
      'not a url',
    ]) {
      expect(isAllowedRequestUrl(remote, prod), remote).toBe(false);
    }
    const dev = allowedOriginsFor('http://localhost:5173/');
    expect(dev).toEqual(['http://localhost:5173', 'ws://localhost:5173']);
    expect(isAllowedRequestUrl('http://localhost:5173/@vite/client', dev)).toBe(true);
    expect(isAllowedRequestUrl('ws://localhost:5173/', dev)).toBe(true);
    expect(isAllowedRequestUrl('https://example.com/', dev)).toBe(false);
  });

  it('navigation away from the page is never allowed', () => {
    expect(isAllowedNavigation('https://example.com/')).toBe(false);
    expect(isAllowedNavigation(APP_ENTRY_URL)).toBe(false);
  });

  it('app:// requests resolve inside the renderer folder only', () => {
    const root = join(sep, 'srv', 'out', 'renderer');
    const r = (u: string) => resolveAppRequest(u, root, join, sep);
    expect(r('app://bullpen/')).toBe(join(root, 'index.html'));
    expect(r('app://bullpen/index.html')).toBe(join(root, 'index.html'));
    expect(r('app://bullpen/assets/index-abc.js?v=1')).toBe(join(root, 'assets', 'index-abc.js'));
    expect(r('app://bullpen/assets/a%20b.png')).toBe(join(root, 'assets', 'a b.png'));
    // URL parsing already folds dot segments (also %2e%2e) at the root: they stay inside it
    for (const u of ['app://bullpen/../../etc/passwd', 'app://bullpen/%2e%2e/%2e%2e/etc/passwd', 'app://bullpen/a/./../../b']) {
      const p = r(u);
      if (p !== null) expect(p.startsWith(root + sep), u).toBe(true);
    }
    expect(r('app://bullpen/assets/..%2f..%2fsecret')).toBeNull();
    expect(r('app://bullpen/a%5c..%5csecret')).toBeNull();
    expect(r('app://bullpen/a%00.js')).toBeNull();
    expect(r('app://bullpen/%E0%A4%A')).toBeNull();
    expect(r('app://other/index.html')).toBeNull();
    expect(r('https://bullpen/index.html')).toBeNull();
  });

  it('serves common asset types with their MIME type', () => {
    expect(mimeTypeOf('/x/index.html')).toMatch(/^text\/html/);
    expect(mimeTypeOf('/x/a.JS')).toMatch(/^text\/javascript/);
    expect(mimeTypeOf('/x/a.wasm')).toBe('application/wasm');
    expect(mimeTypeOf('/x/noext')).toBe('application/octet-stream');
  });
});
