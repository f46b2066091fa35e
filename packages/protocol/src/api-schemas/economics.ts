/**
 * Schemas of the money routes (issue 11, decision 31): revenue recording, period close and the
 * statements of supporters and streamers. Every amount is an integer of micro-units (1/1,000,000)
 * of the deployment's one currency; CSV statements add a decimal column in currency units.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Closed, DateTime, Id, Ratio, Text } from './builders.js';
import { ReputationParts } from './responses.js';

const Str = (description?: string) => Type.String(description === undefined ? {} : { description });
const Micros = (description?: string) =>
  Type.Integer(description === undefined ? {} : { description });
const Int = Micros;
const Nullable = <T extends ReturnType<typeof Str>>(schema: T) => Type.Union([schema, Type.Null()]);

/** What a revenue event is. */
export const RevenueKind = Type.Union([
  Type.Literal('tip'),
  Type.Literal('subscription'),
  Type.Literal('ads'),
  Type.Literal('other'),
]);

/** An ISO 8601 time in a request (parsed and checked by the route). */
const IsoTime = (description: string) => Text({ maxLength: 64, description });

export const RecordRevenueRequest = Closed({
  kind: RevenueKind,
  amountMicros: Type.Integer({
    minimum: 1,
    maximum: Number.MAX_SAFE_INTEGER,
    description: 'Micro-units of the currency, a positive safe integer',
  }),
  currency: Text({ maxLength: 16, description: "The deployment's currency (CURRENCY), else 422" }),
  occurredAt: Type.Optional(IsoTime('When it happened (default now; at most 5 min ahead)')),
  idempotencyKey: Type.Optional(
    Text({ maxLength: 200, description: 'The same key and body again answers the first event' }),
  ),
  note: Type.Optional(Text({ minLength: 0, maxLength: 500 })),
});

/** `?from=&to=` (ISO times; `from` inclusive, `to` exclusive). */
export const TimeRangeQuery = Closed({
  from: Type.Optional(IsoTime('Inclusive start')),
  to: Type.Optional(IsoTime('Exclusive end')),
});

/** `?from=&to=&format=` of the statements. */
export const StatementQuery = Closed({
  from: Type.Optional(IsoTime('Periods ending at or after it')),
  to: Type.Optional(IsoTime('Periods ending before it')),
  format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])),
});

export const ClosePeriodRequest = Closed({
  endsAt: IsoTime('The end of the period (exclusive), at least a minute in the past'),
});

export const PeriodPath = Type.Object({ streamId: Id(), periodId: Id() });
export const StreamerPath = Type.Object({ streamerId: Id() });

export const RevenueEventResponse = Closed({
  eventId: Str(),
  streamId: Str(),
  kind: RevenueKind,
  amountMicros: Micros(),
  currency: Str(),
  occurredAt: DateTime(),
  recordedAt: DateTime(),
  idempotencyKey: Nullable(Str()),
  note: Nullable(Str()),
  periodId: Nullable(Str('The period that settled it; null until then')),
});
export const RevenueEventsResponse = Closed({ events: Type.Array(RevenueEventResponse) });

/** One supporter's line of a period. */
export const PeriodSupporterLine = Closed({
  viewerKey: Str('Stable pseudonym of the supporter: 16 hex of HMAC(pseudonym salt, viewer id)'),
  name: Str('Its display name, else "Viewer " + 6 hex of viewerKey (decision 46)'),
  bytes: Int('Payable verified bytes settled in the period'),
  chunks: Int('16 KiB chunks of those receipts'),
  receipts: Int(),
  reputation: Ratio(),
  reputationParts: ReputationParts,
  baseMicros: Micros('Chunks x rate'),
  uptimeBonus: Type.Number(),
  qosMultiplier: Type.Number(),
  capMicros: Micros('What it could still earn this month'),
  earningsMicros: Micros('Its earnings weight'),
  amountMicros: Micros('What it was paid from the pool'),
  referralBoost: Ratio('The supporter-referral boost of its earnings: 0.1 in its 30 days, else 0'),
});

const periodFields = {
  periodId: Str(),
  streamId: Str(),
  streamerId: Str(),
  startsAt: DateTime(),
  endsAt: DateTime(),
  closedAt: DateTime(),
  currency: Str(),
  revenueMicros: Micros(),
  platformFeeMicros: Micros(),
  cdnSavedMicros: Micros('Verified P2P GB x the CDN cost'),
  rebateMicros: Micros('The part of the CDN saving added to the pool'),
  poolFormulaMicros: Micros('What the split formula asked for the pool'),
  poolMicros: Micros('What the supporters were paid'),
  streamerMicros: Micros(),
  p2pBytes: Int(),
  payableChunks: Int(),
  supporters: Int(),
  policy: Type.Record(Type.String(), Type.Unknown(), {
    description: 'The rates, shares and caps it was closed with',
  }),
};
export const PeriodResponse = Closed(periodFields);
export const PeriodDetailResponse = Closed({
  ...periodFields,
  supporterLines: Type.Array(PeriodSupporterLine),
});
export const PeriodsResponse = Closed({ periods: Type.Array(PeriodResponse) });

