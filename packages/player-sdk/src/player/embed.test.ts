import { describe, expect, it } from 'vitest';
import { optionsFromElement } from './embed.js';

/** `optionsFromElement` only reads `dataset`: a plain object stands in for the element. */
function element(dataset: Record<string, string>): HTMLElement {
  return { dataset } as unknown as HTMLElement;
}

const BASE = {
  streamrp2pSrc: 'https://cdn.example.com/live/master.m3u8',
  streamrp2pStream: 'my-stream',
  streamrp2pTracker: 'https://tracker.example.com',
};

describe('optionsFromElement', () => {
  it('reads src, stream and tracker, with the overlay on by default', () => {
    const el = element(BASE);
    expect(optionsFromElement(el)).toEqual({
      el,
      src: BASE.streamrp2pSrc,
      streamId: 'my-stream',
      tracker: 'https://tracker.example.com',
      overlay: true,
      rewards: true,
      supporterPrompt: true,
      p2p: { maxUploadKbps: undefined, consumeOnly: undefined, maxPeers: undefined },
    });
  });

  it('gives empty strings for missing required attributes (createPlayer rejects them)', () => {
    const options = optionsFromElement(element({}));
    expect(options.src).toBe('');
    expect(options.streamId).toBe('');
    expect(options.tracker).toBe('');
  });

  it('turns the overlay off only with "false"', () => {
    expect(optionsFromElement(element({ ...BASE, streamrp2pOverlay: 'false' })).overlay).toBe(
      false,
    );
    expect(optionsFromElement(element({ ...BASE, streamrp2pOverlay: '' })).overlay).toBe(true);
    expect(optionsFromElement(element({ ...BASE, streamrp2pOverlay: 'true' })).overlay).toBe(true);
  });

  it('turns the rewards and the supporter offer off only with "false"', () => {
    const read = (extra: Record<string, string>) =>
      optionsFromElement(element({ ...BASE, ...extra }));
    expect(read({ streamrp2pRewards: 'false' })).toMatchObject({ rewards: false });
    expect(read({ streamrp2pSupporterPrompt: 'false' })).toMatchObject({
      rewards: true,
      supporterPrompt: false,
    });
    expect(read({ streamrp2pRewards: '' })).toMatchObject({ rewards: true });
  });

  it.each([
    ['true', true],
    ['', true], // a bare attribute turns it on
    ['false', false],
    ['auto', 'auto'],
  ] as const)('consume-only "%s" -> %s', (value, expected) => {
    const el = element({ ...BASE, streamrp2pConsumeOnly: value });
    expect(optionsFromElement(el).p2p?.consumeOnly).toBe(expected);
  });

  it('parses numbers and ignores ones that are not', () => {
    const read = (extra: Record<string, string>) =>
      optionsFromElement(element({ ...BASE, ...extra })).p2p ?? {};
    expect(read({ streamrp2pMaxUploadKbps: '400', streamrp2pMaxPeers: '5' })).toMatchObject({
      maxUploadKbps: 400,
      maxPeers: 5,
    });
    expect(read({ streamrp2pMaxUploadKbps: 'fast', streamrp2pMaxPeers: '' })).toMatchObject({
      maxUploadKbps: undefined,
      maxPeers: undefined,
    });
    expect(read({ streamrp2pMaxUploadKbps: 'Infinity' }).maxUploadKbps).toBeUndefined();
  });
});
