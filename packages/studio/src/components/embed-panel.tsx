/**
 * The embed snippet (built by the coordinator) with a copy button, and a live preview: the very
 * snippet in a frame, so it plays through the SDK exactly as on the streamer's site.
 */
import type { StreamResponse } from '@streamrp2p/protocol';
import { useRef, useState } from 'preact/hooks';

async function copyText(text: string, fallback: HTMLTextAreaElement | null): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // No clipboard API (an insecure origin, or permission refused): the old way.
    fallback?.select();
    if (!document.execCommand('copy')) throw new Error('copy refused');
  }
}

function previewDocument(snippet: string): string {
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    '<style>html,body{margin:0;height:100%;background:#0b1020}</style></head>' +
    `<body>${snippet}</body></html>`
  );
}

export function EmbedPanel({ stream }: { stream: StreamResponse | undefined }) {
  const snippet = stream?.embedSnippet;
  const area = useRef<HTMLTextAreaElement>(null);
  const [copied, setCopied] = useState<'yes' | 'failed'>();
  const [preview, setPreview] = useState(false);
  return (
    <section class="card" aria-labelledby="embed-title">
      <h2 id="embed-title">Embed snippet</h2>
      <p class="muted">
        Paste it where the player should appear. Viewers play from your CDN and share segments with
        each other; supporters earn from what they serve.
      </p>
      <label for="snippet" class="visually-hidden">
        Embed snippet
      </label>
      <textarea
        id="snippet"
        ref={area}
        class="snippet"
        readOnly
        rows={5}
        value={snippet ?? 'Loading…'}
        onFocus={(e) => (e.currentTarget as HTMLTextAreaElement).select()}
      />
      <div class="actions">
        <button
          type="button"
          class="button primary"
          disabled={snippet === undefined}
          onClick={() => {
            if (snippet === undefined) return;
            copyText(snippet, area.current).then(
              () => setCopied('yes'),
              () => setCopied('failed'),
            );
          }}
        >
          Copy snippet
        </button>
        <button
          type="button"
          class="button"
          disabled={snippet === undefined}
          aria-expanded={preview}
          aria-controls="preview"
          onClick={() => setPreview(!preview)}
        >
          {preview ? 'Stop preview' : 'Play preview'}
        </button>
        <span class="status" role="status" data-testid="copy-status">
          {copied === 'yes'
            ? 'Copied to the clipboard'
            : copied === 'failed'
              ? 'Copy failed: select the text and copy it'
              : ''}
        </span>
      </div>
      <div id="preview" class="preview">
        {preview && snippet !== undefined ? (
          <iframe
            title="Live preview of the embedded player"
            srcdoc={previewDocument(snippet)}
            allow="autoplay; fullscreen"
          />
        ) : (
          <p class="preview-placeholder">The preview plays the stream through the SDK.</p>
        )}
      </div>
    </section>
  );
}
