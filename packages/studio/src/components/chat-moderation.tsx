/**
 * The stream's chat as its owner moderates it (decision 40): the latest messages (read every
 * 3 s while the tab is visible), delete one for everyone, mute its sender for 10 minutes or a
 * day, lift a mute, and slow mode. Viewers see each change at once through their sockets.
 */
import type { ChatMessageEntry, ChatRoomResponse } from '@streamrp2p/protocol/api-schemas';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/client.js';
import { formatTime } from '../api/format.js';
import { useAsync } from '../use-async.js';
import { FormError } from './form-error.js';

const POLL_MS = 3000;
const SLOW_MODES = [0, 5, 10, 30, 60, 120];
const MUTES: [label: string, seconds: number][] = [
  ['Mute 10 min', 600],
  ['Mute 1 day', 86_400],
];

export function ChatModeration({ streamId }: { streamId: string }) {
  const base = `/api/streams/${encodeURIComponent(streamId)}/chat`;
  const room = useAsync(() => api<ChatRoomResponse>('GET', base), [base]);
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const { reload } = room;
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') reload();
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [reload]);

  const act = async (change: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await change();
      reload();
    } catch (failure) {
      setError(failure as Error);
    } finally {
      setBusy(false);
    }
  };
  const mute = (by: { messageId: string } | { senderKey: string }, durationSeconds: number) =>
    act(() => api('POST', `${base}/mutes`, { ...by, durationSeconds }));
  const messages = [...(room.data?.messages ?? [])].reverse();

  return (
    <section class="card" aria-labelledby="chat-title" data-testid="chat-moderation">
      <div class="section-head">
        <h2 id="chat-title">Chat</h2>
        <label class="chat-slow">
          Slow mode{' '}
          <select
            value={String(room.data?.slowModeSeconds ?? 0)}
            disabled={busy || room.data === undefined}
            onChange={(event) =>
              act(() =>
                api('PUT', `${base}/settings`, {
                  slowModeSeconds: Number((event.target as HTMLSelectElement).value),
                }),
              )
            }
          >
            {SLOW_MODES.map((seconds) => (
              <option key={seconds} value={String(seconds)}>
                {seconds === 0 ? 'Off' : `${seconds} s`}
              </option>
            ))}
          </select>
        </label>
      </div>
      <FormError error={error ?? room.error} />
      {room.data !== undefined && room.data.mutes.length > 0 && (
        <ul class="chat-mutes" aria-label="Muted viewers">
          {room.data.mutes.map((m) => (
            <li key={m.senderKey}>
              <strong>{m.name}</strong> muted until {formatTime(m.until)}{' '}
              <button
                type="button"
                class="button ghost small"
                disabled={busy}
                onClick={() => mute({ senderKey: m.senderKey }, 0)}
              >
                Unmute
              </button>
            </li>
          ))}
        </ul>
      )}
      {room.data === undefined ? (
        <p class="muted">Loading…</p>
      ) : messages.length === 0 ? (
        <p class="empty">
          No message yet. Viewers chat in players embedded with the chat on (<code>chat: true</code>
          ).
        </p>
      ) : (
        <ul class="chat-log" aria-label="Latest messages, newest first">
          {messages.map((m) => (
            <ChatLine
              key={m.id}
              message={m}
              busy={busy}
              onDelete={() =>
                act(() => api('DELETE', `${base}/messages/${encodeURIComponent(m.id)}`))
              }
              onMute={(seconds) => mute({ messageId: m.id }, seconds)}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

function ChatLine({
  message,
  busy,
  onDelete,
  onMute,
}: {
  message: ChatMessageEntry;
  busy: boolean;
  onDelete: () => void;
  onMute: (seconds: number) => void;
}) {
  if (message.type === 'system') {
    return (
      <li class="chat-line system">
        <span class="muted small">{formatTime(message.at)}</span> ★ {message.text}
      </li>
    );
  }
  return (
    <li class="chat-line" data-id={message.id}>
      <span class="muted small">{formatTime(message.at)}</span> <strong>{message.name}</strong>{' '}
      {message.supporter && <span class="badge paid">Supporter</span>} {message.text}
      <span class="chat-actions">
        <button type="button" class="button ghost small" disabled={busy} onClick={onDelete}>
          Delete
        </button>
        {MUTES.map(([label, seconds]) => (
          <button
            key={seconds}
            type="button"
            class="button ghost small"
            disabled={busy}
            onClick={() => onMute(seconds)}
          >
            {label}
          </button>
        ))}
      </span>
    </li>
  );
}
