/**
 * The rewards panel's "Share" button (issue 13, decision 43): the page's link with this viewer's
 * referral code (`?ref=CODE`), handed to the system share sheet where there is one, else copied
 * to the clipboard, else shown to copy by hand. A share pays when the link brings a new viewer
 * who watches; the code is read once per panel from the viewer's referrals.
 */
import { shareLink } from '../../coordinator/referral-code.js';
import type { RewardsCall } from './account-panel.js';
import { button, el } from './dom.js';

/** What sharing needs from the player. */
export interface ShareHost {
  viewerRequest(call: RewardsCall): Promise<unknown>;
}

/** The browser features sharing uses; `navigator` and `location` by default. */
export interface ShareEnv {
  pageUrl(): string;
  share?: ((data: { title?: string; url: string }) => Promise<void>) | undefined;
  copy?: ((text: string) => Promise<void>) | undefined;
}

function browserEnv(): ShareEnv {
  const nav = globalThis.navigator as Navigator | undefined;
  return {
    pageUrl: () => globalThis.location.href,
    share: typeof nav?.share === 'function' ? (data) => nav.share(data) : undefined,
    copy: nav?.clipboard ? (text) => nav.clipboard.writeText(text) : undefined,
  };
}

/** Each host's code, once read: the panel is rebuilt often, the code never changes. */
const codes = new WeakMap<ShareHost, Promise<string>>();

function codeOf(host: ShareHost): Promise<string> {
  let code = codes.get(host);
  if (code === undefined) {
    code = host.viewerRequest({ method: 'GET', path: '/referrals' }).then((body) => {
      const value = (body as { code?: unknown } | undefined)?.code;
      if (typeof value !== 'string') throw new Error('the referrals answer has no code');
      return value;
    });
    // A failure is not kept: the next click asks again.
    code.catch(() => codes.delete(host));
    codes.set(host, code);
  }
  return code;
}

/**
 * Shares the page with the viewer's code: the share sheet, else the clipboard. Answers what
 * happened, for the panel to say; `manual` carries the link when neither is there.
 */
export async function shareStream(
  host: ShareHost,
  env: ShareEnv = browserEnv(),
): Promise<{ outcome: 'shared' | 'copied' | 'cancelled' | 'manual'; link: string }> {
  const link = shareLink(env.pageUrl(), await codeOf(host));
  if (env.share) {
    try {
      await env.share({ title: globalThis.document?.title, url: link });
      return { outcome: 'shared', link };
    } catch (error) {
      if ((error as { name?: string }).name === 'AbortError') return { outcome: 'cancelled', link };
      // No share target (or not allowed here): fall back to the clipboard.
    }
  }
  if (env.copy) {
    try {
      await env.copy(link);
      return { outcome: 'copied', link };
    } catch {
      // Clipboard refused (permissions, an insecure page): show the link instead.
    }
  }
  return { outcome: 'manual', link };
}

/** The panel section: what sharing earns and the button. */
export function shareSection(host: ShareHost, flash: (text: string) => void): HTMLElement {
  const manual = el('input', { type: 'text', 'aria-label': 'Share link', class: 'srp-link' });
  manual.readOnly = true;
  manual.hidden = true;
  manual.style.cssText = 'box-sizing:border-box;width:100%;margin-top:6px';
  const share = button('Share', false, () => {
    share.disabled = true;
    shareStream(host)
      .then(({ outcome, link }) => {
        if (outcome === 'copied') flash('Link copied');
        if (outcome === 'manual') {
          manual.value = link;
          manual.hidden = false;
          manual.select();
        }
      })
      .catch((error: unknown) => {
        console.warn('streamrp2p: could not make the share link', error);
        flash('Could not share now');
      })
      .finally(() => (share.disabled = false));
  });
  return el(
    'div',
    { class: 'srp-section' },
    el('p', {
      class: 'srp-muted',
      text: 'Share this stream: 50 points when someone new watches through your link (once a day), 500 each when they reach 100 points.',
    }),
    el('div', { class: 'srp-row' }, share),
    manual,
  );
}
