/**
 * Preload for the Bullpen window. Runs sandboxed (no Node), so it is bundled self-contained and
 * imports nothing at run time but `electron`. It exposes exactly the BullpenBridge as
 * `window.bullpen`; ipcRenderer itself never reaches the page, and listeners receive only the
 * payload, never the IpcRendererEvent (which would leak `sender`).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { BullpenBridge, PushMessage, RequestEnvelope, ResponseEnvelope } from '../../src-shared/api';
import type { FrameBatch } from '../../src-shared/frame';
import { IPC_CHANNELS } from '../app/channels';

function subscribe<T>(channel: string, cb: (payload: T) => void): () => void {
  if (typeof cb !== 'function') throw new TypeError('bullpen: listener must be a function');
  const listener = (_event: IpcRendererEvent, payload: T): void => cb(payload);
  ipcRenderer.on(channel, listener);
  let active = true;
  return () => {
    if (!active) return;
    active = false;
    ipcRenderer.removeListener(channel, listener);
  };
}

const bridge: BullpenBridge = {
  request(env: RequestEnvelope): Promise<ResponseEnvelope> {
    return ipcRenderer.invoke(IPC_CHANNELS.request, env) as Promise<ResponseEnvelope>;
  },
  onFrames(cb: (batch: FrameBatch) => void): () => void {
    return subscribe<FrameBatch>(IPC_CHANNELS.frames, cb);
  },
  onPush(cb: (msg: PushMessage) => void): () => void {
    return subscribe<PushMessage>(IPC_CHANNELS.push, cb);
  },
};

contextBridge.exposeInMainWorld('bullpen', Object.freeze(bridge));
