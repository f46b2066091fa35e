#!/usr/bin/env node
/**
 * `streamrp2p-coordinator`: reads the environment (see README), overridable by a few flags,
 * and runs until SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { ENV_VARIABLES, optionsFromEnv } from './config/env.js';
import { createCoordinator } from './coordinator.js';

const EXIT_USAGE = 2;
/** The variable names as lines of at most 90 characters. */
function wrapped(names: readonly string[]): string {
  const lines = [''];
  for (const name of names) {
    const line = lines[lines.length - 1]!;
    if (line.length + name.length + 2 > 90) lines.push(name);
    else lines[lines.length - 1] = line === '' ? name : `${line}, ${name}`;
  }
  return lines.map((line) => `  ${line}`).join(',\n');
}

const HELP = `Usage: streamrp2p-coordinator [--port N] [--host H] [--data-dir DIR] [--database-url URL]

Every setting can also come from the environment (see the README's configuration table):
${wrapped(ENV_VARIABLES)}.
Without DATABASE_URL an embedded PGlite database is kept in DATA_DIR (default
.data/coordinator). Logs are JSON lines on stdout (LOG_LEVEL, default info).
`;

function fail(message: string): void {
  process.stderr.write(`streamrp2p-coordinator: ${message}\nRun with --help for usage.\n`);
  process.exitCode = EXIT_USAGE;
}

async function main(): Promise<void> {
  let flags;
  try {
    flags = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        'database-url': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    return fail((error as Error).message);
  }
  if (flags.help === true) {
    process.stdout.write(HELP);
    return;
  }
  const env = {
    ...process.env,
    ...(flags.port === undefined ? {} : { PORT: flags.port }),
    ...(flags.host === undefined ? {} : { HOST: flags.host }),
    ...(flags['data-dir'] === undefined ? {} : { DATA_DIR: flags['data-dir'] }),
    ...(flags['database-url'] === undefined ? {} : { DATABASE_URL: flags['database-url'] }),
  };
  const read = optionsFromEnv(env);
  if (!read.ok) return fail(read.problems.join('\n'));
  let coordinator;
  try {
    coordinator = createCoordinator(read.options);
  } catch (error) {
    return fail((error as Error).message);
  }
  if (coordinator.trackerSecretGenerated) {
    process.stderr.write(
      'streamrp2p-coordinator: TRACKER_SECRET is not set; using a random one, so tracker tokens are only valid for this process (and no tracker can verify them). Set the same TRACKER_SECRET on the tracker.\n',
    );
  }
  const { url } = await coordinator.start();
  const storage =
    coordinator.config.databaseUrl === undefined
      ? `PGlite in ${coordinator.config.dataDir}`
      : 'PostgreSQL';
  process.stdout.write(`streamrp2p-coordinator listening on ${url} (${storage})\n`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) process.exit(1);
    stopping = true;
    process.stdout.write(`streamrp2p-coordinator: ${signal}, shutting down\n`);
    coordinator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`streamrp2p-coordinator: shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `streamrp2p-coordinator: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exitCode = 1;
});
