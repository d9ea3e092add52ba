import { decodeFrameBatch, type FrameBatch } from '../../src-shared/frame';
import type { Method, Params, PushMessage, Result } from '../../src-shared/api';
import { CallError, Listeners, type ConnInfo, type Transport } from './transport';

const CALL_TIMEOUT_MS = 15_000;
const BACKOFF_MIN_MS = 250;
const BACKOFF_MAX_MS = 5_000;

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** Browser mode: JSON envelopes and pushes as text messages, frame batches as binary messages. */
export class WsTransport implements Transport {
  readonly kind = 'websocket' as const;
  private ws: WebSocket | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly frames = new Listeners<FrameBatch>();
  private readonly pushes = new Listeners<PushMessage>();
  private readonly conn = new Listeners<ConnInfo>();
  private info: ConnInfo = { state: 'connecting', attempt: 0, retryAt: null, reason: null };
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly hint: string | null = null,
  ) {
    this.open();
  }

  static fromLocation(loc: Location = window.location): WsTransport {
    const token = new URLSearchParams(loc.search).get('token') ?? '';
    const proto = loc.protocol === 'https:' ? 'wss' : 'ws';
    const hint = token ? null : 'the page URL has no ?token= — open the exact URL that `npm run serve` printed';
    return new WsTransport(`${proto}://${loc.host}/api?token=${encodeURIComponent(token)}`, hint);
  }

  private setInfo(patch: Partial<ConnInfo>): void {
    this.info = { ...this.info, ...patch };
    this.conn.emit(this.info);
  }

  private open(): void {
    if (this.closed) return;
    this.retryTimer = null;
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url);
    } catch (err) {
      this.scheduleRetry(err instanceof Error ? err.message : String(err));
      return;
    }
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    this.setInfo({ state: this.info.attempt === 0 && this.info.reason === null ? 'connecting' : 'reconnecting', retryAt: null });
    ws.onopen = () => {
      if (this.ws !== ws) return;
      this.setInfo({ state: 'open', attempt: 0, retryAt: null, reason: null });
    };
    ws.onmessage = (ev: MessageEvent) => {
      if (this.ws !== ws) return;
      this.onMessage(ev.data);
    };
    ws.onclose = (ev: CloseEvent) => {
      if (this.ws !== ws) return;
      this.ws = null;
      let reason = ev.code === 1000 ? 'closed by host' : `connection lost (code ${ev.code}${ev.reason ? `: ${ev.reason}` : ''})`;
      if (this.hint) reason += `; ${this.hint}`;
      this.failPending(reason);
      this.scheduleRetry(reason);
    };
    ws.onerror = () => {
      // onclose follows with the details
    };
  }

  private scheduleRetry(reason: string): void {
    if (this.closed) {
      this.setInfo({ state: 'closed', retryAt: null, reason });
      return;
    }
    const attempt = this.info.attempt + 1;
    const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** Math.min(attempt - 1, 8)) * (0.85 + Math.random() * 0.3);
    this.setInfo({ state: 'reconnecting', attempt, retryAt: Date.now() + delay, reason });
    this.retryTimer = setTimeout(() => this.open(), delay);
  }

  reconnectNow(): void {
    if (this.closed || this.ws) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.open();
  }

  private failPending(reason: string): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new CallError('disconnected', reason));
      this.pending.delete(id);
    }
  }

  private onMessage(data: unknown): void {
    if (data instanceof ArrayBuffer) {
      let batch: FrameBatch;
      try {
        batch = decodeFrameBatch(data);
      } catch (err) {
        console.warn('[bullpen] bad frame message', err);
        return;
      }
      this.frames.emit(batch);
      return;
    }
    if (typeof data !== 'string') return;
    let msg: unknown;
    try {
      msg = JSON.parse(data);
    } catch {
      console.warn('[bullpen] non-JSON text message');
      return;
    }
    if (!isRecord(msg)) return;
    if (typeof msg.push === 'string') {
      this.pushes.emit(msg as unknown as PushMessage);
      return;
    }
    if (typeof msg.id === 'number' && typeof msg.ok === 'boolean') {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      clearTimeout(p.timer);
      if (msg.ok) p.resolve(msg.result);
      else {
        const e = isRecord(msg.error) ? msg.error : {};
        p.reject(new CallError(String(e.code ?? 'internal'), String(e.message ?? 'request failed')));
      }
    }
  }

  call<M extends Method>(method: M, params: Params<M>): Promise<Result<M>> {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) {
      return Promise.reject(new CallError('disconnected', 'not connected to the host'));
    }
    const id = this.nextId++;
    return new Promise<Result<M>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new CallError('timeout', `${method} timed out`));
      }, CALL_TIMEOUT_MS);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      ws.send(JSON.stringify({ id, method, params }));
    });
  }

  onFrames(cb: (batch: FrameBatch) => void): () => void {
    return this.frames.add(cb);
  }

  onPush(cb: (msg: PushMessage) => void): () => void {
    return this.pushes.add(cb);
  }

  onConnection(cb: (info: ConnInfo) => void): () => void {
    cb(this.info);
    return this.conn.add(cb);
  }

  close(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.ws?.close(1000);
    this.ws = null;
    this.failPending('closed');
    this.setInfo({ state: 'closed', retryAt: null });
  }
}
