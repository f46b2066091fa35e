/**
 * Meeting tickets (decision 22): a receipt is credited only when its batch carries the tracker's
 * ticket naming the receiver and the uploader in the receipt's swarm.
 */
import { ticketPeers } from '@streamrp2p/protocol';
import { expect, it } from 'vitest';
import { signMeetingTicket } from '@streamrp2p/protocol/node';
import { manualClock, meetingTicket, startCoordinator, TRACKER_SECRET } from './api.js';
import { describeWithDatabases } from './databases.js';
import {
  createSession,
  createStream,
  createStreamer,
  receiptBody,
  receiptFor,
  seedSegment,
  signBatch,
  type TestSession,
} from './fixtures.js';

describeWithDatabases('meeting tickets', (t) => {
  async function setup(options = {}) {
    const started = await startCoordinator(t, { indexerEnabled: false, ...options });
    const { api, coordinator } = started;
    const { apiKey } = await createStreamer(api);
    const stream = await createStream(api, apiKey);
    const uploader = await createSession(api, stream.streamId);
    const receiver = await createSession(api, stream.streamId);
    const stranger = await createSession(api, stream.streamId);
    const segment = await seedSegment(coordinator.db, stream.streamId, 1);
    const swarm = `${stream.streamId}:${segment.rendition}`;
    /** Posts one receipt of `segment` from `uploader` with exactly these tickets. */
    const post = async (tickets: unknown, timestamp?: number, as: TestSession = receiver) => {
      const receipt = receiptBody({ ...receiptFor(uploader, segment, stream.streamId), timestamp });
      const body = { ...(await signBatch(as, [receipt])), tickets };
      return api.post('/api/receipts', body, { token: as.sessionSecret });
    };
    const outcome = async (tickets: unknown, timestamp?: number) => {
      const res = await post(tickets, timestamp);
      expect(res.status).toBe(200);
      return res.body.results[0] as { status: string; code?: string };
    };
    return { ...started, stream, uploader, receiver, stranger, segment, swarm, post, outcome };
  }

  it('credits a receipt whose batch carries the pair’s ticket', async () => {
    const { outcome, uploader, receiver, swarm, api } = await setup();
    const ticket = meetingTicket(receiver.peerId, uploader.peerId, swarm, Date.now() - 1000);
    expect(await outcome([ticket])).toEqual({ index: 0, status: 'credited' });
    // Either peer's copy is the same ticket: the order of the ids does not matter.
    const summary = await api.get(`/api/sessions/${uploader.sessionId}`, {
      token: uploader.sessionSecret,
    });
    expect(summary.body.creditedBytes).toBeGreaterThan(0);
  });

  it('rejects a receipt without a ticket, or with one for another pair or swarm (NO_TICKET)', async () => {
    const { outcome, uploader, receiver, stranger, swarm, stream, api } = await setup();
    const at = Date.now() - 1000;
    const cases = [
      [],
      undefined,
      // A pair that never signalled: the receiver met someone else.
      [meetingTicket(receiver.peerId, stranger.peerId, swarm, at)],
      // The uploader met someone else.
      [meetingTicket(stranger.peerId, uploader.peerId, swarm, at)],
      // The right pair, in another rendition's swarm.
      [meetingTicket(receiver.peerId, uploader.peerId, `${stream.streamId}:other`, at)],
    ];
    for (const tickets of cases) {
      expect(await outcome(tickets)).toMatchObject({ status: 'rejected', code: 'NO_TICKET' });
    }
    const metrics = (await api.get('/metrics')).body as string;
    expect(metrics).toMatch(/receipts_total\{outcome="rejected",code="NO_TICKET"\} 5/);
  });

  it('rejects a receipt whose ticket is forged or altered (BAD_TICKET)', async () => {
    const { outcome, uploader, receiver, swarm } = await setup();
    const payload = {
      v: 1 as const,
      swarm,
      peers: ticketPeers(receiver.peerId, uploader.peerId),
      iat: Date.now() - 1000,
    };
    const forged = signMeetingTicket('not-the-tracker-secret-0123456789', payload);
    expect(await outcome([forged])).toMatchObject({ code: 'BAD_TICKET' });
    // A genuine ticket of another pair, its payload swapped for this pair's.
    const genuine = signMeetingTicket(TRACKER_SECRET, { ...payload, peers: ['a', 'b'] });
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    expect(await outcome([`${body}.${genuine.split('.')[1]}`])).toMatchObject({
      code: 'BAD_TICKET',
    });
  });

  it('rejects a ticket older than the max age, or issued after the receipt (TICKET_EXPIRED)', async () => {
    const clock = manualClock();
    const { outcome, uploader, receiver, swarm } = await setup({
      clock: clock.now,
      meetingTicketMaxAgeSeconds: 600,
      // The sessions stay live while the clock moves past the ticket's age.
      sessionTtlSeconds: 3600,
    });
    const start = clock.now();
    const ticket = meetingTicket(receiver.peerId, uploader.peerId, swarm, start);
    // Issued two minutes after the receipt (beyond the 60 s skew): no evidence they had met.
    const late = meetingTicket(receiver.peerId, uploader.peerId, swarm, start + 120_000);
    clock.advance(121_000);
    expect(await outcome([late], start)).toMatchObject({ code: 'TICKET_EXPIRED' });
    clock.advance(600_000);
    expect(await outcome([ticket], clock.now())).toMatchObject({ code: 'TICKET_EXPIRED' });
  });

  it('refuses a malformed tickets field as a whole (400)', async () => {
    const { post } = await setup();
    for (const tickets of [
      'not-an-array',
      [42],
      [''],
      ['x'.repeat(1025)],
      Array.from({ length: 65 }, () => 'a.b'),
    ]) {
      const res = await post(tickets);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
    }
  });

  it('is in the OpenAPI document: optional, at most 64 strings', async () => {
    const { api } = await setup();
    const { schemas } = (await api.get('/api/openapi.json')).body.components;
    const tickets = schemas.PostReceiptsRequest.properties.tickets;
    expect(tickets).toMatchObject({ type: 'array', maxItems: 64, items: { maxLength: 1024 } });
    expect(schemas.PostReceiptsRequest.required).not.toContain('tickets');
  });

  it('credits without tickets when requireMeetingTickets is off', async () => {
    const { outcome } = await setup({ requireMeetingTickets: false });
    expect(await outcome([])).toEqual({ index: 0, status: 'credited' });
  });
});
