import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors.js';
import { optionalIsoTime, parseIsoTime } from './iso-time.js';

describe('parseIsoTime', () => {
  it('reads date-times with a zone', () => {
    expect(parseIsoTime('2026-11-30T00:00:00Z', 'x').toISOString()).toBe(
      '2026-11-30T00:00:00.000Z',
    );
    expect(parseIsoTime('2026-11-30T01:00:00.5+01:00', 'x').toISOString()).toBe(
      '2026-11-30T00:00:00.500Z',
    );
    expect(optionalIsoTime(undefined, 'x')).toBeUndefined();
  });

  it('refuses dates without a zone, without a time, or that do not exist', () => {
    for (const text of ['2026-11-30', '2026-11-30T00:00:00', 'yesterday', '2026-13-01T00:00:00Z']) {
      expect(() => parseIsoTime(text, 'body.endsAt'), text).toThrow(ApiError);
    }
    expect(() => parseIsoTime('soon', 'query.from')).toThrow(/^query\.from must be/);
  });
});
