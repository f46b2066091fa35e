/**
 * The privacy suites' population: a viewer with activity in every feature (its session and a
 * device's, receipts as uploader and receiver, points, chat, follow, squad, referrals as
 * referrer and referee, account and device, credit, a hold, supporter hours, a statement line,
 * ledger lines, a payout account and a payout, community events), beside other viewers whose
 * figures must not move. What the API can do goes through the real coordinator; the rest is
 * written as the jobs write it (economics-setup's way).
 */
import { sql, type Kysely } from 'kysely';
import { expect } from 'vitest';
import type { DB } from '../src/index.js';
import { communityText } from '../src/community/community-text.js';
import { CASH, supporterAccount } from '../src/ledger/accounts.js';
import { postTransaction } from '../src/ledger/ledger.js';
import { uuid } from '../src/util/crypto.js';
import { addressKeys } from '../src/util/network.js';
import type { TestDatabase } from './databases.js';
import { insertHold, insertReceipts, MINUTE } from './economics-setup.js';
import { createSession, type TestSession } from './fixtures.js';
import { owe, payoutAccount } from './payouts-setup.js';
import { arrive, newEmail, PASSWORD, referralSetup, referralsOf, watch } from './referral-setup.js';

let population = 0;

/** Everything that names the subject viewer: no row may hold any of it after its erasure. */
export interface Needles {
  viewerId: string;
  email: string;
  displayName: string;
  ips: string[];
  addressKeys: string[];
  publicKeys: string[];
}

