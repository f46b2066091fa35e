import { describe, expect, it } from 'vitest';
import { embedSnippet } from './embed-snippet.js';

describe('embedSnippet', () => {
  it('escapes attribute values', () => {
    const html = embedSnippet({
      hlsUrl: 'https://x/a.m3u8?a=1&b="><script>',
      streamId: 's1',
      trackerUrl: 'https://t',
      coordinatorUrl: 'https://c',
      sdkUrl: 'https://sdk/streamrp2p.iife.js',
    });
    expect(html).toContain(
      'data-streamrp2p-src="https://x/a.m3u8?a=1&amp;b=&quot;&gt;&lt;script&gt;"',
    );
    expect(html).not.toContain('"><script>');
  });
});
