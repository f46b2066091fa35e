/** This package's version, read once at start from its `package.json`. */
import { createRequire } from 'node:module';

/** `package.json` is two levels up from both `src/config/` and `dist/config/`. */
export const COORDINATOR_VERSION: string = (
  createRequire(import.meta.url)('../../package.json') as { version: string }
).version;
