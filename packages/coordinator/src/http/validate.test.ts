import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors.js';
import { bodyFields } from './validate.js';

/** The VALIDATION_ERROR message `read` throws, or undefined when it returns. */
function refusal(read: () => unknown): string | undefined {
  try {
    read();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('VALIDATION_ERROR');
    return (error as ApiError).message;
  }
}

const hasControl = (s: string) =>
  [...s].some((c) => {
    const code = c.codePointAt(0)!;
    return code < 0x20 || (code >= 0x7f && code <= 0x9f);
  });
const hasLoneSurrogate = (s: string) =>
  [...s].some((c) => c.length === 1 && c.charCodeAt(0) >= 0xd800 && c.charCodeAt(0) <= 0xdfff);

describe('Fields.string', () => {
  it('accepts a text exactly when it has no control character and no lone surrogate', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }), (text) => {
        const message = refusal(() => bodyFields({ title: text }).string('title'));
        expect(message === undefined).toBe(!hasControl(text) && !hasLoneSurrogate(text));
      }),
      { numRuns: 2000, seed: 27 },
    );
  });

  it('names the field, and lets multiline texts keep tab and line feed only', () => {
    expect(refusal(() => bodyFields({ name: 'a\u0000b' }).string('name'))).toBe(
      'body.name must not contain control characters (NUL, U+0000-U+001F, ...)',
    );
    expect(refusal(() => bodyFields({ name: 'x\ud800' }).string('name'))).toBe(
      'body.name must be well-formed Unicode',
    );
    const multiline = (text: string) =>
      refusal(() => bodyFields({ m: text }).string('m', { multiline: true }));
    expect(multiline('one\ntwo\tthree')).toBeUndefined();
    expect(multiline('one\r\ntwo')).toMatch(/control characters/);
    expect(multiline('nul\u0000')).toMatch(/control characters/);
    expect(refusal(() => bodyFields({ m: 'one\ntwo' }).string('m'))).toMatch(/control/);
    expect(refusal(() => bodyFields({ u: 'https://x.test/\u0000' }).httpUrl('u'))).toMatch(
      /control/,
    );
    expect(refusal(() => bodyFields({ e: 'é 😀 ok' }).string('e'))).toBeUndefined();
  });
});
