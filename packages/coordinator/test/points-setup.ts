/** Helpers of the points suites: a coordinator with a manual clock, its audience, awards. */
import type { CoordinatorOptions } from '../src/index.js';
import { manualClock, startCoordinator, type Api } from './api.js';
import type { TestDatabase } from './databases.js';
import { createSession, createStream, type TestSession } from './fixtures.js';

let networks = 0;
/**
 * An address on a network of its own (an IPv4 /24 no other call returns), so sessions and
 * accounts count as distinct networks and stay under the per-address and per-network limits.
 */
export function networkIp(host = 7): string {
  networks++;
  return `172.${16 + ((networks >> 8) & 15)}.${networks & 255}.${host}`;
}

/** A streamer account created from `ip` (a network of its own by default). */
export async function streamerFrom(
  api: Api,
  ip = networkIp(),
): Promise<{ streamerId: string; apiKey: string; ip: string }> {
  const res = await api.post('/api/streamers', { name: 'streamer' }, { ip });
  if (res.status !== 201) throw new Error(`streamer: ${res.status} ${JSON.stringify(res.body)}`);
  return { ...res.body, ip };
}

/** `count` live sessions of other viewers, each on a network of its own: a real audience. */
export function audience(api: Api, streamId: string, count = 3): Promise<TestSession[]> {
  return Promise.all(
    Array.from({ length: count }, () => createSession(api, streamId, { ip: networkIp() })),
  );
}

/**
 * A coordinator on a manual clock, a streamer, a stream with its audience, and one viewer. The
 * minimum watch time before social points is 0 unless `options` sets it (undefined = default).
 */
export async function pointsSetup(t: TestDatabase, options: CoordinatorOptions = {}) {
  const clock = manualClock();
  const started = await startCoordinator(t, {
    indexerEnabled: false,
    clock: clock.now,
    // Most suites award chat, follow and share at once; one switches the watching rule back on.
    pointsMinWatchSeconds: 0,
    ...options,
  });
  const streamer = await streamerFrom(started.api);
  const stream = await createStream(started.api, streamer.apiKey);
  const viewer = await createSession(started.api, stream.streamId, { ip: networkIp() });
  const crowd = await audience(started.api, stream.streamId);
  return { ...started, clock, streamer, stream, viewer, crowd };
}

/** `POST /api/viewers/points` for `session`'s viewer and stream, with its secret by default. */
export function award(
  api: Api,
  session: Pick<TestSession, 'viewerId' | 'streamId' | 'sessionSecret'>,
  action: string,
  extra: Record<string, unknown> = {},
  token = session.sessionSecret,
) {
  return api.post(
    '/api/viewers/points',
    {
      viewer_id: session.viewerId,
      stream_id: session.streamId,
      action,
      timestamp: new Date().toISOString(),
      ...extra,
    },
    { token },
  );
}

/** The value of `_points_refused_total{action,reason}` in `/metrics` (0 when absent). */
export async function refusedCount(api: Api, action: string, reason: string): Promise<number> {
  const text = (await api.get('/metrics')).body as string;
  const line = text
    .split('\n')
    .find((l) =>
      l.startsWith(
        `streamrp2p_coordinator_points_refused_total{action="${action}",reason="${reason}"}`,
      ),
    );
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}
