import { integer, parseFlags, UsageError } from '../lib/flags.js';

/** What one load run does. */
export interface LoadParams {
  /** Clients to open (the ramp stops early when the tracker refuses too many). */
  peers: number;
  /** Clients opened per second, over all client processes. */
  joinRate: number;
  /** Hard limit of the whole run, seconds. */
  seconds: number;
  /** Swarms the clients spread over (round-robin). */
  swarms: number;
  /** Client processes driving the load; process i connects from 127.0.0.(i + 1). */
  processes: number;
  /** Seconds to keep every client connected after the ramp (engine.io pings must be answered). */
  hold: number;
  /** Tracker processes; clients are spread over them round robin within each swarm. @default 1 */
  trackers: number;
  /**
   * Redis of cluster mode (the trackers share swarms through it); undefined runs one tracker in
   * memory. @default 'redis://127.0.0.1:6379' when trackers > 1, else undefined
   */
  redis: string | undefined;
  /** Results folder. */
  out: string;
}

export const HELP = `Usage: npm run bench:tracker -- [options]

Starts one tracker process (the real command, on 127.0.0.1) and drives it with
light socket.io-protocol clients (a bare WebSocket each) from separate client
processes: each client connects, joins a swarm and signals one peer of its join
answer. Prints a table and writes
bench/results/tracker-<timestamp>.json, tracker-latest.json and tracker-latest.md.

Options:
  --peers <n>       clients to open (default 1000)
  --join-rate <r>   clients opened per second (default 500)
  --seconds <s>     hard limit of the whole run (default 120)
  --swarms <k>      swarms the clients spread over (default peers / 50, at least 1)
  --processes <p>   client processes, at most 254; process i connects from
                    127.0.0.(i + 1) (default 1 per 10000 peers, at least 1)
  --hold <s>        keep every client connected this long after the ramp (default 0)
  --trackers <n>    tracker processes in cluster mode, sharing swarms through Redis
                    (default 1: one tracker in memory)
  --redis <url>     Redis of cluster mode (default redis://127.0.0.1:6379 when
                    --trackers > 1; with --trackers 1 it runs one tracker through Redis).
                    Keys go under a fresh random prefix, deleted at the end.
                    Cluster runs write tracker-cluster-<timestamp>.json,
                    tracker-cluster-latest.json and tracker-cluster-latest.md instead.
  --out <dir>       results folder (default bench/results)
  -h, --help        show this help
`;

export { UsageError };

const positive = (name: string, value: string | undefined, fallback: number) =>
  integer(name, value, fallback, 1);

/** Parses the flags; `undefined` means help was asked for. */
export function parseLoadArgs(argv: string[]): LoadParams | undefined {
  const values = parseFlags(argv, {
    peers: { type: 'string' },
    'join-rate': { type: 'string' },
    seconds: { type: 'string' },
    swarms: { type: 'string' },
    processes: { type: 'string' },
    hold: { type: 'string' },
    trackers: { type: 'string' },
    redis: { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return undefined;
  const peers = positive('peers', values.peers, 1000);
  const processes = positive('processes', values.processes, Math.max(1, Math.ceil(peers / 10_000)));
  if (processes > 254) throw new UsageError('--processes must be at most 254 (one 127.0.0.x each)');
  const trackers = positive('trackers', values.trackers, 1);
  if (trackers > 8) throw new UsageError('--trackers must be at most 8 (they share this machine)');
  const redis = values.redis ?? (trackers > 1 ? 'redis://127.0.0.1:6379' : undefined);
  if (redis !== undefined && !/^redis:\/\/[^/]+/.test(redis))
    throw new UsageError('--redis must be a redis:// URL');
  return {
    peers,
    joinRate: positive('join-rate', values['join-rate'], 500),
    seconds: positive('seconds', values.seconds, 120),
    swarms: positive('swarms', values.swarms, Math.max(1, Math.floor(peers / 50))),
    processes,
    hold: integer('hold', values.hold, 0, 0),
    trackers,
    redis,
    out: values.out ?? 'bench/results',
  };
}
