/** The stream's top supporters of the last 30 days (`supporter-analytics` of the streamer). */
import type { SupporterAnalyticsResponse } from '@streamrp2p/protocol';
import { useEffect } from 'preact/hooks';
import { api, query } from '../api/client.js';
import { formatBytes, formatCount } from '../api/format.js';
import { useSession } from '../session.js';
import { useAsync } from '../use-async.js';
import { FormError } from './form-error.js';
import { rangeBounds } from './range.js';

function formatUptime(seconds: number): string {
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

export function TopSupporters({ streamId }: { streamId: string }) {
  const { me } = useSession();
  const analytics = useAsync(() => {
    const { from, to } = rangeBounds('month');
    return api<SupporterAnalyticsResponse>(
      'GET',
      `/api/streamers/${encodeURIComponent(me.streamer.streamerId)}/supporter-analytics${query({
        from: from.toISOString(),
        to: to.toISOString(),
        step: 'day',
        streamId,
      })}`,
    );
  }, [streamId]);
  const { reload } = analytics;
  useEffect(() => {
    const timer = setInterval(reload, 30_000);
    return () => clearInterval(timer);
  }, [reload]);
  const top = analytics.data?.top_supporters ?? [];
  return (
    <section class="card" aria-labelledby="top-title">
      <div class="section-head">
        <h2 id="top-title">Top supporters, last 30 days</h2>
        <button type="button" class="button ghost small" onClick={analytics.reload}>
          Refresh
        </button>
      </div>
      <FormError error={analytics.error} />
      {analytics.data === undefined ? (
        <p class="muted">Loading…</p>
      ) : top.length === 0 ? (
        <p class="empty">
          No supporter yet. Viewers who keep the player open share what they watched, and each
          verified byte they serve is credited here.
        </p>
      ) : (
        <div class="table-wrap">
          <table class="table" data-testid="top-supporters">
            <thead>
              <tr>
                <th scope="col" class="num">
                  #
                </th>
                <th scope="col">Supporter</th>
                <th scope="col" class="num">
                  Served
                </th>
                <th scope="col" class="num">
                  Uptime
                </th>
                <th scope="col" class="num">
                  Points
                </th>
              </tr>
            </thead>
            <tbody>
              {top.map((s, i) => (
                <tr key={s.viewer_key}>
                  <td class="num muted">{i + 1}</td>
                  <td>{s.name}</td>
                  <td class="num">{formatBytes(s.data_served)}</td>
                  <td class="num">{formatUptime(s.uptime)}</td>
                  <td class="num">{formatCount(s.loyalty_points)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
