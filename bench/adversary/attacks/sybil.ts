/**
 * Sybil floods, each from one source address: session creations, streamer accounts, tracker
 * sockets (with real tokens, gathered beforehand from sessions on many other networks, as a
 * botnet could), and swarm joins of made-up rendition ids. Each counts what was accepted; the
 * report sets that beside the configured caps.
 */
import { randomUUID } from 'node:crypto';
import { newSigningKey } from '../keys.js';
import { AddressClient, errorCode, pool, tally } from '../net.js';
import { HandSession } from '../session-client.js';
import { TrackerSocket } from '../tracker-socket.js';
import type { AttackContext } from './context.js';

export const SYBIL_SESSION_ADDRESS = '127.0.50.1';
export const SYBIL_ACCOUNT_ADDRESS = '127.0.51.1';
export const SYBIL_SOCKET_ADDRESS = '127.0.52.1';
/** Token donors: one session on each of these networks (127.1.k.1, k < 250). */
const donorAddress = (k: number) => `127.1.${k}.1`;
/** Below the tracker's swarms per socket (4) with the real one: only the rendition check refuses. */
const FAKE_RENDITIONS_PER_SOCKET = 3;

export interface FloodFigures {
  attempted: number;
  accepted: number;
  refusals: Record<string, number>;
  /** Wall seconds the flood took. */
  seconds: number;
}

export interface SybilFigures {
  sessions: FloodFigures;
  accounts: FloodFigures;
  /** Tokens gathered for the socket flood (one session per donor network). */
  donorTokens: number;
  sockets: FloodFigures;
  /** Sockets of the flood still connected after their joins. */
  socketsOpenAfterJoins: number;
  fakeRenditionJoins: FloodFigures;
  /** Joins of the stream's real rendition by the same sockets (the control). */
  realRenditionJoins: FloodFigures;
}

const flood = (): FloodFigures => ({ attempted: 0, accepted: 0, refusals: {}, seconds: 0 });

async function timed(figures: FloodFigures, run: () => Promise<void>): Promise<void> {
  const started = performance.now();
  await run();
  figures.seconds = Math.round((performance.now() - started) / 100) / 10;
}

export async function sybilFloods(
  ctx: AttackContext,
  sizes: { sessions: number; accounts: number; sockets: number },
): Promise<SybilFigures> {
  const { stack, clock } = ctx;
  const figures: SybilFigures = {
    sessions: flood(),
    accounts: flood(),
    donorTokens: 0,
    sockets: flood(),
    socketsOpenAfterJoins: 0,
    fakeRenditionJoins: flood(),
    realRenditionJoins: flood(),
  };

  const sessionApi = new AddressClient(stack.coordinatorUrl, SYBIL_SESSION_ADDRESS);
  await timed(figures.sessions, () =>
    pool(Array.from({ length: sizes.sessions }), 16, async () => {
      figures.sessions.attempted += 1;
      const created = await HandSession.create(
        sessionApi,
        stack.streamId,
        newSigningKey(),
        clock.now(),
      );
      if (typeof created === 'string') tally(figures.sessions.refusals, created);
      else figures.sessions.accepted += 1;
    }).then(() => undefined),
  );
  ctx.log(
    `sybil sessions: ${figures.sessions.accepted}/${figures.sessions.attempted} accepted from one address ` +
      `in ${figures.sessions.seconds} s ${JSON.stringify(figures.sessions.refusals)}`,
  );

  const accountApi = new AddressClient(stack.coordinatorUrl, SYBIL_ACCOUNT_ADDRESS);
  await timed(figures.accounts, () =>
    pool(Array.from({ length: sizes.accounts }), 16, async (_, i) => {
      figures.accounts.attempted += 1;
      const answer = await accountApi.json('POST', '/api/streamers', {
        body: { name: `sybil ${i}` },
      });
      if (answer.status === 201) figures.accounts.accepted += 1;
      else tally(figures.accounts.refusals, errorCode(answer));
    }).then(() => undefined),
  );
  ctx.log(
    `sybil accounts: ${figures.accounts.accepted}/${figures.accounts.attempted} accepted from one address ` +
      `${JSON.stringify(figures.accounts.refusals)}`,
  );

  const donors = Array.from({ length: Math.min(250, sizes.sockets) }, (_, k) => donorAddress(k));
  const tokens = (
    await pool(donors, 16, async (address) => {
      const api = new AddressClient(stack.coordinatorUrl, address);
      const session = await HandSession.create(
        api,
        stack.streamId,
        newSigningKey(),
        clock.now(),
        randomUUID(),
      );
      return typeof session === 'string' ? undefined : session.session.trackerToken;
    })
  ).filter((t): t is string => t !== undefined);
  figures.donorTokens = tokens.length;
  const sockets: TrackerSocket[] = [];
  await timed(figures.sockets, () =>
    pool(tokens, 16, async (token) => {
      figures.sockets.attempted += 1;
      const socket = await TrackerSocket.connect(stack.trackerUrl, SYBIL_SOCKET_ADDRESS, token);
      if (typeof socket === 'string') tally(figures.sockets.refusals, socket);
      else {
        figures.sockets.accepted += 1;
        sockets.push(socket);
      }
    }).then(() => undefined),
  );
  await timed(figures.fakeRenditionJoins, () =>
    pool(sockets, 16, async (socket, i) => {
      figures.realRenditionJoins.attempted += 1;
      const real = await socket.join(stack.streamId, stack.topRendition);
      if (real.ok) figures.realRenditionJoins.accepted += 1;
      else tally(figures.realRenditionJoins.refusals, real.error.code);
      for (let j = 0; j < FAKE_RENDITIONS_PER_SOCKET; j += 1) {
        figures.fakeRenditionJoins.attempted += 1;
        const ack = await socket.join(stack.streamId, `made_up_${i}_${j}`);
        if (ack.ok) figures.fakeRenditionJoins.accepted += 1;
        else tally(figures.fakeRenditionJoins.refusals, ack.error.code);
      }
    }).then(() => undefined),
  );
  // A tracker may also drop sockets after accepting them: count those still open.
  figures.socketsOpenAfterJoins = sockets.filter((s) => s.connected).length;
  for (const socket of sockets) socket.close();
  ctx.log(
    `sybil sockets: ${figures.sockets.accepted}/${figures.sockets.attempted} from one address ` +
      `${JSON.stringify(figures.sockets.refusals)}; made-up rendition joins ` +
      `${figures.fakeRenditionJoins.accepted}/${figures.fakeRenditionJoins.attempted}`,
  );
  return figures;
}
