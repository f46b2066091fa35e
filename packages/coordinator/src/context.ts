import type { Kysely } from 'kysely';
import type { ChatBroadcast } from './chat/chat-hub.js';
import type { CommunityEvents } from './community/community-events.js';
import type { CoordinatorConfig } from './config/config.js';
import type { DB } from './db/schema.js';
import type { CoordinatorMetrics } from './http/metrics.js';
import type { PayoutService } from './payouts/payout-service.js';
import type { Clock } from './util/clock.js';

/** What route handlers need from the indexer: start and stop following a stream. */
export interface StreamFollowing {
  follow(stream: { id: string; hlsUrl: string }): void;
  /** Resolves once nothing of the old follower can still write. */
  unfollow(streamId: string): Promise<void>;
  /** Whether this process follows the stream, and its latest failure (the studio shows it). */
  status(streamId: string): { following: boolean; lastError?: { message: string; at: Date } };
}

/** Everything a route module gets: one object, built once per coordinator. */
export interface AppContext {
  readonly config: CoordinatorConfig;
  readonly db: Kysely<DB>;
  readonly clock: Clock;
  readonly metrics: CoordinatorMetrics;
  readonly following: StreamFollowing;
  /** Pays owed ledger balances through the configured provider (decision 32). */
  readonly payouts: PayoutService;
  /** Community events of this process (social proof, goals, squads), for chat and the player. */
  readonly community: CommunityEvents;
  /** Carries chat moderation (deletions, mutes, slow mode) to the viewers' sockets. */
  readonly chat: ChatBroadcast;
  /** The secret tracker tokens are signed with (configured or generated at start). */
  readonly trackerSecret: string;
  /** The salt of every viewer pseudonym (configured, else stored once; `privacy/pseudonyms.ts`). */
  readonly pseudonymSalt: string;
  /** The coordinator's public URL (configured, else the listening URL). */
  publicUrl(): string;
}
