/**
 * Schemas of the payout routes (issue 11, decision 32): where a payee is paid (its payout
 * account per provider), the admin's payout run, and the payouts of a viewer, a streamer or
 * everyone. Amounts are integers of micro-units of the deployment's one currency.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Closed, DateTime, Text } from './builders.js';

const Str = (description?: string) => Type.String(description === undefined ? {} : { description });
const Int = (description?: string) =>
  Type.Integer(description === undefined ? {} : { description });
const Nullable = <T extends ReturnType<typeof Str>>(schema: T) => Type.Union([schema, Type.Null()]);

export const PayeeKind = Type.Union([Type.Literal('supporter'), Type.Literal('streamer')], {
  description: 'supporter (a viewer id) or streamer',
});
export const PayoutProviderName = Type.Union([Type.Literal('file'), Type.Literal('stripe')], {
  description: 'file (payout files for a bank) or stripe (Stripe Connect transfers)',
});
export const PayoutStatus = Type.Union(
  [Type.Literal('pending'), Type.Literal('paid'), Type.Literal('failed')],
  { description: 'pending (sent or to be retried with the same key), paid or failed' },
);

export const PayoutAccountRequest = Closed({
  provider: PayoutProviderName,
  destination: Text({
    maxLength: 200,
    description:
      'stripe: a connected account id (acct_ and 1-64 letters or digits); file: a label for the payout file (1-200 printable characters, e.g. an IBAN and name)',
  }),
});
export const PayoutAccountResponse = Closed({
  payeeKind: PayeeKind,
  payeeId: Str(),
  provider: PayoutProviderName,
  destination: Str(),
  createdAt: DateTime(),
  updatedAt: DateTime(),
});
export const PayoutAccountsResponse = Closed({
  accounts: Type.Array(PayoutAccountResponse, { description: 'One per provider' }),
});

export const PayoutRunRequest = Closed({ payeeKind: Type.Optional(PayeeKind) });
/** `?status=` of the admin's payout list. */
export const PayoutsQuery = Closed({ status: Type.Optional(PayoutStatus) });

export const PayoutResponse = Closed({
  payoutId: Str(),
  payeeKind: PayeeKind,
  payeeId: Str(),
  provider: Str(),
  destination: Str(),
  amountMicros: Int('Micro-units: a whole number of cents (of the payable unit)'),
  currency: Str(),
  status: PayoutStatus,
  idempotencyKey: Str('Sent to the provider on every attempt: payout:<payoutId>'),
  providerRef: Nullable(Str('The transfer id, or file:<name>:<line>')),
  error: Nullable(Str("The last attempt's error")),
  attempts: Int(),
  createdAt: DateTime(),
  updatedAt: DateTime(),
});
export const PayoutsResponse = Closed({ payouts: Type.Array(PayoutResponse) });
export const PayoutRunResponse = Closed({
  paid: Int(),
  failed: Int('Refused for good: the amount went back to the payee'),
  pending: Int('Ambiguous: retried with the same key by the next run'),
  skipped: Int('Owed at least the minimum but without a payout account for the provider'),
  payouts: Type.Array(PayoutResponse, { description: 'Every payout this run attempted' }),
});

export type PayeeKind = Static<typeof PayeeKind>;
export type PayoutProviderName = Static<typeof PayoutProviderName>;
export type PayoutStatus = Static<typeof PayoutStatus>;
export type PayoutAccountRequest = Static<typeof PayoutAccountRequest>;
export type PayoutAccountResponse = Static<typeof PayoutAccountResponse>;
export type PayoutAccountsResponse = Static<typeof PayoutAccountsResponse>;
export type PayoutRunRequest = Static<typeof PayoutRunRequest>;
export type PayoutResponse = Static<typeof PayoutResponse>;
export type PayoutsResponse = Static<typeof PayoutsResponse>;
export type PayoutRunResponse = Static<typeof PayoutRunResponse>;
