/** One stream: its live view (overview) or its setup (indexing, embed snippet, preview). */
import type { StreamResponse } from '@streamrp2p/protocol';
import type { StreamFollowersResponse } from '@streamrp2p/protocol/api-schemas';
import { api } from '../api/client.js';
import { EmbedPanel } from '../components/embed-panel.js';
import { FormError } from '../components/form-error.js';
import { IndexingProgress } from '../components/indexing-progress.js';
import { ChatModeration } from '../components/chat-moderation.js';
import { LiveView } from '../components/live-view.js';
import { StreamTabs } from '../components/stream-tabs.js';
import { TopSupporters } from '../components/top-supporters.js';
import { TrafficChart } from '../components/traffic-chart.js';
import { useRoute } from '../router.js';
import { useAsync } from '../use-async.js';

export function StreamPage({ streamId }: { streamId: string }) {
  const tab = useRoute()[2] === 'setup' ? 'setup' : 'overview';
  const stream = useAsync(
    () => api<StreamResponse>('GET', `/api/streams/${encodeURIComponent(streamId)}`),
    [streamId],
  );
  return (
    <>
      <StreamHead stream={stream.data} streamId={streamId} />
      <StreamTabs streamId={streamId} current={tab} />
      <FormError error={stream.error} />
      {tab === 'setup' ? (
        <div class="grid-2 setup">
          <IndexingProgress streamId={streamId} />
          <EmbedPanel stream={stream.data} />
        </div>
      ) : (
        <>
          <LiveView streamId={streamId} />
          <TrafficChart streamId={streamId} />
          <TopSupporters streamId={streamId} />
          <ChatModeration streamId={streamId} />
        </>
      )}
    </>
  );
}

export function StreamHead({
  stream,
  streamId,
}: {
  stream: StreamResponse | undefined;
  streamId: string;
}) {
  return (
    <div class="page-head">
      <div class="page-title">
        <p class="crumbs">
          <a href="#/streams">Streams</a> <span aria-hidden="true">/</span>
        </p>
        <h1>{stream ? stream.title || 'Untitled stream' : 'Stream'}</h1>
        <p class="muted mono small break">{stream?.hlsUrl ?? streamId}</p>
        <FollowerCount streamId={streamId} />
      </div>
    </div>
  );
}

/** The streamer's followers (viewers who pressed Follow in the player), from the public count. */
function FollowerCount({ streamId }: { streamId: string }) {
  const followers = useAsync(
    () =>
      api<StreamFollowersResponse>('GET', `/api/streams/${encodeURIComponent(streamId)}/followers`),
    [streamId],
  );
  const count = followers.data?.followers;
  if (count === undefined) return null;
  return (
    <p class="muted small" data-testid="followers">
      {count.toLocaleString('en')} follower{count === 1 ? '' : 's'}
    </p>
  );
}
