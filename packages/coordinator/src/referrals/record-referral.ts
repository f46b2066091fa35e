/**
 * Recording who came through whose code: a new viewer's first session with a share link's code
 * (`POST /api/sessions`), a streamer's sign-up with a code (`POST /api/accounts`). Both run in the
 * caller's transaction, so a referral exists exactly when its session or streamer does. A code
 * that is unknown records nothing; a referee that looks like its referrer is recorded refused,
 * so it can never pay later either.
 */
import type { Transaction } from 'kysely';
import type { DB, ReferralKind } from '../db/schema.js';
import { uuid } from '../util/crypto.js';
import type { AddressKeys } from '../util/network.js';
import { codeOwner, normalizeCode } from './referral-codes.js';
import { sameOwnerRefusal } from './referral-rules.js';

/** The kinds a new viewer's arrival opens, one row each. */
const VIEWER_KINDS: readonly ReferralKind[] = ['share', 'viewer', 'supporter'];

/** A new viewer's first session, opened with a share link's code. */
export interface Arrival {
  code: string;
  viewerId: string;
  streamId: string;
  keys: AddressKeys;
  publicKey: string;
  now: Date;
}

/**
 * Records a new viewer's referrals (`share` on the stream, `viewer`, `supporter`) if `code` is a
 * viewer's. Call it only for a viewer id the coordinator first saw in this transaction. The
 * referee's unique index keeps one row per kind even if two first sessions race.
 */
export async function recordArrival(trx: Transaction<DB>, arrival: Arrival): Promise<boolean> {
  const code = normalizeCode(arrival.code);
  const owner = await codeOwner(trx, code);
  if (owner?.kind !== 'viewer') return false;
  const refusal = await sameOwnerRefusal(trx, owner.viewerId, {
    viewerId: arrival.viewerId,
    networkKeys: [arrival.keys.network, arrival.keys.address],
    publicKeys: [arrival.publicKey],
  });
  await trx
    .insertInto('referrals')
    .values(
      VIEWER_KINDS.map((kind) => ({
        id: uuid(),
        kind,
        code,
        referrer_viewer_id: owner.viewerId,
        referee_viewer_id: arrival.viewerId,
        referee_streamer_id: null,
        stream_id: arrival.streamId,
        referee_address_key: arrival.keys.address,
        referee_network_key: arrival.keys.network,
        created_at: arrival.now,
        refusal: refusal ?? null,
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .execute();
  return true;
}

/** A streamer signing up with a code. */
export interface StreamerSignUp {
  code: string;
  streamerId: string;
  keys: AddressKeys;
  now: Date;
}

/**
 * Records the new streamer as the code owner's referral: a viewer's `streamer` referral (1% of
 * the streamer's revenue, `referral-periods.ts`) or, for a streamer's code, an attribution that
 * pays nothing.
 */
export async function recordStreamerSignUp(
  trx: Transaction<DB>,
  signUp: StreamerSignUp,
): Promise<boolean> {
  const code = normalizeCode(signUp.code);
  const owner = await codeOwner(trx, code);
  if (owner === undefined) return false;
  if (owner.kind === 'streamer') {
    if (owner.streamerId === signUp.streamerId) return false;
    await trx
      .insertInto('streamer_referrals')
      .values({
        referee_streamer_id: signUp.streamerId,
        referrer_streamer_id: owner.streamerId,
        code,
        created_at: signUp.now,
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
    return true;
  }
  const refusal = await sameOwnerRefusal(trx, owner.viewerId, {
    networkKeys: [signUp.keys.network, signUp.keys.address],
    publicKeys: [],
  });
  await trx
    .insertInto('referrals')
    .values({
      id: uuid(),
      kind: 'streamer',
      code,
      referrer_viewer_id: owner.viewerId,
      referee_viewer_id: null,
      referee_streamer_id: signUp.streamerId,
      stream_id: null,
      referee_address_key: signUp.keys.address,
      referee_network_key: signUp.keys.network,
      created_at: signUp.now,
      refusal: refusal ?? null,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
  return true;
}
