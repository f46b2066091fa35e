/**
 * The referral code a session is created with (decision 43): the page's own setting, else the
 * `?ref=CODE` of the page URL (a share link). Only a well-formed code is sent, so a mangled
 * link never costs the viewer its session.
 */
import { REFERRAL_CODE_INPUT_PATTERN, REFERRAL_QUERY_PARAM } from '@streamrp2p/protocol';

const CODE = new RegExp(REFERRAL_CODE_INPUT_PATTERN);

/** `code` if it is well-formed, else undefined. */
export function validReferralCode(code: string | undefined): string | undefined {
  return code !== undefined && CODE.test(code) ? code.toUpperCase() : undefined;
}

/** The `ref` parameter of `href` (the page's URL by default), if it holds a code. */
export function pageReferralCode(
  href: string | undefined = globalThis.location?.href,
): string | undefined {
  if (href === undefined) return undefined;
  try {
    return validReferralCode(new URL(href).searchParams.get(REFERRAL_QUERY_PARAM) ?? undefined);
  } catch {
    return undefined;
  }
}

/**
 * The link that shares `pageUrl` with `code`: the same page, its `ref` parameter set (any other
 * `ref` replaced).
 *
 * @example
 * shareLink('https://site.example/live?x=1', 'ABCD2345'); // 'https://site.example/live?x=1&ref=ABCD2345'
 */
export function shareLink(pageUrl: string, code: string): string {
  const url = new URL(pageUrl);
  url.searchParams.set(REFERRAL_QUERY_PARAM, code);
  return url.toString();
}
