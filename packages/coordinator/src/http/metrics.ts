import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The coordinator's Prometheus metrics, in their own registry (never the global one). */
export class CoordinatorMetrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: 'streamrp2p_coordinator_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly receipts = new Counter({
    name: 'streamrp2p_coordinator_receipts_total',
    help: 'Receipts by outcome (credited, duplicate, rejected) and rejection code',
    labelNames: ['outcome', 'code'] as const,
    registers: [this.registry],
  });
  readonly creditedBytes = new Counter({
    name: 'streamrp2p_coordinator_credited_bytes_total',
    help: 'Verified P2P bytes credited to uploaders',
    registers: [this.registry],
  });
  readonly creditRollupSeconds = new Histogram({
    name: 'streamrp2p_coordinator_credit_rollup_seconds',
    help: 'Credit roll-up transactions by result (rolled_up, empty, skipped, failed)',
    labelNames: ['result'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly creditRollupRows = new Counter({
    name: 'streamrp2p_coordinator_credit_rollup_rows_total',
    help: 'Pending credit rows the roll-up moved into the per-uploader counters',
    registers: [this.registry],
  });
  readonly indexerSegments = new Counter({
    name: 'streamrp2p_coordinator_indexer_segments_total',
    help: 'Segments the indexer fetched, by result (indexed, failed)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly indexerFetchErrors = new Counter({
    name: 'streamrp2p_coordinator_indexer_fetch_errors_total',
    help: 'Failed origin requests (each attempt), by kind (playlist, segment)',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly limitRefusals = new Counter({
    name: 'streamrp2p_coordinator_limit_refusals_total',
    help: 'Requests refused by a sybil limit (429), by limit (sessionsPerMinutePerAddress, ...)',
    labelNames: ['limit'] as const,
    registers: [this.registry],
  });
  readonly originRefusals = new Counter({
    name: 'streamrp2p_coordinator_origin_refusals_total',
    help: 'Stream URLs refused, by where (register, fetch) - non-public hosts, schemes, limits',
    labelNames: ['where'] as const,
    registers: [this.registry],
  });
  /** Database failures: unreachable (each 503 and failed health check) or a query that failed. */
  readonly dbErrors = new Counter({
    name: 'streamrp2p_coordinator_db_errors_total',
    help: 'Database errors while handling a request or indexing (unreachable, or a failed query)',
    registers: [this.registry],
  });
  /** Bugs: 500s that are not database errors (each is logged at error level with its request id). */
  readonly internalErrors = new Counter({
    name: 'streamrp2p_coordinator_internal_errors_total',
    help: 'Requests that failed with an unexpected error other than a database error (500)',
    registers: [this.registry],
  });
  readonly indexerBacklog = new Gauge({
    name: 'streamrp2p_coordinator_indexer_backlog_roots',
    help: 'Segment roots computed while the database was unreachable, waiting to be stored',
    registers: [this.registry],
  });
  /**
   * Where a receipt batch spends its time: `auth` (session lookup and touch), `verify` (the one batch
   * signature, then stream and time checks), `lookup` (roots and uploader sessions), `write` (the one statement
   * that inserts the receipts and their pending credits). The load benchmark reads these to find the bottleneck.
   */
  readonly receiptPhase = new Histogram({
    name: 'streamrp2p_coordinator_receipt_phase_seconds',
    help: 'Time per receipt batch in each phase (auth, verify, lookup, write)',
    labelNames: ['phase'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly challenges = new Counter({
    name: 'streamrp2p_coordinator_challenges_total',
    help: 'Answered challenges by result (passed, WRONG_PROOF, EXPIRED)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly points = new Counter({
    name: 'streamrp2p_coordinator_points_awarded_total',
    help: 'Points awarded by action',
    labelNames: ['action'] as const,
    registers: [this.registry],
  });
  readonly pointsRefused = new Counter({
    name: 'streamrp2p_coordinator_points_refused_total',
    help: 'Points events that paid nothing, by action and the rule that stopped them',
    labelNames: ['action', 'reason'] as const,
    registers: [this.registry],
  });
  readonly trustHolds = new Counter({
    name: 'streamrp2p_coordinator_trust_holds_total',
    help: 'Groups the collusion job held for review, by reason (a hold counts once per reason)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly trustHeldSessions = new Counter({
    name: 'streamrp2p_coordinator_trust_held_sessions_total',
    help: 'Uploader sessions the collusion job held for review',
    registers: [this.registry],
  });
  readonly collusionRunSeconds = new Histogram({
    name: 'streamrp2p_coordinator_collusion_run_seconds',
    help: 'Collusion-detection runs by result (ran, skipped, failed)',
    labelNames: ['result'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly chatMessages = new Counter({
    name: 'streamrp2p_coordinator_chat_messages_total',
    help: 'Chat messages this process stored and sent to a room, by kind (message, system)',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly chatRefusals = new Counter({
    name: 'streamrp2p_coordinator_chat_refusals_total',
    help: 'Chat messages and connections refused, by code (MUTED, SLOW_MODE, RATE_LIMITED, ...)',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  readonly chatSockets = new Gauge({
    name: 'streamrp2p_coordinator_chat_sockets',
    help: 'Chat sockets connected to this process',
    registers: [this.registry],
  });
  readonly communityEvents = new Counter({
    name: 'streamrp2p_coordinator_community_events_total',
    help: 'Community events this process produced and emitted, by kind (each is produced once)',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly communityRunSeconds = new Histogram({
    name: 'streamrp2p_coordinator_community_run_seconds',
    help: 'Community-job runs (social proof, goal recounts) by result (ran, failed)',
    labelNames: ['result'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics === true) collectDefaultMetrics({ register: this.registry });
  }
}
