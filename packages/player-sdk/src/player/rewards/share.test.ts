import { describe, expect, it, vi } from 'vitest';
import { pageReferralCode, shareLink, validReferralCode } from '../../coordinator/referral-code.js';
import { shareStream, type ShareHost } from './share.js';

const page = 'https://site.example/live?x=1&ref=OLDCODE2#top';

/** A host answering `code` from the referrals route, counting its calls. */
function hostWith(code: unknown) {
  const calls: unknown[] = [];
  const host: ShareHost = {
    viewerRequest: (call) => (calls.push(call), Promise.resolve({ code })),
  };
  return { host, calls };
}

describe('referral codes in links', () => {
  it('reads a well-formed ?ref= code from the page URL, in either case, and nothing else', () => {
    expect(pageReferralCode('https://a.example/?ref=abcd2345')).toBe('ABCD2345');
    expect(pageReferralCode('https://a.example/?ref=ABCD234')).toBeUndefined();
    expect(pageReferralCode('https://a.example/?ref=ABCD234I')).toBeUndefined();
    expect(pageReferralCode('https://a.example/')).toBeUndefined();
    expect(pageReferralCode('not a url')).toBeUndefined();
    expect(validReferralCode(undefined)).toBeUndefined();
    expect(validReferralCode('<script>')).toBeUndefined();
  });

  it("sets the page's ref parameter, replacing another, keeping the rest", () => {
    expect(shareLink(page, 'ABCD2345')).toBe('https://site.example/live?x=1&ref=ABCD2345#top');
  });
});

describe('shareStream', () => {
  it('uses the share sheet where there is one, reading the code once', async () => {
    const { host, calls } = hostWith('ABCD2345');
    const share = vi.fn(() => Promise.resolve());
    const env = { pageUrl: () => page, share, copy: vi.fn(() => Promise.resolve()) };
    expect(await shareStream(host, env)).toEqual({
      outcome: 'shared',
      link: 'https://site.example/live?x=1&ref=ABCD2345#top',
    });
    await shareStream(host, env);
    expect(calls).toEqual([{ method: 'GET', path: '/referrals' }]);
    expect(share).toHaveBeenCalledTimes(2);
    expect(env.copy).not.toHaveBeenCalled();
  });

  it('copies to the clipboard without a share sheet or when it fails, and says when cancelled', async () => {
    const { host } = hostWith('ABCD2345');
    const copy = vi.fn(() => Promise.resolve());
    expect((await shareStream(host, { pageUrl: () => page, copy })).outcome).toBe('copied');
    const failing = () => Promise.reject(new Error('NotAllowedError'));
    expect((await shareStream(host, { pageUrl: () => page, share: failing, copy })).outcome).toBe(
      'copied',
    );
    const cancel = () => Promise.reject(Object.assign(new Error('x'), { name: 'AbortError' }));
    expect((await shareStream(host, { pageUrl: () => page, share: cancel, copy })).outcome).toBe(
      'cancelled',
    );
    expect(copy).toHaveBeenCalledTimes(2);
  });

  it('falls back to the link itself, and asks again after a failed read', async () => {
    const { host } = hostWith(undefined);
    await expect(shareStream(host, { pageUrl: () => page })).rejects.toThrow(/no code/);
    let answer: unknown = undefined;
    const calls: unknown[] = [];
    const flaky: ShareHost = {
      viewerRequest: (call) => (calls.push(call), Promise.resolve({ code: answer })),
    };
    await expect(shareStream(flaky, { pageUrl: () => page })).rejects.toThrow();
    answer = 'ABCD2345';
    expect(await shareStream(flaky, { pageUrl: () => page })).toMatchObject({ outcome: 'manual' });
    expect(calls).toHaveLength(2);
  });
});
