/** The ready-to-paste embed snippet for a stream: a mount `<div>` and the SDK script tag. */

function escapeAttribute(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

export interface EmbedSnippetInput {
  hlsUrl: string;
  streamId: string;
  trackerUrl: string;
  coordinatorUrl: string;
  sdkUrl: string;
}

/**
 * The HTML the streamer pastes; the SDK's IIFE mounts a player on the `<div>`.
 *
 * @example
 * embedSnippet({ hlsUrl, streamId, trackerUrl, coordinatorUrl, sdkUrl: 'https://cdn/streamrp2p.iife.js' });
 */
export function embedSnippet(input: EmbedSnippetInput): string {
  const attr = (name: string, value: string) =>
    ` data-streamrp2p-${name}="${escapeAttribute(value)}"`;
  return (
    `<div${attr('src', input.hlsUrl)}${attr('stream', input.streamId)}` +
    `${attr('tracker', input.trackerUrl)}${attr('coordinator', input.coordinatorUrl)}></div>\n` +
    `<script src="${escapeAttribute(input.sdkUrl)}" async></script>`
  );
}
