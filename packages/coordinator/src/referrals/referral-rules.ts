/**
 * The referral rules (decision 43): what each kind pays, when, and which referrals pay nothing.
 * A referral is refused (its `refusal` set, for good) when the referrer and the referee look like
 * one person: the same viewer id, a device (receipt key) or a network (`util/network.ts`) they
 * both used, or, for a streamer, a network the streamer signed up or signed in from. And a
 * referrer is paid for at most one referee per network and kind, so a farm of fresh viewer ids
 * behind one address earns what one honest referee does.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB, ReferralKind } from '../db/schema.js';
import { addressKeys } from '../util/network.js';

/** Points paid to each of referrer and referee of a `viewer` referral. */
export const VIEWER_REFERRAL_POINTS = 500;
/** Points of its own (not from referrals) a referee must earn for its `viewer` referral to pay. */
export const REFEREE_OWN_POINTS = 100;
/** The earnings boost of a `supporter` referral, to both, as a fraction. */
export const SUPPORTER_BOOST = 0.1;
/** How long the boost lasts from the referee's first payable credit. */
export const SUPPORTER_BOOST_DAYS = 30;
/** The referrer's share of a referred streamer's revenue, in parts per million (1%). */
export const STREAMER_SHARE_PPM = 10_000;

/**
 * `viewer_points.action` of the referral bonus. It and `share_stream` are points "from referrals":
 * they never count toward a referee's own points.
 */
export const REFERRAL_BONUS_ACTION = 'referral_bonus';
export const REFERRAL_POINT_ACTIONS: readonly string[] = Object.freeze([
  REFERRAL_BONUS_ACTION,
  'share_stream',
]);

/** Why a referral pays nothing, for good (or why its reward was refused). */
export type ReferralRefusal =
  /** The referrer used its own code. */
  | 'self_referral'
  /** Referrer and referee share a device (receipt key). */
  | 'same_device'
  /** Referrer and referee were seen on one network. */
  | 'same_network'
  /** Another referee from the referee's network already qualified for this referrer and kind. */
  | 'network_taken';

/** Where a referee is, as far as the rules read. */
export interface RefereeTraits {
  viewerId?: string;
  networkKeys: readonly string[];
  publicKeys: readonly string[];
}

/**
 * `self_referral`, `same_device` or `same_network` when any session the referrer ever had shares
 * the referee's id, a receipt key or a network, else undefined. Empty keys match nothing.
 */
export async function sameOwnerRefusal(
  db: Kysely<DB> | Transaction<DB>,
  referrerViewerId: string,
  referee: RefereeTraits,
): Promise<ReferralRefusal | undefined> {
  if (referee.viewerId === referrerViewerId) return 'self_referral';
  const networks = referee.networkKeys.filter((k) => k !== '');
  const keys = referee.publicKeys.filter((k) => k !== '');
  if (keys.length > 0) {
    const device = await db
      .selectFrom('sessions')
      .select(sql<number>`1`.as('one'))
      .where('viewer_id', '=', referrerViewerId)
      .where('public_key', 'in', keys)
      .limit(1)
      .executeTakeFirst();
    if (device !== undefined) return 'same_device';
  }
  if (networks.length > 0) {
    const network = await db
      .selectFrom('sessions')
      .select(sql<number>`1`.as('one'))
      .where('viewer_id', '=', referrerViewerId)
      .where('network_key', 'in', networks)
      .limit(1)
      .executeTakeFirst();
    if (network !== undefined) return 'same_network';
  }
  return undefined;
}

/** Every network and receipt key a viewer's sessions used (the referee side of the rule). */
export async function viewerTraits(
  db: Kysely<DB> | Transaction<DB>,
  viewerId: string,
): Promise<RefereeTraits> {
  const rows = await db
    .selectFrom('sessions')
    .select(['network_key', 'public_key'])
    .where('viewer_id', '=', viewerId)
    .execute();
  return {
    viewerId,
    networkKeys: [...new Set(rows.map((r) => r.network_key))],
    publicKeys: [...new Set(rows.map((r) => r.public_key))],
  };
}

/**
 * The networks a streamer acted from: its sign-up, and every studio sign-in of its accounts
 * (web sessions keep the address they were opened from).
 */
export async function streamerTraits(
  db: Kysely<DB> | Transaction<DB>,
  streamerId: string,
): Promise<RefereeTraits> {
  const streamer = await db
    .selectFrom('streamers')
    .select('network_key')
    .where('id', '=', streamerId)
    .executeTakeFirst();
  const signIns = await db
    .selectFrom('web_sessions')
    .innerJoin('accounts', 'accounts.id', 'web_sessions.account_id')
    .select('web_sessions.ip')
    .where('accounts.streamer_id', '=', streamerId)
    .execute();
  const networks = new Set(signIns.map((s) => addressKeys(s.ip).network));
  if (streamer !== undefined) networks.add(streamer.network_key);
  return { networkKeys: [...networks], publicKeys: [] };
}

/**
 * `network_taken` when another referral of this referrer and kind, from the same referee network,
 * already qualified without refusal.
 */
export async function networkTaken(
  db: Kysely<DB> | Transaction<DB>,
  referral: { id: string; kind: ReferralKind; referrerViewerId: string; networkKey: string },
): Promise<ReferralRefusal | undefined> {
  if (referral.networkKey === '') return undefined;
  const other = await db
    .selectFrom('referrals')
    .select('id')
    .where('referrer_viewer_id', '=', referral.referrerViewerId)
    .where('kind', '=', referral.kind)
    .where('referee_network_key', '=', referral.networkKey)
    .where('qualified_at', 'is not', null)
    .where('refusal', 'is', null)
    .where('id', '<>', referral.id)
    .limit(1)
    .executeTakeFirst();
  return other === undefined ? undefined : 'network_taken';
}
