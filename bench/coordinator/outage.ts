/**
 * A database outage under load, as the issue measured it: receivers post receipt batches for a
 * live stream while PostgreSQL is cut away (a TCP proxy in front of it drops every connection)
 * for `--outage` seconds. Counts the answers by status, whether every segment published during
 * the run was indexed, and whether the ledger holds exactly the receipts that were answered
 * "credited" (a refused batch is sent again after its Retry-After, as the SDK does).
 *
 * npm run bench:outage -- [--seconds 45] [--outage 20] [--receivers 6]
 */
import { writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { startLiveOrigin } from '@streamrp2p/live-origin';
import {
  bytesToHex,
  merkleRoot,
  renditionId,
  renditionUrls,
  type ReceiptBody,
} from '@streamrp2p/protocol';
import pg from 'pg';
import { createCoordinator } from '../../packages/coordinator/src/index.js';
import { cuttablePostgres } from '../../packages/coordinator/test/cuttable-database.js';
import { integer, parseFlags, UsageError } from '../lib/flags.js';
import { benchKeys, signReceiptBatch, type BenchKeys } from './load-lib.js';

const HELP = `Usage: npm run bench:outage -- [--seconds S] [--outage O] [--receivers R]

  --seconds <s>    length of the run, 20..600 (default 45); the outage starts after a third
  --outage <o>     seconds the database is cut away, 1..300 (default 20)
  --receivers <r>  receiver sessions posting batches, 1..50 (default 6)
PostgreSQL: DATABASE_URL_BENCH (default postgres://root@127.0.0.1:5432/test), in a fresh schema.
Results: bench/results/coordinator-outage-latest.json.
`;

const POSTGRES_URL = process.env.DATABASE_URL_BENCH ?? 'postgres://root@127.0.0.1:5432/test';

interface Segment {
  rendition: string;
  sequence: number;
  root: string;
  byteLength: number;
}

async function main(): Promise<number> {
  const flags = parseFlags(process.argv.slice(2), {
    seconds: { type: 'string' },
    outage: { type: 'string' },
    receivers: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (flags.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const seconds = integer('seconds', flags.seconds, 45, 20, 600);
  const outageSeconds = integer('outage', flags.outage, 20, 1, 300);
  const receiverCount = integer('receivers', flags.receivers, 6, 1, 50);

  const schema = `bench_outage_${Date.now()}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  const url = new URL(POSTGRES_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const database = await cuttablePostgres(url.href);
  const origin = await startLiveOrigin({ windowSegments: 6 });
  const coordinator = createCoordinator({
    port: 0,
    database: database.database,
    trustProxy: 1,
    requireMeetingTickets: false,
    originAllowList: ['127.0.0.1'],
    logLevel: 'error',
  });
  try {
    const { url: api } = await coordinator.start();
    const call = async (method: string, path: string, body?: unknown, headers = {}) => {
      const res = await fetch(`${api}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return {
        status: res.status,
        retryAfter: res.headers.get('retry-after'),
        body: text === '' ? {} : JSON.parse(text),
      };
    };
    const streamer = (await call('POST', '/api/streamers', { name: 'outage bench' })).body;
    const stream = (
      await call(
        'POST',
        '/api/streams',
        { hlsUrl: origin.liveMasterUrl() },
        { authorization: `Bearer ${streamer.apiKey}` },
      )
    ).body;
    let ip = 0;
    const session = async () => {
      const keys: BenchKeys = benchKeys();
      ip++;
      const res = await call(
        'POST',
        '/api/sessions',
        { streamId: stream.streamId, publicKey: keys.publicKey },
        { 'x-forwarded-for': `10.77.${ip}.1` },
      );
      return { ...res.body, keys };
    };
    const uploaders = [await session(), await session()];
    const receivers = [];
    for (let i = 0; i < receiverCount; i++) receivers.push(await session());

    // The bench's own view of the stream: every segment it saw in the playlists, hashed.
    const playlists = [
      ...new Set(
        renditionUrls(await (await fetch(origin.liveMasterUrl())).text(), origin.liveMasterUrl()),
      ),
    ];
    const seen = new Map<string, Segment>();
    const watch = async () => {
      for (const playlist of playlists) {
        const text = await (await fetch(playlist)).text();
        const first = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(text)?.[1] ?? 0);
        const uris = text
          .split('\n')
          .map((l) => l.trim())
          .filter((l) => l !== '' && !l.startsWith('#'));
        for (const [i, uri] of uris.entries()) {
          const key = `${renditionId(playlist)}/${first + i}`;
          if (seen.has(key)) continue;
          const bytes = new Uint8Array(await (await fetch(new URL(uri, playlist))).arrayBuffer());
          seen.set(key, {
            rendition: renditionId(playlist),
            sequence: first + i,
            root: bytesToHex(await merkleRoot(bytes)),
            byteLength: bytes.length,
          });
        }
      }
    };
    await watch();
    const startedAt = Date.now();
    const before = new Set(seen.keys());

    // What a receiver can confirm: segments whose root the coordinator serves (a viewer verifies
    // a peer's copy against it before it signs a receipt). Nothing is learnt while it answers 503.
    const served = new Set<string>();
    const statuses = new Map<string, number>();
    const watched = renditionId(playlists[0]!);
    const learnRoots = async () => {
      const sequences = [...seen.values()]
        .filter((s) => s.rendition === watched)
        .map((s) => s.sequence);
      const [from, to] = [Math.min(...sequences), Math.max(...sequences)];
      const res = await call(
        'GET',
        `/api/streams/${stream.streamId}/roots?rendition=${watched}&from=${from}&to=${Math.min(to, from + 499)}`,
      );
      const label = `roots ${res.status} ${res.body.error?.code ?? ''}`.trim();
      statuses.set(label, (statuses.get(label) ?? 0) + 1);
      if (res.status !== 200) return;
      for (const r of res.body.roots as Array<{ sequence: number }>)
        served.add(`${watched}/${r.sequence}`);
    };
    const rejected = new Map<string, number>();
    let credited = 0;
    let creditedBytes = 0;
    let stop = false;
    const outageStart = startedAt + (seconds * 1000) / 3;
    const outageEnd = outageStart + outageSeconds * 1000;
    const posting = receivers.map(async (receiver, r) => {
      const uploader = uploaders[r % uploaders.length]!;
      const queue: ReceiptBody[] = [];
      const queued = new Set<string>();
      let lastPost = Date.now() - r * 800;
      while (!stop) {
        for (const [key, s] of seen) {
          if (before.has(key) || queued.has(key) || !served.has(key)) continue;
          queued.add(key);
          queue.push({
            uploaderPeerId: uploader.peerId,
            streamId: stream.streamId,
            rendition: s.rendition,
            sequence: s.sequence,
            root: s.root,
            byteLength: s.byteLength,
            timestamp: Date.now(),
          });
        }
        // Like the SDK: receipts wait up to receiptFlushMs (5 s) and go as one batch.
        if (queue.length === 0 || Date.now() - lastPost < 5000) {
          await sleep(200);
          continue;
        }
        lastPost = Date.now();
        const batch = queue.slice(0, 20);
        const res = await call(
          'POST',
          '/api/receipts',
          {
            sessionId: receiver.sessionId,
            receipts: batch,
            signature: signReceiptBatch(receiver.keys.privateKey, receiver.sessionId, batch),
          },
          { authorization: `Bearer ${receiver.sessionSecret}` },
        );
        const label = `receipts ${res.status} ${res.body.error?.code ?? ''}`.trim();
        statuses.set(label, (statuses.get(label) ?? 0) + 1);
        if (res.status === 200) {
          queue.splice(0, batch.length);
          credited += res.body.credited;
          for (const [i, result] of (
            res.body.results as Array<{ status: string; code?: string }>
          ).entries())
            if (result.status === 'credited') creditedBytes += batch[i]!.byteLength;
            else {
              const why = result.code ?? result.status;
              rejected.set(why, (rejected.get(why) ?? 0) + 1);
            }
        } else if (res.status === 503) {
          await sleep(Math.min(1000, Number(res.retryAfter ?? 1) * 1000));
        } else await sleep(200);
      }
    });
    let cut = false;
    while (Date.now() - startedAt < seconds * 1000) {
      await watch();
      await learnRoots();
      if (!cut && Date.now() >= outageStart && Date.now() < outageEnd) {
        database.cut();
        cut = true;
      } else if (cut && Date.now() >= outageEnd) {
        database.restore();
        cut = false;
      }
      await sleep(250);
    }
    database.restore();
    stop = true;
    await Promise.all(posting);
    // Let the indexer write what it kept, then read the ledger.
    const backlog = async () =>
      Number(
        /^streamrp2p_coordinator_indexer_backlog_roots (\S+)$/m.exec(
          await (await fetch(`${api}/metrics`)).text(),
        )?.[1] ?? 0,
      );
    for (let i = 0; i < 100 && (await backlog()) > 0; i++) await sleep(200);
    await coordinator.flushCredits();
    const roots = await coordinator.db
      .selectFrom('segment_roots')
      .select(['rendition', 'sequence', 'root'])
      .where('stream_id', '=', stream.streamId)
      .execute();
    const stored = new Map(roots.map((r) => [`${r.rendition}/${r.sequence}`, r.root]));
    const published = [...seen.entries()].filter(([key]) => !before.has(key));
    const unindexed = published.filter(([key]) => !stored.has(key)).length;
    const wrongRoot = published.filter(
      ([key, s]) => stored.has(key) && stored.get(key) !== s.root,
    ).length;
    const ledger = await coordinator.db
      .selectFrom('receipts')
      .select((eb) => [
        eb.fn.countAll<number>().as('n'),
        eb.fn.sum<number>('byte_length').as('bytes'),
      ])
      .executeTakeFirstOrThrow();
    const results = {
      when: new Date().toISOString(),
      seconds,
      outageSeconds,
      receivers: receiverCount,
      answers: Object.fromEntries([...statuses].sort()),
      fiveHundreds: [...statuses]
        .filter(([k]) => / 5\d\d/.test(k) && !k.includes(' 503'))
        .reduce((n, [, c]) => n + c, 0),
      segmentsPublishedDuringRun: published.length,
      unindexed,
      wrongRoot,
      receiptsAnsweredCredited: credited,
      receiptsNotCredited: Object.fromEntries(rejected),
      receiptsInLedger: Number(ledger.n),
      bytesAnsweredCredited: creditedBytes,
      bytesInLedger: Number(ledger.bytes ?? 0),
    };
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(
      new URL('../results/coordinator-outage-latest.md', import.meta.url),
      markdown(results),
    );
    writeFileSync(
      new URL('../results/coordinator-outage-latest.json', import.meta.url),
      `${JSON.stringify(results, null, 2)}\n`,
    );
    const ok =
      results.fiveHundreds === 0 &&
      unindexed === 0 &&
      wrongRoot === 0 &&
      credited === results.receiptsInLedger &&
      creditedBytes === results.bytesInLedger;
    return ok ? 0 : 1;
  } finally {
    await coordinator.close();
    await origin.close();
    await database.close();
    await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
  }
}

/** The results as the committed summary (JSON results are not committed). */
function markdown(r: Record<string, unknown>): string {
  const rows = Object.entries(r).map(([k, v]) => `| ${k} | ${JSON.stringify(v)} |`);
  return [
    '# Database outage under load (`npm run bench:outage`)',
    '',
    `Run: \`npm run bench:outage -- --seconds ${String(r.seconds)} --outage ${String(r.outageSeconds)} --receivers ${String(r.receivers)}\``,
    '',
    '| figure | value |',
    '| --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n\n${HELP}`);
      process.exit(2);
    }
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
