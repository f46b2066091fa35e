export * from './demo-stack.js';
export * from './static-server.js';
