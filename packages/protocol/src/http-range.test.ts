import { describe, expect, it } from 'vitest';
import { parseContentRange, rangeHeaderValue } from './http-range.js';

describe('rangeHeaderValue', () => {
  it('turns an end-exclusive range into HTTP’s inclusive one, or an open-ended one', () => {
    expect(rangeHeaderValue(100, 200)).toBe('bytes=100-199');
    expect(rangeHeaderValue(0, 1)).toBe('bytes=0-0');
    expect(rangeHeaderValue(500)).toBe('bytes=500-');
  });
});

describe('parseContentRange', () => {
  it('reads first-last/length and first-last/* as an end-exclusive range', () => {
    expect(parseContentRange('bytes 100-199/1000')).toEqual({ start: 100, end: 200 });
    expect(parseContentRange('bytes 0-0/*')).toEqual({ start: 0, end: 1 });
    expect(parseContentRange('Bytes 5-9/10')).toEqual({ start: 5, end: 10 });
  });

  it('is undefined for a missing or malformed header', () => {
    for (const header of [
      null,
      undefined,
      '',
      'bytes */1000',
      'bytes 1-2',
      'items 1-2/3',
      'bytes a-b/c',
    ]) {
      expect(parseContentRange(header)).toBeUndefined();
    }
  });
});
