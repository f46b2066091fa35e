/**
 * The indexer's progress on a stream: renditions found, segments indexed, its latest failure.
 * Polled every 2 s until the first segment is indexed, then every 10 s.
 */
import type { IndexingResponse } from '@streamrp2p/protocol/api-schemas';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/client.js';
import { formatAgo, formatCount } from '../api/format.js';
import { FormError } from './form-error.js';

export function IndexingProgress({ streamId }: { streamId: string }) {
  const [status, setStatus] = useState<IndexingResponse>();
  const [error, setError] = useState<Error>();
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let live = true;
    const poll = async () => {
      let indexed = false;
      try {
        const answer = await api<IndexingResponse>(
          'GET',
          `/api/streams/${encodeURIComponent(streamId)}/indexing`,
        );
        if (!live) return;
        setStatus(answer);
        setError(undefined);
        indexed = answer.segmentsIndexed > 0;
      } catch (failure) {
        if (live) setError(failure as Error);
      }
      if (live) timer = setTimeout(() => void poll(), indexed ? 10_000 : 2000);
    };
    void poll();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [streamId]);

  const ready = (status?.segmentsIndexed ?? 0) > 0;
  const steps = [
    { done: status !== undefined && status.renditions.length > 0, label: 'Playlist read' },
    { done: ready, label: 'Segments indexed' },
    { done: ready, label: 'Ready to embed' },
  ];
  return (
    <section class="card" aria-labelledby="indexing-title">
      <h2 id="indexing-title">Indexing</h2>
      <ol class="steps">
        {steps.map((step, i) => (
          <li key={step.label} class={step.done ? 'done' : ''}>
            <span class="step-dot" aria-hidden="true">
              {step.done ? '✓' : i + 1}
            </span>
            {step.label}
            <span class="visually-hidden">{step.done ? ' (done)' : ' (waiting)'}</span>
          </li>
        ))}
      </ol>
      <div class="figures" aria-live="polite">
        <div class="figure">
          <span class="figure-label">Renditions found</span>
          <span class="figure-value" data-testid="renditions-found">
            {status ? formatCount(status.renditions.length) : '—'}
          </span>
        </div>
        <div class="figure">
          <span class="figure-label">Segments indexed</span>
          <span class="figure-value" data-testid="segments-indexed">
            {status ? formatCount(status.segmentsIndexed) : '—'}
          </span>
        </div>
      </div>
      {status && status.renditions.length > 0 && (
        <table class="table compact">
          <caption class="visually-hidden">Renditions</caption>
          <thead>
            <tr>
              <th scope="col">Rendition</th>
              <th scope="col" class="num">
                Segments
              </th>
              <th scope="col">Latest</th>
            </tr>
          </thead>
          <tbody>
            {status.renditions.map((r) => (
              <tr key={r.rendition}>
                <td class="mono">{r.rendition}</td>
                <td class="num">{formatCount(r.segments)}</td>
                <td>{r.lastIndexedAt ? formatAgo(r.lastIndexedAt) : 'not yet'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {status && !status.following && (
        <p class="notice">The indexer of this coordinator is not following this stream.</p>
      )}
      {status?.lastError && (
        <div class="notice warn" data-testid="indexing-error">
          <strong>Last error</strong> ({formatAgo(status.lastError.at)}):{' '}
          <span class="break">{status.lastError.message}</span>
        </div>
      )}
      <FormError error={error} />
    </section>
  );
}
