/** The streamer's streams, and adding one by its HLS URL. */
import type { StreamResponse } from '@streamrp2p/protocol';
import type { StreamsResponse } from '@streamrp2p/protocol/api-schemas';
import { useState } from 'preact/hooks';
import { api } from '../api/client.js';
import { formatTime } from '../api/format.js';
import { FormError } from '../components/form-error.js';
import { href, navigate } from '../router.js';
import { useSession } from '../session.js';
import { useAsync } from '../use-async.js';

export function StreamsPage() {
  const { me } = useSession();
  const streams = useAsync(
    () =>
      api<StreamsResponse>(
        'GET',
        `/api/streamers/${encodeURIComponent(me.streamer.streamerId)}/streams`,
      ),
    [me.streamer.streamerId],
  );
  const list = streams.data?.streams ?? [];
  return (
    <>
      <div class="page-head">
        <div>
          <h1>Streams</h1>
          <p class="muted">{me.streamer.name}</p>
        </div>
      </div>
      <div class="grid-2">
        <AddStream />
        <section class="card" aria-labelledby="streams-title">
          <h2 id="streams-title">Your streams</h2>
          <FormError error={streams.error} />
          {streams.loading && list.length === 0 ? (
            <p class="muted">Loading…</p>
          ) : list.length === 0 ? (
            <p class="empty">No stream yet. Add your first one with its HLS URL.</p>
          ) : (
            <ul class="stream-list">
              {list.map((s) => (
                <StreamItem key={s.streamId} stream={s} />
              ))}
            </ul>
          )}
        </section>
      </div>
    </>
  );
}

function StreamItem({ stream }: { stream: StreamResponse }) {
  return (
    <li>
      <a class="stream-link" href={href('streams', stream.streamId)}>
        <span class="stream-title">{stream.title || 'Untitled stream'}</span>
        <span class="stream-url">{stream.hlsUrl}</span>
        <span class="stream-meta">
          {stream.renditions.length} rendition{stream.renditions.length === 1 ? '' : 's'} · added{' '}
          {formatTime(stream.createdAt)}
        </span>
      </a>
    </li>
  );
}

function AddStream() {
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const title = String(form.get('title') ?? '').trim();
    setBusy(true);
    setError(undefined);
    try {
      const stream = await api<StreamResponse>('POST', '/api/streams', {
        hlsUrl: String(form.get('hlsUrl') ?? '').trim(),
        ...(title === '' ? {} : { title }),
      });
      navigate('streams', stream.streamId, 'setup');
    } catch (failure) {
      setError(failure as Error);
      setBusy(false);
    }
  };
  return (
    <section class="card accent" aria-labelledby="add-title">
      <h2 id="add-title">Add a stream</h2>
      <p class="muted">
        Paste the HLS URL your encoder or CDN publishes (a master or media playlist). The
        coordinator indexes every segment so viewers can verify what peers send them.
      </p>
      <form onSubmit={submit}>
        <div class="field">
          <label for="hlsUrl">HLS URL</label>
          <input
            id="hlsUrl"
            name="hlsUrl"
            type="url"
            required
            placeholder="https://cdn.example.com/live/master.m3u8"
            inputMode="url"
          />
        </div>
        <div class="field">
          <label for="title">
            Title <span class="optional">(optional)</span>
          </label>
          <input id="title" name="title" maxLength={200} placeholder="Friday night live" />
        </div>
        <FormError error={error} />
        <button type="submit" class="button primary" disabled={busy}>
          {busy ? 'Adding…' : 'Add stream'}
        </button>
      </form>
    </section>
  );
}
