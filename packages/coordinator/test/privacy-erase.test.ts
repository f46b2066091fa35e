/**
 * Erasure (issue 14, decision 45) on the real coordinator: every table has a rule; after a
 * viewer with activity in every feature is erased, no text, uuid or JSON column of any table
 * holds its id, addresses, receipt keys, email or display name, while the ledger, other viewers'
 * balances and credit and the streamer's analytics are exactly as before.
 */
import { CHAT_PATH } from '@streamrp2p/protocol';
import { sql, type Kysely } from 'kysely';
import { io as connect } from 'socket.io-client';
import { expect, it } from 'vitest';
import { migrateToLatest, type DB } from '../src/index.js';
import { TABLE_RULES } from '../src/privacy/table-rules.js';
import { describeWithDatabases } from './databases.js';
import { ADMIN_KEY } from './economics-setup.js';
import {
  ledgerSums,
  privacySetup,
  schemaTables,
  textColumns,
  type Needles,
} from './privacy-setup.js';

/** Every (table, column, needle) where a row holds a needle. */
async function occurrences(db: Kysely<DB>, needles: Needles): Promise<string[]> {
  const all = [
    needles.viewerId,
    needles.email,
    needles.displayName,
    ...needles.ips,
    ...needles.addressKeys,
    ...needles.publicKeys,
  ];
  const found: string[] = [];
  for (const { table, column } of await textColumns(db)) {
    const hits = all.map((needle, i) =>
      sql<number>`count(*) filter (where position(${needle} in ${sql.ref(column)}::text) > 0)`.as(
        `n${i}`,
      ),
    );
    const row = (await db
      .selectFrom(sql.table(table).as('t'))
      .select(hits)
      .executeTakeFirstOrThrow()) as Record<string, number | string>;
    all.forEach((needle, i) => {
      if (Number(row[`n${i}`]) > 0) found.push(`${table}.${column}: ${needle}`);
    });
  }
  return found;
}

/** What must not move: other viewers' figures and the streamer's analytics. */
async function untouched(db: Kysely<DB>, others: string[], streamId: string) {
  return {
    balances: await db
      .selectFrom('point_balances')
      .select(['viewer_id', 'balance'])
      .where('viewer_id', 'in', others)
      .orderBy('viewer_id')
      .execute(),
    // Rolled up or still pending: the roll-up job may move credit between the two meanwhile.
    credit: await Promise.all(
      others.map(async (viewerId) => {
        const rolled = await db
          .selectFrom('supporter_credits')
          .select('credited_bytes')
          .where('viewer_id', '=', viewerId)
          .executeTakeFirst();
        const pending = await db
          .selectFrom('pending_credits')
          .select(sql<number>`coalesce(sum(bytes), 0)::bigint`.as('bytes'))
          .where('viewer_id', '=', viewerId)
          .executeTakeFirstOrThrow();
        return (rolled?.credited_bytes ?? 0) + Number(pending.bytes);
      }),
    ),
    minutes: await db
      .selectFrom('stream_metrics_minute')
      .selectAll()
      .where('stream_id', '=', streamId)
      .execute(),
    hours: await db
      .selectFrom('stream_metrics_hour')
      .selectAll()
      .where('stream_id', '=', streamId)
      .execute(),
    supporterHours: await db
      .selectFrom('stream_supporter_hours')
      .select([sql<number>`sum(bytes)::bigint`.as('bytes'), sql<number>`count(*)::int`.as('rows')])
      .where('stream_id', '=', streamId)
      .executeTakeFirstOrThrow()
      .then((r) => ({ bytes: Number(r.bytes), rows: Number(r.rows) })),
    receiptBytes: await db
      .selectFrom('receipts')
      .select(sql<number>`sum(byte_length)::bigint`.as('bytes'))
      .where('stream_id', '=', streamId)
      .executeTakeFirstOrThrow()
      .then((r) => Number(r.bytes)),
  };
}

