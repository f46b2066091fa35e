export * from './demo-stack.js';
export type { DemoAccount } from './register-stream.js';
export * from './static-server.js';
