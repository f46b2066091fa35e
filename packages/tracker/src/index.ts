export { createTracker, Tracker, type TrackerAddress } from './tracker.js';
export {
  DEFAULT_TRACKER_CONFIG,
  MIN_SECRET_LENGTH,
  resolveTrackerConfig,
  type TrackerConfig,
  type TrackerOptions,
} from './config.js';
export { TrackerError, TrackerErrorCode } from './errors.js';
export {
  createTokenAuthenticator,
  signTrackerToken,
  verifyTrackerToken,
  type AuthContext,
  type AuthResult,
  type Authenticator,
  type TrackerTokenPayload,
} from './auth.js';
export {
  issueMeetingTicket,
  signMeetingTicket,
  verifyMeetingTicket,
} from '@streamrp2p/protocol/node';
export { compileTrust, type TrustFunction, type TrustProxy } from './client-ip.js';
export { defaultRankPeers, sampleExcluding, type RankContext, type RankPeers } from './ranking.js';
export {
  InMemorySwarmRegistry,
  type AddResult,
  type JoinLimits,
  type SwarmMember,
  type SwarmRegistry,
  type SwarmSize,
} from './swarm-registry.js';
export { InMemoryPeerDirectory, type PeerDirectory } from './peer-directory.js';
export { RedisCluster, type RedisClusterOptions } from './redis-cluster.js';
export { RedisSwarmRegistry } from './redis-swarm-registry.js';
export { RedisPeerDirectory } from './redis-peer-directory.js';
export {
  TokenBucket,
  EventRateLimiter,
  type RateDecision,
  type RateLimitOptions,
} from './rate-limiter.js';
export type { TrackerMetrics } from './metrics.js';
export type { TrackerStats } from './tracker-stats.js';
export type { SocketData, TrackerServer, TrackerSocket } from './socket-types.js';
