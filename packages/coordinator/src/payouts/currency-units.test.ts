import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { currencyUnits, payableMicros, toMinorUnits } from './currency-units.js';
import { decimalAmount } from './file-provider.js';

describe('currency units', () => {
  it('knows two-, zero- and three-decimal currencies and whole-unit payouts', () => {
    expect(currencyUnits('usd')).toEqual({
      digits: 2,
      microsPerMinor: 10_000,
      microsPerStep: 10_000,
    });
    expect(currencyUnits('JPY')).toEqual({
      digits: 0,
      microsPerMinor: 1_000_000,
      microsPerStep: 1_000_000,
    });
    expect(currencyUnits('kwd')).toEqual({
      digits: 3,
      microsPerMinor: 1_000,
      microsPerStep: 10_000,
    });
    expect(currencyUnits('huf')).toEqual({
      digits: 2,
      microsPerMinor: 10_000,
      microsPerStep: 1_000_000,
    });
  });

  it('floors to whole cents, yen, and steps', () => {
    expect(payableMicros(1_234_567, 'usd')).toBe(1_230_000);
    expect(payableMicros(9_999, 'usd')).toBe(0);
    expect(payableMicros(1_999_999, 'jpy')).toBe(1_000_000);
    expect(payableMicros(1_234_567, 'bhd')).toBe(1_230_000);
    expect(() => payableMicros(-1, 'usd')).toThrow(RangeError);
    expect(() => payableMicros(0.5, 'usd')).toThrow(RangeError);
  });

  it('converts to minor units exactly, refusing amounts that are not payable', () => {
    expect(toMinorUnits(1_230_000, 'usd')).toBe(123);
    expect(toMinorUnits(5_000_000, 'jpy')).toBe(5);
    expect(toMinorUnits(1_230_000, 'kwd')).toBe(1_230);
    expect(() => toMinorUnits(1_234_567, 'usd')).toThrow(RangeError);
    expect(() => toMinorUnits(0, 'usd')).toThrow(RangeError);
    expect(() => toMinorUnits(1_001_000, 'kwd')).toThrow(RangeError);
    expect(decimalAmount(1_230_000, 'usd')).toBe('1.23');
    expect(decimalAmount(50_000, 'usd')).toBe('0.05');
    expect(decimalAmount(5_000_000, 'jpy')).toBe('5');
    expect(decimalAmount(1_230_000, 'kwd')).toBe('1.230');
  });

  it('pays at most what is owed, less than one step short of it, in whole minor units', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.constantFrom('usd', 'eur', 'jpy', 'krw', 'kwd', 'tnd', 'huf', 'isk'),
        (owed, currency) => {
          const paid = payableMicros(owed, currency);
          const { microsPerStep } = currencyUnits(currency);
          expect(paid).toBeLessThanOrEqual(owed);
          expect(owed - paid).toBeLessThan(microsPerStep);
          if (paid > 0) expect(Number.isSafeInteger(toMinorUnits(paid, currency))).toBe(true);
        },
      ),
    );
  });
});
