/**
 * The rules of the viewer's social life: follows, squads, chat, community events and referrals
 * (`table-rules.ts`).
 */
import { sql } from 'kysely';
import { communityText } from '../community/community-text.js';
import { changed, onePage, renamedViewerRule, type TableRule } from './table-rule.js';

/** `supporter:<stream>:<viewer>`, the key of a supporter-joined event (`social-proof.ts`). */
const supporterKey = (viewer: string) => sql<string>`'supporter:' || stream_id || ':' || ${viewer}`;
/** `squad:<streamer>:<viewer>:`, the key of a squad-joined event before its day (`squads.ts`). */
const squadKeyStart = (viewer: string) =>
  sql<string>`'squad:' || streamer_id || ':' || ${viewer} || ':'`;
/** The day at the end of a squad key: `YYYY-MM-DD`. */
const DAY_LENGTH = 10;

const ANONYMOUS_EVENT_TEXT = {
  supporter_joined: communityText.supporterJoined(null),
  squad_joined: communityText.squadJoined(null),
} as const;

export const SOCIAL_RULES: Readonly<Record<string, TableRule>> = {
  follows: {
    erasure: 'delete',
    why: 'the streamers the viewer follows: its own choice, nobody else rests on it',
    exportRows: (db, s) =>
      onePage(db.selectFrom('follows').selectAll().where('viewer_id', '=', s.viewerId).execute()),
    erase: async (trx, t) =>
      changed(await trx.deleteFrom('follows').where('viewer_id', '=', t.viewerId).execute()),
  },
  squad_members: {
    erasure: 'delete',
    why: 'the support squads the viewer joined',
    exportRows: (db, s) =>
      onePage(
        db.selectFrom('squad_members').selectAll().where('viewer_id', '=', s.viewerId).execute(),
      ),
    erase: async (trx, t) =>
      changed(await trx.deleteFrom('squad_members').where('viewer_id', '=', t.viewerId).execute()),
  },
  chat_messages: {
    erasure: 'delete',
    why: 'the viewer\'s messages are deleted, not only emptied: free text can name the viewer however the row is anonymised, and once the viewer is gone no rate limit needs them; system messages announcing the viewer by display name are reworded to "A viewer"',
    exportRows: (db, s) =>
      onePage(
        db
          .selectFrom('chat_messages')
          .selectAll()
          .where('viewer_id', '=', s.viewerId)
          .orderBy('seq')
          .execute(),
      ),
    async erase(trx, t) {
      const results: Array<{ numUpdatedRows?: bigint; numDeletedRows?: bigint }> = [
        ...(await trx.deleteFrom('chat_messages').where('viewer_id', '=', t.viewerId).execute()),
      ];
      if (t.displayName !== undefined) {
        for (const [kind, anonymous] of Object.entries(ANONYMOUS_EVENT_TEXT)) {
          const named =
            kind === 'supporter_joined'
              ? communityText.supporterJoined(t.displayName)
              : communityText.squadJoined(t.displayName);
          results.push(
            ...(await trx
              .updateTable('chat_messages')
              .set({ text: anonymous })
              .where('kind', '=', 'system')
              .where('sender_key', '=', kind)
              .where('text', '=', named)
              .execute()),
          );
        }
      }
      return changed(results);
    },
  },
  chat_mutes: {
    erasure: 'delete',
    why: "a streamer's mute of the viewer: moderation of someone who no longer exists here",
    exportRows: (db, s) =>
      onePage(
        db.selectFrom('chat_mutes').selectAll().where('viewer_id', '=', s.viewerId).execute(),
      ),
    erase: async (trx, t) =>
      changed(await trx.deleteFrom('chat_mutes').where('viewer_id', '=', t.viewerId).execute()),
  },
  community_events: {
    erasure: 'anonymise',
    why: 'events announcing the viewer (supporter or squad joined), found by their key: they stay in the stream history as "A viewer", their key under the pseudonym so they are not announced again',
    exportRows: (db, s) =>
      onePage(
        db
          .selectFrom('community_events')
          .selectAll()
          .where((eb) =>
            eb.or([
              eb.and([
                eb('kind', '=', 'supporter_joined'),
                eb('key', '=', supporterKey(s.viewerId)),
              ]),
              eb.and([
                eb('kind', '=', 'squad_joined'),
                eb(
                  sql`left(key, length(${squadKeyStart(s.viewerId)}))`,
                  '=',
                  squadKeyStart(s.viewerId),
                ),
              ]),
            ]),
          )
          .orderBy('created_at')
          .execute(),
      ),
    erase: async (trx, t) =>
      changed([
        ...(await trx
          .updateTable('community_events')
          .set({
            key: supporterKey(t.pseudonym),
            text: ANONYMOUS_EVENT_TEXT.supporter_joined,
            data: JSON.stringify({ name: null }),
          })
          .where('kind', '=', 'supporter_joined')
          .where('key', '=', supporterKey(t.viewerId))
          .execute()),
        ...(await trx
          .updateTable('community_events')
          .set({
            key: sql<string>`${squadKeyStart(t.pseudonym)} || right(key, ${DAY_LENGTH})`,
            text: ANONYMOUS_EVENT_TEXT.squad_joined,
            data: JSON.stringify({ name: null }),
          })
          .where('kind', '=', 'squad_joined')
          .where(
            sql`left(key, length(${squadKeyStart(t.viewerId)}))`,
            '=',
            squadKeyStart(t.viewerId),
          )
          .where(sql`length(key)`, '=', sql`length(${squadKeyStart(t.viewerId)}) + ${DAY_LENGTH}`)
          .execute()),
      ]),
  },
  referral_codes: {
    erasure: 'delete',
    why: "the viewer's own referral code: its share links stop bringing referrals",
    exportRows: (db, s) =>
      onePage(
        db.selectFrom('referral_codes').selectAll().where('viewer_id', '=', s.viewerId).execute(),
      ),
    erase: async (trx, t) =>
      changed(await trx.deleteFrom('referral_codes').where('viewer_id', '=', t.viewerId).execute()),
  },
  referrals: {
    erasure: 'anonymise',
    why: "referrals the viewer brought or came through: their rewards are in the ledger and in other viewers' points, so they stay under the pseudonym; the viewer's code and, as referee, its address keys are emptied. The export shows a referrer its referees only as kinds and dates, never their ids or addresses",
    exportRows: (db, s) =>
      onePage(
        db
          .selectFrom('referrals')
          .selectAll()
          .where((eb) =>
            eb.or([
              eb('referrer_viewer_id', '=', s.viewerId),
              eb('referee_viewer_id', '=', s.viewerId),
            ]),
          )
          .orderBy('created_at')
          .execute()
          .then((rows) =>
            rows.map((r) =>
              r.referee_viewer_id === s.viewerId
                ? { ...r, role: 'referee' }
                : {
                    ...r,
                    role: 'referrer',
                    referee_viewer_id: null,
                    referee_streamer_id: null,
                    referee_address_key: null,
                    referee_network_key: null,
                  },
            ),
          ),
      ),
    erase: async (trx, t) =>
      changed([
        ...(await trx
          .updateTable('referrals')
          .set({ referrer_viewer_id: t.pseudonym, code: sql<string>`'erased:' || id` })
          .where('referrer_viewer_id', '=', t.viewerId)
          .execute()),
        ...(await trx
          .updateTable('referrals')
          .set({ referee_viewer_id: t.pseudonym, referee_address_key: '', referee_network_key: '' })
          .where('referee_viewer_id', '=', t.viewerId)
          .execute()),
      ]),
  },
  referral_rewards: renamedViewerRule(
    'referral_rewards',
    'rewards paid to the viewer: their money is in the ledger (pseudonymised the same way)',
  ),
};
