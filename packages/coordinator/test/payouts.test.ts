/**
 * Payouts on the real databases: the payout service with the file provider and a scripted one
 * (paid, refused, crashed, ambiguous, concurrent runs), the ledger after each, and the HTTP
 * routes with their auth. Owed balances are posted straight into the ledger (a correction
 * crediting the payee), as a period close would.
 */
import { mkdtemp, readFile, readdir, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { migrateToLatest, openDatabase } from '../src/index.js';
import { CASH, payoutsAccount, supporterAccount } from '../src/ledger/accounts.js';
import { accountBalance } from '../src/ledger/ledger.js';
import { FilePayoutProvider } from '../src/payouts/file-provider.js';
import { PayoutService } from '../src/payouts/payout-service.js';
import type { PayoutProvider } from '../src/payouts/provider.js';
import { uuid } from '../src/util/crypto.js';
import { startCoordinator } from './api.js';
import { describeWithDatabases } from './databases.js';
import { createSession, createStream, createStreamer } from './fixtures.js';
import {
  expectBalancedLedger,
  owe,
  owed,
  payoutAccount,
  ScriptedProvider,
} from './payouts-setup.js';

const ADMIN_KEY = 'test-admin-key-payouts-0123';
const DAY = Date.UTC(2026, 10, 30, 12);
let providers = 0;
/** A provider name of its own per test, so one test's payees are not paid by another's runs. */
const scripted = (...script: ConstructorParameters<typeof ScriptedProvider>[1][]) =>
  new ScriptedProvider(`test${++providers}`, ...script);

describeWithDatabases('payouts', (t) => {
  beforeAll(async () => {
    await migrateToLatest(t.database.db);
  });

  const service = (provider: PayoutProvider, minPayoutMicros = 1_000_000) =>
    new PayoutService({
      db: t.database.db,
      provider,
      currency: 'usd',
      minPayoutMicros,
      clock: () => DAY,
    });

  /** A supporter owed `micros`, with an account at `provider`. */
  async function supporter(provider: string, micros: number): Promise<string> {
    const id = `v-${uuid()}`;
    await owe(t.database.db, 'supporter', id, micros);
    await payoutAccount(t.database.db, 'supporter', id, provider);
    return id;
  }

  it('file provider: one CSV and one JSONL line per payout, never twice for one key', async () => {
    const db = t.database.db;
    const dir = join(await mkdtemp(join(tmpdir(), 'payouts-')), 'out');
    const provider = new FilePayoutProvider({ dir, clock: () => DAY });
    const viewers = [await supporter('file', 2_000_000), await supporter('file', 3_456_789)];
    const streamer = `s-${uuid()}`;
    await owe(db, 'streamer', streamer, 10_000_000);
    await payoutAccount(db, 'streamer', streamer, 'file', '=HYPERLINK("x"), "Acme, Inc."');
    const run = await service(provider).run();
    const mine = run.payouts.filter((p) => [...viewers, streamer].includes(p.payeeId));
    expect(mine.map((p) => [p.status, p.amountMicros]).sort()).toEqual([
      ['paid', 10_000_000],
      ['paid', 2_000_000],
      ['paid', 3_450_000],
    ]);
    const csvPath = join(dir, 'payouts-2026-11-30.csv');
    const jsonlPath = join(dir, 'payouts-2026-11-30.jsonl');
    const csv = (await readFile(csvPath, 'utf8')).trimEnd().split('\n');
    const jsonl = (await readFile(jsonlPath, 'utf8')).trimEnd().split('\n');
    expect(csv[0]).toBe(
      'created_at,payout_id,idempotency_key,payee_kind,payee_id,destination,currency,amount,amount_minor_units,memo',
    );
    for (const p of mine) {
      expect(csv.filter((l) => l.includes(p.idempotencyKey))).toHaveLength(1);
      const lines = jsonl.filter((l) => l.includes(p.idempotencyKey));
      expect(lines).toHaveLength(1);
      expect(p.providerRef).toBe(`file:payouts-2026-11-30.jsonl:${jsonl.indexOf(lines[0]!) + 1}`);
    }
    const streamerLine = csv.find((l) => l.includes(streamer))!;
    expect(streamerLine).toContain(`,"'=HYPERLINK(""x""), ""Acme, Inc.""",usd,10.00,1000,`);
    expect(JSON.parse(jsonl.find((l) => l.includes(viewers[1]!))!)).toMatchObject({
      amount: '3.45',
      amountMinorUnits: 345,
      amountMicros: 3_450_000,
      payeeKind: 'supporter',
    });

    // A retry with the same key, from this process or after a restart, writes nothing.
    const first = mine[0]!;
    const again = {
      payoutId: first.payoutId,
      idempotencyKey: first.idempotencyKey,
      amountMicros: first.amountMicros,
      currency: 'usd',
      destination: first.destination,
      payee: { kind: first.payeeKind, id: first.payeeId },
      memo: 'retry',
    };
    const before = [await readFile(csvPath, 'utf8'), await readFile(jsonlPath, 'utf8')];
    expect(await provider.pay(again)).toEqual({ status: 'paid', providerRef: first.providerRef });
    const restarted = new FilePayoutProvider({ dir, clock: () => DAY + 86_400_000 });
    expect(await restarted.pay(again)).toEqual({ status: 'paid', providerRef: first.providerRef });
    expect([await readFile(csvPath, 'utf8'), await readFile(jsonlPath, 'utf8')]).toEqual(before);
    expect((await readdir(dir)).sort()).toEqual([
      'payouts-2026-11-30.csv',
      'payouts-2026-11-30.jsonl',
    ]);

    // A half line left by a crash is cut off before the next line is written.
    await appendFile(jsonlPath, '{"createdAt":"2026-');
    const afterCrash = new FilePayoutProvider({ dir, clock: () => DAY });
    const next = { ...again, payoutId: uuid(), idempotencyKey: `payout:${uuid()}` };
    expect(await afterCrash.pay(next)).toEqual({
      status: 'paid',
      providerRef: `file:payouts-2026-11-30.jsonl:${jsonl.length + 1}`,
    });
    const lines = (await readFile(jsonlPath, 'utf8')).split('\n');
    expect(lines.slice(0, -1).map((l) => JSON.parse(l) as unknown)).toHaveLength(jsonl.length + 1);

    for (const v of viewers)
      expect(await owed(db, 'supporter', v)).toBe(v === viewers[1] ? 6_789 : 0);
    expect(await owed(db, 'streamer', streamer)).toBe(0);
    expect(await accountBalance(db, payoutsAccount('file'))).toBe(0);
    await expectBalancedLedger(db);
  });

  it('pays whole cents: the remainder below a cent stays owed', async () => {
    const provider = scripted();
    const viewer = await supporter(provider.name, 1_234_567);
    const run = await service(provider).run();
    expect(run.payouts).toMatchObject([
      { payeeId: viewer, amountMicros: 1_230_000, status: 'paid' },
    ]);
    expect(provider.requests[0]).toMatchObject({ amountMicros: 1_230_000, currency: 'usd' });
    expect(await owed(t.database.db, 'supporter', viewer)).toBe(4_567);
    await expectBalancedLedger(t.database.db);
  });

  it('pays nothing below the minimum, nor less than a cent, nor without an account', async () => {
    const db = t.database.db;
    const provider = scripted();
    const below = await supporter(provider.name, 999_999);
    const dust = await supporter(provider.name, 9_999);
    const noAccount = `v-${uuid()}`;
    await owe(db, 'supporter', noAccount, 5_000_000);
    expect((await service(provider).run()).payouts).toEqual([]);
    expect((await service(provider, 0).run()).payouts.map((p) => p.payeeId)).toEqual([below]);
    expect(provider.requests.map((r) => r.payee.id)).toEqual([below]);
    const skipped = await service(provider).run();
    expect(skipped.skipped).toBeGreaterThanOrEqual(1);
    expect(await owed(db, 'supporter', dust)).toBe(9_999);
    expect(await owed(db, 'supporter', noAccount)).toBe(5_000_000);
    const rows = await db
      .selectFrom('payouts')
      .select('payee_id')
      .where('payee_id', 'in', [dust, noAccount])
      .execute();
    expect(rows).toEqual([]);
  });

  it('a refused payout returns the balance; once the account is fixed the next run pays it anew', async () => {
    const db = t.database.db;
    const provider = scripted({ status: 'failed', error: 'account closed', retryable: false });
    const viewer = await supporter(provider.name, 2_000_000);
    const failed = await service(provider).run();
    expect(failed).toMatchObject({ paid: 0, failed: 1, pending: 0 });
    expect(failed.payouts[0]).toMatchObject({
      status: 'failed',
      error: 'account closed',
      attempts: 1,
    });
    expect(await owed(db, 'supporter', viewer)).toBe(2_000_000);
    expect(await accountBalance(db, payoutsAccount(provider.name))).toBe(0);
    await expectBalancedLedger(db);

    await payoutAccount(db, 'supporter', viewer, provider.name, 'the new account');
    const paid = await service(provider).run();
    expect(paid.payouts).toMatchObject([{ status: 'paid', destination: 'the new account' }]);
    expect(paid.payouts[0]!.payoutId).not.toBe(failed.payouts[0]!.payoutId);
    expect(new Set(provider.requests.map((r) => r.idempotencyKey)).size).toBe(2);
    expect(await owed(db, 'supporter', viewer)).toBe(0);
    await expectBalancedLedger(db);
  });

  it('a crash or an ambiguous answer leaves it pending; the next run pays it with the same key', async () => {
    const db = t.database.db;
    const provider = scripted('throw', { status: 'unknown', error: 'timeout' });
    const viewer = await supporter(provider.name, 3_000_000);
    const cashBefore = await accountBalance(db, CASH);
    const first = await service(provider).run();
    expect(first).toMatchObject({ pending: 1, paid: 0 });
    expect(first.payouts[0]).toMatchObject({
      status: 'pending',
      attempts: 1,
      error: 'provider crashed',
    });
    // In flight: no longer owed to the payee, held in payouts:<provider>.
    expect(await owed(db, 'supporter', viewer)).toBe(0);
    expect(await accountBalance(db, payoutsAccount(provider.name))).toBe(-3_000_000);
    await expectBalancedLedger(db);

    expect((await service(provider).run()).payouts[0]).toMatchObject({
      status: 'pending',
      attempts: 2,
      error: 'timeout',
    });
    const third = await service(provider).run();
    expect(third.payouts).toMatchObject([
      { status: 'paid', attempts: 3, payoutId: first.payouts[0]!.payoutId },
    ]);
    expect(provider.requests.map((r) => r.idempotencyKey)).toEqual(
      Array(3).fill(`payout:${first.payouts[0]!.payoutId}`),
    );
    expect(await accountBalance(db, payoutsAccount(provider.name))).toBe(0);
    expect(await accountBalance(db, CASH)).toBe(cashBefore - 3_000_000);
    expect(await accountBalance(db, supporterAccount(viewer))).toBe(0);
    const kinds = await db
      .selectFrom('ledger_transactions')
      .select('kind')
      .where('payout_id', '=', first.payouts[0]!.payoutId)
      .orderBy('kind')
      .execute();
    expect(kinds.map((k) => k.kind)).toEqual(['payout', 'payout_settled']);
    await expectBalancedLedger(db);
  });

  it('a retryable refusal stays pending with its key', async () => {
    const provider = scripted({ status: 'failed', error: 'bad api key', retryable: true });
    const viewer = await supporter(provider.name, 1_000_000);
    const run = await service(provider).run();
    expect(run.payouts).toMatchObject([{ status: 'pending', error: 'bad api key' }]);
    expect(await owed(t.database.db, 'supporter', viewer)).toBe(0);
    expect((await service(provider).run()).payouts).toMatchObject([{ status: 'paid' }]);
  });

  it('concurrent runs, also from another process, pay each balance once', async () => {
    const db = t.database.db;
    const provider = scripted();
    // Each payment yields, so runs interleave at every step.
    provider.then(
      ...Array.from({ length: 100 }, () => async () => {
        await new Promise((resolve) => setImmediate(resolve));
        return { status: 'paid' as const, providerRef: '' };
      }),
    );
    const viewers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => supporter(provider.name, 1_000_000 + i * 10_000)),
    );
    const other =
      t.url === undefined
        ? undefined
        : await openDatabase({ dataDir: 'unused', databaseUrl: t.url });
    try {
      const services = [
        service(provider),
        service(provider),
        new PayoutService({
          db: other?.db ?? db,
          provider,
          currency: 'usd',
          minPayoutMicros: 1_000_000,
          clock: () => DAY,
        }),
      ];
      await Promise.all([...services, ...services].map((s) => s.run()));
    } finally {
      await other?.destroy();
    }
    const rows = await db
      .selectFrom('payouts')
      .selectAll()
      .where('provider', '=', provider.name)
      .execute();
    expect(rows).toHaveLength(8);
    expect(rows.every((r) => r.status === 'paid')).toBe(true);
    expect(provider.paid.size).toBe(8);
    for (const v of viewers) expect(await owed(db, 'supporter', v)).toBe(0);
    expect(await accountBalance(db, payoutsAccount(provider.name))).toBe(0);
    const settled = await db
      .selectFrom('ledger_transactions')
      .select('id')
      .where('kind', '=', 'payout_settled')
      .where(
        'payout_id',
        'in',
        rows.map((r) => r.id),
      )
      .execute();
    expect(settled).toHaveLength(8);
    await expectBalancedLedger(db);
  });
});

