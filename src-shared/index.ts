export * from './config';
export * from './roster';
export * from './frame';
export * from './events';
export * from './inputs';
export * from './inspect';
export * from './api';
export * from './worker-protocol';
