/** Flags of the swarm simulator. */
import { isAbsolute, resolve } from 'node:path';
import { integer, parseFlags, UsageError } from '../lib/flags.js';

export interface SimParams {
  /** Swarm sizes, run one after the other. @default [10, 20, 30, 50] */
  sizes: number[];
  /** Seconds every viewer plays together, counted from the last join. @default 60 */
  seconds: number;
  /** Viewers per child process. @default 10 */
  perProcess: number;
  /** Delay between two viewers joining, in ms. @default 500 */
  joinIntervalMs: number;
  /** Origin body rate per connection in kbit/s (0 = unlimited). @default 4000 */
  bandwidthKbps: number;
  /** Origin delay before each media response, in ms. @default 50 */
  latencyMs: number;
  /** Rendition every viewer plays (a folder of the live origin). @default '360p' */
  rendition: string;
  /** The engine's `maxPeers`. @default 10 */
  maxPeers: number;
  /** Results folder. @default bench/results */
  out: string;
}

export const DEFAULT_SIM_PARAMS: Readonly<SimParams> = Object.freeze({
  sizes: [10, 20, 30, 50],
  seconds: 60,
  perProcess: 10,
  joinIntervalMs: 500,
  bandwidthKbps: 4000,
  latencyMs: 50,
  rendition: '360p',
  maxPeers: 10,
  out: new URL('../results/', import.meta.url).pathname,
});

const d = DEFAULT_SIM_PARAMS;
export const SIM_HELP = `Usage: npm run bench:sim -- [options]

Simulated viewers (the SDK's engine over @roamhq/wrtc plus a playback clock, no decoding) of
the demo live stream, spread over child processes. Per swarm size: P2P share, missed
deadlines (stalls), origin bytes, CPU and memory. Results go to <out>/sim-latest.{json,md}.

Options:
  --sizes <a,b>            swarm sizes, 1..100 each (default ${d.sizes.join(',')})
  --seconds <s>            playing time after the last join, 5..3600 (default ${d.seconds})
  --per-process <n>        viewers per child process (default ${d.perProcess})
  --join-interval-ms <n>   delay between two viewers joining (default ${d.joinIntervalMs})
  --bandwidth-kbps <n>     origin rate per connection, 0 = unlimited (default ${d.bandwidthKbps})
  --latency-ms <n>         origin delay before each media response (default ${d.latencyMs})
  --rendition <name>       240p or 360p (default ${d.rendition})
  --max-peers <n>          engine maxPeers (default ${d.maxPeers})
  --out <dir>              results folder (default bench/results)
  -h, --help               show this help
`;

export { UsageError };

export function parseSimArgs(argv: string[]): SimParams | 'help' {
  const values = parseFlags(argv, {
    sizes: { type: 'string' },
    seconds: { type: 'string' },
    'per-process': { type: 'string' },
    'join-interval-ms': { type: 'string' },
    'bandwidth-kbps': { type: 'string' },
    'latency-ms': { type: 'string' },
    rendition: { type: 'string' },
    'max-peers': { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return 'help';
  const sizes = values.sizes?.split(',').map((size) => integer('sizes', size.trim(), 1, 1, 100));
  if (values.rendition !== undefined && !['240p', '360p'].includes(values.rendition)) {
    throw new UsageError(`--rendition must be 240p or 360p, got "${values.rendition}"`);
  }
  const out = values.out === undefined ? d.out : values.out;
  return {
    sizes: sizes ?? d.sizes,
    seconds: integer('seconds', values.seconds, d.seconds, 5, 3600),
    perProcess: integer('per-process', values['per-process'], d.perProcess, 1, 100),
    joinIntervalMs: integer(
      'join-interval-ms',
      values['join-interval-ms'],
      d.joinIntervalMs,
      0,
      60_000,
    ),
    bandwidthKbps: integer(
      'bandwidth-kbps',
      values['bandwidth-kbps'],
      d.bandwidthKbps,
      0,
      10_000_000,
    ),
    latencyMs: integer('latency-ms', values['latency-ms'], d.latencyMs, 0, 10_000),
    rendition: values.rendition ?? d.rendition,
    maxPeers: integer('max-peers', values['max-peers'], d.maxPeers, 1, 100),
    out: isAbsolute(out) ? out : resolve(process.cwd(), out),
  };
}
