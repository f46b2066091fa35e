/**
 * Growth (decision 42): the funnel from viewers to supporters with the conversion between each
 * stage, what share links brought (viral coefficient, referral conversion), and the supporter
 * leaderboards, for one stream (its "Growth" tab) or all the streamer's streams (`#/growth`).
 */
import type { StreamResponse } from '@streamrp2p/protocol';
import type {
  GrowthResponse,
  GrowthStage,
  LeaderboardMetric,
  LeaderboardResponse,
  LeaderboardWindow,
} from '@streamrp2p/protocol/api-schemas';
import { useState } from 'preact/hooks';
import { api, query } from '../api/client.js';
import { formatBytes, formatCount, formatPercent } from '../api/format.js';
import { FormError } from '../components/form-error.js';
import { StreamTabs } from '../components/stream-tabs.js';
import { useSession } from '../session.js';
import { useAsync } from '../use-async.js';
import { StreamHead } from './stream.js';

const DAY_MS = 86_400_000;
const RANGES = { week: ['7 days', 7], month: ['30 days', 30], quarter: ['90 days', 90] } as const;
type RangeId = keyof typeof RANGES;

const STAGES: Record<GrowthStage['stage'], { label: string; test: string }> = {
  viewers: { label: 'Viewers', test: 'watched in the range (everyone starts anonymous)' },
  registered: { label: 'Registered', test: 'claimed a viewer account' },
  engaged: { label: 'Engaged', test: 'earned 100+ points on your streams' },
  supporters: { label: 'Supporters', test: 'served payable credit in the range' },
};

const WINDOWS: Array<[LeaderboardWindow, string]> = [
  ['day', 'Today'],
  ['week', 'This week'],
  ['all', 'All time'],
];
const METRICS: Array<[LeaderboardMetric, string]> = [
  ['data_served', 'Data served'],
  ['uptime', 'Uptime'],
  ['points', 'Points'],
];

function formatValue(metric: LeaderboardMetric, value: number): string {
  if (metric === 'data_served') return formatBytes(value);
  if (metric === 'uptime') {
    return value < 3600 ? `${Math.round(value / 60)} min` : `${(value / 3600).toFixed(1)} h`;
  }
  return formatCount(value);
}

/** The day boundary after now, so a range's answer stays the same all day (and caches). */
function rangeBounds(id: RangeId): { from: string; to: string } {
  const to = Math.ceil(Date.now() / DAY_MS) * DAY_MS;
  return {
    from: new Date(to - RANGES[id][1] * DAY_MS).toISOString(),
    to: new Date(to).toISOString(),
  };
}

export function GrowthPage({ streamId }: { streamId?: string }) {
  const stream = useAsync(
    () =>
      streamId === undefined
        ? Promise.resolve(undefined)
        : api<StreamResponse>('GET', `/api/streams/${encodeURIComponent(streamId)}`),
    [streamId],
  );
  return (
    <>
      {streamId === undefined ? (
        <div class="page-head">
          <div class="page-title">
            <h1>Growth</h1>
            <p class="muted">All your streams: how viewers become supporters.</p>
          </div>
        </div>
      ) : (
        <>
          <StreamHead stream={stream.data} streamId={streamId} />
          <StreamTabs streamId={streamId} current="growth" />
        </>
      )}
      <Funnel streamId={streamId} />
      <Leaderboard streamId={streamId} />
    </>
  );
}

