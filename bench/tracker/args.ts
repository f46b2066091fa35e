import { parseArgs } from 'node:util';

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
  /** Client processes driving the load. */
  processes: number;
  /** Results folder. */
  out: string;
}

export const HELP = `Usage: npm run bench:tracker -- [options]

Starts one tracker process (the real command, on 127.0.0.1) and drives it with
socket.io clients from separate client processes: each client connects, joins a
swarm and signals one peer of its join answer. Prints a table and writes
bench/results/tracker-<timestamp>.json, tracker-latest.json and tracker-latest.md.

Options:
  --peers <n>       clients to open (default 1000)
  --join-rate <r>   clients opened per second (default 500)
  --seconds <s>     hard limit of the whole run (default 120)
  --swarms <k>      swarms the clients spread over (default peers / 50, at least 1)
  --processes <p>   client processes (default 1 per 5000 peers, at least 1)
  --out <dir>       results folder (default bench/results)
  -h, --help        show this help
`;

export class UsageError extends Error {}

function positive(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${name} must be a positive integer`);
  return n;
}

/** Parses the flags; `undefined` means help was asked for. */
export function parseLoadArgs(argv: string[]): LoadParams | undefined {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        peers: { type: 'string' },
        'join-rate': { type: 'string' },
        seconds: { type: 'string' },
        swarms: { type: 'string' },
        processes: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  if (values.help) return undefined;
  const peers = positive('peers', values.peers, 1000);
  return {
    peers,
    joinRate: positive('join-rate', values['join-rate'], 500),
    seconds: positive('seconds', values.seconds, 120),
    swarms: positive('swarms', values.swarms, Math.max(1, Math.floor(peers / 50))),
    processes: positive('processes', values.processes, Math.max(1, Math.ceil(peers / 5000))),
    out: values.out ?? 'bench/results',
  };
}
