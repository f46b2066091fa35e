/**
 * Storing a viewer's message behind the streamer's moderation and the rate limits, in one
 * transaction: the address's and the viewer's advisory locks (so concurrent sends from one
 * viewer or address, on any coordinator process, queue instead of all passing one count), then
 * the mute, slow mode and per-minute limits, then the insert. Counted in the database, so the
 * limits hold across processes.
 */
import { randomUUID } from 'node:crypto';
import { ChatErrorCode, type ChatErrorBody } from '@streamrp2p/protocol';
import { sql } from 'kysely';
import type { AppContext } from '../context.js';
import { hit, lockKeys, windowCount, type LimitHit } from '../limits/address-limits.js';
import type { ChatSocketData } from './chat-handshake.js';
import type { ChatMessageRow } from './chat-store.js';

/** Who sends: the viewer behind the socket's session. */
export type ChatSender = Pick<ChatSocketData, 'viewerId' | 'streamId' | 'addressKey' | 'identity'>;

export type SendOutcome =
  { ok: true; row: ChatMessageRow } | { ok: false; error: ChatErrorBody; limit?: LimitHit };

const MINUTE_MS = 60_000;

/** Stores `text` (already parsed) from `sender`, or says why not. */
export async function storeMessage(
  ctx: AppContext,
  sender: ChatSender,
  text: string,
  now: Date,
): Promise<SendOutcome> {
  return ctx.db.transaction().execute(async (trx): Promise<SendOutcome> => {
    const { viewerId, streamId, addressKey } = sender;
    await lockKeys(trx, [
      ...(addressKey === '' ? [] : [`chat:address:${addressKey}`]),
      `chat:viewer:${viewerId}`,
    ]);
    const mute = await trx
      .selectFrom('chat_mutes')
      .select('until')
      .where('stream_id', '=', streamId)
      .where('viewer_id', '=', viewerId)
      .where('until', '>', now)
      .executeTakeFirst();
    if (mute !== undefined) {
      return {
        ok: false,
        error: {
          code: ChatErrorCode.Muted,
          message: `the streamer muted you until ${mute.until.toISOString()}`,
          until: mute.until.toISOString(),
        },
      };
    }
    const settings = await trx
      .selectFrom('chat_settings')
      .select('slow_mode_seconds')
      .where('stream_id', '=', streamId)
      .executeTakeFirst();
    const slowMs = (settings?.slow_mode_seconds ?? 0) * 1000;
    const minuteAgo = new Date(now.getTime() - MINUTE_MS);
    const since = new Date(now.getTime() - Math.max(MINUTE_MS, slowMs));
    const mine = sql<boolean>`viewer_id = ${viewerId}`;
    const fromAddress = sql<boolean>`address_key = ${addressKey}`;
    const recent = sql<boolean>`created_at > ${minuteAgo}`;
    const { rows } = await sql<Record<string, unknown>>`
      select
        count(*) filter (where ${mine} and ${recent}) as viewer_recent,
        min(created_at) filter (where ${mine} and ${recent}) as viewer_recent_oldest,
        count(*) filter (where ${fromAddress} and ${recent}) as address_recent,
        min(created_at) filter (where ${fromAddress} and ${recent}) as address_recent_oldest,
        max(created_at) filter (where ${mine} and stream_id = ${streamId}) as last_here
      from chat_messages
      where kind = 'message' and created_at > ${since}
        and (${mine} or (${addressKey} <> '' and ${fromAddress}))`.execute(trx);
    const row = rows[0] ?? {};
    const lastHere =
      row.last_here === null || row.last_here === undefined
        ? undefined
        : new Date(row.last_here as Date | string).getTime();
    if (slowMs > 0 && lastHere !== undefined && lastHere + slowMs > now.getTime()) {
      const retryAfterMs = lastHere + slowMs - now.getTime();
      return {
        ok: false,
        error: {
          code: ChatErrorCode.SlowMode,
          message: `slow mode: one message every ${slowMs / 1000} s; wait ${Math.ceil(retryAfterMs / 1000)} s`,
          retryAfterMs,
        },
      };
    }
    const count = (name: string) => windowCount(row[name], row[`${name}_oldest`]);
    const limit =
      hit(
        ctx.config,
        'chatPerMinutePerViewer',
        count('viewer_recent'),
        MINUTE_MS,
        now,
        'too many chat messages from you in the last minute',
      ) ??
      (addressKey === ''
        ? undefined
        : hit(
            ctx.config,
            'chatPerMinutePerAddress',
            count('address_recent'),
            MINUTE_MS,
            now,
            'too many chat messages from your address in the last minute',
          ));
    if (limit !== undefined) {
      return {
        ok: false,
        limit,
        error: {
          code: ChatErrorCode.RateLimited,
          message: `${limit.message}; retry in ${limit.retryAfterSeconds} s`,
          retryAfterMs: limit.retryAfterSeconds * 1000,
        },
      };
    }
    const inserted = await trx
      .insertInto('chat_messages')
      .values({
        id: randomUUID(),
        stream_id: streamId,
        kind: 'message',
        viewer_id: viewerId,
        address_key: addressKey,
        sender_name: sender.identity.name,
        sender_key: sender.identity.senderKey,
        supporter: sender.identity.supporter,
        text,
        created_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { ok: true, row: inserted };
  });
}
