/**
 * The ledger's accounts, by name. An account is a string, `kind` or `kind:owner`; its balance is
 * the sum of its entries (debits positive, credits negative), so what the platform owes a payee
 * (a liability) is a negative balance.
 *
 * | account                 | what it holds                                                  |
 * | ----------------------- | -------------------------------------------------------------- |
 * | `cash`                  | money the platform received (debit) and paid out (credit)      |
 * | `revenue:<streamId>`    | revenue recorded for a stream and not yet split by a period     |
 * | `platform:fees`         | the platform fee of every closed period                        |
 * | `streamer:<streamerId>` | what the platform owes a streamer                              |
 * | `supporter:<viewerId>`  | what the platform owes a supporter                             |
 * | `payouts:<provider>`    | payouts sent to a provider and not yet confirmed or failed     |
 */
export const CASH = 'cash';
export const PLATFORM_FEES = 'platform:fees';

export const revenueAccount = (streamId: string): string => `revenue:${streamId}`;
export const streamerAccount = (streamerId: string): string => `streamer:${streamerId}`;
export const supporterAccount = (viewerId: string): string => `supporter:${viewerId}`;
export const payoutsAccount = (provider: string): string => `payouts:${provider}`;

/** Who a payee account belongs to. */
export type PayeeKind = 'supporter' | 'streamer';

/** The account of a payee. */
export const payeeAccount = (kind: PayeeKind, id: string): string =>
  kind === 'supporter' ? supporterAccount(id) : streamerAccount(id);
