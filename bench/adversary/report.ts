/** The run's tables (printed and in the markdown file) and its result files. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { markdownTable, recordList, textTable, type Table } from '../lib/table.js';
import { checks, headline } from './figures.js';
import type { AdversaryResult } from './run.js';

const mb = (bytes: number | null | undefined) =>
  bytes === null || bytes === undefined ? 'n/a' : `${(bytes / 1e6).toFixed(2)} MB`;
const counts = (record: Record<string, number> | undefined) =>
  record && Object.keys(record).length ? JSON.stringify(record) : '-';
const rep = (v: number | null) => (v === null ? 'n/a' : v.toFixed(2));

export function describe(r: AdversaryResult): string {
  const p = r.params;
  return (
    `${p.fast ? 'fast' : 'full'}: ${p.viewers} honest viewers, live ${p.liveSeconds} s, farm ` +
    `${p.farmSessions}/address, growth ${p.growthMinutes} min at ${p.speed}x, ${r.database}`
  );
}

export function headlineTable(r: AdversaryResult): Table {
  const h = headline(r);
  return {
    headers: ['figure', 'value'],
    textColumns: [1],
    rows: [
      ['fabricated bytes credited (farm + forged + replayed)', mb(h.fabricatedCreditedBytes)],
      ['fabricated bytes payable after growth (farm + forged)', mb(h.fabricatedPayableBytes)],
      [
        'farm credited at live end / its physical bound',
        `${mb(h.farmCreditedLiveEnd)} / ${mb(h.farmPhysicalBoundLiveEnd)}`,
      ],
      ['farm payable in its first hour', mb(h.farmPayableFirstHour)],
      ['farm reputation (max) after growth', rep(h.farmReputationMax)],
      ['honest bytes credited', mb(h.honestCreditedBytes)],
      ['honest bytes payable after growth', mb(h.honestPayableBytes)],
      ['honest bytes frozen after growth', mb(h.honestFrozenBytes)],
      [
        'honest payable share',
        h.honestPayableShare === null ? 'n/a' : `${(h.honestPayableShare * 100).toFixed(1)}%`,
      ],
      ['honest reputation (min) after growth', rep(h.honestReputationMin)],
      [
        'points of the farm identities (all / highest rate per simulated min)',
        `${h.farmPoints} / ${h.farmPointsPerMinuteMax?.toFixed(2) ?? 'n/a'}`,
      ],
      [
        'points/min: farming identity vs honest max',
        `${h.farmerPointsPerMinute?.toFixed(1) ?? 'n/a'} vs ${h.honestPointsPerMinuteMax?.toFixed(1) ?? 'n/a'}`,
      ],
    ],
  };
}

export function attacksTable(r: AdversaryResult): Table {
  const rows: string[][] = [];
  const f = r.farm;
  if (f) {
    rows.push([
      'colluding farm (127.0.0.1 + 127.0.0.2)',
      `${f.sessionsCreated}/${f.sessionsAttempted} sessions (${f.sharedKeySessions} on one key), ` +
        `${f.trackerSockets} sockets, ${f.ticketsObtained} tickets, ${f.receiptsCredited}/${f.receiptsPosted} ` +
        `receipts credited = ${mb(f.creditedBytes)}, challenges ${f.challengesPassed} passed ` +
        `${f.challengesFailed} failed`,
      `rejected ${counts(f.rejections)}; refused ${counts({ ...f.requestErrors, ...f.sessionRefusals })}`,
    ]);
  }
  for (const c of r.forged?.cases ?? []) {
    rows.push([
      `forged: ${c.name}`,
      `HTTP ${c.status}${c.code ? ` ${c.code}` : ''}, credited ${c.credited} = ${mb(c.creditedBytes)}`,
      counts(c.rejections),
    ]);
  }
  if (r.forged?.skipped) rows.push(['forged receipts', 'skipped', r.forged.skipped]);
  const s = r.sybil;
  if (s) {
    const flood = (name: string, x: typeof s.sessions) =>
      rows.push([
        name,
        `${x.accepted}/${x.attempted} accepted in ${x.seconds} s`,
        counts(x.refusals),
      ]);
    flood('sybil: sessions from one address', s.sessions);
    flood('sybil: streamer accounts from one address', s.accounts);
    flood(`sybil: tracker sockets from one address (${s.donorTokens} tokens)`, s.sockets);
    flood('sybil: joins of made-up rendition ids', s.fakeRenditionJoins);
    flood('sybil: joins of the real rendition (control)', s.realRenditionJoins);
  }
  const pts = r.points;
  if (pts) {
    rows.push([
      'points farming (one viewer id)',
      `${pts.sessionsCreated}/${pts.sessionsAttempted} sessions, ${pts.ownStreams} own streams, ` +
        `${pts.balance} points in ${pts.minutes.toFixed(2)} min = ${pts.perMinute.toFixed(1)}/min`,
      `awarded ${counts(pts.awardedByAction)}; refused ${counts({ ...pts.refusals, ...pts.sessionRefusals })}`,
    ]);
  }
  rows.push(['honest challenges', counts(r.honestChallenges), '-']);
  for (const v of r.honest) {
    rows.push([
      `honest ${v.name} (${v.address})`,
      `${v.segments} segments, P2P ${mb(v.p2pBytes)} down ${mb(v.uploadedBytes)} up, ` +
        `${v.receiptsCredited} receipts credited, challenges ${counts(v.challenges)}`,
      `rejected ${counts(v.receiptsRejected)}; errors ${counts(v.errors)}`,
    ]);
  }
  return { headers: ['attack / group', 'outcome', 'refusals'], textColumns: [1, 2], rows };
}

export function checksTable(r: AdversaryResult): Table {
  return {
    headers: ['issue number', 'measured', 'target', 'result'],
    textColumns: [1, 2, 3],
    rows: checks(r).map((c) => [
      c.name,
      c.value,
      c.target,
      c.pass === null ? 'n/a' : c.pass ? 'pass' : 'FAIL',
    ]),
  };
}

export function checkpointsTable(r: AdversaryResult): Table {
  return {
    headers: [
      'checkpoint',
      'farm age min',
      'honest credited',
      'honest payable',
      'honest frozen',
      'farm credited',
      'farm payable',
      'farm frozen',
      'farm bound',
    ],
    rows: r.checkpoints.map((c) => [
      c.name,
      String(c.farmAgeMinutes),
      mb(c.honest.creditedBytes),
      mb(c.honest.payableBytes),
      mb(c.honest.frozenBytes),
      mb(c.farm.creditedBytes),
      mb(c.farm.payableBytes),
      mb(c.farm.frozenBytes),
      mb(c.farmPhysicalBoundBytes),
    ]),
  };
}

function markdown(r: AdversaryResult): string {
  const md = markdownTable;
  return [
    `# Adversarial simulation`,
    ``,
    `${describe(r)}; ${r.machine.cpus} x ${r.machine.cpuModel}, Node ${r.machine.node}; ` +
      `started ${r.startedAt}, ${r.wallSeconds} s${r.complete ? '' : ' (INCOMPLETE)'}.`,
    ``,
    `Command: \`npm run bench:adversary${r.params.fast ? ' -- --fast' : ''}\`. Method: bench/README.md ` +
      `("Adversarial simulation") and decision 28.`,
    ``,
    `## Headline`,
    ``,
    md(headlineTable(r)),
    ``,
    `## The issue's numbers`,
    ``,
    md(checksTable(r)),
    ``,
    `## Credit at each checkpoint`,
    ``,
    md(checkpointsTable(r)),
    ``,
    `## Attacks`,
    ``,
    md(attacksTable(r)),
    ``,
    `Limits in force: coordinator ${JSON.stringify(r.limits.coordinator)}; tracker ` +
      `${JSON.stringify(r.limits.tracker)}.`,
    ``,
  ].join('\n');
}

/** Writes `adversary-<time>.json`, `adversary-latest.json` and `adversary-latest.md` under `out`. */
export async function writeResults(r: AdversaryResult): Promise<string> {
  await mkdir(r.params.out, { recursive: true });
  const stamp = r.startedAt.replace(/[:.]/g, '-');
  const json = JSON.stringify({ ...r, headline: headline(r), checks: checks(r) }, null, 2);
  const name = `${r.params.fast ? 'adversary-fast' : 'adversary'}`;
  await writeFile(join(r.params.out, `${name}-${stamp}.json`), json);
  await writeFile(join(r.params.out, `${name}-latest.json`), json);
  await writeFile(join(r.params.out, `${name}-latest.md`), markdown(r));
  return join(r.params.out, `${name}-latest.md`);
}

export function printTables(r: AdversaryResult, print: (text: string) => void): void {
  print(`\n== ${describe(r)}`);
  print(textTable(headlineTable(r)));
  print('');
  print(textTable(checksTable(r)));
  print('');
  print(textTable(checkpointsTable(r)));
  print('');
  print(recordList(attacksTable(r)));
}
