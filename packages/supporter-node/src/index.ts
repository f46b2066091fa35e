export * from './config.js';
export * from './errors.js';
export * from './supporter-node.js';
export { progressLine } from './progress-line.js';
export { remainingWindowMs } from './playlist.js';
