import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { microsToDecimal, toCsv } from './statement-csv.js';

describe('toCsv', () => {
  it('quotes only fields that need it, doubling quotes, CRLF after every record', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          [1, 'plain'],
          ['x,y', 'say "hi"'],
          ['two\nlines', null],
        ],
      ),
    ).toBe('a,b\r\n1,plain\r\n"x,y","say ""hi"""\r\n"two\nlines",\r\n');
  });
});

describe('microsToDecimal', () => {
  it('is exact for every safe integer', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (micros) => {
        const text = microsToDecimal(micros);
        expect(text).toMatch(/^-?\d+\.\d{6}$/);
        expect(BigInt(text.replace('.', ''))).toBe(BigInt(micros));
      }),
    );
  });

  it('refuses what is not an amount', () => {
    expect(() => microsToDecimal(1.5)).toThrow(RangeError);
    expect(() => microsToDecimal(2 ** 53)).toThrow(RangeError);
  });
});
