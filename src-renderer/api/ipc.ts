import type { BullpenBridge, Method, Params, Result } from '../../src-shared/api';
import type { FrameBatch } from '../../src-shared/frame';
import type { PushMessage } from '../../src-shared/api';
import { CallError, type ConnInfo, type Transport } from './transport';

/** Electron: the preload's `window.bullpen` bridge. The IPC channel is up for the window's life. */
export class IpcTransport implements Transport {
  readonly kind = 'ipc' as const;
  private nextId = 1;
  constructor(private readonly bridge: BullpenBridge) {}

  async call<M extends Method>(method: M, params: Params<M>): Promise<Result<M>> {
    const id = this.nextId++;
    let res;
    try {
      res = await this.bridge.request({ id, method, params });
    } catch (err) {
      throw new CallError('disconnected', err instanceof Error ? err.message : String(err));
    }
    if (res.ok) return res.result as Result<M>;
    throw new CallError(res.error.code, res.error.message);
  }

  onFrames(cb: (batch: FrameBatch) => void): () => void {
    return this.bridge.onFrames(cb);
  }

  onPush(cb: (msg: PushMessage) => void): () => void {
    return this.bridge.onPush(cb);
  }

  onConnection(cb: (info: ConnInfo) => void): () => void {
    cb({ state: 'open', attempt: 0, retryAt: null, reason: null });
    return () => {};
  }

  reconnectNow(): void {}
  close(): void {}
}
