/**
 * The coordinator process: database (opened and migrated at start), segment indexer, credit
 * roll-up and HTTP server, with a `close()` that undoes all of it.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import createDebug from 'debug';
import type { Express } from 'express';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import {
  resolveCoordinatorConfig,
  type CoordinatorConfig,
  type CoordinatorOptions,
} from './config/config.js';
import { ChatHub } from './chat/chat-hub.js';
import { CommunityEvents } from './community/community-events.js';
import { CommunityJob, type CommunityRunResult } from './community/community-job.js';
import type { AppContext } from './context.js';
import { openDatabase, type Database } from './db/connect.js';
import { migrateToLatest } from './db/migrate.js';
import type { DB } from './db/schema.js';
import { createApp } from './http/app.js';
import { CoordinatorMetrics } from './http/metrics.js';
import { createLogger } from './http/request-log.js';
import { SegmentIndexer } from './indexer/segment-indexer.js';
import { MetricsJob, type MetricsRunResult } from './metrics/metrics-job.js';
import { createPayoutProvider } from './payouts/create-provider.js';
import { PayoutService } from './payouts/payout-service.js';
import { resolvePseudonymSalt } from './privacy/pseudonyms.js';
import { RetentionJob } from './privacy/retention-job.js';
import type { RetentionRunResult } from './privacy/retention.js';
import { CreditRollup, type RollUpResult } from './receipts/credit-rollup.js';
import { CollusionJob, type CollusionRunResult } from './trust/collusion-job.js';
import { randomSecret } from './util/crypto.js';

const log = createDebug('streamrp2p:coordinator');

/**
 * How often Node checks for requests past `headersTimeoutMs`/`requestTimeoutMs` (its default,
 * 30 s, would let a stalled request live that much longer than the configured timeout).
 */
const CONNECTIONS_CHECK_MS = 1000;

/** Where a started coordinator listens. */
export interface CoordinatorAddress {
  url: string;
  port: number;
}

