import { Type } from '@sinclair/typebox';
import { Closed, Id, Text, U32 } from '@streamrp2p/protocol/api-schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors.js';
import * as validate from './validate.js';

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

const titles = validate.body(Closed({ title: Text() }));
const names = validate.body(Closed({ name: Text() }));
const lines = validate.body(Closed({ m: Text({ multiline: true }) }));

describe('Text', () => {
  it('accepts a text exactly when it has no control character and no lone surrogate', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }), (text) => {
        const message = refusal(() => titles.parse({ title: text }));
        expect(message === undefined).toBe(!hasControl(text) && !hasLoneSurrogate(text));
      }),
      { numRuns: 2000, seed: 27 },
    );
  });

  it('names the field, and lets multiline texts keep tab and line feed only', () => {
    expect(refusal(() => names.parse({ name: 'a\u0000b' }))).toBe(
      'body.name must not contain control characters (NUL, U+0000-U+001F, ...)',
    );
    expect(refusal(() => names.parse({ name: 'x\ud800' }))).toBe(
      'body.name must be well-formed Unicode',
    );
    const multiline = (text: string) => refusal(() => lines.parse({ m: text }));
    expect(multiline('one\ntwo\tthree')).toBeUndefined();
    expect(multiline('one\r\ntwo')).toMatch(/control characters/);
    expect(multiline('nul\u0000')).toMatch(/control characters/);
    expect(refusal(() => names.parse({ name: 'one\ntwo' }))).toMatch(/control/);
    expect(refusal(() => names.parse({ name: 'é 😀 ok' }))).toBeUndefined();
    expect(refusal(() => names.parse({ name: '' }))).toBe(
      'body.name must be a string of 1-2048 characters',
    );
  });
});

describe('Validator', () => {
  const nested = validate.body(
    Closed({ id: Id(), items: Type.Array(Closed({ n: U32() }), { maxItems: 2 }) }),
  );

  it('names nested fields, unknown fields and the body itself', () => {
    expect(refusal(() => nested.parse([]))).toBe(
      'body must be a JSON object (Content-Type: application/json)',
    );
    expect(refusal(() => nested.parse({ id: 'a', items: [], x: 1, y: 2 }))).toBe(
      'body has unknown field(s): x, y',
    );
    expect(refusal(() => nested.parse({ id: 'a b', items: [] }))).toBe(
      'body.id must be an id of 1-128 characters [A-Za-z0-9._-]',
    );
    expect(refusal(() => nested.parse({ id: 'a', items: [{ n: 1 }, { n: -1 }] }))).toBe(
      'body.items[1].n must be an integer in 0..4294967295',
    );
    expect(refusal(() => nested.parse({ id: 'a', items: [{}, {}, {}] }))).toBe(
      'body.items must have at most 2 items',
    );
    expect(refusal(() => nested.parse({ items: [] }))).toMatch(/^body\.id must be an id/);
  });

  it('reads query numbers from text and refuses repeated parameters', () => {
    const range = validate.query(Closed({ from: U32(), to: Type.Optional(U32()) }));
    expect(range.parse({ from: '7' })).toEqual({ from: 7 });
    expect(refusal(() => range.parse({ from: '1.5' }))).toBe(
      'query.from must be an integer in 0..4294967295',
    );
    expect(refusal(() => range.parse({ from: ['1', '2'] }))).toBe(
      'query.from must be given once, as plain text',
    );
  });

  it('names path parameters', () => {
    const params = validate.path(Type.Object({ streamId: Id() }));
    expect(refusal(() => params.parse({ streamId: 'a/b' }))).toBe(
      'path parameter streamId is not a valid id',
    );
  });

  it('checks http(s) URLs after the schema', () => {
    expect(validate.httpUrl('https://x.test/a', 'body.u')).toBe('https://x.test/a');
    expect(refusal(() => validate.httpUrl('ftp://x.test/', 'body.u'))).toMatch(/http\(s\)/);
    expect(refusal(() => validate.httpUrl('nope', 'body.u'))).toMatch(/absolute/);
  });
});
