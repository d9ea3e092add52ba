import { IpcTransport } from './ipc';
import type { Transport } from './transport';
import { WsTransport } from './ws';

/** `window.bullpen` present (Electron preload) → IPC; otherwise the browser-mode WebSocket. */
export function createTransport(): Transport {
  if (window.bullpen) return new IpcTransport(window.bullpen);
  return WsTransport.fromLocation();
}

export type { Transport, ConnInfo, ConnState } from './transport';
export { CallError } from './transport';