function Funnel({ streamId }: { streamId: string | undefined }) {
  const { me } = useSession();
  const [range, setRange] = useState<RangeId>('month');
  const growth = useAsync(
    () =>
      api<GrowthResponse>(
        'GET',
        `/api/streamers/${encodeURIComponent(me.streamer.streamerId)}/growth${query({
          ...rangeBounds(range),
          streamId,
        })}`,
      ),
    [streamId, range],
  );
  const answer = growth.data;
  const top = answer?.stages[0]?.count ?? 0;
  return (
    <section class="card" aria-labelledby="funnel-title">
      <div class="section-head">
        <h2 id="funnel-title">Funnel, last {RANGES[range][0]}</h2>
        <div class="segmented" role="group" aria-label="Range">
          {(Object.keys(RANGES) as RangeId[]).map((id) => (
            <button key={id} type="button" aria-pressed={range === id} onClick={() => setRange(id)}>
              {RANGES[id][0]}
            </button>
          ))}
        </div>
      </div>
      <FormError error={growth.error} />
      {answer === undefined ? (
        <p class="muted">Loading…</p>
      ) : (
        <>
          <ol class="funnel" data-testid="funnel">
            {answer.stages.map((s) => (
              <li key={s.stage} class="funnel-stage">
                <div class="funnel-label">
                  <span class="strong">{STAGES[s.stage].label}</span>
                  <span class="muted small">{STAGES[s.stage].test}</span>
                </div>
                <span
                  class="meter funnel-bar"
                  role="img"
                  aria-label={`${formatCount(s.count)} of ${formatCount(top)}`}
                >
                  <span style={{ width: `${top === 0 ? 0 : (s.count / top) * 100}%` }} />
                </span>
                <div class="funnel-figures">
                  <span class="kpi-value small-value">{formatCount(s.count)}</span>
                  <span class="muted small">
                    {s.conversion === null
                      ? 'top of the funnel'
                      : `${formatPercent(s.conversion)} of the stage above`}
                    {s.total !== s.count ? ` · ${formatCount(s.total)} in all` : ''}
                  </span>
                </div>
              </li>
            ))}
          </ol>
          <div class="kpis" data-testid="growth-kpis">
            <Kpi
              label="Viewer to supporter"
              value={formatPercent(answer.overall_conversion)}
              note="supporters in every stage / viewers"
            />
            <Kpi
              label="Viral coefficient"
              value={
                answer.referrals.viral_coefficient === null
                  ? '—'
                  : answer.referrals.viral_coefficient.toFixed(2)
              }
              note={`${formatCount(answer.referrals.referred)} brought by share links, per existing viewer`}
            />
            <Kpi
              label="Referral conversion"
              value={formatPercent(answer.referrals.referral_conversion)}
              note={`${formatCount(answer.referrals.qualified)} of ${formatCount(answer.referrals.referred)} referred earned their first 100 points`}
            />
            <Kpi
              label="Existing viewers"
              value={formatCount(answer.referrals.existing_viewers)}
              note="viewers not brought by a share link in the range"
            />
          </div>
        </>
      )}
    </section>
  );
}

function Kpi({ label, value, note }: { label: string; value: string; note: string }) {
  return (
    <div class="kpi">
      <span class="kpi-label">{label}</span>
      <span class="kpi-value">{value}</span>
      <span class="kpi-note">{note}</span>
    </div>
  );
}

function Leaderboard({ streamId }: { streamId: string | undefined }) {
  const { me } = useSession();
  const [span, setSpan] = useState<LeaderboardWindow>('week');
  const [metric, setMetric] = useState<LeaderboardMetric>('data_served');
  const scope =
    streamId === undefined
      ? `/api/streamers/${encodeURIComponent(me.streamer.streamerId)}`
      : `/api/streams/${encodeURIComponent(streamId)}`;
  const board = useAsync(
    () =>
      api<LeaderboardResponse>(
        'GET',
        `${scope}/leaderboard${query({ window: span, metric, limit: '20' })}`,
      ),
    [scope, span, metric],
  );
  const entries = board.data?.entries ?? [];
  return (
    <section class="card" aria-labelledby="board-title">
      <div class="section-head">
        <h2 id="board-title">Leaderboard</h2>
        <div class="segmented" role="group" aria-label="Window">
          {WINDOWS.map(([id, label]) => (
            <button key={id} type="button" aria-pressed={span === id} onClick={() => setSpan(id)}>
              {label}
            </button>
          ))}
        </div>
        <div class="segmented" role="group" aria-label="Ranked by">
          {METRICS.map(([id, label]) => (
            <button
              key={id}
              type="button"
              aria-pressed={metric === id}
              onClick={() => setMetric(id)}
            >
              {label}
            </button>
          ))}
        </div>
      </div>
      <FormError error={board.error} />
      {board.data === undefined ? (
        <p class="muted">Loading…</p>
      ) : entries.length === 0 ? (
        <p class="empty">Nobody on this board yet.</p>
      ) : (
        <div class="table-wrap">
          <table class="table" data-testid="leaderboard">
            <thead>
              <tr>
                <th scope="col" class="num">
                  #
                </th>
                <th scope="col">Viewer</th>
                <th scope="col" class="num">
                  {METRICS.find(([id]) => id === metric)![1]}
                </th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e, i) => (
                <tr key={`${e.rank}-${i}`}>
                  <td class="num muted">{e.rank}</td>
                  <td>{e.name}</td>
                  <td class="num">{formatValue(metric, e.value)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p class="hint">
        Payable credit only: credit held for review, or of a viewer whose reputation is below the
        payable threshold, never counts. Viewers show by their account name or a pseudonym.
      </p>
    </section>
  );
}
