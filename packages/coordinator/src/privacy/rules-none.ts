/** The tables that hold nothing about a viewer, each with the reason (`table-rules.ts`). */
import type { TableRule } from './table-rule.js';

const none = (why: string): TableRule => ({ erasure: 'no-viewer-data', why });

export const NO_VIEWER_DATA_RULES: Readonly<Record<string, TableRule>> = {
  streamers: none("streamer accounts: a streamer's name and sign-up address, no viewer's"),
  streams: none("a streamer's streams: URLs and titles"),
  renditions: none('the renditions of a stream, as the indexer found them'),
  segment_roots: none("Merkle roots of a stream's segments"),
  accounts: none("streamers' sign-ins (viewers' are `viewer_accounts`)"),
  web_sessions: none("streamers' signed-in browsers"),
  api_keys: none("streamers' API keys"),
  revenue_events: none("a streamer's revenue: amounts and the streamer's own notes"),
  periods: none(
    "a stream's settlement periods: totals and counts, no supporter named (its lines are `period_supporters`)",
  ),
  trust_holds: none(
    "a review hold's status, score and reasons, which are figures about sessions, never a viewer id or address (its members are `trust_hold_sessions`)",
  ),
  stream_metrics_minute: none("the streamer's analytics per minute: counts and bytes, no viewer"),
  stream_metrics_hour: none("the streamer's analytics per hour: counts and bytes, no viewer"),
  metrics_state: none("the metrics job's watermark"),
  community_goals: none("a streamer's savings goals and their counted bytes"),
  chat_settings: none("a stream's chat settings"),
  privacy_settings: none("the deployment's pseudonym salt and privacy settings (`pseudonyms.ts`)"),
  streamer_referrals: none('streamers that brought streamers'),
  erasures: none(
    'erasures by the SHA-256 of the viewer id, never the id, and not the pseudonym: nothing links the kept rows back',
  ),
  kysely_migration: none('the migrations applied'),
  kysely_migration_lock: none('the migration lock'),
};
