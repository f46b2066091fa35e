export * from './bytes.js';
export * from './coordinator-api.js';
export * from './merkle.js';
export * from './peer-messages.js';
export * from './protocol-error.js';
export * from './receipts.js';
export * from './rendition.js';
export * from './tracker-events.js';
