/**
 * Credit bounded by physics (decision 23): a receiver confirms only segments published while it
 * was live and at most what the stream's largest rendition published meanwhile (x slack); an
 * uploader at most a plausible upload rate x its lifetime; only the first uploaders of an
 * address per stream. Bounds hold under concurrent batches.
 */
import type { ReceiptBody } from '@streamrp2p/protocol';
import type { CoordinatorOptions } from '../src/index.js';
import { describe, expect, it } from 'vitest';
import { manualClock, startCoordinator } from './api.js';
import { describeWithDatabases } from './databases.js';
import {
  createSession,
  createStream,
  createStreamer,
  postReceipts,
  receiptBody,
  receiptFor,
  seedSegment,
  type SeededSegment,
  type TestSession,
} from './fixtures.js';

const KB = 1000;

describeWithDatabases('receipt bounds', (t) => {
  async function setup(options: CoordinatorOptions = {}) {
    const clock = manualClock();
    const started = await startCoordinator(t, {
      indexerEnabled: false,
      clock: clock.now,
      sessionTtlSeconds: 3600,
      ...options,
    });
    const { api, coordinator } = started;
    const { apiKey } = await createStreamer(api);
    const stream = await createStream(api, apiKey);
    const { streamId } = stream;
    /** Seeds `count` segments of `rendition` from `first`, `size` bytes, indexed at `at`. */
    const seed = async (
      rendition: string,
      count: number,
      size: number,
      at = clock.now(),
      first = 1,
    ) => {
      const segments: SeededSegment[] = [];
      for (let seq = first; seq < first + count; seq++) {
        segments.push(
          await seedSegment(coordinator.db, streamId, seq, {
            rendition,
            byteLength: size,
            indexedAt: new Date(at),
          }),
        );
      }
      return segments;
    };
    const session = (opts: { ip?: string } = {}) => createSession(api, streamId, opts);
    /** Receipts for `segments` served by `uploader`, signed now. */
    const receipts = (uploader: TestSession, segments: SeededSegment[]): ReceiptBody[] =>
      segments.map((s) =>
        receiptBody({ ...receiptFor(uploader, s, streamId), timestamp: clock.now() }),
      );
    const post = async (receiver: TestSession, batch: ReceiptBody[]) => {
      const res = await postReceipts(api, receiver, batch);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body as { credited: number; results: Array<{ status: string; code?: string }> };
    };
    const codes = (body: { results: Array<{ status: string; code?: string }> }) =>
      body.results.map((r) => r.code ?? r.status);
    const creditedBytes = async (uploader: TestSession) =>
      (await api.get(`/api/sessions/${uploader.sessionId}`, { token: uploader.sessionSecret })).body
        .creditedBytes as number;
    const receivedBytes = async (receiver: TestSession) => {
      const rows = await coordinator.db
        .selectFrom('receipts')
        .select('byte_length')
        .where('receiver_session_id', '=', receiver.sessionId)
        .execute();
      return rows.reduce((sum, r) => sum + Number(r.byte_length), 0);
    };
    const metric = async (code: string) => {
      const text = (await api.get('/metrics')).body as string;
      const found = new RegExp(`receipts_total\\{outcome="rejected",code="${code}"\\} (\\d+)`).exec(
        text,
      );
      return Number(found?.[1] ?? 0);
    };
    return {
      ...started,
      clock,
      streamId,
      seed,
      session,
      receipts,
      post,
      codes,
      creditedBytes,
      receivedBytes,
      metric,
    };
  }

  describe('a receiver confirms only what it could have played', () => {
    it('refuses segments published before its session began, beyond the rewind allowance', async () => {
      const { clock, seed, session, receipts, post, codes, metric } = await setup();
      const start = clock.now();
      // One rendition: 61 s, 59 s and 0 s before the sessions begin.
      const [old] = await seed('r', 1, 10 * KB, start - 61_000, 1);
      const [rewound] = await seed('r', 1, 10 * KB, start - 59_000, 2);
      const [live] = await seed('r', 1, 10 * KB, start, 3);
      const uploader = await session();
      const receiver = await session();
      clock.advance(5000);
      const body = await post(receiver, receipts(uploader, [old!, rewound!, live!]));
      expect(codes(body)).toEqual(['BEFORE_SESSION', 'credited', 'credited']);
      expect(await metric('BEFORE_SESSION')).toBe(1);

      // A session that begins later cannot claim the stream's history.
      clock.advance(120_000);
      const late = await session();
      const again = await post(late, receipts(uploader, [rewound!, live!]));
      expect(codes(again)).toEqual(['BEFORE_SESSION', 'BEFORE_SESSION']);
    });

    it('widens with receiptRewindSeconds', async () => {
      const { clock, seed, session, receipts, post, codes } = await setup({
        receiptRewindSeconds: 600,
      });
      const [old] = await seed('old', 1, 10 * KB, clock.now() - 500_000);
      const uploader = await session();
      const receiver = await session();
      expect(codes(await post(receiver, receipts(uploader, [old!])))).toEqual(['credited']);
    });

    it('is credited at most 1.5 x the bytes the largest rendition published in its window', async () => {
      const { clock, seed, session, receipts, post, codes, receivedBytes, metric } = await setup();
      // hi publishes 400 KB, lo 160 KB, mid 240 KB: the bound is 1.5 x 400 = 600 KB.
      const hi = await seed('hi', 4, 100 * KB);
      const lo = await seed('lo', 4, 40 * KB);
      const mid = await seed('mid', 4, 60 * KB);
      const receiver = await session();
      const uploaders = [await session(), await session(), await session()];
      const batch = [
        ...receipts(uploaders[0]!, hi),
        ...receipts(uploaders[1]!, lo),
        ...receipts(uploaders[2]!, mid),
      ];
      const body = await post(receiver, batch);
      // Segment order: hi (400), lo (560), then mid 1 would make 620 > 600.
      expect(codes(body)).toEqual([
        ...hi.map(() => 'credited'),
        ...lo.map(() => 'credited'),
        ...mid.map(() => 'RECEIVER_BOUND'),
      ]);
      expect(await receivedBytes(receiver)).toBe(560 * KB);
      expect(await metric('RECEIVER_BOUND')).toBe(4);

      // The bound grows as the stream publishes: one more 100 KB hi segment makes it 750 KB.
      clock.advance(4000);
      await seed('hi', 1, 100 * KB, clock.now(), 5);
      const retry = await post(receiver, receipts(uploaders[2]!, mid));
      expect(codes(retry)).toEqual(['credited', 'credited', 'credited', 'RECEIVER_BOUND']);
      expect(await receivedBytes(receiver)).toBe(740 * KB);
    });

    it('cannot pass the bound with concurrent batches', async () => {
      const { seed, session, receipts, post, receivedBytes } = await setup();
      // Three renditions of 10 x 20 KB: the bound is 1.5 x 200 = 300 KB, 15 of the 30 receipts.
      const segments = [
        ...(await seed('a', 10, 20 * KB)),
        ...(await seed('b', 10, 20 * KB)),
        ...(await seed('c', 10, 20 * KB)),
      ];
      const receiver = await session();
      const uploaders = [await session(), await session(), await session()];
      const batches = [0, 1, 2, 3, 4, 5].map((i) =>
        receipts(uploaders[i % 3]!, segments.slice(i * 5, i * 5 + 5)),
      );
      const bodies = await Promise.all(batches.map((batch) => post(receiver, batch)));
      const all = bodies.flatMap((b) => b.results.map((r) => r.code ?? r.status));
      expect(all.filter((c) => c === 'credited')).toHaveLength(15);
      expect(all.filter((c) => c === 'RECEIVER_BOUND')).toHaveLength(15);
      expect(await receivedBytes(receiver)).toBe(300 * KB);

      // At its bound, the receiver's replays (also concurrent) are duplicates, not past the bound.
      const replays = await Promise.all(batches.map((batch) => post(receiver, batch)));
      const replayed = replays.flatMap((b) => b.results.map((r) => r.code ?? r.status));
      expect(replayed.filter((c) => c === 'duplicate')).toHaveLength(15);
      expect(replayed.filter((c) => c === 'RECEIVER_BOUND')).toHaveLength(15);
      expect(await receivedBytes(receiver)).toBe(300 * KB);
    });
  });

  describe('an uploader is credited at most a plausible upload rate', () => {
    // 800 kbit/s = 100 KB/s, and 1 s of burst: 100 KB at start, 100 KB more per second.
    const slow = { uploaderMaxKbps: 800, uploaderBurstSeconds: 1 };

    it('x its lifetime plus the burst allowance, over all its receivers', async () => {
      const { clock, seed, session, receipts, post, codes, creditedBytes, metric } =
        await setup(slow);
      const segments = await seed('r', 4, 50 * KB);
      const uploader = await session();
      const [a, b, c] = [await session(), await session(), await session()];
      expect(codes(await post(a!, receipts(uploader, segments.slice(0, 2))))).toEqual([
        'credited',
        'credited',
      ]);
      expect(codes(await post(b!, receipts(uploader, segments.slice(0, 1))))).toEqual([
        'UPLOADER_BOUND',
      ]);
      clock.advance(1000);
      expect(codes(await post(b!, receipts(uploader, segments.slice(0, 3))))).toEqual([
        'credited',
        'credited',
        'UPLOADER_BOUND',
      ]);
      expect(await creditedBytes(uploader)).toBe(200 * KB);
      clock.advance(500);
      // 250 KB allowed now: one more 50 KB segment, from any receiver.
      expect(codes(await post(c!, receipts(uploader, segments.slice(0, 2))))).toEqual([
        'credited',
        'UPLOADER_BOUND',
      ]);
      expect(await creditedBytes(uploader)).toBe(250 * KB);
      expect(await metric('UPLOADER_BOUND')).toBe(3);
    });

    it('cannot pass the bound with concurrent batches of many receivers', async () => {
      const { seed, session, receipts, post, creditedBytes } = await setup({
        ...slow,
        uploaderBurstSeconds: 2,
      });
      // 200 KB allowed: 10 of the 24 receipts of 20 KB.
      const segments = await seed('r', 4, 20 * KB);
      const uploader = await session();
      const receivers: TestSession[] = [];
      for (let i = 0; i < 6; i++) receivers.push(await session());
      const bodies = await Promise.all(
        receivers.map((receiver) => post(receiver, receipts(uploader, segments))),
      );
      const all = bodies.flatMap((b) => b.results.map((r) => r.code ?? r.status));
      expect(all.filter((c) => c === 'credited')).toHaveLength(10);
      expect(all.filter((c) => c === 'UPLOADER_BOUND')).toHaveLength(14);
      expect(await creditedBytes(uploader)).toBe(200 * KB);
    });
  });

  describe('supporters per address', () => {
    it('credits the first 3 live uploaders of an address in a stream, by first upload', async () => {
      const { api, seed, session, receipts, post, codes, metric } = await setup();
      const segments = await seed('r', 4, 10 * KB);
      const ip = '203.0.113.7';
      // The fourth session is created first: the rule ranks by first credited upload.
      const fourth = await session({ ip });
      const first = await session({ ip });
      const second = await session({ ip });
      const third = await session({ ip });
      const receivers = [await session(), await session(), await session(), await session()];
      for (const [i, uploader] of [first, second, third].entries()) {
        expect(codes(await post(receivers[i]!, receipts(uploader, segments.slice(0, 1))))).toEqual([
          'credited',
        ]);
      }
      expect(codes(await post(receivers[3]!, receipts(fourth, segments.slice(0, 1))))).toEqual([
        'SUPPORTER_LIMIT',
      ]);
      // The first three keep uploading.
      expect(codes(await post(receivers[0]!, receipts(first, segments.slice(1, 2))))).toEqual([
        'credited',
      ]);
      expect(await metric('SUPPORTER_LIMIT')).toBe(1);

      // Another address, and the same address in another stream, are not affected.
      const elsewhere = await session({ ip: '203.0.113.8' });
      expect(codes(await post(receivers[3]!, receipts(elsewhere, segments.slice(0, 1))))).toEqual([
        'credited',
      ]);

      // When one of the three ends, the fourth takes its place.
      await api.delete(`/api/sessions/${second.sessionId}`, { token: second.sessionSecret });
      expect(codes(await post(receivers[3]!, receipts(fourth, segments.slice(1, 2))))).toEqual([
        'credited',
      ]);
    });

    it('counts per stream', async () => {
      const { api, clock, coordinator, seed, session, receipts, post, codes } = await setup({
        uploadersPerAddress: 1,
      });
      const segments = await seed('r', 2, 10 * KB);
      const ip = '203.0.113.9';
      const one = await session({ ip });
      const two = await session({ ip });
      const receiver = await session();
      expect(codes(await post(receiver, receipts(one, segments.slice(0, 1))))).toEqual([
        'credited',
      ]);
      expect(codes(await post(receiver, receipts(two, segments.slice(1, 2))))).toEqual([
        'SUPPORTER_LIMIT',
      ]);
      const { apiKey } = await createStreamer(api, 'other');
      const other = await createStream(api, apiKey);
      const [otherSegment] = [
        await seedSegment(coordinator.db, other.streamId, 1, { indexedAt: new Date(clock.now()) }),
      ];
      const twoThere = await createSession(api, other.streamId, { ip });
      const receiverThere = await createSession(api, other.streamId);
      const body = await post(receiverThere, [
        receiptBody({
          ...receiptFor(twoThere, otherSegment!, other.streamId),
          timestamp: clock.now(),
        }),
      ]);
      expect(codes(body)).toEqual(['credited']);
    });
  });
});
