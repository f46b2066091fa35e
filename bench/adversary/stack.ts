/**
 * The real services of a run, in this process: the live origin, the tracker with a secret, and
 * the coordinator (fresh PostgreSQL schema or in-memory PGlite) sharing that secret and running
 * on the run's clock. Everything is configured as a deployment without a proxy would be: the
 * defaults of every limit, `trustProxy` off, same-address receipts refused. The only
 * additions are the loopback origin's address on the stream URL allow-list (a deployment lists
 * its own origins there) and the clock.
 */
import { randomBytes } from 'node:crypto';
import {
  createCoordinator,
  DEFAULT_COORDINATOR_CONFIG,
  type Coordinator,
  type CoordinatorOptions,
} from '@streamrp2p/coordinator';
import { startLiveOrigin, type LiveOrigin } from '@streamrp2p/live-origin';
import { renditionId } from '@streamrp2p/protocol';
import { createTracker, type Tracker } from '@streamrp2p/tracker';
import { createBenchSchema, type BenchSchema } from '../lib/pg-schema.js';
import { AddressClient } from './net.js';
import type { SimClock } from './sim-clock.js';

/** Address of the honest streamer who registers the stream everyone watches. */
const STREAMER_ADDRESS = '127.0.200.1';
const INDEX_TIMEOUT_MS = 30_000;

export interface Stack {
  origin: LiveOrigin;
  tracker: Tracker;
  trackerUrl: string;
  coordinator: Coordinator;
  coordinatorUrl: string;
  /** The honest stream: its id, master playlist and the renditions the indexer found. */
  streamId: string;
  masterUrl: string;
  renditions: string[];
  /** Media playlist URL of each rendition, by rendition id. */
  playlistUrls: Map<string, string>;
  /** The rendition of highest BANDWIDTH, which the honest viewers play. */
  topRendition: string;
  /** BANDWIDTH of the top rendition, bit/s (the physical bound's rate). */
  topBitrate: number;
  database: 'postgres' | 'pglite';
  close(): Promise<void>;
}

/** Sets `key` only when the coordinator knows the option (it lands with its defence). */
function optional(key: string, value: unknown): CoordinatorOptions {
  return key in DEFAULT_COORDINATOR_CONFIG ? ({ [key]: value } as CoordinatorOptions) : {};
}

async function waitIndexed(api: AddressClient, streamId: string): Promise<string[]> {
  const deadline = Date.now() + INDEX_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const stream = await api.json<{ renditions?: string[] }>('GET', `/api/streams/${streamId}`);
    const renditions = stream.body?.renditions ?? [];
    if (renditions.length > 0) {
      const top = renditions.at(-1)!;
      const roots = await api.json<{ roots?: unknown[] }>(
        'GET',
        `/api/streams/${streamId}/roots?rendition=${encodeURIComponent(top)}&from=0&to=499`,
      );
      if ((roots.body?.roots?.length ?? 0) > 0) return renditions;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('the coordinator indexed nothing of the live stream within 30 s');
}

/** BANDWIDTH and media playlist URL of each rendition of a master playlist, by rendition id. */
function variants(
  master: string,
  masterUrl: string,
): Map<string, { bitrate: number; url: string }> {
  const found = new Map<string, { bitrate: number; url: string }>();
  const lines = master.split(/\r?\n/);
  lines.forEach((line, i) => {
    const match = /^#EXT-X-STREAM-INF:.*\bBANDWIDTH=(\d+)/.exec(line);
    const uri = lines[i + 1]?.trim();
    if (!match || !uri) return;
    const url = new URL(uri, masterUrl).href;
    found.set(renditionId(url), { bitrate: Number(match[1]), url });
  });
  return found;
}

export async function startStack(
  database: 'postgres' | 'pglite',
  clock: SimClock,
  log: (line: string) => void,
): Promise<Stack> {
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch(() => undefined);
  };
  try {
    const origin = await startLiveOrigin({ port: 0, host: '127.0.0.1' });
    closers.push(() => origin.close());
    const secret = randomBytes(32).toString('base64url');
    const tracker = createTracker({ secret, port: 0, host: '127.0.0.1' });
    const trackerUrl = (await tracker.start()).url;
    closers.push(() => tracker.close());
    let schema: BenchSchema | undefined;
    if (database === 'postgres') {
      schema = await createBenchSchema();
      closers.push(() => schema!.drop());
    }
    const coordinator = createCoordinator({
      port: 0,
      host: '127.0.0.1',
      ...(schema ? { databaseUrl: schema.url } : { dataDir: 'memory://' }),
      trackerSecret: secret,
      trackerPublicUrl: trackerUrl,
      clock: clock.now,
      ...optional('originAllowList', ['127.0.0.1']),
    });
    const coordinatorUrl = (await coordinator.start()).url;
    closers.push(() => coordinator.close());
    log(
      `stack: origin ${origin.url}, tracker ${trackerUrl}, coordinator ${coordinatorUrl} (${database})`,
    );

    const api = new AddressClient(coordinatorUrl, STREAMER_ADDRESS);
    const streamer = await api.json<{ apiKey: string }>('POST', '/api/streamers', {
      body: { name: 'Honest streamer' },
    });
    if (streamer.status !== 201) throw new Error(`streamer account: HTTP ${streamer.status}`);
    const masterUrl = `${origin.url}/live/master.m3u8`;
    const stream = await api.json<{ streamId: string }>('POST', '/api/streams', {
      body: { hlsUrl: `${masterUrl}?client=indexer`, title: 'Live' },
      bearer: streamer.body.apiKey,
    });
    if (stream.status !== 201) {
      throw new Error(`stream registration: HTTP ${stream.status} ${JSON.stringify(stream.body)}`);
    }
    const streamId = stream.body.streamId;
    const renditions = await waitIndexed(api, streamId);
    const found = variants(await (await fetch(masterUrl)).text(), masterUrl);
    const byRate = [...found.entries()].sort((a, b) => a[1].bitrate - b[1].bitrate);
    const [topRendition, top] = byRate.at(-1)!;
    return {
      origin,
      tracker,
      trackerUrl,
      coordinator,
      coordinatorUrl,
      streamId,
      masterUrl,
      renditions,
      playlistUrls: new Map([...found].map(([id, v]) => [id, v.url])),
      topRendition,
      topBitrate: top.bitrate,
      database,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
