/**
 * Per-stream gauges of the live view's figures, computed at scrape time from the tables, so the
 * Prometheus rules of `docs/alerts.yml` see what the studio's alerts see (decision 35). Streams
 * without a live session or bytes in the window have no series.
 */
import { Gauge } from 'prom-client';
import type { AppContext } from '../context.js';
import { stallRate } from './live-alerts.js';
import { p2pShareOf, windowFigures, windowStart, type WindowFigures } from './live-stats.js';

/** One read serves the three gauges of a scrape (they collect at once). */
const READ_REUSE_MS = 1000;

/**
 * Registers the gauges in the coordinator's registry (once per registry). A failed read leaves
 * the gauges empty for that scrape; `/metrics` still answers.
 */
export function registerLiveGauges(ctx: AppContext): void {
  const { registry } = ctx.metrics;
  if (registry.getSingleMetric('streamrp2p_coordinator_stream_viewers') !== undefined) return;
  let last:
    | { at: number; read: Promise<{ seconds: number; figures: Map<string, WindowFigures> }> }
    | undefined;
  const read = () => {
    const now = ctx.clock();
    if (last === undefined || now - last.at > READ_REUSE_MS) {
      const from = windowStart(now);
      const since = new Date(now - ctx.config.sessionTtlSeconds * 1000);
      last = {
        at: now,
        read: windowFigures(ctx.db, undefined, from, since)
          .catch(() => new Map<string, WindowFigures>())
          .then((figures) => ({ seconds: (now - from.getTime()) / 1000, figures })),
      };
    }
    return last.read;
  };
  const gauge = (
    name: string,
    help: string,
    value: (f: WindowFigures, seconds: number) => number | null,
  ) =>
    new Gauge({
      name,
      help,
      labelNames: ['stream'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        const { seconds, figures } = await read();
        for (const [stream, f] of figures) {
          const v = value(f, seconds);
          if (v !== null) this.set({ stream }, v);
        }
      },
    });
  gauge('streamrp2p_coordinator_stream_viewers', 'Live sessions, by stream', (f) => f.viewers);
  gauge(
    'streamrp2p_coordinator_stream_p2p_share',
    'Verified P2P bytes / (P2P + CDN bytes) since the previous minute began, by stream',
    (f) => p2pShareOf(f.p2pBytes, f.cdnBytes),
  );
  gauge(
    'streamrp2p_coordinator_stream_stalls_per_viewer_minute',
    'Stalls reported per live viewer and minute since the previous minute began, by stream',
    (f, seconds) => stallRate(f.stalls, f.viewers, seconds),
  );
}
