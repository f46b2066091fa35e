/**
 * Referrals and share links (issue 13, decision 43) on the real coordinator: each rule pays
 * exactly once, also under 10 concurrent requests and two concurrent closes; the streamer's 1%
 * appears as balanced ledger entries once per period; the supporter boost shows in earnings for
 * 30 days and not after.
 */
import { REFERRAL_CODE_PATTERN } from '@streamrp2p/protocol/api-schemas';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { ledgerImbalance } from '../src/ledger/ledger.js';
import { viewerKey } from '../src/privacy/pseudonyms.js';
import { uuid } from '../src/util/crypto.js';
import { describeWithDatabases } from './databases.js';
import {
  ADMIN_KEY,
  DAY,
  HOUR,
  insertReceipts,
  insertReceivers,
  insertSupporter,
  MINUTE,
} from './economics-setup.js';
import { networkIp } from './points-setup.js';
import {
  arrive,
  balanceOf,
  referralSetup,
  referralsOf,
  signUpWith,
  watch,
} from './referral-setup.js';

describeWithDatabases('referrals', (t) => {
  it('gives a viewer a stable code; a new viewer through it pays the sharer 50 once it watched a minute, once under 10 concurrent heartbeats', async () => {
    const { api, clock, stream, sharer } = await referralSetup(t);
    const mine = await referralsOf(api, sharer);
    expect(mine.code).toMatch(new RegExp(REFERRAL_CODE_PATTERN));
    expect(mine.code).not.toContain(sharer.viewerId);
    expect((await referralsOf(api, sharer)).code).toBe(mine.code);
    expect(mine.referrals).toEqual([]);
    const anonymous = await api.get(`/api/viewers/${sharer.viewerId}/referrals`);
    expect(anonymous.status).toBe(401);

    // An unknown code opens a session and records nothing; a malformed one is refused.
    await arrive(api, stream.streamId, 'ZZZZZZZZ');
    const bad = await api.post(
      '/api/sessions',
      { streamId: stream.streamId, publicKey: sharer.peerId, referralCode: 'no!' },
      { ip: networkIp() },
    );
    expect(bad.status).toBe(400);

    const before = await balanceOf(api, sharer.viewerId);
    const referee = await arrive(api, stream.streamId, mine.code.toLowerCase());
    const opened = await referralsOf(api, sharer);
    expect(opened.referrals.map((r) => [r.kind, r.role, r.status]).sort()).toEqual([
      ['share', 'referrer', 'pending'],
      ['supporter', 'referrer', 'pending'],
      ['viewer', 'referrer', 'pending'],
    ]);
    // The referee sees its side, without the referrer's id.
    const theirs = await referralsOf(api, referee);
    expect(theirs.referrals.every((r) => r.role === 'referee')).toBe(true);
    expect(JSON.stringify(theirs)).not.toContain(sharer.viewerId);

    clock.advance(30_000);
    await watch(api, referee, 30);
    expect(await balanceOf(api, sharer.viewerId)).toBe(before);
    clock.advance(30_000);
    // Ten heartbeats at once: one carries the referee past the minute, all ten check.
    await Promise.all(Array.from({ length: 10 }, () => watch(api, referee, 30)));
    expect(await balanceOf(api, sharer.viewerId)).toBe(before + 50);
    const share = (await referralsOf(api, sharer)).referrals.find((r) => r.kind === 'share')!;
    expect(share).toMatchObject({ status: 'qualified', refusal: null });
    expect(share.rewards).toMatchObject([{ kind: 'share_points', points: 50 }]);
    clock.advance(60_000);
    await watch(api, referee, 60);
    expect(await balanceOf(api, sharer.viewerId)).toBe(before + 50);
  });

  it('pays 500 points to referrer and referee once the referee has 100 of its own, once under 10 concurrent heartbeats', async () => {
    const { api, clock, stream, sharer, coordinator } = await referralSetup(t);
    const { code } = await referralsOf(api, sharer);
    const referee = await arrive(api, stream.streamId, code);
    clock.advance(100 * MINUTE);
    expect(await watch(api, referee, 3600)).toBe(60);
    const before = await balanceOf(api, sharer.viewerId);
    // 39 more minutes: 99 points of its own, not yet.
    await watch(api, referee, 39 * 60);
    expect(await balanceOf(api, referee.viewerId)).toBe(99);
    expect(
      (await referralsOf(api, referee)).referrals.find((r) => r.kind === 'viewer'),
    ).toMatchObject({ status: 'pending' });
    await Promise.all(Array.from({ length: 10 }, () => watch(api, referee, 60)));
    expect(await balanceOf(api, referee.viewerId)).toBe(100 + 500);
    // The sharer also got its share (the referee watched a minute long ago).
    expect(await balanceOf(api, sharer.viewerId)).toBe(before + 500);
    const rewards = await coordinator.db
      .selectFrom('referral_rewards')
      .select(['kind', 'viewer_id', 'points'])
      .where('kind', 'in', ['referrer_points', 'referee_points'])
      .where('viewer_id', 'in', [sharer.viewerId, referee.viewerId])
      .orderBy('kind')
      .execute();
    expect(rewards).toEqual([
      { kind: 'referee_points', viewer_id: referee.viewerId, points: 500 },
      { kind: 'referrer_points', viewer_id: sharer.viewerId, points: 500 },
    ]);
    const mine = (await referralsOf(api, referee)).referrals.find((r) => r.kind === 'viewer')!;
    expect(mine).toMatchObject({ status: 'qualified', rewards: [{ kind: 'referee_points' }] });
  });

  it("pays the referring viewer 1% of a signed-up streamer's revenue as ledger entries, once per period, also under two concurrent closes", async () => {
    const { api, clock, sharer, coordinator } = await referralSetup(t);
    const db = coordinator.db;
    const { code } = await referralsOf(api, sharer);
    const referred = await signUpWith(api, code);
    const streamId = `referred-${uuid()}`;
    const now = new Date(clock.now());
    await db
      .insertInto('streams')
      .values({
        id: streamId,
        streamer_id: referred.streamerId,
        hls_url: 'http://127.0.0.1:9/live.m3u8',
        title: 'referred',
        created_at: now,
        updated_at: now,
        deleted_at: null,
      })
      .execute();
    const admin = { token: ADMIN_KEY };
    const revenue = (amountMicros: number, at: number) =>
      api.post(
        `/api/streams/${streamId}/revenue`,
        { kind: 'tip', amountMicros, currency: 'usd', occurredAt: new Date(at).toISOString() },
        admin,
      );
    const close = (endsAt: number) =>
      api.post(
        `/api/streams/${streamId}/periods`,
        { endsAt: new Date(endsAt).toISOString() },
        admin,
      );

    const t0 = clock.now();
    expect((await revenue(1_000_000, t0 + MINUTE)).status).toBe(201);
    clock.advance(2 * HOUR);
    const closes = await Promise.all([close(t0 + HOUR), close(t0 + HOUR)]);
    expect(closes.map((c) => c.status).sort()).toEqual([200, 201]);
    expect((await close(t0 + HOUR)).status).toBe(200);
    expect((await revenue(2_500_000, t0 + HOUR + MINUTE)).status).toBe(201);
    expect((await close(t0 + 90 * MINUTE)).status).toBe(201);

    const referralEntries = await db
      .selectFrom('ledger_entries as e')
      .innerJoin('ledger_transactions as tx', 'tx.id', 'e.transaction_id')
      .select(['tx.period_id', 'e.account', 'e.amount_micros'])
      .where('tx.kind', '=', 'referral')
      .where('e.account', '=', `supporter:${sharer.viewerId}`)
      .execute();
    expect(referralEntries.map((e) => Number(e.amount_micros)).sort((a, b) => a - b)).toEqual([
      -25_000, -10_000,
    ]);
    expect(new Set(referralEntries.map((e) => e.period_id)).size).toBe(2);
    expect(await ledgerImbalance(db)).toEqual({ unbalanced: [], total: 0 });

    const byStreamer = await api.get(`/api/streamers/${referred.streamerId}/referrals`, {
      headers: { cookie: referred.cookie },
    });
    expect(byStreamer.status, JSON.stringify(byStreamer.body)).toBe(200);
    expect(byStreamer.body.referredBy).toEqual({ kind: 'viewer', revenueShareMicros: 35_000 });
    const byViewer = (await referralsOf(api, sharer)).referrals.find((r) => r.kind === 'streamer')!;
    expect(byViewer.status).toBe('qualified');
    expect(byViewer.rewards.map((r) => r.amountMicros!).sort((a, b) => a - b)).toEqual([
      10_000, 25_000,
    ]);

    // A streamer's own code: attribution only, listed on its referrals.
    const ownCode = byStreamer.body.code as string;
    const second = await signUpWith(api, ownCode);
    const listed = await api.get(`/api/streamers/${referred.streamerId}/referrals`, {
      headers: { cookie: referred.cookie },
    });
    expect(listed.body.referredStreamers.map((s: { streamerId: string }) => s.streamerId)).toEqual([
      second.streamerId,
    ]);
  });

  it('boosts both supporters of a supporter referral by 10% from the close after the referee first earns, for 30 days', async () => {
    const { api, clock, stream, sharer, coordinator, streamer } = await referralSetup(t, {
      earningsMicrosPerKiloChunk: 1_000_000,
      // Caps far above these earnings: only the boost differs between lines.
      monthlyCapNewMicros: 1_000_000_000,
      monthlyCapMatureMicros: 1_000_000_000,
    });
    const db = coordinator.db;
    const streamId = stream.streamId;
    const { code } = await referralsOf(api, sharer);
    const referee = await arrive(api, streamId, code);
    const start = clock.now();
    const first = new Date(start - 100 * DAY);
    const receivers = await insertReceivers(db, streamId, new Date(start));
    const supporter = (viewerId?: string) =>
      insertSupporter(db, streamId, {
        firstSessionAt: first,
        passed: 398,
        ...(viewerId ? { viewerId } : {}),
      });
    const referrer = await supporter(sharer.viewerId);
    const refereeRow = await supporter(referee.viewerId);
    const control = await supporter();
    // The seeded sessions share one placeholder key: give each its own device.
    await sql`update sessions set public_key = 'key-' || id where public_key = 'unused'`.execute(
      db,
    );
    const serve = async (at: number) => {
      for (const s of [referrer, refereeRow, control]) {
        await insertReceipts(db, streamId, s, receivers, {
          count: 10,
          byteLength: 1_638_400,
          creditedAt: new Date(at),
        });
      }
    };
    const admin = { token: ADMIN_KEY };
    const boostsAt = async (endsAt: number) => {
      clock.advance(endsAt + 2 * MINUTE - clock.now());
      const closed = await api.post(
        `/api/streams/${streamId}/periods`,
        { endsAt: new Date(endsAt).toISOString() },
        admin,
      );
      expect(closed.status, JSON.stringify(closed.body)).toBe(201);
      const detail = await api.get(`/api/streams/${streamId}/periods/${closed.body.periodId}`, {
        token: streamer.apiKey,
      });
      const lines = detail.body.supporterLines as Array<{
        viewerKey: string;
        referralBoost: number;
        earningsMicros: number;
        baseMicros: number;
        uptimeBonus: number;
        qosMultiplier: number;
      }>;
      // Every line's earnings are the formula's, with its boost (to the micro-unit).
      for (const l of lines) {
        const formula =
          l.baseMicros * (1 + l.uptimeBonus) * l.qosMultiplier * (1 + l.referralBoost);
        expect(Math.abs(l.earningsMicros - formula)).toBeLessThanOrEqual(2);
      }
      const { value: salt } = await db
        .selectFrom('privacy_settings')
        .select('value')
        .executeTakeFirstOrThrow();
      const of = (id: string) => lines.find((l) => l.viewerKey === viewerKey(salt, id))!;
      return {
        referrer: of(sharer.viewerId),
        referee: of(referee.viewerId),
        control: of(control.viewerId),
      };
    };

    await serve(start + MINUTE);
    const p1 = await boostsAt(start + HOUR);
    expect([p1.referrer.referralBoost, p1.referee.referralBoost]).toEqual([0, 0]);
    expect(
      (await referralsOf(api, referee)).referrals.find((r) => r.kind === 'supporter'),
    ).toMatchObject({ status: 'qualified' });

    await serve(start + DAY);
    const p2 = await boostsAt(start + 2 * DAY);
    expect([p2.referrer.referralBoost, p2.referee.referralBoost, p2.control.referralBoost]).toEqual(
      [0.1, 0.1, 0],
    );
    const statement = await api.get(`/api/viewers/${sharer.viewerId}/statements`, {
      token: sharer.sessionSecret,
    });
    expect(statement.body.lines[0]).toMatchObject({ referralBoost: 0.1 });

    // The boost runs 30 days from the first close's end: a close 31 days later pays none.
    await serve(start + 30 * DAY);
    const p3 = await boostsAt(start + HOUR + 30 * DAY + MINUTE);
    expect([p3.referrer.referralBoost, p3.referee.referralBoost]).toEqual([0, 0]);
    expect(await ledgerImbalance(db)).toEqual({ unbalanced: [], total: 0 });
  });
});
