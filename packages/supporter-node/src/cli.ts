#!/usr/bin/env node
import { CLI_HELP, parseCliOptions } from './cli-options.js';
import { progressLine } from './progress-line.js';
import { SupporterNode } from './supporter-node.js';

/** Exit code for bad flags, as usual for command-line usage errors. */
const EXIT_USAGE = 2;

async function main(): Promise<void> {
  const command = parseCliOptions(process.argv.slice(2));
  if (command.kind === 'help') {
    process.stdout.write(CLI_HELP);
    return;
  }
  if (command.kind === 'error') {
    process.stderr.write(`streamrp2p-node: ${command.message}\nRun with --help for usage.\n`);
    process.exitCode = EXIT_USAGE;
    return;
  }
  const node = new SupporterNode(command.options);
  // A terminal gets one line rewritten in place; a pipe or a log file gets one line a second.
  const tty = process.stdout.isTTY;
  node.on('progress', (progress) =>
    process.stdout.write(
      tty ? `\r\x1b[2K${progressLine(progress)}` : `${progressLine(progress)}\n`,
    ),
  );
  node.on('error', ({ code, message }) => {
    if (process.env.STREAMRP2P_NODE_QUIET !== '1') {
      process.stderr.write(`${tty ? '\n' : ''}streamrp2p-node: ${code}: ${message}\n`);
    }
  });

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      process.stderr.write(`streamrp2p-node: ${signal} again, exiting now\n`);
      process.exit(1);
    }
    stopping = true;
    process.stdout.write(`${tty ? '\n' : ''}streamrp2p-node: ${signal}, leaving the swarms\n`);
    node.close().then(
      // WebRTC's native threads keep the process alive for a few seconds after destroy().
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`streamrp2p-node: shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  const { renditions } = await node.start();
  const { streamId, trackerUrl, maxUploadKbps } = node.config;
  const cap = Number.isFinite(maxUploadKbps) ? `${maxUploadKbps} kbit/s` : 'no cap';
  process.stdout.write(
    `streamrp2p-node: supporting stream ${streamId} (${renditions.join(', ')}) via ${trackerUrl}, upload ${cap}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `streamrp2p-node: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
