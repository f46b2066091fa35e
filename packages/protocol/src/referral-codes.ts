/**
 * Referral codes and share links (decision 43): what the coordinator makes, what a request may
 * carry, and the query parameter of a share link. Plain constants, so the SDK reads them without
 * the schemas.
 */

/** A code as the coordinator makes it: 8 of `A-Z` and `2-9` without `I` and `O`. */
export const REFERRAL_CODE_PATTERN = '^[A-HJ-NP-Z2-9]{8}$';
/** What a request may carry: the same, in either case (links get typed and lower-cased). */
export const REFERRAL_CODE_INPUT_PATTERN = '^[A-HJ-NP-Za-hj-np-z2-9]{8}$';
/** The query parameter of a share link: `https://site.example/live?ref=CODE`. */
export const REFERRAL_QUERY_PARAM = 'ref';
