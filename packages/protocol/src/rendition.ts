/**
 * The rendition id every party derives the same way from a media playlist URL: its path,
 * without the `.m3u8` extension, as a tracker id. The SDK (from hls.js' playlist URL) and the
 * coordinator's indexer (from the master playlist it follows) must agree on it, since swarms
 * and Merkle roots are keyed by it. Host and query are ignored: the same stream behind two CDN
 * hosts, or with per-viewer query tokens, is one rendition.
 *
 * @example
 * renditionId('https://cdn.example.com/live/360p/index.m3u8?token=abc'); // 'live_360p_index'
 */
export function renditionId(playlistUrl: string): string {
  let path: string;
  try {
    path = new URL(playlistUrl).pathname;
  } catch {
    path = playlistUrl.split('?')[0] ?? playlistUrl;
  }
  const id = path
    .replace(/\.m3u8$/i, '')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^_+/, '');
  return (id || 'default').slice(-128);
}
