import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Referrals and share links (issue 13, decision 43).
 *
 * - `referral_codes`: each viewer's and each streamer's stable code, made on first ask; exactly
 *   one of `viewer_id` and `streamer_id` is set, and each has one code.
 * - `referrals`: a referee that arrived through a viewer's code. A new viewer id first seen
 *   through a share link (`?ref=CODE`) gets one row of each of the kinds `share` (with the
 *   stream), `viewer` and `supporter`; a streamer that signed up with a viewer's code gets one
 *   `streamer` row. A viewer is referee of at most one row per kind, a streamer of one `streamer`
 *   row, whoever asks and however often (partial unique indexes). `qualified_at` is when the
 *   reward's condition was met; `refusal` why the row will never pay (self-referral, a network
 *   that already brought this referrer a referee); the referee's address and network keys are
 *   those of its first session (or the streamer's sign-up).
 * - `referral_rewards`: each reward paid, one row per referral, kind and scope (`''` for a
 *   one-off reward, the period id for the 1% streamer share): the unique key that makes every
 *   reward exactly once, also under concurrent requests and repeated jobs.
 * - `streamer_referrals`: a streamer that signed up with another streamer's code (attribution
 *   only: no rule pays for it).
 * - `period_supporters.referral_boost`: the supporter-referral boost a period line was paid
 *   with (0 or 0.1), so statements show it.
 */
export const referralsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('referral_codes')
      .addColumn('code', 'text', (c) => c.primaryKey())
      .addColumn('viewer_id', 'text', (c) => c.unique())
      .addColumn('streamer_id', 'text', (c) => c.unique())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addCheckConstraint(
        'referral_codes_one_owner',
        sql`(viewer_id is null) <> (streamer_id is null)`,
      )
      .execute();

    await db.schema
      .createTable('referrals')
      .addColumn('id', 'text', (c) => c.primaryKey())
      // 'share' | 'viewer' | 'supporter' | 'streamer'
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('code', 'text', (c) => c.notNull())
      .addColumn('referrer_viewer_id', 'text', (c) => c.notNull())
      .addColumn('referee_viewer_id', 'text')
      .addColumn('referee_streamer_id', 'text')
      .addColumn('stream_id', 'text')
      .addColumn('referee_address_key', 'text', (c) => c.notNull())
      .addColumn('referee_network_key', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addColumn('qualified_at', 'timestamptz')
      .addColumn('refusal', 'text')
      .execute();
    await db.schema
      .createIndex('referrals_referee_viewer_idx')
      .on('referrals')
      .columns(['referee_viewer_id', 'kind'])
      .unique()
      .where(sql.ref('referee_viewer_id'), 'is not', null)
      .execute();
    await db.schema
      .createIndex('referrals_referee_streamer_idx')
      .on('referrals')
      .column('referee_streamer_id')
      .unique()
      .where(sql.ref('referee_streamer_id'), 'is not', null)
      .execute();
    await db.schema
      .createIndex('referrals_referrer_idx')
      .on('referrals')
      .columns(['referrer_viewer_id', 'kind', 'created_at'])
      .execute();

    await db.schema
      .createTable('referral_rewards')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('referral_id', 'text', (c) => c.notNull().references('referrals.id'))
      // 'share_points' | 'referrer_points' | 'referee_points' | 'referrer_boost' |
      // 'referee_boost' | 'streamer_revenue'
      .addColumn('kind', 'text', (c) => c.notNull())
      // '' for a one-off reward; the period id for the streamer share of each period.
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('viewer_id', 'text', (c) => c.notNull())
      .addColumn('points', 'integer')
      .addColumn('amount_micros', 'bigint')
      .addColumn('boost_from', 'timestamptz')
      .addColumn('boost_until', 'timestamptz')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addUniqueConstraint('referral_rewards_once', ['referral_id', 'kind', 'scope'])
      .execute();
    await db.schema
      .createIndex('referral_rewards_viewer_idx')
      .on('referral_rewards')
      .columns(['viewer_id', 'kind'])
      .execute();

    await db.schema
      .createTable('streamer_referrals')
      .addColumn('referee_streamer_id', 'text', (c) => c.primaryKey())
      .addColumn('referrer_streamer_id', 'text', (c) => c.notNull())
      .addColumn('code', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('streamer_referrals_referrer_idx')
      .on('streamer_referrals')
      .columns(['referrer_streamer_id', 'created_at'])
      .execute();

    await db.schema
      .alterTable('period_supporters')
      .addColumn('referral_boost', 'float8', (c) => c.notNull().defaultTo(0))
      .execute();
  },
};
