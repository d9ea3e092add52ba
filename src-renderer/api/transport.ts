import type { FloorApi } from '../../src-shared/api';

/**
 * The renderer's view of a transport: the FloorApi contract plus the connection state, which only
 * the UI cares about. Two implementations: IPC (Electron preload bridge) and WebSocket (browser mode).
 */
export type ConnState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface ConnInfo {
  state: ConnState;
  /** consecutive failed attempts since the last open */
  attempt: number;
  /** epoch ms of the next reconnect attempt, when reconnecting */
  retryAt: number | null;
  /** why the last connection ended, if it did */
  reason: string | null;
}

export interface Transport extends FloorApi {
  readonly kind: 'ipc' | 'websocket';
  /** Called with the current state immediately, then on each change. */
  onConnection(cb: (info: ConnInfo) => void): () => void;
  /** Try now instead of waiting for the back-off timer (no-op for IPC). */
  reconnectNow(): void;
  close(): void;
}

/** A failed call: either the host's typed error or a transport failure. */
export class CallError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'CallError';
    this.code = code;
  }
}

export class Listeners<T> {
  private readonly set = new Set<(v: T) => void>();
  add(cb: (v: T) => void): () => void {
    this.set.add(cb);
    return () => {
      this.set.delete(cb);
    };
  }
  emit(v: T): void {
    for (const cb of this.set) {
      try {
        cb(v);
      } catch (err) {
        console.error('[bullpen] listener failed', err);
      }
    }
  }
}
