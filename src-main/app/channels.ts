/** IPC channel names shared by the main process and the preload (kept tiny: the preload bundles it). */
export const IPC_CHANNELS = {
  request: 'bullpen:request',
  frames: 'bullpen:frames',
  push: 'bullpen:push',
} as const;