export async function privacySetup(t: TestDatabase) {
  population++;
  const setup = await referralSetup(t);
  const { api, url, coordinator, clock, stream, streamer, sharer: referrer } = setup;
  const db = t.database.db;
  const ips = [`198.18.${population}.41`, `198.19.${population}.42`];

  // The subject arrives through the referrer's share link, watches, claims an account.
  const code = (await referralsOf(api, referrer)).code;
  const viewer = await arrive(api, stream.streamId, code, { ip: ips[0] });
  clock.advance(60_000);
  expect(await watch(api, viewer, 60)).toBeGreaterThan(0);
  const email = newEmail();
  const displayName = `Zebulon Quartz ${population}`;
  const claim = await api.post(
    `/api/viewers/${viewer.viewerId}/account`,
    { email, password: PASSWORD, displayName },
    { token: viewer.sessionSecret },
  );
  expect(claim.status, JSON.stringify(claim.body)).toBe(201);
  const signIn = await api.post(
    '/api/viewer-accounts/sign-in',
    { email, password: PASSWORD, deviceName: 'Test phone' },
    { ip: ips[1] },
  );
  expect(signIn.status, JSON.stringify(signIn.body)).toBe(200);
  const deviceSecret = signIn.body.viewerSecret as string;
  const onDevice = await createSession(api, stream.streamId, {
    viewerId: viewer.viewerId,
    viewerSecret: deviceSecret,
    ip: ips[1],
  });
  for (const [path, body] of [
    [`/api/viewers/${viewer.viewerId}/follows`, { streamId: stream.streamId }],
    [
      `/api/viewers/${viewer.viewerId}/squads/${streamer.streamerId}`,
      { streamId: stream.streamId },
    ],
  ] as const) {
    const res = await api.post(path, body, { token: viewer.sessionSecret });
    expect(res.status, `${path} ${JSON.stringify(res.body)}`).toBeLessThan(300);
  }
  // A referee of the subject's own code.
  const referee = await arrive(api, stream.streamId, (await referralsOf(api, viewer)).code);

  const now = new Date(clock.now());
  const others = { referrer, referee };
  await seedActivity(db, stream.streamId, streamer.streamerId, viewer, onDevice, others, now);
  await seedMoney(db, viewer.viewerId, referrer.viewerId, now);
  await seedSocial(db, stream.streamId, streamer.streamerId, viewer, displayName, now);
  // A reward of the referral the subject arrived through, as the referral job pays it.
  const referral = await db
    .selectFrom('referrals')
    .select('id')
    .where('referee_viewer_id', '=', viewer.viewerId)
    .executeTakeFirstOrThrow();
  await db
    .insertInto('referral_rewards')
    .values({
      id: uuid(),
      referral_id: referral.id,
      kind: 'referee_points',
      scope: '',
      viewer_id: viewer.viewerId,
      points: 50,
      amount_micros: null,
      created_at: now,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();

  const needles: Needles = {
    viewerId: viewer.viewerId,
    email,
    displayName,
    ips,
    addressKeys: ips.flatMap((ip) => Object.values(addressKeys(ip))),
    // The receipt keys the viewer's sessions registered.
    publicKeys: (
      await db
        .selectFrom('sessions')
        .select('public_key')
        .where('viewer_id', '=', viewer.viewerId)
        .execute()
    ).map((r) => r.public_key),
  };
  expect(needles.publicKeys).toHaveLength(2);
  return {
    api,
    url,
    coordinator,
    clock,
    db,
    stream,
    streamer,
    viewer,
    onDevice,
    deviceSecret,
    referrer,
    referee,
    needles,
  };
}

/** Receipts both ways, credit, challenges, bounds, a hold and the stream's analytics. */
async function seedActivity(
  db: Kysely<DB>,
  streamId: string,
  streamerId: string,
  viewer: TestSession,
  onDevice: TestSession,
  others: { referrer: TestSession; referee: TestSession },
  now: Date,
): Promise<void> {
  const subject = { viewerId: viewer.viewerId, sessionId: viewer.sessionId, secret: '' };
  const referrer = {
    viewerId: others.referrer.viewerId,
    sessionId: others.referrer.sessionId,
    secret: '',
  };
  const receivers = [others.referrer, others.referee].map((s) => ({
    viewerId: s.viewerId,
    sessionId: s.sessionId,
  }));
  await insertReceipts(db, streamId, subject, receivers, {
    count: 4,
    byteLength: 100_000,
    creditedAt: now,
  });
  await insertReceipts(
    db,
    streamId,
    referrer,
    [{ viewerId: viewer.viewerId, sessionId: onDevice.sessionId }],
    {
      count: 3,
      byteLength: 50_000,
      creditedAt: now,
    },
  );
  await db
    .insertInto('pending_credits')
    .values([
      {
        session_id: viewer.sessionId,
        viewer_id: viewer.viewerId,
        bytes: 400_000,
        receipts: 4,
        credited_at: now,
      },
      {
        session_id: others.referrer.sessionId,
        viewer_id: others.referrer.viewerId,
        bytes: 150_000,
        receipts: 3,
        credited_at: now,
      },
    ])
    .execute();
  await db
    .insertInto('supporter_credits')
    .values([
      { viewer_id: viewer.viewerId, credited_bytes: 1_000_000, last_credited_at: now },
      { viewer_id: others.referrer.viewerId, credited_bytes: 2_000_000, last_credited_at: now },
    ])
    .execute();
  await db
    .insertInto('credit_bounds')
    .values({
      session_id: viewer.sessionId,
      stream_id: streamId,
      address_key: addressKeys(viewer.ip).address,
      uploaded_bytes: 400_000,
      first_uploaded_at: now,
    })
    .execute();
  await db
    .insertInto('challenges')
    .values({
      id: `c-${uuid()}`,
      session_id: viewer.sessionId,
      stream_id: streamId,
      rendition: 'r',
      sequence: 1,
      leaf_index: 0,
      issued_at: now,
      expires_at: new Date(now.getTime() + MINUTE),
      answered_at: now,
      passed: true,
      reason: null,
    })
    .execute();
  await insertHold(db, streamId, [subject], 'voided', now);
  const hour = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000);
  await db
    .insertInto('stream_supporter_hours')
    .values([
      {
        stream_id: streamId,
        bucket_start: hour,
        viewer_id: viewer.viewerId,
        bytes: 400_000,
        receipts: 4,
      },
      {
        stream_id: streamId,
        bucket_start: hour,
        viewer_id: others.referrer.viewerId,
        bytes: 150_000,
        receipts: 3,
      },
    ])
    .execute();
  for (const table of ['stream_metrics_minute', 'stream_metrics_hour'] as const) {
    await db
      .insertInto(table)
      .values({
        stream_id: streamId,
        bucket_start: hour,
        p2p_bytes: 550_000,
        cdn_bytes: 900_000,
        viewers: 3,
        supporters: 2,
      })
      .execute();
  }
  void streamerId;
}

/** A settled period line, ledger balances, a payout account and a payout of the subject. */
async function seedMoney(
  db: Kysely<DB>,
  viewerId: string,
  otherId: string,
  now: Date,
): Promise<void> {
  const periodId = `p-${uuid()}`;
  await db
    .insertInto('period_supporters')
    .values({
      period_id: periodId,
      viewer_id: viewerId,
      bytes: 400_000,
      chunks: 25,
      receipts: 4,
      reputation: 0.9,
      parts: '{}',
      base_micros: 25_000,
      uptime_bonus: 0,
      qos_multiplier: 1,
      cap_micros: 100_000,
      earnings_micros: 25_000,
      amount_micros: 25_000,
    })
    .execute();
  await db
    .insertInto('settlement_marks')
    .values({
      session_id: `s-${uuid()}`,
      stream_id: 'x',
      viewer_id: viewerId,
      settled_through: now,
      period_id: periodId,
    })
    .execute();
  await owe(db, 'supporter', viewerId, 25_000);
  await owe(db, 'supporter', otherId, 40_000);
  await payoutAccount(db, 'supporter', viewerId, 'test', `bank label of ${viewerId}`);
  // A payout as the payout service writes it: the row and its ledger transaction.
  const payoutId = uuid();
  await db
    .insertInto('payouts')
    .values({
      id: payoutId,
      payee_kind: 'supporter',
      payee_id: viewerId,
      account: supporterAccount(viewerId),
      provider: 'test',
      destination: `bank label of ${viewerId}`,
      amount_micros: 10_000,
      currency: 'usd',
      status: 'paid',
      idempotency_key: `payout:${payoutId}`,
      provider_ref: 'ref-1',
      error: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  await postTransaction(
    db,
    {
      kind: 'payout',
      idempotencyKey: `payout:${payoutId}`,
      currency: 'usd',
      memo: `supporter ${viewerId} via test`,
      payoutId,
      postings: [
        { account: supporterAccount(viewerId), amountMicros: 10_000 },
        { account: CASH, amountMicros: -10_000 },
      ],
    },
    now,
  );
}

/** A chat message and a mute of the subject, a system message and an event naming it. */
async function seedSocial(
  db: Kysely<DB>,
  streamId: string,
  streamerId: string,
  viewer: TestSession,
  displayName: string,
  now: Date,
): Promise<void> {
  await db
    .insertInto('chat_messages')
    .values([
      {
        id: uuid(),
        stream_id: streamId,
        kind: 'message',
        viewer_id: viewer.viewerId,
        address_key: addressKeys(viewer.ip).address,
        sender_name: displayName,
        sender_key: 'k-subject',
        text: `hello from ${displayName}`,
        created_at: now,
      },
      {
        id: uuid(),
        stream_id: streamId,
        kind: 'system',
        sender_key: 'squad_joined',
        text: communityText.squadJoined(displayName),
        created_at: now,
      },
    ])
    .execute();
  await db
    .insertInto('chat_mutes')
    .values({
      stream_id: streamId,
      viewer_id: viewer.viewerId,
      sender_key: 'k-subject',
      sender_name: displayName,
      until: new Date(now.getTime() + MINUTE),
      created_at: now,
    })
    .execute();
  await db
    .insertInto('community_events')
    .values({
      id: uuid(),
      key: `supporter:${streamId}:${viewer.viewerId}`,
      kind: 'supporter_joined',
      stream_id: streamId,
      streamer_id: streamerId,
      text: communityText.supporterJoined(displayName),
      data: JSON.stringify({ name: displayName }),
      created_at: now,
    })
    .execute();
}

/** The ledger's balance per account. */
export async function ledgerSums(db: Kysely<DB>): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('ledger_entries')
    .select(['account', sql<number>`sum(amount_micros)::bigint`.as('sum')])
    .groupBy('account')
    .execute();
  return new Map(rows.map((r) => [r.account, Number(r.sum)]));
}

/** Every text-like column of every table of the schema, from the database itself. */
export async function textColumns(
  db: Kysely<DB>,
): Promise<Array<{ table: string; column: string }>> {
  const { rows } = await sql<{ table: string; column: string }>`
    select c.table_name as "table", c.column_name as "column"
    from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = current_schema() and t.table_type = 'BASE TABLE'
      and c.data_type in ('text', 'character varying', 'character', 'uuid', 'json', 'jsonb')
    order by 1, 2`.execute(db);
  return rows;
}

/** Every table of the schema, from the database itself. */
export async function schemaTables(db: Kysely<DB>): Promise<string[]> {
  const { rows } = await sql<{ table: string }>`
    select table_name as "table" from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE'
    order by 1`.execute(db);
  return rows.map((r) => r.table);
}
