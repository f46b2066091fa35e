#!/usr/bin/env node
// `npm start`: the whole stack on embedded defaults, then the URL to open.
import { parseArgs } from 'node:util';
import { startDemoStack } from './demo-stack.js';

function portFrom(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`${name} must be a port number (0-65535), got "${value}"`);
    process.exit(2);
  }
  return port;
}

const USAGE = `Usage: npm start -- [--port 8080] [--origin-port 8081] [--tracker-port 8090]
                 [--coordinator-port 8091] [--host 127.0.0.1]`;

function parseFlags() {
  try {
    return parseArgs({
      options: {
        port: { type: 'string' },
        'origin-port': { type: 'string' },
        'tracker-port': { type: 'string' },
        'coordinator-port': { type: 'string' },
        host: { type: 'string' },
        help: { type: 'boolean' },
      },
    }).values;
  } catch (error) {
    // node:util's message names the flag ("Unknown option '--prot'…"); one line, no stack.
    console.error(`${(error as Error).message.split('\n')[0]}\n${USAGE}`);
    process.exit(2);
  }
}

const values = parseFlags();

if (values.help) {
  console.log(`${USAGE}

Environment: PORT, ORIGIN_PORT, TRACKER_PORT, COORDINATOR_PORT, HOST set the same.
The coordinator keeps its data in an embedded database under DATA_DIR (default
.data/coordinator); set DATABASE_URL=postgres://... to use PostgreSQL instead.`);
  process.exit(0);
}

const demo = await startDemoStack({
  port: portFrom(values.port ?? process.env.PORT, '--port', 8080),
  originPort: portFrom(values['origin-port'] ?? process.env.ORIGIN_PORT, '--origin-port', 8081),
  trackerPort: portFrom(values['tracker-port'] ?? process.env.TRACKER_PORT, '--tracker-port', 8090),
  coordinator: {
    port: portFrom(
      values['coordinator-port'] ?? process.env.COORDINATOR_PORT,
      '--coordinator-port',
      8091,
    ),
    databaseUrl: process.env.DATABASE_URL || undefined,
    dataDir: process.env.DATA_DIR || undefined,
  },
  // Keep the demo stream (and viewers' points) across restarts of `npm start`.
  stateFile: '.data/demo-stream.json',
  host: values.host ?? process.env.HOST ?? '127.0.0.1',
}).catch((error: unknown) => {
  const code = (error as NodeJS.ErrnoException).code;
  console.error(
    code === 'EADDRINUSE'
      ? `A port is already in use (${String(error)}). Pick others with --port / --origin-port / --tracker-port / --coordinator-port.`
      : `Could not start the demo: ${String(error)}`,
  );
  process.exit(1);
});

console.log(`
StreamrP2P demo is running.

  Open:         ${demo.url}
  Live stream:  ${demo.origin.url}/live/master.m3u8
  VOD stream:   ${demo.origin.url}/vod/master.m3u8
  Origin stats: ${demo.origin.url}/stats
  Tracker:      ${demo.trackerUrl}  (stats: ${demo.trackerUrl}/stats)
  Coordinator:  ${demo.coordinatorUrl}  (API: ${demo.coordinatorUrl}/api/openapi.json)
  Stream id:    ${demo.streamId}

  Studio:       ${demo.studioUrl}
  Email:        ${demo.account?.email}
  Password:     ${demo.account?.password}  (kept in .data/demo-stream.json)

The page links the player, the supporter page and the studio. Two tabs of one browser are one
viewer and earn no credit: open the player in another browser profile, or keep the supporter
page open in one, to see credit grow.

Press Ctrl+C to stop.
`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log('\nstopping…');
    demo.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