/** A coordinator; create it with {@link createCoordinator}. */
export class Coordinator {
  readonly config: CoordinatorConfig;
  readonly metrics = new CoordinatorMetrics();
  /** Community events this process produces (chat system messages, the player's feed). */
  readonly community = new CommunityEvents();
  /** The chat server, on the HTTP server at `CHAT_PATH` (after `start()`). */
  readonly chat = new ChatHub();
  /** The secret tracker tokens are signed with. */
  readonly trackerSecret: string;
  /** True when no secret was configured: tokens only verify against this process's secret. */
  readonly trackerSecretGenerated: boolean;
  /** The structured log: internal errors with request ids, database outages. */
  readonly logger: Logger;
  /** The express app (after `start()`), e.g. to mount it elsewhere or list its routes. */
  app: Express | undefined;
  #database: Database | undefined;
  #indexer: SegmentIndexer | undefined;
  #rollup: CreditRollup | undefined;
  #collusion: CollusionJob | undefined;
  #metricsJob: MetricsJob | undefined;
  #communityJob: CommunityJob | undefined;
  #retentionJob: RetentionJob | undefined;
  #payouts: PayoutService | undefined;
  #server: Server | undefined;
  #address: CoordinatorAddress | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: CoordinatorOptions = {}) {
    this.config = resolveCoordinatorConfig(options);
    this.trackerSecretGenerated = this.config.trackerSecret === undefined;
    this.trackerSecret = this.config.trackerSecret ?? randomSecret();
    this.logger = this.config.logger ?? createLogger(this.config.logLevel);
  }

  /** The typed database (after `start()`). */
  get db(): Kysely<DB> {
    if (this.#database === undefined) throw new Error('coordinator not started');
    return this.#database.db;
  }

  /** The segment indexer (after `start()`). */
  get indexer(): SegmentIndexer {
    if (this.#indexer === undefined) throw new Error('coordinator not started');
    return this.#indexer;
  }

  /**
   * Moves every credit committed so far into the per-uploader counters (`sessions.credited_bytes`,
   * `supporter_credits`), waiting for a roll-up another process is running. The API's figures
   * are exact without it; this is for tools and tests that read the tables (after `start()`).
   */
  flushCredits(): Promise<RollUpResult> {
    if (this.#rollup === undefined) throw new Error('coordinator not started');
    return this.#rollup.flush();
  }

  /**
   * Runs the collusion job now (after a run in flight, waiting for one in another process):
   * groups the receipts of the window flag are held for review (after `start()`).
   */
  detectCollusion(): Promise<CollusionRunResult> {
    if (this.#collusion === undefined) throw new Error('coordinator not started');
    return this.#collusion.run();
  }

  /**
   * The payout service (after `start()`): `payouts.run()` pays owed balances through the
   * configured provider, as `POST /api/admin/payouts/run` does.
   */
  get payouts(): PayoutService {
    if (this.#payouts === undefined) throw new Error('coordinator not started');
    return this.#payouts;
  }

  /**
   * Runs the metrics job now (after a run in flight): computes the finished minutes of every
   * stream's time series and rolls old minutes into hours (after `start()`).
   */
  rollUpMetrics(): Promise<MetricsRunResult> {
    if (this.#metricsJob === undefined) throw new Error('coordinator not started');
    return this.#metricsJob.run();
  }

  /**
   * Runs the community job now (after a run in flight): social proof from the credit rolled up
   * so far, goal progress; returns what this process emitted (after `start()`).
   */
  runCommunity(): Promise<CommunityRunResult> {
    if (this.#communityJob === undefined) throw new Error('coordinator not started');
    return this.#communityJob.run();
  }

  /**
   * Runs the retention job now (after a run in flight): deletes settled receipts older than
   * `receiptRetentionDays`, blanks addresses older than `addressRetentionDays` (after `start()`).
   */
  runRetention(): Promise<RetentionRunResult> {
    if (this.#retentionJob === undefined) throw new Error('coordinator not started');
    return this.#retentionJob.run();
  }

  /** Opens and migrates the database, starts the credit roll-up and the indexer, listens. */
  async start(): Promise<CoordinatorAddress> {
    if (this.#address !== undefined) return this.#address;
    const { config } = this;
    this.#database =
      config.database ??
      (await openDatabase({
        ...config,
        poolSize: config.databasePoolSize,
        connectTimeoutMs: config.databaseConnectTimeoutMs,
      }));
    await migrateToLatest(this.#database.db);
    const indexer = new SegmentIndexer({
      db: this.#database.db,
      config,
      metrics: this.metrics,
      clock: config.clock,
    });
    this.#indexer = indexer;
    // Its first roll-up picks up what a stopped or crashed process left pending.
    this.#rollup = new CreditRollup({
      db: this.#database.db,
      intervalMs: config.creditRollupIntervalMs,
      metrics: this.metrics,
    });
    this.#rollup.start();
    this.#collusion = new CollusionJob({
      db: this.#database.db,
      config,
      metrics: this.metrics,
      clock: config.clock,
    });
    this.#collusion.start();
    this.#metricsJob = new MetricsJob({
      db: this.#database.db,
      config,
      metrics: this.metrics,
      clock: config.clock,
    });
    this.#metricsJob.start();
    this.#communityJob = new CommunityJob({
      db: this.#database.db,
      config,
      bus: this.community,
      metrics: this.metrics,
      clock: config.clock,
    });
    this.#communityJob.start();
    this.#retentionJob = new RetentionJob({
      db: this.#database.db,
      config,
      metrics: this.metrics,
      clock: config.clock,
    });
    this.#retentionJob.start();
    this.#payouts = new PayoutService({
      db: this.#database.db,
      provider: createPayoutProvider(config),
      currency: config.currency,
      minPayoutMicros: config.minPayoutMicros,
      clock: config.clock,
    });
    const ctx: AppContext = {
      config,
      db: this.#database.db,
      clock: config.clock,
      metrics: this.metrics,
      following: indexer,
      payouts: this.#payouts,
      community: this.community,
      chat: this.chat,
      trackerSecret: this.trackerSecret,
      pseudonymSalt: await resolvePseudonymSalt(this.#database.db, config.pseudonymSalt),
      publicUrl: () => config.publicUrl ?? this.#address?.url ?? '',
    };
    this.app = createApp(ctx, this.logger);
    // A client that declares a body and sends nothing (or trickles its headers) holds a
    // connection only this long, not Node's 300 s: 408 and the connection closes.
    const server = createServer(
      {
        headersTimeout: config.headersTimeoutMs,
        requestTimeout: config.requestTimeoutMs,
        connectionsCheckingInterval: CONNECTIONS_CHECK_MS,
      },
      this.app,
    );
    server.keepAliveTimeout = config.keepAliveTimeoutMs;
    await this.chat.start(server, ctx);
    server.listen(config.port, config.host);
    this.#server = server;
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    this.#address = { url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, port };
    await indexer.start();
    log('listening on %s (%s)', this.#address.url, this.#database.backend);
    return this.#address;
  }

  /**
   * Stops the indexer and the credit roll-up, closes the server and destroys the database
   * (unless it was given). Credits still pending stay in the database, counted by every read,
   * for the next roll-up of any coordinator.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#indexer?.close();
      await this.chat.close();
      const server = this.#server;
      if (server !== undefined) {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 2000).unref();
        await closed;
      }
      await this.#rollup?.close();
      await this.#collusion?.close();
      await this.#metricsJob?.close();
      await this.#communityJob?.close();
      await this.#retentionJob?.close();
      if (this.config.database === undefined) await this.#database?.destroy();
      log('closed');
    })();
    return this.#closing;
  }
}

/**
 * Creates a coordinator; nothing runs until `start()`.
 *
 * @example
 * const coordinator = createCoordinator({ port: 0, dataDir: 'memory://' });
 * const { url } = await coordinator.start();
 * // ... POST `${url}/api/streamers` ...
 * await coordinator.close();
 */
export function createCoordinator(options: CoordinatorOptions = {}): Coordinator {
  return new Coordinator(options);
}
