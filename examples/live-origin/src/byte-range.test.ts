import { describe, expect, it } from 'vitest';
import { applyRange, parseRange } from './byte-range.js';

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

describe('applyRange', () => {
  const body = Buffer.from('0123456789');

  it('answers a range with 206 and Content-Range', () => {
    const answer = applyRange('bytes=2-4', body, false);
    expect(answer.status).toBe(206);
    expect(answer.body.toString()).toBe('234');
    expect(answer.headers).toEqual({ 'Accept-Ranges': 'bytes', 'Content-Range': 'bytes 2-4/10' });
  });

  it('answers an unsatisfiable range with 416 and an empty body', () => {
    const answer = applyRange('bytes=10-', body, false);
    expect(answer).toMatchObject({ status: 416, headers: { 'Content-Range': 'bytes */10' } });
    expect(answer.body.length).toBe(0);
  });

  it('answers without a range with 200, advertising range support', () => {
    expect(applyRange(undefined, body, false)).toEqual({
      status: 200,
      body,
      headers: { 'Accept-Ranges': 'bytes' },
    });
  });

  it('with ignoreRange, answers every range with 200, the whole body and no Accept-Ranges', () => {
    for (const header of ['bytes=2-4', 'bytes=10-', 'bytes=-3', undefined]) {
      expect(applyRange(header, body, true)).toEqual({ status: 200, body, headers: {} });
    }
  });
});
