import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import { ApiError, MAX_REQUEST_BYTES, type PushMessage, type ResponseEnvelope } from '../../src-shared/api';
import { encodeFrameBatch, type FrameBatch } from '../../src-shared/frame';
import type { Router } from '../host/router';
import type { SessionHost } from '../host/session-host';
import { sendText, serveStatic } from './static';

/**
 * Browser mode: a node http server on 127.0.0.1 only that serves the built renderer and a WebSocket
 * API at /api. The socket requires the per-run token (`?token=`, HTTP 401 otherwise) and, when the
 * client sends an Origin (browsers always do), the served page's origin (HTTP 403 otherwise).
 *
 * Over the socket: text messages are JSON — RequestEnvelope in, ResponseEnvelope and PushMessage
 * out; binary messages out are encodeFrameBatch() frames, one per host batch. A client whose send
 * buffer is backed up skips frame batches (the next one carries the latest state in full) but
 * always gets every response and event push.
 */
export interface WebServerOptions {
  host: SessionHost;
  router: Router;
  /** the built renderer, e.g. out/renderer */
  rendererDir: string;
  /** 0 (default) picks a free port */
  port?: number;
  /** per-run API token; default 32 random bytes, base64url */
  token?: string;
  /** skip frame batches for a client whose ws bufferedAmount exceeds this (default 1 MiB) */
  maxBufferedBytes?: number;
  /**
   * disconnect a client whose buffer still exceeds this (default 64 MiB): it cannot keep up even
   * with the event stream alone, and holding its backlog would grow the server without bound
   */
  maxClientBacklogBytes?: number;
  log?: (line: string) => void;
}

export interface WebServer {
  /** http://127.0.0.1:PORT/?token=… — open this in a browser */
  url: string;
  /** http://127.0.0.1:PORT */
  origin: string;
  port: number;
  token: string;
  /** connected API clients */
  clientCount(): number;
  /** frame batches skipped for slow clients since start */
  droppedFrameBatches(): number;
  /** clients disconnected for falling too far behind */
  disconnectedSlowClients(): number;
  close(): Promise<void>;
}

export const BIND_ADDRESS = '127.0.0.1';
const API_PATH = '/api';
/** the largest WebSocket message accepted at all; requests above MAX_REQUEST_BYTES get payload_too_large */
const MAX_WS_MESSAGE = 1024 * 1024;
const PING_MS = 15_000;

function tokensEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function refuseUpgrade(socket: Duplex, status: 401 | 403 | 404 | 421, reason: string): void {
  const text = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 421: 'Misdirected Request' }[status];
  const body = `${reason}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

function rawToBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

export async function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  const { host, router, rendererDir } = opts;
  const token = opts.token ?? randomBytes(32).toString('base64url');
  const maxBuffered = opts.maxBufferedBytes ?? 1024 * 1024;
  const maxBacklog = opts.maxClientBacklogBytes ?? 64 * 1024 * 1024;
  let slowDisconnects = 0;
  const log = opts.log ?? ((line: string) => process.stderr.write(`[web] ${line}\n`));
  let port = 0;
  let dropped = 0;

  const server: Server = createServer((req, res) => {
    const hostHeader = req.headers.host ?? '';
    const url = new URL(req.url ?? '/', `http://${BIND_ADDRESS}:${port}`);
    if (hostHeader === `localhost:${port}` && (req.method === 'GET' || req.method === 'HEAD')) {
      // one origin only: the page's origin is what the socket checks
      sendText(res, 302, 'Moved\n', { Location: `http://${BIND_ADDRESS}:${port}${url.pathname}${url.search}` });
      return;
    }
    if (hostHeader !== `${BIND_ADDRESS}:${port}`) {
      // refuse DNS-rebinding style requests for other host names
      sendText(res, 421, 'Misdirected request\n');
      return;
    }
    if (url.pathname === API_PATH) {
      sendText(res, 426, 'WebSocket upgrade required\n', { Upgrade: 'websocket' });
      return;
    }
    serveStatic(rendererDir, req, res, url.pathname);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_MESSAGE, perMessageDeflate: false });
  const clients = new Set<WebSocket>();
  const alive = new WeakMap<WebSocket, boolean>();

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const origin = `http://${BIND_ADDRESS}:${port}`;
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname !== API_PATH) return refuseUpgrade(socket, 404, 'No WebSocket endpoint here; the API is at /api.');
    if (req.headers.host !== `${BIND_ADDRESS}:${port}`) return refuseUpgrade(socket, 421, 'Misdirected request.');
    const given = url.searchParams.get('token');
    if (given === null || !tokensEqual(given, token)) return refuseUpgrade(socket, 401, 'A valid ?token= is required.');
    const clientOrigin = req.headers.origin;
    if (clientOrigin !== undefined && clientOrigin !== origin) {
      return refuseUpgrade(socket, 403, `Origin ${clientOrigin} is not allowed.`);
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  /** Drops a client that cannot keep up even with the JSON stream; true when it was dropped. */
  const tooFarBehind = (ws: WebSocket): boolean => {
    if (ws.bufferedAmount <= maxBacklog) return false;
    slowDisconnects++;
    log(`disconnecting a client ${Math.round(ws.bufferedAmount / 1048576)} MiB behind (limit ${Math.round(maxBacklog / 1048576)} MiB)`);
    clients.delete(ws);
    ws.terminate();
    return true;
  };

  const sendWsText = (ws: WebSocket, text: string): void => {
    if (ws.readyState === WebSocket.OPEN && !tooFarBehind(ws)) ws.send(text);
  };

  const sendJson = (ws: WebSocket, msg: ResponseEnvelope | PushMessage): void => sendWsText(ws, JSON.stringify(msg));

  wss.on('connection', (ws: WebSocket) => {
    clients.add(ws);
    alive.set(ws, true);
    ws.on('pong', () => alive.set(ws, true));
    ws.on('error', (err) => log(`client error: ${err.message}`));
    ws.on('close', () => clients.delete(ws));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) {
        sendJson(ws, {
          id: -1,
          ok: false,
          error: new ApiError({ code: 'bad_request', message: 'Requests are JSON text messages, not binary.' }).toBody(),
        });
        return;
      }
      const buf = rawToBuffer(data);
      // size is checked by the router before parsing; only decode text that could pass it
      const text = buf.length > MAX_REQUEST_BYTES ? buf.subarray(0, 64).toString('utf8') : buf.toString('utf8');
      void router.handle(text, buf.length).then((res) => sendJson(ws, res));
    });
    sendJson(ws, { push: 'session', info: host.info() });
    sendJson(ws, { push: 'status', status: host.status() });
  });

  const offFrames = host.onFrames((batch: FrameBatch) => {
    if (clients.size === 0) return;
    let encoded: ArrayBuffer | null = null;
    for (const ws of clients) {
      if (ws.readyState !== WebSocket.OPEN) continue;
      if (ws.bufferedAmount > maxBuffered) {
        dropped++;
        continue;
      }
      encoded ??= encodeFrameBatch(batch);
      ws.send(encoded, { binary: true });
    }
  });

  const offPush = host.onPush((msg: PushMessage) => {
    if (clients.size === 0) return;
    const text = JSON.stringify(msg);
    for (const ws of clients) sendWsText(ws, text);
  });

  const pinger = setInterval(() => {
    for (const ws of clients) {
      if (alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, PING_MS);
  pinger.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, BIND_ADDRESS, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://${BIND_ADDRESS}:${port}`;

  return {
    url: `${origin}/?token=${encodeURIComponent(token)}`,
    origin,
    port,
    token,
    clientCount: () => clients.size,
    droppedFrameBatches: () => dropped,
    disconnectedSlowClients: () => slowDisconnects,
    close: async () => {
      clearInterval(pinger);
      offFrames();
      offPush();
      for (const ws of clients) ws.terminate();
      clients.clear();
      wss.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
