/**
 * The Stripe Connect provider against a local fake of the Stripe API (test/stripe-server.ts):
 * the request it sends, how it reads Stripe's answers, and, through the payout service, that an
 * ambiguous answer is retried with the same idempotency key and pays once.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../src/index.js';
import { payoutsAccount } from '../src/ledger/accounts.js';
import { accountBalance } from '../src/ledger/ledger.js';
import type { PayoutRequest } from '../src/payouts/provider.js';
import { PayoutService } from '../src/payouts/payout-service.js';
import { StripePayoutProvider } from '../src/payouts/stripe-provider.js';
import { uuid } from '../src/util/crypto.js';
import { startCoordinator } from './api.js';
import { describeWithDatabases } from './databases.js';
import { expectBalancedLedger, owe, owed, payoutAccount } from './payouts-setup.js';
import { FakeStripe } from './stripe-server.js';

const SECRET = 'sk_test_payouts_0123';
const fakes: FakeStripe[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

async function stripe(timeoutMs = 2000) {
  const fake = await FakeStripe.start(SECRET);
  fakes.push(fake);
  const provider = new StripePayoutProvider({ secretKey: SECRET, apiUrl: fake.url, timeoutMs });
  return { fake, provider };
}

function request(over: Partial<PayoutRequest> = {}): PayoutRequest {
  const payoutId = uuid();
  return {
    payoutId,
    idempotencyKey: `payout:${payoutId}`,
    amountMicros: 1_230_000,
    currency: 'usd',
    destination: 'acct_1TestPayee',
    payee: { kind: 'supporter', id: 'viewer-1' },
    memo: 'StreamrP2P supporter payout',
    ...over,
  };
}

describe('Stripe provider', () => {
  it('sends one form-encoded transfer in cents with the secret key and the idempotency key', async () => {
    const { fake, provider } = await stripe();
    const req = request();
    expect(await provider.pay(req)).toEqual({ status: 'paid', providerRef: 'tr_1' });
    expect(fake.requests).toHaveLength(1);
    const [sent] = fake.requests;
    expect(sent!.method).toBe('POST');
    expect(sent!.path).toBe('/v1/transfers');
    expect(sent!.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(sent!.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(sent!.idempotencyKey).toBe(req.idempotencyKey);
    expect(sent!.form).toMatchObject({
      amount: '123',
      currency: 'usd',
      destination: 'acct_1TestPayee',
      transfer_group: req.payoutId,
      'metadata[payout_id]': req.payoutId,
      'metadata[payee_kind]': 'supporter',
      'metadata[payee_id]': 'viewer-1',
    });
  });

  it('pays zero-decimal currencies in whole units', async () => {
    const { fake, provider } = await stripe();
    await provider.pay(request({ amountMicros: 500_000_000, currency: 'jpy' }));
    expect(fake.requests[0]!.form).toMatchObject({ amount: '500', currency: 'jpy' });
  });

  it('a repeated key answers the first transfer: one transfer, same reference', async () => {
    const { fake, provider } = await stripe();
    const req = request();
    const first = await provider.pay(req);
    const again = await provider.pay(req);
    expect(again).toEqual(first);
    expect(fake.transfers).toHaveLength(1);
    expect(fake.requests.map((r) => r.replayed)).toEqual([false, true]);
  });

  it('reads 5xx, rate limits and timeouts as unknown, refusals as failed', async () => {
    const { fake, provider } = await stripe(300);
    fake.answer(
      '500',
      { status: 429, type: 'rate_limit_error', message: 'Too many requests' },
      'lost',
      { status: 402, type: 'card_error', code: 'insufficient_funds', message: 'declined' },
      {
        status: 400,
        type: 'invalid_request_error',
        code: 'account_invalid',
        message: 'no such account',
      },
      { status: 403, type: 'invalid_request_error', message: 'not permitted' },
    );
    const outcomes = [];
    for (let i = 0; i < 6; i++) outcomes.push(await provider.pay(request()));
    expect(outcomes.map((o) => [o.status, 'retryable' in o ? o.retryable : undefined])).toEqual([
      ['unknown', undefined],
      ['unknown', undefined],
      ['unknown', undefined],
      ['failed', false],
      ['failed', false],
      ['failed', false],
    ]);
    expect(outcomes[2]).toMatchObject({ error: expect.stringMatching(/timeout/) });
    expect(outcomes[3]).toMatchObject({ error: expect.stringMatching(/402 insufficient_funds/) });
  });

  it('a refused secret key fails without moving money, retryable', async () => {
    const fake = await FakeStripe.start(SECRET);
    fakes.push(fake);
    const provider = new StripePayoutProvider({ secretKey: 'sk_test_wrong', apiUrl: fake.url });
    expect(await provider.pay(request())).toMatchObject({ status: 'failed', retryable: true });
    expect(fake.transfers).toHaveLength(0);
  });

  it('refuses a destination that is no connected account without calling Stripe', async () => {
    const { fake, provider } = await stripe();
    expect(await provider.pay(request({ destination: 'DE89 3704' }))).toMatchObject({
      status: 'failed',
      retryable: false,
    });
    expect(fake.requests).toHaveLength(0);
  });
});

describeWithDatabases('Stripe payouts', (t) => {
  beforeAll(async () => {
    await migrateToLatest(t.database.db);
  });

  async function setup(timeoutMs = 2000) {
    const { fake, provider } = await stripe(timeoutMs);
    const service = new PayoutService({
      db: t.database.db,
      provider,
      currency: 'usd',
      minPayoutMicros: 1_000_000,
      clock: Date.now,
    });
    const viewer = `v-${uuid()}`;
    await payoutAccount(t.database.db, 'supporter', viewer, 'stripe', 'acct_1Payee');
    return { fake, service, viewer };
  }

  it('retries after a 500 with the same key and pays once', async () => {
    const { fake, service, viewer } = await setup();
    const db = t.database.db;
    await owe(db, 'supporter', viewer, 2_500_000);
    fake.answer('500');
    const first = await service.run({ payeeKind: 'supporter' });
    const mine = first.payouts.find((p) => p.payeeId === viewer)!;
    expect(mine).toMatchObject({ status: 'pending', attempts: 1, amountMicros: 2_500_000 });
    expect(mine.error).toMatch(/500/);
    expect(await owed(db, 'supporter', viewer)).toBe(0);

    const second = await service.run({ payeeKind: 'supporter' });
    expect(second.payouts.find((p) => p.payeeId === viewer)).toMatchObject({
      payoutId: mine.payoutId,
      status: 'paid',
      attempts: 2,
      providerRef: 'tr_1',
    });
    const keys = fake.requests.map((r) => r.idempotencyKey);
    expect(keys).toEqual([mine.idempotencyKey, mine.idempotencyKey]);
    expect(fake.transfers).toHaveLength(1);
    expect(await owed(db, 'supporter', viewer)).toBe(0);
    await expectBalancedLedger(db);
  });

  it('a timed-out transfer that went through is confirmed by the retry, not made twice', async () => {
    const { fake, service, viewer } = await setup(300);
    const db = t.database.db;
    await owe(db, 'supporter', viewer, 3_000_000);
    fake.answer('lost');
    const first = await service.run({ payeeKind: 'supporter' });
    const mine = first.payouts.find((p) => p.payeeId === viewer)!;
    expect(mine.status).toBe('pending');
    expect(fake.transfers).toHaveLength(1);

    const second = await service.run({ payeeKind: 'supporter' });
    expect(second.payouts.find((p) => p.payeeId === viewer)).toMatchObject({
      status: 'paid',
      providerRef: 'tr_1',
    });
    expect(fake.requests.map((r) => [r.idempotencyKey, r.replayed])).toEqual([
      [mine.idempotencyKey, false],
      [mine.idempotencyKey, true],
    ]);
    expect(fake.transfers).toHaveLength(1);
    await expectBalancedLedger(db);
  });

  it('a 400 fails the payout and the balance is owed again', async () => {
    const { fake, service, viewer } = await setup();
    const db = t.database.db;
    await owe(db, 'supporter', viewer, 1_500_000);
    fake.answer({
      status: 400,
      type: 'invalid_request_error',
      code: 'account_invalid',
      message: 'The destination account is not connected',
    });
    const run = await service.run({ payeeKind: 'supporter' });
    expect(run.payouts.find((p) => p.payeeId === viewer)).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/account_invalid/),
    });
    expect(await owed(db, 'supporter', viewer)).toBe(1_500_000);
    expect(await accountBalance(db, payoutsAccount('stripe'))).toBe(0);
    expect(fake.transfers).toHaveLength(0);
    await expectBalancedLedger(db);
  });

  it('a coordinator with PAYOUT_PROVIDER=stripe pays through STRIPE_API_URL', async () => {
    const fake = await FakeStripe.start(SECRET);
    fakes.push(fake);
    const adminApiKey = 'test-admin-key-stripe-0123';
    const { api, coordinator } = await startCoordinator(t, {
      indexerEnabled: false,
      adminApiKey,
      payoutProvider: 'stripe',
      stripeSecretKey: SECRET,
      stripeApiUrl: fake.url,
    });
    const viewer = `v-${uuid()}`;
    await payoutAccount(coordinator.db, 'supporter', viewer, 'stripe', 'acct_1Coordinator');
    await owe(coordinator.db, 'supporter', viewer, 4_000_000);
    // Payees other tests left owed are paid by this run too: pick this one's transfer.
    const run = await api.post('/api/admin/payouts/run', {}, { token: adminApiKey });
    const transfer = fake.transfers.find((tr) => tr.destination === 'acct_1Coordinator');
    expect(transfer).toMatchObject({ amount: 400, currency: 'usd' });
    expect(run.body.payouts.find((p: { payeeId: string }) => p.payeeId === viewer)).toMatchObject({
      status: 'paid',
      provider: 'stripe',
      providerRef: transfer!.id,
    });
    await expectBalancedLedger(coordinator.db);
  });
});
