/** ISO 8601 times in request bodies and query strings. */
import { ApiError } from '../errors.js';

/** A full ISO 8601 date-time with a zone (`Z` or `±hh:mm`), as `Date.toISOString` writes. */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * `text` as a Date, or 400 `VALIDATION_ERROR` naming `label`: a date without a zone would be
 * read in the server's time zone, so one is required.
 *
 * @example
 * parseIsoTime('2026-11-30T00:00:00Z', 'body.endsAt'); // Date
 */
export function parseIsoTime(text: string, label: string): Date {
  const date = new Date(text);
  if (!ISO_DATE_TIME.test(text) || Number.isNaN(date.getTime())) {
    throw new ApiError(
      'VALIDATION_ERROR',
      `${label} must be an ISO 8601 date-time with a zone, e.g. 2026-11-30T00:00:00Z`,
    );
  }
  return date;
}

/** `parseIsoTime` of an optional value. */
export function optionalIsoTime(text: string | undefined, label: string): Date | undefined {
  return text === undefined ? undefined : parseIsoTime(text, label);
}
