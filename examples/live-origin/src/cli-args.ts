/**
 * Command-line flags of `streamrp2p-live-origin`, parsed into validated options. Kept apart from
 * `cli.ts` so the parsing is testable without starting a process.
 */
import { parseArgs } from 'node:util';
import { fixtureDirFor } from './bundled-fixtures.js';
import { FIXTURE_FORMATS, type FixtureFormat } from './container.js';
import { LiveOriginError } from './live-origin-error.js';
import {
  DEFAULT_LIVE_ORIGIN_CONFIG,
  FAILURE_KINDS,
  mergeLiveOriginConfig,
  type LiveOriginOptions,
} from './options.js';

/** What the command should do. */
export type CliCommand =
  { readonly help: true } | { readonly help: false; readonly options: LiveOriginOptions };

const d = DEFAULT_LIVE_ORIGIN_CONFIG;

/** The `--help` text. */
export const USAGE = `Usage: streamrp2p-live-origin [options]

Serves the test HLS stream as VOD (/vod/master.m3u8) and as an endless live loop
(/live/master.m3u8), with byte accounting (/stats) and CDN emulation (/control).

Options:
  --port <n>             TCP port, 0 = any free port (default ${d.port})
  --host <addr>          interface to listen on (default ${d.host})
  --window <n>           segments per live playlist (default ${d.windowSegments})
  --bandwidth-kbps <n>   per-connection body rate in kbit/s, 0 = unlimited (default ${d.bandwidthKbps})
  --latency-ms <n>       delay before each media response starts (default ${d.latencyMs})
  --failure-rate <p>     probability 0..1 that a segment request fails (default ${d.failureRate})
  --failure-kind <k>     ${FAILURE_KINDS.join(' | ')} (default ${d.failureKind})
  --fixture <format>     bundled fixture: ${FIXTURE_FORMATS.join(' | ')} (default ts)
  --fixture-dir <path>   folder with master.m3u8 instead of a bundled fixture
  --byte-ranges          address segments as byte ranges of one file per rendition
  --ignore-range         answer ranged requests with 200 and the whole body
  --help                 show this text
`;

const FLAGS = {
  port: { type: 'string' },
  host: { type: 'string' },
  window: { type: 'string' },
  'bandwidth-kbps': { type: 'string' },
  'latency-ms': { type: 'string' },
  'failure-rate': { type: 'string' },
  'failure-kind': { type: 'string' },
  fixture: { type: 'string' },
  'fixture-dir': { type: 'string' },
  'byte-ranges': { type: 'boolean' },
  'ignore-range': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function toNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) {
    throw new LiveOriginError('INVALID_OPTION', `--${flag} must be a number, got "${value}"`);
  }
  return n;
}

/** `--fixture ts|fmp4` names a bundled folder; `--fixture-dir` any folder; not both. */
function fixtureDir(format: string | undefined, dir: string | undefined): string | undefined {
  if (format === undefined) return dir;
  if (dir !== undefined) {
    throw new LiveOriginError('INVALID_OPTION', '--fixture and --fixture-dir exclude each other');
  }
  if (!FIXTURE_FORMATS.includes(format as FixtureFormat)) {
    throw new LiveOriginError(
      'INVALID_OPTION',
      `--fixture must be one of ${FIXTURE_FORMATS.join(', ')}, got "${format}"`,
    );
  }
  return fixtureDirFor(format as FixtureFormat);
}

/**
 * Parses `argv` (without the node and script paths). Throws `INVALID_OPTION` for unknown flags,
 * missing values and values the origin would reject.
 */
export function parseCliArgs(argv: readonly string[]): CliCommand {
  let values: ReturnType<typeof parseArgs<{ options: typeof FLAGS; strict: true }>>['values'];
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: FLAGS,
      strict: true,
      allowPositionals: false,
    }));
  } catch (cause) {
    throw new LiveOriginError('INVALID_OPTION', (cause as Error).message, { cause });
  }
  if (values.help === true) return { help: true };
  const options: LiveOriginOptions = {
    port: toNumber('port', values.port),
    host: values.host,
    windowSegments: toNumber('window', values.window),
    bandwidthKbps: toNumber('bandwidth-kbps', values['bandwidth-kbps']),
    latencyMs: toNumber('latency-ms', values['latency-ms']),
    failureRate: toNumber('failure-rate', values['failure-rate']),
    failureKind: values['failure-kind'] as LiveOriginOptions['failureKind'],
    fixtureDir: fixtureDir(values.fixture, values['fixture-dir']),
    byteRanges: values['byte-ranges'],
    ignoreRange: values['ignore-range'],
  };
  // Validate now, so a bad value is a usage error (exit 2) and not a crash at start.
  mergeLiveOriginConfig(DEFAULT_LIVE_ORIGIN_CONFIG, options);
  return { help: false, options };
}