describeWithDatabases('privacy: erasure', (t) => {
  it('has a rule for every table of the schema, and no rule for a table that is not there', async () => {
    await migrateToLatest(t.database.db);
    const tables = await schemaTables(t.database.db);
    expect(tables.filter((table) => TABLE_RULES[table] === undefined)).toEqual([]);
    expect(Object.keys(TABLE_RULES).filter((table) => !tables.includes(table))).toEqual([]);
    for (const [table, rule] of Object.entries(TABLE_RULES)) {
      expect(rule.why.length, table).toBeGreaterThan(10);
      expect(
        rule.erasure === 'no-viewer-data' ||
          rule.erase !== undefined ||
          rule.exportRows !== undefined,
        table,
      ).toBe(true);
    }
  });

  it('erases a viewer of every feature across every table and moves no other figure', async () => {
    const p = await privacySetup(t);
    const { api, db, needles, viewer } = p;
    const others = [p.referrer.viewerId, p.referee.viewerId];
    // The population does name the viewer everywhere the scan looks.
    const before = await occurrences(db, needles);
    for (const needle of [
      needles.viewerId,
      needles.email,
      needles.displayName,
      ...needles.ips,
      ...needles.publicKeys,
    ]) {
      expect(
        before.filter((hit) => hit.endsWith(`: ${needle}`)),
        needle,
      ).not.toEqual([]);
    }
    const ledgerBefore = await ledgerSums(db);
    const figuresBefore = await untouched(db, others, p.stream.streamId);

    // A chat socket of the viewer, welcomed before the erasure.
    const socket = connect(p.url, {
      path: CHAT_PATH,
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      auth: { streamId: p.stream.streamId, sessionSecret: viewer.sessionSecret },
    });
    await new Promise((resolve, reject) => {
      socket.once('welcome', resolve);
      socket.once('connect_error', reject);
    });
    const disconnected = new Promise((resolve) => socket.once('disconnect', resolve));

    expect((await api.post(`/api/viewers/${viewer.viewerId}/erasure`)).status).toBe(401);
    expect(
      (
        await api.post(`/api/viewers/${viewer.viewerId}/erasure`, undefined, {
          token: p.referrer.sessionSecret,
        })
      ).status,
    ).toBe(401);
    const erased = await api.post(`/api/viewers/${viewer.viewerId}/erasure`, undefined, {
      token: viewer.sessionSecret,
    });
    expect(erased.status, JSON.stringify(erased.body)).toBe(200);
    expect(erased.body.status).toBe('erased');
    expect(erased.body.rows).toBeGreaterThan(20);

    await disconnected;
    socket.close();
    expect(await occurrences(db, needles)).toEqual([]);

    // The ledger: the viewer's account renamed, every sum as it was.
    const ledgerAfter = await ledgerSums(db);
    const account = `supporter:${viewer.viewerId}`;
    const renamed = [...ledgerAfter.keys()].filter((a) => !ledgerBefore.has(a));
    expect(renamed).toHaveLength(1);
    expect(renamed[0]).toMatch(/^supporter:erased-/);
    expect(ledgerAfter.get(renamed[0]!)).toBe(ledgerBefore.get(account));
    ledgerBefore.delete(account);
    ledgerAfter.delete(renamed[0]!);
    expect(ledgerAfter).toEqual(ledgerBefore);
    expect(await untouched(db, others, p.stream.streamId)).toEqual(figuresBefore);
    const payout = await db.selectFrom('payouts').selectAll().executeTakeFirstOrThrow();
    expect(payout).toMatchObject({
      amount_micros: 10_000,
      provider_ref: 'ref-1',
      status: 'paid',
      destination: '',
    });

    // The viewer's sessions and device no longer prove anything.
    for (const token of [viewer.sessionSecret, p.onDevice.sessionSecret, p.deviceSecret]) {
      expect((await api.get(`/api/viewers/${viewer.viewerId}/export`, { token })).status).toBe(401);
    }
    expect(
      (await api.get(`/api/sessions/${viewer.sessionId}`, { token: viewer.sessionSecret })).status,
    ).toBeGreaterThanOrEqual(400);

    // A repeat answers from the record, the viewer's or the admin's.
    const again = await api.post(`/api/viewers/${viewer.viewerId}/erasure`, undefined, {
      token: viewer.sessionSecret,
    });
    expect(again.body).toEqual({
      status: 'already_erased',
      rows: 0,
      erasedAt: erased.body.erasedAt,
    });
    const admin = await api.post(`/api/admin/viewers/${viewer.viewerId}/erasure`, undefined, {
      token: ADMIN_KEY,
    });
    expect(admin.body).toMatchObject({ status: 'already_erased', rows: 0 });
    const row = await db.selectFrom('erasures').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ requested_by: 'viewer', rows: erased.body.rows, requests: 2 });
    expect(JSON.stringify(row)).not.toContain(viewer.viewerId);
  });

  it('erases through the admin key once under concurrent requests', async () => {
    const p = await privacySetup(t);
    const target = p.referrer.viewerId;
    const path = `/api/admin/viewers/${target}/erasure`;
    expect((await p.api.post(path, undefined, { token: 'not-the-key' })).status).toBe(401);
    const answers = await Promise.all(
      [1, 2, 3].map(() => p.api.post(path, undefined, { token: ADMIN_KEY })),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(answers.map((a) => a.body.status as string).sort()).toEqual([
      'already_erased',
      'already_erased',
      'erased',
    ]);
    expect(
      await p.db.selectFrom('sessions').where('viewer_id', '=', target).select('id').execute(),
    ).toEqual([]);
  });
});