export const AdminClosePeriodsResponse = Closed({
  endsAt: DateTime(),
  results: Type.Array(
    Closed({
      streamId: Str(),
      status: Type.Union([
        Type.Literal('closed'),
        Type.Literal('existing'),
        Type.Literal('failed'),
      ]),
      periodId: Type.Optional(Str()),
      error: Type.Optional(Closed({ code: Str(), message: Str() })),
    }),
  ),
});

/** A supporter's period line in its statement. */
export const SupporterStatementLine = Closed({
  periodId: Str(),
  streamId: Str(),
  startsAt: DateTime(),
  endsAt: DateTime(),
  bytes: Int(),
  chunks: Int(),
  reputation: Ratio(),
  earningsMicros: Micros(),
  amountMicros: Micros(),
  referralBoost: Ratio('The supporter-referral boost of its earnings: 0.1 in its 30 days, else 0'),
});
export const PayoutLine = Closed({
  payoutId: Str(),
  provider: Str(),
  amountMicros: Micros(),
  status: Str('pending, paid or failed'),
  createdAt: DateTime(),
  updatedAt: DateTime(),
});
const balanceFields = {
  balanceMicros: Micros('The ledger balance of the payee account (negative: owed to it)'),
  owedMicros: Micros('What the platform owes it now: -balanceMicros'),
};
export const SupporterStatementResponse = Closed({
  viewerId: Str(),
  currency: Str(),
  from: Nullable(DateTime()),
  to: Nullable(DateTime()),
  lines: Type.Array(SupporterStatementLine),
  totalAmountMicros: Micros('Sum of the lines'),
  payouts: Type.Array(PayoutLine),
  ...balanceFields,
});
export const ViewerEarningsResponse = Closed({
  viewerId: Str(),
  currency: Str(),
  reputation: Ratio(),
  reputationParts: ReputationParts,
  payable: Type.Boolean({ description: 'Reputation at or above the payable threshold' }),
  unsettledPayableBytes: Int('Credited, not frozen, not yet in a period (0 when not payable)'),
  earnedThisMonthMicros: Micros('Earnings of periods ending this UTC month'),
  ...balanceFields,
  lastPeriods: Type.Array(SupporterStatementLine, { description: 'The 10 newest lines' }),
});

/** A streamer's period in its statement. */
export const StreamerStatementPeriod = Closed({
  periodId: Str(),
  streamId: Str(),
  startsAt: DateTime(),
  endsAt: DateTime(),
  revenueMicros: Micros(),
  platformFeeMicros: Micros(),
  poolMicros: Micros(),
  streamerMicros: Micros(),
  cdnSavedMicros: Micros(),
  supporters: Int(),
});
export const StreamerStatementStream = Closed({
  streamId: Str(),
  periods: Int(),
  revenueMicros: Micros(),
  platformFeeMicros: Micros(),
  poolMicros: Micros(),
  streamerMicros: Micros(),
  cdnSavedMicros: Micros(),
});
export const StreamerStatementResponse = Closed({
  streamerId: Str(),
  currency: Str(),
  from: Nullable(DateTime()),
  to: Nullable(DateTime()),
  periods: Type.Array(StreamerStatementPeriod),
  streams: Type.Array(StreamerStatementStream),
  ...balanceFields,
});

export type RevenueKind = Static<typeof RevenueKind>;
export type RecordRevenueRequest = Static<typeof RecordRevenueRequest>;
export type RevenueEventResponse = Static<typeof RevenueEventResponse>;
export type RevenueEventsResponse = Static<typeof RevenueEventsResponse>;
export type ClosePeriodRequest = Static<typeof ClosePeriodRequest>;
export type PeriodSupporterLine = Static<typeof PeriodSupporterLine>;
export type PeriodResponse = Static<typeof PeriodResponse>;
export type PeriodDetailResponse = Static<typeof PeriodDetailResponse>;
export type PeriodsResponse = Static<typeof PeriodsResponse>;
export type AdminClosePeriodsResponse = Static<typeof AdminClosePeriodsResponse>;
export type SupporterStatementLine = Static<typeof SupporterStatementLine>;
export type SupporterStatementResponse = Static<typeof SupporterStatementResponse>;
export type ViewerEarningsResponse = Static<typeof ViewerEarningsResponse>;
export type StreamerStatementPeriod = Static<typeof StreamerStatementPeriod>;
export type StreamerStatementResponse = Static<typeof StreamerStatementResponse>;
