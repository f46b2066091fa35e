/**
 * A real coordinator for the SDK's tests: the coordinator on embedded PGlite in memory (or on
 * PostgreSQL in a fresh schema, when asked: `SDK_TEST_DATABASE=postgres`), on port 0, with a
 * streamer and a stream registered through its API, and a fault proxy in front (clients that
 * should see outages use `proxy.url`, the others `url`). One per test file: PGlite takes 4 to
 * 18 s to start here (PostgreSQL well under one), so the tests of a file share one.
 *
 * @example
 * const real = await startRealCoordinator({ config: { sessionTtlSeconds: 3600 } });
 * const api = new ApiClient({ baseUrl: real.proxy.url, timeoutMs: 500 });
 * await real.indexSegment('720p', 1, bytes); // as the indexer would
 * await real.close();
 */
import { randomBytes } from 'node:crypto';
import {
  createCoordinator,
  openDatabase,
  type Coordinator,
  type CoordinatorOptions,
} from '@streamrp2p/coordinator';
import { buildMerkleTree, bytesToHex, type SegmentRoot } from '@streamrp2p/protocol';
import { FaultProxy } from './fault-proxy.js';

export type TestDatabase = 'pglite' | 'postgres';

export interface RealCoordinatorOptions {
  /** Coordinator options over the defaults below. @default {} */
  config?: CoordinatorOptions;
  /** The stream's HLS URL. @default a closed port on loopback, never fetched by a test */
  hlsUrl?: string;
  /** @default `SDK_TEST_DATABASE` ('pglite' unless it says 'postgres') */
  database?: TestDatabase;
}

/** What every SDK test file needs unless it says otherwise. */
const DEFAULT_CONFIG: CoordinatorOptions = Object.freeze({
  dataDir: 'memory://',
  // The stream's origin (the live origin, or a closed port) is on loopback.
  originAllowList: ['127.0.0.1'],
  // Every session of a file comes from one address.
  liveSessionsPerAddress: 1000,
  sessionsPerMinutePerAddress: 1000,
});

/** PostgreSQL for `database: 'postgres'` (`DATABASE_URL_TEST`, as the coordinator's suites). */
const POSTGRES_URL = process.env.DATABASE_URL_TEST ?? 'postgres://root@127.0.0.1:5432/test';

export interface RealCoordinator {
  readonly coordinator: Coordinator;
  /** The coordinator's own URL. */
  readonly url: string;
  /** A fault proxy in front of it, passing everything until told otherwise. */
  readonly proxy: FaultProxy;
  /** The registered streamer's API key and its stream. */
  readonly apiKey: string;
  readonly streamId: string;
  /**
   * Indexes a segment of the stream as the coordinator's indexer does (its Merkle root), at the
   * wall-clock time: a file that moves the coordinator's clock far should not rely on it.
   */
  indexSegment(rendition: string, sequence: number, bytes: Uint8Array): Promise<SegmentRoot>;
  /** Indexes roots as given, in one statement, for tests that never check the bytes. */
  indexRoots(rendition: string, roots: readonly SegmentRoot[]): Promise<void>;
  /** Stops the proxy and the coordinator (and drops the PostgreSQL schema). */
  close(): Promise<void>;
}

/** Starts a {@link RealCoordinator}. */
export async function startRealCoordinator(
  options: RealCoordinatorOptions = {},
): Promise<RealCoordinator> {
  const backend =
    options.database ?? (process.env.SDK_TEST_DATABASE === 'postgres' ? 'postgres' : 'pglite');
  const schema = backend === 'postgres' ? await createSchema() : undefined;
  const coordinator = createCoordinator({
    ...DEFAULT_CONFIG,
    ...(schema ? { databaseUrl: schema.url } : {}),
    ...options.config,
  });
  const { url } = await coordinator.start();
  const proxy = await new FaultProxy(url).listen();
  const { apiKey } = await post<{ apiKey: string }>(`${url}/api/streamers`, undefined, {
    name: 'sdk test',
  });
  const { streamId } = await post<{ streamId: string }>(`${url}/api/streams`, apiKey, {
    hlsUrl: options.hlsUrl ?? 'http://127.0.0.1:9/live/master.m3u8',
    title: 'sdk test',
  });
  const indexRoots = async (rendition: string, roots: readonly SegmentRoot[]) => {
    const indexedAt = new Date();
    await coordinator.db
      .insertInto('segment_roots')
      .values(
        roots.map(({ sequence, root, byteLength }) => ({
          stream_id: streamId,
          rendition,
          sequence,
          root,
          byte_length: byteLength,
          indexed_at: indexedAt,
        })),
      )
      .execute();
  };
  return {
    coordinator,
    url,
    proxy,
    apiKey,
    streamId,
    indexRoots,
    async indexSegment(rendition, sequence, bytes) {
      const root = {
        sequence,
        root: bytesToHex((await buildMerkleTree(bytes)).root),
        byteLength: bytes.length,
      };
      await indexRoots(rendition, [root]);
      return root;
    },
    async close() {
      await proxy.close();
      await coordinator.close();
      await schema?.drop();
    },
  };
}

async function post<T>(url: string, bearer: string | undefined, body: unknown): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(bearer === undefined ? {} : { authorization: `Bearer ${bearer}` }),
    },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** A fresh PostgreSQL schema for one file, and how to drop it. */
async function createSchema(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `sdk_${randomBytes(6).toString('hex')}`;
  const admin = await openDatabase({ dataDir: 'unused', databaseUrl: POSTGRES_URL, poolSize: 1 });
  await admin.db.schema.createSchema(name).execute();
  await admin.destroy();
  const url = new URL(POSTGRES_URL);
  url.searchParams.set('options', `-c search_path=${name}`);
  return {
    url: url.href,
    async drop() {
      const dropper = await openDatabase({
        dataDir: 'unused',
        databaseUrl: POSTGRES_URL,
        poolSize: 1,
      });
      await dropper.db.schema.dropSchema(name).cascade().execute();
      await dropper.destroy();
    },
  };
}
