/**
 * Referral farming (issue 13 under issue 10's standard): no referral pays above the honest rate.
 * Self-referral from the referrer's address, network or device pays nothing; a farm of fresh
 * viewer ids that never watch pays nothing, and one that watches from one network pays one
 * referee's worth; points from referrals never count toward a referee's own 100; a streamer
 * referring itself through its own viewer id gets no revenue share; a share link opened again
 * and again by one new viewer pays once.
 */
import { expect, it } from 'vitest';
import { ledgerImbalance } from '../src/ledger/ledger.js';
import { uuid } from '../src/util/crypto.js';
import { describeWithDatabases } from './databases.js';
import { ADMIN_KEY, DAY, HOUR, MINUTE } from './economics-setup.js';
import { receiptKeys } from './fixtures.js';
import { networkIp } from './points-setup.js';
import {
  arrive,
  balanceOf,
  PASSWORD,
  referralSetup,
  referralsOf,
  signUpWith,
  watch,
} from './referral-setup.js';

/** Another host on the same /24 as `ip`. */
const neighbour = (ip: string, host = 99) => ip.replace(/\.\d+$/, `.${host}`);

describeWithDatabases('referral farming', (t) => {
  it("pays nothing for referees on the referrer's address, network or device", async () => {
    const { api, clock, stream, sharer } = await referralSetup(t);
    const { code } = await referralsOf(api, sharer);
    const before = await balanceOf(api, sharer.viewerId);
    const keys = await receiptKeys();
    // The sharer's device, first seen elsewhere with the sharer's id.
    const device = await arrive(api, stream.streamId, code, {
      viewerId: sharer.viewerId,
      viewerSecret: sharer.viewerSecret!,
      publicKey: keys.publicKey,
    });
    await api.delete(`/api/sessions/${device.sessionId}`, { token: device.sessionSecret });
    const farm = [
      await arrive(api, stream.streamId, code, { ip: sharer.ip }),
      await arrive(api, stream.streamId, code, { ip: neighbour(sharer.ip) }),
      await arrive(api, stream.streamId, code, { publicKey: keys.publicKey }),
    ];
    clock.advance(200 * MINUTE);
    for (const referee of farm) {
      await watch(api, referee, 3600);
      await watch(api, referee, 3600);
    }
    expect(await balanceOf(api, sharer.viewerId)).toBe(before);
    const rows = (await referralsOf(api, sharer)).referrals;
    expect(rows).toHaveLength(9);
    expect(rows.every((r) => r.status === 'refused' && r.rewards.length === 0)).toBe(true);
    expect(new Set(rows.map((r) => r.refusal))).toEqual(new Set(['same_network', 'same_device']));
    // A referee that moves onto the sharer's network after arriving is caught when it qualifies.
    const mover = await arrive(api, stream.streamId, code);
    const moved = await arrive(api, stream.streamId, code, {
      ip: neighbour(sharer.ip, 77),
      viewerId: mover.viewerId,
      viewerSecret: mover.viewerSecret!,
    });
    clock.advance(MINUTE);
    await watch(api, moved, 60);
    expect(await balanceOf(api, sharer.viewerId)).toBe(before);
    expect((await referralsOf(api, mover)).referrals.find((r) => r.kind === 'share')).toMatchObject(
      {
        status: 'refused',
        refusal: 'same_network',
      },
    );
  });

  it('pays nothing for fresh viewer ids that never watch, and one referee per network for a farm that does', async () => {
    const { api, clock, stream, sharer } = await referralSetup(t);
    const { code } = await referralsOf(api, sharer);
    const before = await balanceOf(api, sharer.viewerId);
    const farmIp = networkIp();
    const idle = await Promise.all(
      Array.from({ length: 10 }, () => arrive(api, stream.streamId, code, { ip: farmIp })),
    );
    clock.advance(10 * MINUTE);
    expect(await balanceOf(api, sharer.viewerId)).toBe(before);
    // They watch, from the one network: one share (a day per stream) and one viewer referral.
    clock.advance(200 * MINUTE);
    for (const referee of idle.slice(0, 4)) {
      await watch(api, referee, 3600);
      await watch(api, referee, 3600);
    }
    expect(await balanceOf(api, sharer.viewerId)).toBe(before + 50 + 500);
    const viewerRows = (await referralsOf(api, sharer)).referrals.filter(
      (r) => r.kind === 'viewer' && r.status !== 'pending',
    );
    expect(viewerRows.map((r) => r.refusal ?? 'paid').sort()).toEqual([
      'network_taken',
      'network_taken',
      'network_taken',
      'paid',
    ]);
    // The next day a new network's referee pays the share again; the farm's network never.
    clock.advance(DAY);
    const honest = await arrive(api, stream.streamId, code);
    clock.advance(MINUTE);
    await watch(api, honest, 60);
    expect(await balanceOf(api, sharer.viewerId)).toBe(before + 50 + 500 + 50);
  });

  it("never counts a referee's points from referrals toward its own 100", async () => {
    const { api, clock, stream, sharer } = await referralSetup(t);
    const { code } = await referralsOf(api, sharer);
    const middle = await arrive(api, stream.streamId, code);
    clock.advance(60 * MINUTE);
    expect(await watch(api, middle, 3600)).toBe(60);
    // The middle viewer brings its own referee, which watches: 50 (share) to the middle.
    const { code: middleCode } = await referralsOf(api, middle);
    const last = await arrive(api, stream.streamId, middleCode);
    clock.advance(MINUTE);
    await watch(api, last, 60);
    expect(await balanceOf(api, middle.viewerId)).toBe(110);
    const sharerBefore = await balanceOf(api, sharer.viewerId);
    await watch(api, middle, 60);
    // 111 points, 61 of its own: the sharer's viewer referral waits.
    expect(await balanceOf(api, sharer.viewerId)).toBe(sharerBefore);
    expect(
      (await referralsOf(api, middle)).referrals.find(
        (r) => r.role === 'referee' && r.kind === 'viewer',
      ),
    ).toMatchObject({ status: 'pending' });
    clock.advance(39 * MINUTE);
    await watch(api, middle, 39 * 60);
    expect(await balanceOf(api, sharer.viewerId)).toBe(sharerBefore + 500);
  });

  it('pays a streamer referring itself through its own viewer id nothing', async () => {
    const { api, clock, sharer, coordinator } = await referralSetup(t);
    const db = coordinator.db;
    const { code } = await referralsOf(api, sharer);
    // Signing up from the viewer's network: refused at once.
    const home = await signUpWith(api, code, neighbour(sharer.ip, 42));
    // From elsewhere, then signing in from the viewer's network: refused at the close.
    const away = await signUpWith(api, code);
    const signIn = await api.post(
      '/api/auth/sign-in',
      { email: away.email, password: PASSWORD },
      { ip: neighbour(sharer.ip, 43) },
    );
    expect(signIn.status).toBe(200);
    const t0 = clock.now();
    for (const streamerId of [home.streamerId, away.streamerId]) {
      const streamId = `self-${uuid()}`;
      const now = new Date(t0);
      await db
        .insertInto('streams')
        .values({
          id: streamId,
          streamer_id: streamerId,
          hls_url: 'http://127.0.0.1:9/live.m3u8',
          title: 'self',
          created_at: now,
          updated_at: now,
          deleted_at: null,
        })
        .execute();
      const admin = { token: ADMIN_KEY };
      const tip = await api.post(
        `/api/streams/${streamId}/revenue`,
        {
          kind: 'tip',
          amountMicros: 1_000_000,
          currency: 'usd',
          occurredAt: new Date(t0 + MINUTE).toISOString(),
        },
        admin,
      );
      expect(tip.status).toBe(201);
      clock.advance(2 * HOUR);
      const closed = await api.post(
        `/api/streams/${streamId}/periods`,
        { endsAt: new Date(t0 + HOUR).toISOString() },
        admin,
      );
      expect(closed.status).toBe(201);
    }
    const paid = await db
      .selectFrom('ledger_transactions')
      .select('id')
      .where('kind', '=', 'referral')
      .execute();
    expect(paid).toEqual([]);
    const rows = (await referralsOf(api, sharer)).referrals.filter((r) => r.kind === 'streamer');
    expect(rows.map((r) => [r.status, r.refusal])).toEqual([
      ['refused', 'same_network'],
      ['refused', 'same_network'],
    ]);
    const payouts = await db
      .selectFrom('referral_rewards')
      .select('id')
      .where('viewer_id', '=', sharer.viewerId)
      .where('kind', '=', 'streamer_revenue')
      .execute();
    expect(payouts).toEqual([]);
    expect(await ledgerImbalance(db)).toEqual({ unbalanced: [], total: 0 });
  });

  it('pays once for a share link opened again and again by one new viewer, also concurrently', async () => {
    const { api, clock, stream, sharer, coordinator } = await referralSetup(t);
    const { code } = await referralsOf(api, sharer);
    const before = await balanceOf(api, sharer.viewerId);
    // Six first sessions of one client-made viewer id at once: one creates it.
    const viewerId = uuid();
    const ip = networkIp();
    const opened = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const keys = await receiptKeys();
        return api.post(
          '/api/sessions',
          { streamId: stream.streamId, publicKey: keys.publicKey, viewerId, referralCode: code },
          { ip },
        );
      }),
    );
    expect(opened.map((r) => r.status)).toEqual(opened.map(() => 201));
    const first = opened.find((r) => r.body.viewerSecret !== undefined)!;
    const referee = { ...first.body, streamId: stream.streamId, ip };
    // And again, with its secret, three more times (the address's live sessions cap is 10).
    for (let i = 0; i < 3; i++) {
      await arrive(api, stream.streamId, code, {
        ip,
        viewerId,
        viewerSecret: first.body.viewerSecret,
      });
    }
    const rows = await coordinator.db
      .selectFrom('referrals')
      .select('kind')
      .where('referee_viewer_id', '=', viewerId)
      .execute();
    expect(rows.map((r) => r.kind).sort()).toEqual(['share', 'supporter', 'viewer']);
    clock.advance(MINUTE);
    await Promise.all(Array.from({ length: 10 }, () => watch(api, referee, 60)));
    clock.advance(MINUTE);
    await watch(api, referee, 60);
    expect(await balanceOf(api, sharer.viewerId)).toBe(before + 50);
  });
});
