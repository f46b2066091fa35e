import { parseArgs } from 'node:util';
import { mergeSupporterConfig, type SupporterNodeOptions } from './config.js';

export const CLI_HELP = `Usage: streamrp2p-node --stream <master.m3u8 URL> [options]

A headless StreamrP2P supporter: follows a live HLS stream, holds each rendition's live
window and serves it to viewers over WebRTC, under an upload cap. Prints one progress line
a second; Ctrl-C (or SIGTERM) leaves the swarms and exits.

Options:
  --stream <url>            HLS master (or media) playlist URL (required)
  --stream-id <id>          stream id the viewers' embed uses (default: from the URL path)
  --tracker <url>           tracker URL (default http://127.0.0.1:8090)
  --coordinator <url>       coordinator URL: session, integrity checks and credit
  --max-upload-kbps <n>     upload cap in kbit/s (default: no cap)
  --renditions <a,b>        renditions to hold, by id or part of it, e.g. 240p,360p (default: all)
  --max-peers <n>           most peers per rendition swarm (default 30)
  -h, --help                show this help

Environment:
  DEBUG=streamrp2p:*        log what the engine does
`;

/** What the command should do. */
export type CliCommand =
  | { kind: 'help' }
  | { kind: 'run'; options: SupporterNodeOptions }
  | { kind: 'error'; message: string };

function numberFlag(name: string, value: string | undefined, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const pattern = integer ? /^\d+$/ : /^\d+(\.\d+)?$/;
  if (!pattern.test(value) || Number(value) <= 0) {
    throw new Error(
      `--${name} must be a positive ${integer ? 'whole ' : ''}number, got "${value}"`,
    );
  }
  return Number(value);
}

function urlFlag(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^https?:\/\/[^/]/.test(value))
    throw new Error(`--${name} must be an http(s) URL, got "${value}"`);
  return value;
}

/** Turns the arguments into node options and validates them fully before anything starts. */
export function parseCliOptions(argv: string[]): CliCommand {
  try {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        stream: { type: 'string' },
        'stream-id': { type: 'string' },
        tracker: { type: 'string' },
        coordinator: { type: 'string' },
        'max-upload-kbps': { type: 'string' },
        renditions: { type: 'string' },
        'max-peers': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) return { kind: 'help' };
    if (values.stream === undefined) throw new Error('--stream <master.m3u8 URL> is required');
    const renditions = values.renditions
      ?.split(',')
      .map((name) => name.trim())
      .filter((name) => name !== '');
    if (renditions !== undefined && renditions.length === 0) {
      throw new Error('--renditions must name at least one rendition');
    }
    const options: SupporterNodeOptions = {
      streamUrl: urlFlag('stream', values.stream)!,
      streamId: values['stream-id'],
      trackerUrl: urlFlag('tracker', values.tracker),
      coordinatorUrl: urlFlag('coordinator', values.coordinator),
      maxUploadKbps: numberFlag('max-upload-kbps', values['max-upload-kbps'], false),
      renditions,
      maxPeers: numberFlag('max-peers', values['max-peers'], true),
    };
    mergeSupporterConfig(options);
    return { kind: 'run', options };
  } catch (error) {
    return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
  }
}