describeWithDatabases('payout routes', (t) => {
  async function start(options = {}) {
    const dir = await mkdtemp(join(tmpdir(), 'payout-routes-'));
    const started = await startCoordinator(t, {
      indexerEnabled: false,
      adminApiKey: ADMIN_KEY,
      payoutDir: dir,
      minPayoutMicros: 1_000_000,
      ...options,
    });
    return { ...started, dir };
  }

  it('payout accounts: a viewer with its session secret, a streamer with its own key', async () => {
    const { api } = await start();
    const { streamerId, apiKey } = await createStreamer(api);
    const other = await createStreamer(api);
    const stream = await createStream(api, apiKey);
    const viewerId = `v-${uuid()}`;
    const session = await createSession(api, stream.streamId, { viewerId });
    const put = (path: string, body: unknown, token?: string) =>
      api.request('PUT', path, { body, ...(token === undefined ? {} : { token }) });
    const viewerPath = `/api/viewers/${viewerId}/payout-account`;

    expect(
      (await put(viewerPath, { provider: 'file', destination: 'IBAN DE89 3704' })).status,
    ).toBe(401);
    expect((await put(viewerPath, { provider: 'file', destination: 'x' }, apiKey)).status).toBe(
      401,
    );
    const set = await put(
      viewerPath,
      { provider: 'file', destination: 'IBAN DE89 3704' },
      session.sessionSecret,
    );
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ payeeKind: 'supporter', payeeId: viewerId, provider: 'file' });
    const stripe = await put(
      viewerPath,
      { provider: 'stripe', destination: 'acct_1Viewer' },
      session.sessionSecret,
    );
    expect(stripe.status).toBe(200);
    for (const body of [
      { provider: 'stripe', destination: 'DE89' },
      { provider: 'stripe', destination: 'acct_' },
      { provider: 'file', destination: '   ' },
    ]) {
      const res = await put(viewerPath, body, session.sessionSecret);
      expect([res.status, res.body.error.code], JSON.stringify(body)).toEqual([
        422,
        'INVALID_PAYOUT_DESTINATION',
      ]);
    }
    const bad = await put(
      viewerPath,
      { provider: 'paypal', destination: 'x' },
      session.sessionSecret,
    );
    expect([bad.status, bad.body.error.code]).toEqual([400, 'VALIDATION_ERROR']);
    const listed = await api.get(viewerPath, { token: session.sessionSecret });
    expect(
      listed.body.accounts.map((a: { provider: string; destination: string }) => [
        a.provider,
        a.destination,
      ]),
    ).toEqual([
      ['file', 'IBAN DE89 3704'],
      ['stripe', 'acct_1Viewer'],
    ]);
    expect(
      (await api.get(`/api/viewers/other-viewer/payout-account`, { token: session.sessionSecret }))
        .status,
    ).toBe(401);

    const streamerPath = `/api/streamers/${streamerId}/payout-account`;
    expect(
      (await put(streamerPath, { provider: 'file', destination: 'Acme' }, other.apiKey)).status,
    ).toBe(403);
    expect(
      (await put(streamerPath, { provider: 'file', destination: 'Acme' }, 'nope')).status,
    ).toBe(401);
    expect(
      (await put(streamerPath, { provider: 'file', destination: 'Acme' }, apiKey)).body,
    ).toMatchObject({
      payeeKind: 'streamer',
      payeeId: streamerId,
      destination: 'Acme',
    });
    expect((await api.get(streamerPath, { token: apiKey })).body.accounts).toHaveLength(1);
    expect((await api.get(streamerPath, { token: other.apiKey })).status).toBe(403);
  });

  it('the admin runs payouts; each payee reads its own, the admin all', async () => {
    const { api, coordinator, dir } = await start();
    const { streamerId, apiKey } = await createStreamer(api);
    const stream = await createStream(api, apiKey);
    const viewerId = `v-${uuid()}`;
    const session = await createSession(api, stream.streamId, { viewerId });
    const token = session.sessionSecret;
    await api.request('PUT', `/api/viewers/${viewerId}/payout-account`, {
      body: { provider: 'file', destination: 'Jo' },
      token,
    });
    await api.request('PUT', `/api/streamers/${streamerId}/payout-account`, {
      body: { provider: 'file', destination: 'Acme' },
      token: apiKey,
    });
    await owe(coordinator.db, 'supporter', viewerId, 1_500_000);
    await owe(coordinator.db, 'streamer', streamerId, 20_000_000);

    // Bodies are validated before the caller is authenticated.
    for (const body of [[], { unknownField: 1 }]) {
      const res = await api.post('/api/admin/payouts/run', body);
      expect([res.status, res.body.error.code]).toEqual([400, 'VALIDATION_ERROR']);
      const put = await api.request('PUT', `/api/viewers/${viewerId}/payout-account`, { body });
      expect([put.status, put.body.error.code]).toEqual([400, 'VALIDATION_ERROR']);
    }
    expect((await api.post('/api/admin/payouts/run', {})).status).toBe(401);
    expect((await api.post('/api/admin/payouts/run', {}, { token: apiKey })).status).toBe(401);
    const bad = await api.post(
      '/api/admin/payouts/run',
      { payeeKind: 'viewer' },
      { token: ADMIN_KEY },
    );
    expect([bad.status, bad.body.error.code]).toEqual([400, 'VALIDATION_ERROR']);

    const supporters = await api.post(
      '/api/admin/payouts/run',
      { payeeKind: 'supporter' },
      { token: ADMIN_KEY },
    );
    expect(supporters.status).toBe(200);
    const mine = supporters.body.payouts.filter((p: { payeeId: string }) => p.payeeId === viewerId);
    expect(mine).toMatchObject([{ status: 'paid', amountMicros: 1_500_000, provider: 'file' }]);
    expect(supporters.body.payouts.some((p: { payeeId: string }) => p.payeeId === streamerId)).toBe(
      false,
    );
    const all = await api.post('/api/admin/payouts/run', undefined, { token: ADMIN_KEY });
    expect(
      all.body.payouts.filter((p: { payeeId: string }) => p.payeeId === streamerId),
    ).toMatchObject([{ status: 'paid', amountMicros: 20_000_000 }]);
    expect((await readdir(dir)).some((f) => f.endsWith('.csv'))).toBe(true);

    const viewerPayouts = await api.get(`/api/viewers/${viewerId}/payouts`, { token });
    expect(viewerPayouts.body.payouts).toMatchObject([
      { payoutId: mine[0].payoutId, status: 'paid' },
    ]);
    expect((await api.get(`/api/viewers/${viewerId}/payouts`, { token: apiKey })).status).toBe(401);
    const streamerPayouts = await api.get(`/api/streamers/${streamerId}/payouts`, {
      token: apiKey,
    });
    expect(streamerPayouts.body.payouts).toHaveLength(1);
    expect((await api.get(`/api/streamers/${streamerId}/payouts`, { token })).status).toBe(401);

    const paid = await api.get('/api/admin/payouts?status=paid', { token: ADMIN_KEY });
    const ids = paid.body.payouts.map((p: { payeeId: string }) => p.payeeId);
    expect(ids).toEqual(expect.arrayContaining([viewerId, streamerId]));
    expect(
      (await api.get('/api/admin/payouts?status=failed', { token: ADMIN_KEY })).body.payouts.some(
        (p: { payeeId: string }) => p.payeeId === viewerId,
      ),
    ).toBe(false);
    expect((await api.get('/api/admin/payouts?status=lost', { token: ADMIN_KEY })).status).toBe(
      400,
    );
    expect((await api.get('/api/admin/payouts', { token })).status).toBe(401);
    await expectBalancedLedger(coordinator.db);
  });

  it('the admin endpoints answer 403 ADMIN_DISABLED without an admin key', async () => {
    const { api } = await start({ adminApiKey: undefined });
    const res = await api.post('/api/admin/payouts/run', {}, { token: ADMIN_KEY });
    expect([res.status, res.body.error.code]).toEqual([403, 'ADMIN_DISABLED']);
  });
});
