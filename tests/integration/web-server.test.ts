import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PushMessage, ResponseEnvelope, SessionStatus, type AppInfo } from '../../src-shared/api';
import { decodeFrameBatch, type FrameBatch } from '../../src-shared/frame';
import { nodeWorkerFactory } from '../../src-main/host/node-worker';
import { createRouter } from '../../src-main/host/router';
import { SessionHost } from '../../src-main/host/session-host';
import { startWebServer, type WebServer } from '../../src-main/web/server';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let dir: string;
let host: SessionHost;
let server: WebServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bullpen-web-'));
  const renderer = join(dir, 'renderer');
  mkdirSync(join(renderer, 'assets'), { recursive: true });
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Bullpen</title><script type="module" src="/assets/app.js"></script>');
  writeFileSync(join(renderer, 'assets', 'app.js'), 'console.log("floor");');
  writeFileSync(join(renderer, 'assets', 'app.css'), 'body{}');
  writeFileSync(join(dir, 'secret.txt'), 'outside the renderer');
  host = new SessionHost({ workerFactory: nodeWorkerFactory(), log: () => undefined });
  const appInfo: AppInfo = { name: 'Bullpen', version: 'test', transport: 'websocket', dataDir: dir, dbPath: join(dir, 'library.sqlite') };
  server = await startWebServer({ host, router: createRouter(host, appInfo), rendererDir: renderer, log: () => undefined });
  // speed 20: 400 ticks per second, so one message per tick would be obvious
  await host.start({ crowd: 200, symbols: 2, desks: 2, speed: 20 });
});

afterAll(async () => {
  await server?.close();
  await host?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: server.port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Tries a WebSocket upgrade; resolves with 101 when it opens, or the HTTP status it was refused with. */
function upgradeStatus(url: string, origin?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin ? { origin } : {});
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
    });
    ws.on('error', (err) => {
      if (!/Unexpected server response/.test(err.message)) reject(err);
    });
  });
}

function apiUrl(token: string | null): string {
  return `ws://127.0.0.1:${server.port}/api${token === null ? '' : `?token=${encodeURIComponent(token)}`}`;
}

