/**
 * Export (issue 14, decision 45) on the real coordinator: a viewer with activity in every
 * feature downloads each kind of record about it, with any of its secrets; never a secret or
 * password hash; another viewer's secret, none, or a wrong admin key are refused.
 */
import { expect, it } from 'vitest';
import { TABLE_RULES } from '../src/privacy/table-rules.js';
import { describeWithDatabases } from './databases.js';
import { ADMIN_KEY, insertReceipts } from './economics-setup.js';
import { privacySetup } from './privacy-setup.js';

/** The tables whose export must hold at least one row of the populated viewer. */
const EXPECTED = [
  'sessions',
  'challenges',
  'credit_bounds',
  'receipts',
  'supporter_credits',
  'trust_hold_sessions',
  'stream_supporter_hours',
  'viewer_points',
  'point_balances',
  'follows',
  'squad_members',
  'chat_messages',
  'chat_mutes',
  'community_events',
  'referral_codes',
  'referrals',
  'referral_rewards',
  'settlement_marks',
  'period_supporters',
  'ledger_transactions',
  'ledger_entries',
  'payout_accounts',
  'payouts',
  'viewer_devices',
  'viewer_accounts',
  'sign_in_attempts',
  'viewers',
];

describeWithDatabases('privacy: export', (t) => {
  it('exports each kind of record of a viewer of every feature, to the viewer only', async () => {
    const p = await privacySetup(t);
    const { api, viewer, needles } = p;
    const path = `/api/viewers/${viewer.viewerId}/export`;

    // A history longer than an export page (1,000 receipts): it streams page by page.
    await insertReceipts(
      p.db,
      p.stream.streamId,
      { viewerId: viewer.viewerId, sessionId: viewer.sessionId, secret: '' },
      [{ viewerId: p.referee.viewerId, sessionId: p.referee.sessionId }],
      { count: 2_100, byteLength: 1_000, creditedAt: new Date(p.clock.now()) },
    );

    const res = await api.get(path, { token: viewer.sessionSecret });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const { tables } = res.body as { tables: Record<string, Array<Record<string, unknown>>> };
    expect(res.body.viewerId).toBe(viewer.viewerId);
    expect(Object.keys(tables).sort()).toEqual(
      Object.entries(TABLE_RULES)
        .filter(([, rule]) => rule.exportRows !== undefined)
        .map(([table]) => table)
        .sort(),
    );
    const empty = EXPECTED.filter((table) => (tables[table] ?? []).length === 0);
    expect(empty).toEqual([]);
    // Receipts it signed and receipts it was credited for.
    const receipts = tables.receipts!;
    expect(
      receipts.filter((r) => r.role === 'uploader' && r.uploader_viewer_id === viewer.viewerId),
    ).toHaveLength(2_104);
    expect(new Set(receipts.map((r) => r.id)).size).toBe(receipts.length);
    expect(
      receipts.filter((r) => r.role === 'receiver' && r.receiver_viewer_id === viewer.viewerId),
    ).toHaveLength(3);
    expect(tables.viewer_accounts![0]).toMatchObject({
      email: needles.email,
      display_name: needles.displayName,
    });
    expect(new Set(tables.referrals!.map((r) => r.role))).toEqual(new Set(['referee', 'referrer']));
    // Never a secret or a password hash, and never the referee's identity.
    const text = JSON.stringify(res.body);
    expect(text).not.toMatch(/secret_hash|password_hash/);
    expect(text).not.toContain(p.referee.viewerId);

    // The device's secret proves the viewer too, and so does the admin key.
    const byDevice = await api.get(path, { token: p.deviceSecret });
    expect(byDevice.status).toBe(200);
    expect(byDevice.body.tables.receipts).toHaveLength(2_107);
    const byAdmin = await api.get(`/api/admin/viewers/${viewer.viewerId}/export`, {
      token: ADMIN_KEY,
    });
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body.tables.payouts).toHaveLength(1);

    // Refused: no secret, another viewer's, an unverified session of the viewer, a wrong admin key.
    expect((await api.get(path)).status).toBe(401);
    expect((await api.get(path, { token: p.referrer.sessionSecret })).status).toBe(401);
    expect((await api.get(path, { token: 'not-a-secret' })).status).toBe(401);
    expect(
      (await api.get(`/api/admin/viewers/${viewer.viewerId}/export`, { token: 'nope' })).status,
    ).toBe(401);
    expect(
      (
        await api.get(`/api/admin/viewers/${viewer.viewerId}/export`, {
          token: viewer.sessionSecret,
        })
      ).status,
    ).toBe(401);
  });
});
