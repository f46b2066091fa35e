export * from './bytes.js';
export * from './merkle.js';
export * from './peer-messages.js';
export * from './protocol-error.js';
export * from './tracker-events.js';