describe('browser-mode server', () => {
  it('listens on 127.0.0.1 only and prints a tokened URL', async () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${encodeURIComponent(server.token)}`);
    expect(server.token.length).toBeGreaterThanOrEqual(32);
    const tryConnect = (address: string): Promise<string> =>
      new Promise<string>((resolve) => {
        const req = httpRequest({ host: address, port: server.port, path: '/', timeout: 2000 }, (res) => {
          res.resume();
          resolve('connected');
        });
        req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
        req.on('timeout', () => {
          req.destroy();
          resolve('timeout');
        });
        req.end();
      });
    expect(await tryConnect('127.0.0.1')).toBe('connected');
    // on Linux all of 127/8 reaches the loopback interface: a 0.0.0.0 bind would answer here
    if (process.platform === 'linux') expect(await tryConnect('127.0.0.2')).toBe('ECONNREFUSED');
    const external = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal);
    if (external) expect(await tryConnect(external.address)).toBe('ECONNREFUSED');
  });

  it('serves the renderer with MIME types and security headers, and nothing outside it', async () => {
    const index = await get('/');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.body).toContain('<title>Bullpen</title>');
    const csp = index.headers['content-security-policy'] ?? '';
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      "connect-src 'self' ws://127.0.0.1:*",
      "worker-src 'self' blob:",
    ]) {
      expect(csp).toContain(directive);
    }
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    expect(index.headers['referrer-policy']).toBe('no-referrer');
    expect((await get('/assets/app.js')).headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await get('/assets/app.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await get('/nope.js')).status).toBe(404);
    const escape = await get('/..%2Fsecret.txt');
    expect([400, 404]).toContain(escape.status);
    expect(escape.body).not.toContain('outside the renderer');
    // DNS-rebinding: another host name is refused
    expect((await get('/', { Host: `evil.example:${server.port}` })).status).toBe(421);
  });

  it('refuses the API without the token or with a wrong one (401), and from another origin (403)', async () => {
    expect(await upgradeStatus(apiUrl(null))).toBe(401);
    expect(await upgradeStatus(apiUrl('wrong'))).toBe(401);
    expect(await upgradeStatus(apiUrl(server.token.slice(0, -1)))).toBe(401);
    expect(await upgradeStatus(apiUrl(server.token), 'http://evil.example')).toBe(403);
    expect(await upgradeStatus(apiUrl(server.token), `http://127.0.0.1:${server.port + 1}`)).toBe(403);
    expect(await upgradeStatus(apiUrl(server.token), server.origin)).toBe(101);
    expect(await upgradeStatus(`ws://127.0.0.1:${server.port}/other?token=${server.token}`, server.origin)).toBe(404);
  });

  it('gives a valid client responses, pushes, and frame batches at most ~30/s covering many ticks each', async () => {
    const ws = new WebSocket(apiUrl(server.token), { origin: server.origin });
    const batches: { at: number; batch: FrameBatch }[] = [];
    const texts: unknown[] = [];
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) {
        const ab = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
        batches.push({ at: performance.now(), batch: decodeFrameBatch(ab) });
      } else {
        texts.push(JSON.parse(data.toString('utf8')));
      }
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    try {
      ws.send(JSON.stringify({ id: 41, method: 'session.status' }));
      ws.send(JSON.stringify({ id: 42, method: 'no.such.method' }));
      await sleep(1500);

      const responses = texts.filter((t) => ResponseEnvelope.safeParse(t).success && (t as { id?: unknown }).id !== undefined);
      const ok = responses.find((r) => (r as ResponseEnvelope).id === 41) as Extract<ResponseEnvelope, { ok: true }>;
      expect(ok?.ok).toBe(true);
      expect(SessionStatus.parse(ok.result).health).toBe('running');
      const bad = responses.find((r) => (r as ResponseEnvelope).id === 42) as Extract<ResponseEnvelope, { ok: false }>;
      expect(bad?.error.code).toBe('unknown_method');

      // pushes: the first two are session then status; events arrive as JSON, never as frames
      const pushes = texts.filter((t) => PushMessage.safeParse(t).success) as PushMessage[];
      expect(pushes[0]?.push).toBe('session');
      expect(pushes[1]?.push).toBe('status');
      expect(pushes.some((p) => p.push === 'status')).toBe(true);

      // frames: one message per host batch, not per tick
      const window = batches.filter((b) => b.at >= batches[0]!.at && b.at < batches[0]!.at + 1000);
      expect(window.length).toBeGreaterThan(5);
      expect(window.length).toBeLessThanOrEqual(35);
      const ticks = window.reduce((n, b) => n + b.batch.toTick - b.batch.fromTick + 1, 0);
      expect(ticks).toBeGreaterThan(window.length * 2);
      const sessionId = host.status().sessionId;
      for (let i = 0; i < batches.length; i++) {
        const b = batches[i]!.batch;
        expect(b.sessionId).toBe(sessionId);
        if (i > 0) expect(b.fromTick).toBe(batches[i - 1]!.batch.toTick + 1);
      }
    } finally {
      ws.close();
    }
  });

  it('skips frame batches for a backed-up client but still delivers every event push', async () => {
    // a threshold below zero makes every client count as backed up
    const appInfo: AppInfo = { name: 'Bullpen', version: 'test', transport: 'websocket', dataDir: dir, dbPath: join(dir, 'x.sqlite') };
    const slow = await startWebServer({ host, router: createRouter(host, appInfo), rendererDir: dir, maxBufferedBytes: -1, log: () => undefined });
    const ws = new WebSocket(`ws://127.0.0.1:${slow.port}/api?token=${slow.token}`);
    let binary = 0;
    let eventPushes = 0;
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) binary++;
      else if ((JSON.parse(data.toString('utf8')) as { push?: string }).push === 'events') eventPushes++;
    });
    try {
      await new Promise<void>((resolve) => ws.once('open', () => resolve()));
      await sleep(800);
      expect(binary).toBe(0);
      expect(slow.droppedFrameBatches()).toBeGreaterThan(5);
      expect(eventPushes).toBeGreaterThan(0);
    } finally {
      ws.close();
      await slow.close();
    }
  });

  it('disconnects a client that falls too far behind even the JSON stream, instead of buffering without bound', async () => {
    const appInfo: AppInfo = { name: 'Bullpen', version: 'test', transport: 'websocket', dataDir: dir, dbPath: join(dir, 'x.sqlite') };
    const stuck = await startWebServer({ host, router: createRouter(host, appInfo), rendererDir: dir, maxClientBacklogBytes: -1, log: () => undefined });
    try {
      const ws = new WebSocket(`ws://127.0.0.1:${stuck.port}/api?token=${stuck.token}`);
      const code = await new Promise<number>((resolve) => ws.once('close', (c: number) => resolve(c)));
      expect(code).toBe(1006);
      expect(stuck.disconnectedSlowClients()).toBe(1);
      expect(stuck.clientCount()).toBe(0);
    } finally {
      await stuck.close();
    }
  });

  it('answers oversize and malformed requests over the socket with typed errors', async () => {
    const ws = new WebSocket(apiUrl(server.token), { origin: server.origin });
    const responses: ResponseEnvelope[] = [];
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) return;
      const msg: unknown = JSON.parse(data.toString('utf8'));
      const r = ResponseEnvelope.safeParse(msg);
      if (r.success && (msg as { push?: unknown }).push === undefined) responses.push(r.data);
    });
    await new Promise<void>((resolve) => ws.once('open', () => resolve()));
    try {
      ws.send(JSON.stringify({ id: 7, method: 'session.setSpeed', params: { speed: 'x'.repeat(70_000) } }));
      ws.send('not json');
      ws.send(JSON.stringify({ id: 8, method: 'session.setSpeed', params: { speed: -1 } }));
      const deadline = Date.now() + 3000;
      while (responses.length < 3 && Date.now() < deadline) await sleep(20);
      expect(responses.find((r) => r.id === 7)).toMatchObject({ ok: false, error: { code: 'payload_too_large' } });
      expect(responses.find((r) => r.id === -1)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
      expect(responses.find((r) => r.id === 8)).toMatchObject({ ok: false, error: { code: 'bad_request', issues: [{ path: 'speed' }] } });
    } finally {
      ws.close();
    }
  });
});
