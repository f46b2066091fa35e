import { describe, expect, it } from 'vitest';
import { parseRange } from './byte-range.js';

describe('parseRange', () => {
  it('reads the single-range forms', () => {
    expect(parseRange('bytes=0-99', 1000)).toEqual({
      type: 'partial',
      span: { start: 0, end: 99 },
    });
    expect(parseRange('bytes=500-', 1000)).toEqual({
      type: 'partial',
      span: { start: 500, end: 999 },
    });
    expect(parseRange('bytes=-100', 1000)).toEqual({
      type: 'partial',
      span: { start: 900, end: 999 },
    });
    expect(parseRange('bytes=-5000', 1000)).toEqual({
      type: 'partial',
      span: { start: 0, end: 999 },
    });
  });

  it('clamps an end past the body', () => {
    expect(parseRange('bytes=990-5000', 1000)).toEqual({
      type: 'partial',
      span: { start: 990, end: 999 },
    });
  });

  it('reports unsatisfiable ranges', () => {
    expect(parseRange('bytes=1000-', 1000)).toEqual({ type: 'unsatisfiable' });
    expect(parseRange('bytes=2000-3000', 1000)).toEqual({ type: 'unsatisfiable' });
    expect(parseRange('bytes=-0', 1000)).toEqual({ type: 'unsatisfiable' });
  });

  it('ignores what it may ignore: absent, malformed, multi-range, reversed', () => {
    for (const header of [
      undefined,
      'items=0-1',
      'bytes=0-1,5-6',
      'bytes=5-3',
      'bytes=-',
      'bytes=a-b',
    ]) {
      expect(parseRange(header, 1000)).toEqual({ type: 'full' });
    }
  });
});
