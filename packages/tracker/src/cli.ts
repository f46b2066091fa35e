#!/usr/bin/env node
import { CLI_HELP, parseCliOptions } from './cli-options.js';
import { createTracker } from './tracker.js';

/** Exit code for bad flags or settings, as usual for command-line usage errors. */
const EXIT_USAGE = 2;

async function main(): Promise<void> {
  const command = parseCliOptions(process.argv.slice(2), process.env);
  if (command.kind === 'help') {
    process.stdout.write(CLI_HELP);
    return;
  }
  if (command.kind === 'error') {
    process.stderr.write(`streamrp2p-tracker: ${command.message}\nRun with --help for usage.\n`);
    process.exitCode = EXIT_USAGE;
    return;
  }
  const tracker = createTracker(command.options);
  const { url } = await tracker.start();
  const mode = tracker.config.secret === undefined ? 'open mode' : 'token mode';
  process.stdout.write(`streamrp2p-tracker listening on ${url} (${mode})\n`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      process.stderr.write(`streamrp2p-tracker: ${signal} again, exiting now\n`);
      process.exit(1);
    }
    stopping = true;
    process.stdout.write(`streamrp2p-tracker: ${signal}, shutting down\n`);
    tracker.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`streamrp2p-tracker: shutdown failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`streamrp2p-tracker: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
