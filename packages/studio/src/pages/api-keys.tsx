/** The streamer's API keys: listed (never the key), created (the key shown once), revoked. */
import type {
  ApiKeyResponse,
  ApiKeysResponse,
  CreatedApiKeyResponse,
} from '@streamrp2p/protocol/api-schemas';
import { useState } from 'preact/hooks';
import { api } from '../api/client.js';
import { formatAgo, formatTime } from '../api/format.js';
import { FormError } from '../components/form-error.js';
import { useSession } from '../session.js';
import { useAsync } from '../use-async.js';

export function ApiKeysPage() {
  const { me } = useSession();
  const base = `/api/streamers/${encodeURIComponent(me.streamer.streamerId)}/api-keys`;
  const keys = useAsync(() => api<ApiKeysResponse>('GET', base), [base]);
  const [created, setCreated] = useState<CreatedApiKeyResponse>();
  const live = keys.data?.apiKeys.filter((k) => k.revokedAt === null) ?? [];
  const revoked = keys.data?.apiKeys.filter((k) => k.revokedAt !== null) ?? [];
  return (
    <>
      <div class="page-head">
        <div>
          <h1>API keys</h1>
          <p class="muted">
            Keys let your servers call the coordinator (
            <span class="mono">Authorization: Bearer …</span>): register streams, record revenue,
            read statements.
          </p>
        </div>
      </div>
      <div class="grid-2">
        <CreateKey
          base={base}
          onCreated={(key) => {
            setCreated(key);
            keys.reload();
          }}
        />
        {created ? <NewKey created={created} onDone={() => setCreated(undefined)} /> : <div />}
      </div>
      <section class="card" aria-labelledby="keys-title">
        <h2 id="keys-title">Active keys</h2>
        <FormError error={keys.error} />
        {keys.data === undefined ? (
          <p class="muted">Loading…</p>
        ) : live.length === 0 ? (
          <p class="empty">No active key. The studio itself needs none.</p>
        ) : (
          <KeyTable keys={live} base={base} onRevoked={keys.reload} />
        )}
        {revoked.length > 0 && (
          <details class="revoked">
            <summary>{revoked.length} revoked</summary>
            <KeyTable keys={revoked} base={base} onRevoked={keys.reload} />
          </details>
        )}
      </section>
    </>
  );
}

function CreateKey({
  base,
  onCreated,
}: {
  base: string;
  onCreated(key: CreatedApiKeyResponse): void;
}) {
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const formEl = event.currentTarget as HTMLFormElement;
    const name = String(new FormData(formEl).get('keyName') ?? '').trim();
    setBusy(true);
    setError(undefined);
    try {
      onCreated(await api<CreatedApiKeyResponse>('POST', base, { name }));
      formEl.reset();
    } catch (failure) {
      setError(failure as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card" aria-labelledby="create-key-title">
      <h2 id="create-key-title">Create a key</h2>
      <form onSubmit={submit}>
        <div class="field">
          <label for="keyName">What is it for?</label>
          <input
            id="keyName"
            name="keyName"
            required
            maxLength={100}
            placeholder="Billing server"
          />
        </div>
        <FormError error={error} />
        <button type="submit" class="button primary" disabled={busy}>
          Create key
        </button>
      </form>
    </section>
  );
}

function NewKey({ created, onDone }: { created: CreatedApiKeyResponse; onDone(): void }) {
  const [copied, setCopied] = useState(false);
  return (
    <section class="card highlight" aria-labelledby="new-key-title" data-testid="new-key">
      <h2 id="new-key-title">Key “{created.name}” created</h2>
      <p>
        <strong>Copy it now: it is shown only once.</strong> Only its hash is stored.
      </p>
      <label for="new-key-value" class="visually-hidden">
        The new API key
      </label>
      <input
        id="new-key-value"
        class="mono key-value"
        readOnly
        value={created.apiKey}
        onFocus={(e) => (e.currentTarget as HTMLInputElement).select()}
      />
      <div class="actions">
        <button
          type="button"
          class="button primary"
          onClick={() =>
            navigator.clipboard.writeText(created.apiKey).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }
        >
          Copy key
        </button>
        <button type="button" class="button ghost" onClick={onDone}>
          I saved it
        </button>
        <span class="status" role="status">
          {copied ? 'Copied to the clipboard' : ''}
        </span>
      </div>
    </section>
  );
}

function KeyTable({
  keys,
  base,
  onRevoked,
}: {
  keys: ApiKeyResponse[];
  base: string;
  onRevoked(): void;
}) {
  const [error, setError] = useState<Error>();
  const revoke = async (key: ApiKeyResponse) => {
    if (!confirm(`Revoke “${key.name}”? Calls with it will fail at once.`)) return;
    try {
      await api('DELETE', `${base}/${encodeURIComponent(key.keyId)}`);
      onRevoked();
    } catch (failure) {
      setError(failure as Error);
    }
  };
  return (
    <div class="table-wrap">
      <FormError error={error} />
      <table class="table" data-testid="api-keys">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Key</th>
            <th scope="col" class="hide-phone">
              Created
            </th>
            <th scope="col">Last used</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {keys.map((key) => (
            <tr key={key.keyId}>
              <td>{key.name}</td>
              <td class="mono">{key.prefix ? `${key.prefix}…` : '(older key)'}</td>
              <td class="hide-phone">{formatTime(key.createdAt)}</td>
              <td>{key.lastUsedAt ? formatAgo(key.lastUsedAt) : 'never'}</td>
              <td class="num">
                {key.revokedAt === null ? (
                  <button
                    type="button"
                    class="button danger small"
                    onClick={() => void revoke(key)}
                    aria-label={`Revoke ${key.name}`}
                  >
                    Revoke
                  </button>
                ) : (
                  <span class="muted">revoked {formatAgo(key.revokedAt)}</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
