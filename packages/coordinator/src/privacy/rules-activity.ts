/**
 * The rules of what a viewer did while watching: sessions, receipts, credit, challenges, holds
 * and the supporter hours of analytics (`table-rules.ts`). Receipts and credit stay, under the
 * pseudonym, because other viewers' credit, the ledger and the streamer's figures were computed
 * from them and must not move; the sessions lose every address, key and secret.
 */
import { sql } from 'kysely';
import { changed, erasedMark, onePage, renamedViewerRule, type TableRule } from './table-rule.js';
import { SOCIAL_RULES } from './rules-social.js';

/** Receipts per export page: a long history streams instead of loading whole. */
const RECEIPT_PAGE = 1000;

export const ACTIVITY_RULES: Readonly<Record<string, TableRule>> = {
  challenges: {
    erasure: 'anonymise',
    why: 'found through the viewer sessions; holds a session id, a segment and the outcome, no identity of its own: kept for the session reputation other figures rest on, the session being anonymised',
    exportRows: (db, s) =>
      onePage(
        db
          .selectFrom('challenges')
          .selectAll()
          .where(
            'session_id',
            'in',
            db.selectFrom('sessions').select('id').where('viewer_id', '=', s.viewerId),
          )
          .orderBy('issued_at')
          .execute(),
      ),
  },
  credit_bounds: {
    erasure: 'anonymise',
    why: "found through the viewer sessions; the physical bounds of each session's credit stay, its address key is emptied",
    exportRows: (db, s) =>
      onePage(
        db
          .selectFrom('credit_bounds')
          .selectAll()
          .where(
            'session_id',
            'in',
            db.selectFrom('sessions').select('id').where('viewer_id', '=', s.viewerId),
          )
          .execute(),
      ),
    erase: async (trx, t) =>
      changed(
        await trx
          .updateTable('credit_bounds')
          .set({ address_key: '' })
          .where(
            'session_id',
            'in',
            trx.selectFrom('sessions').select('id').where('viewer_id', '=', t.viewerId),
          )
          .execute(),
      ),
  },
  receipts: {
    erasure: 'anonymise',
    why: "receipts the viewer signed (receiver) or was credited for (uploader): other viewers' credit, the ledger and the stream's analytics were computed from them, so they stay with the viewer id replaced by the pseudonym",
    async *exportRows(db, s) {
      let after = 0;
      for (;;) {
        const page = await db
          .selectFrom('receipts')
          .selectAll()
          .where((eb) =>
            eb.or([
              eb('receiver_viewer_id', '=', s.viewerId),
              eb('uploader_viewer_id', '=', s.viewerId),
            ]),
          )
          .where('id', '>', after)
          .orderBy('id')
          .limit(RECEIPT_PAGE)
          .execute();
        // The other party of each receipt is another viewer: its ids are not the viewer's data.
        if (page.length > 0) {
          yield page.map((r) =>
            r.uploader_viewer_id === s.viewerId
              ? { ...r, role: 'uploader', receiver_viewer_id: null, receiver_session_id: null }
              : { ...r, role: 'receiver', uploader_viewer_id: null, uploader_session_id: null },
          );
        }
        if (page.length < RECEIPT_PAGE) return;
        after = page[page.length - 1]!.id;
      }
    },
    erase: async (trx, t) =>
      changed([
        ...(await trx
          .updateTable('receipts')
          .set({ receiver_viewer_id: t.pseudonym })
          .where('receiver_viewer_id', '=', t.viewerId)
          .execute()),
        ...(await trx
          .updateTable('receipts')
          .set({ uploader_viewer_id: t.pseudonym })
          .where('uploader_viewer_id', '=', t.viewerId)
          .execute()),
      ]),
  },
  pending_credits: renamedViewerRule(
    'pending_credits',
    'credit not yet rolled up; the roll-up moves it to the (pseudonymised) supporter credit',
  ),
  supporter_credits: renamedViewerRule(
    'supporter_credits',
    'the viewer credited bytes: totals of the stream rest on it',
  ),
  trust_hold_sessions: renamedViewerRule(
    'trust_hold_sessions',
    "the viewer's sessions in a review hold: the hold still freezes or releases their credit",
  ),
  stream_supporter_hours: renamedViewerRule(
    'stream_supporter_hours',
    "the streamer's analytics roll-up of bytes per supporter and hour: its totals must not move",
    'bucket_start',
  ),
  viewer_points: {
    erasure: 'delete',
    why: "the viewer's points history: nothing of anyone else rests on it, and leaving it would keep the viewer on the points leaderboards",
    exportRows: (db, s) =>
      onePage(
        db
          .selectFrom('viewer_points')
          .selectAll()
          .where('viewer_id', '=', s.viewerId)
          .orderBy('id')
          .execute(),
      ),
    erase: async (trx, t) =>
      changed(await trx.deleteFrom('viewer_points').where('viewer_id', '=', t.viewerId).execute()),
  },
  point_balances: {
    erasure: 'delete',
    why: "the viewer's points balance and watch-time budget",
    exportRows: (db, s) =>
      onePage(
        db.selectFrom('point_balances').selectAll().where('viewer_id', '=', s.viewerId).execute(),
      ),
    erase: async (trx, t) =>
      changed(await trx.deleteFrom('point_balances').where('viewer_id', '=', t.viewerId).execute()),
  },
  ...SOCIAL_RULES,
  sessions: {
    erasure: 'anonymise',
    why: 'the viewer sessions: receipts, challenges and credit refer to them, so they stay under the pseudonym, ended, without address, keys, peer id, device or secret (so they no longer authenticate)',
    exportRows: (db, s) =>
      onePage(
        db
          .selectFrom('sessions')
          .selectAll()
          .where('viewer_id', '=', s.viewerId)
          .orderBy('created_at')
          .execute()
          .then((rows) => rows.map(({ secret_hash: _secret, ...row }) => row)),
      ),
    erase: async (trx, t) =>
      changed(
        await trx
          .updateTable('sessions')
          .set({
            viewer_id: t.pseudonym,
            // Unique columns: each row gets a value no secret hashes to and no peer announces.
            secret_hash: erasedMark('id'),
            peer_id: erasedMark('id'),
            public_key: '',
            ip: '',
            address_key: '',
            network_key: '',
            viewer_device_id: null,
            viewer_verified: false,
            ended_at: sql<Date>`coalesce(ended_at, ${t.now})`,
          })
          .where('viewer_id', '=', t.viewerId)
          .execute(),
      ),
  },
};
