/** Flags of `npm run bench:adversary`, with the full and the fast (`--fast`) sizes. */
import { choice, integer, parseFlags, UsageError } from '../lib/flags.js';

export interface AdversaryParams {
  /** The short version (the one `npm test` runs). */
  fast: boolean;
  /** The coordinator's database; `auto` = PostgreSQL when it answers, else PGlite. */
  db: 'postgres' | 'pglite' | 'auto';
  /** Wall seconds of the live phase (honest viewers play, attackers attack). */
  liveSeconds: number;
  /** Honest viewers (one process each). */
  viewers: number;
  /** Colluding farm sessions tried per source address. */
  farmSessions: number;
  /** Session creations, streamer accounts and tracker sockets tried from one address. */
  sybilSessions: number;
  sybilAccounts: number;
  sybilSockets: number;
  /** Parallel sessions of the points farmer's one viewer id. */
  pointsSessions: number;
  /** Simulated minutes after the live phase (reputation growth), and the clock's speed then. */
  growthMinutes: number;
  speed: number;
  /** Results folder. */
  out: string;
}

const FULL = {
  liveSeconds: 60,
  viewers: 5,
  farmSessions: 40,
  sybilSessions: 2000,
  sybilAccounts: 500,
  sybilSockets: 200,
  pointsSessions: 100,
  growthMinutes: 240,
  speed: 60,
};
const FAST: typeof FULL = {
  liveSeconds: 25,
  viewers: 5,
  farmSessions: 8,
  sybilSessions: 300,
  sybilAccounts: 100,
  sybilSockets: 40,
  pointsSessions: 20,
  growthMinutes: 240,
  speed: 400,
};

export const ADVERSARY_HELP = `Usage: npm run bench:adversary -- [options]

Runs honest viewers (the SDK's engine over @roamhq/wrtc, each on its own loopback /24) beside
attackers (sybil floods, a colluding receipt farm on 127.0.0.1 and 127.0.0.2, replayed and
forged receipts, points farming) against a real live origin, tracker and coordinator, then
fast-forwards the coordinator's clock to let reputation grow. Prints and writes
bench/results/adversary/adversary-latest.{json,md}.

Options (full / --fast defaults):
  --fast                 the short version (the one npm test runs)
  --db <d>               postgres | pglite | auto (default auto: PostgreSQL when it answers)
  --seconds <s>          live phase, wall seconds, 15..600 (60 / 25)
  --viewers <n>          honest viewers, 2..8 (5 / 5)
  --farm <n>             farm sessions tried per address, 2..500 (40 / 8)
  --sybil-sessions <n>   session creations from one address, 1..20000 (2000 / 300)
  --sybil-accounts <n>   streamer accounts from one address, 1..10000 (500 / 100)
  --sybil-sockets <n>    tracker sockets from one address, 1..250 (200 / 40)
  --points-sessions <n>  parallel sessions of the points farmer, 1..500 (100 / 20)
  --growth <min>         simulated minutes of reputation growth, 61..1440 (240 / 240)
  --speed <x>            clock speed while growing, 2..600 (60 / 400)
  --out <dir>            results folder (bench/results/adversary)
  -h, --help             show this help
`;

export { UsageError };

export function parseAdversaryArgs(argv: string[]): AdversaryParams | 'help' {
  const v = parseFlags(argv, {
    fast: { type: 'boolean' },
    db: { type: 'string' },
    seconds: { type: 'string' },
    viewers: { type: 'string' },
    farm: { type: 'string' },
    'sybil-sessions': { type: 'string' },
    'sybil-accounts': { type: 'string' },
    'sybil-sockets': { type: 'string' },
    'points-sessions': { type: 'string' },
    growth: { type: 'string' },
    speed: { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (v.help) return 'help';
  const d = v.fast ? FAST : FULL;
  return {
    fast: v.fast ?? false,
    db: choice('db', v.db, 'auto', ['postgres', 'pglite', 'auto'] as const),
    liveSeconds: integer('seconds', v.seconds, d.liveSeconds, 15, 600),
    viewers: integer('viewers', v.viewers, d.viewers, 2, 8),
    farmSessions: integer('farm', v.farm, d.farmSessions, 2, 500),
    sybilSessions: integer('sybil-sessions', v['sybil-sessions'], d.sybilSessions, 1, 20_000),
    sybilAccounts: integer('sybil-accounts', v['sybil-accounts'], d.sybilAccounts, 1, 10_000),
    sybilSockets: integer('sybil-sockets', v['sybil-sockets'], d.sybilSockets, 1, 250),
    pointsSessions: integer('points-sessions', v['points-sessions'], d.pointsSessions, 1, 500),
    growthMinutes: integer('growth', v.growth, d.growthMinutes, 61, 1440),
    speed: integer('speed', v.speed, d.speed, 2, 600),
    out: v.out ?? 'bench/results/adversary',
  };
}

/** The defaults of one version, for the test and the help. */
export function defaultParams(fast: boolean): AdversaryParams {
  return parseAdversaryArgs(fast ? ['--fast'] : []) as AdversaryParams;
}
