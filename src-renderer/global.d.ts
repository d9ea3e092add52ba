import type { BullpenBridge } from '../src-shared/api';
import type { RenderStats } from './floor/stats';

declare global {
  interface Window {
    /** Electron preload bridge (absent in browser mode). */
    bullpen?: BullpenBridge;
    /** Read-only render statistics for the end-to-end tests (see floor/stats.ts). */
    __bullpen?: RenderStats;
  }
}

export {};
