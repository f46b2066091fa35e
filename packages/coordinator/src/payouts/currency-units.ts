/**
 * Payable units of a currency. The ledger counts micro-units (10^-6); a bank or Stripe pays in
 * the currency's smallest unit (cents for usd, yen for jpy), and Stripe asks some currencies for
 * multiples of it. A payout pays the owed balance floored to a whole payable step; the rest (less
 * than one step) stays owed in the ledger for a later payout.
 *
 * | currencies                                                     | minor unit | step (minor units) |
 * | -------------------------------------------------------------- | ---------- | ------------------ |
 * | most (usd, eur, gbp, ...)                                      | 10^-2      | 1                  |
 * | zero-decimal: bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf | 1 | 1           |
 * | three-decimal: bhd jod kwd omr tnd                             | 10^-3      | 10                 |
 * | huf isk twd (Stripe pays out whole units only)                 | 10^-2      | 100                |
 */

const ZERO_DECIMAL = new Set(
  'bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf'.split(' '),
);
const THREE_DECIMAL = new Set('bhd jod kwd omr tnd'.split(' '));
const WHOLE_UNITS_ONLY = new Set('huf isk twd'.split(' '));

/** How a currency is paid. */
export interface CurrencyUnits {
  /** Decimal digits of the minor unit the API amount counts (2 for usd: cents). */
  digits: number;
  /** Micro-units in one minor unit (10,000 for usd). */
  microsPerMinor: number;
  /** Micro-units in the smallest amount that can be paid (a multiple of `microsPerMinor`). */
  microsPerStep: number;
}

/** The units of `currency` (ISO 4217, any case). */
export function currencyUnits(currency: string): CurrencyUnits {
  const code = currency.toLowerCase();
  const digits = ZERO_DECIMAL.has(code) ? 0 : THREE_DECIMAL.has(code) ? 3 : 2;
  const step = THREE_DECIMAL.has(code) ? 10 : WHOLE_UNITS_ONLY.has(code) ? 100 : 1;
  const microsPerMinor = 10 ** (6 - digits);
  return { digits, microsPerMinor, microsPerStep: microsPerMinor * step };
}

/**
 * What can be paid of `owedMicros`: the largest whole number of payable steps, in micro-units
 * (0 when less than one step is owed).
 *
 * @example
 * payableMicros(1_234_567, 'usd'); // 1_230_000 ($1.23; 4,567 micro-units stay owed)
 */
export function payableMicros(owedMicros: number, currency: string): number {
  if (!Number.isSafeInteger(owedMicros) || owedMicros < 0)
    throw new RangeError(`owed amount is not a non-negative integer: ${owedMicros}`);
  const { microsPerStep } = currencyUnits(currency);
  return owedMicros - (owedMicros % microsPerStep);
}

/**
 * `amountMicros` in the currency's minor unit, the integer a provider's API takes; throws unless
 * it is a whole number of payable steps (the service only asks for such amounts).
 *
 * @example
 * toMinorUnits(1_230_000, 'usd'); // 123 (cents)
 * toMinorUnits(5_000_000, 'jpy'); // 5 (yen)
 */
export function toMinorUnits(amountMicros: number, currency: string): number {
  const { microsPerMinor, microsPerStep } = currencyUnits(currency);
  if (
    !Number.isSafeInteger(amountMicros) ||
    amountMicros <= 0 ||
    amountMicros % microsPerStep !== 0
  )
    throw new RangeError(`${amountMicros} micro-units is not a payable ${currency} amount`);
  return amountMicros / microsPerMinor;
}
