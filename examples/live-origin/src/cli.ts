#!/usr/bin/env node
/**
 * `streamrp2p-live-origin`: runs the test origin until SIGINT/SIGTERM.
 * Exit codes: 0 after a signal, 1 when it cannot start, 2 for bad flags.
 */
import { parseCliArgs, USAGE, type CliCommand } from './cli-args.js';
import { LiveOriginError } from './live-origin-error.js';
import { startLiveOrigin } from './live-origin.js';

async function main(): Promise<number> {
  let command: CliCommand;
  try {
    command = parseCliArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof LiveOriginError)) throw err;
    process.stderr.write(`streamrp2p-live-origin: ${err.message}\n\n${USAGE}`);
    return 2;
  }
  if (command.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const origin = await startLiveOrigin(command.options);
  process.stdout.write(
    [
      `live origin listening on ${origin.url}`,
      `  live master: ${origin.liveMasterUrl()}`,
      `  VOD master:  ${origin.vodMasterUrl()}`,
      `  stats:       ${origin.statsUrl}`,
      `  control:     ${origin.url}/control`,
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.stdout.write(`${signal}: closing\n`);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await origin.close();
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(
      `streamrp2p-live-origin: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    process.exitCode = 1;
  },
);
