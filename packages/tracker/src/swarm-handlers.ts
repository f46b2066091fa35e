import {
  MAX_SIGNAL_BYTES,
  parseJoinRequest,
  parseLeaveRequest,
  parsePeersRequest,
  parseSignalRequest,
  parseTicketRequest,
  swarmKey,
  ticketPeers,
  type JoinResult,
  type Parsed,
  type PeersResult,
  type SignalResult,
  type TicketResult,
} from '@streamrp2p/protocol';
import type { TrackerConfig } from './config.js';
import { TrackerError } from './errors.js';
import type { TrackerMetrics } from './metrics.js';
import { issueMeetingTicket, verifyMeetingTicket } from '@streamrp2p/protocol/node';
import { candidatePoolSizeOf, rankCandidates } from './peer-picker.js';
import { swarmRoom, type TrackerServer, type TrackerSocket } from './socket-types.js';
import type { SwarmRegistry } from './swarm-registry.js';

/** What the swarm event handlers use. */
export interface SwarmHandlerDeps {
  io: TrackerServer;
  registry: SwarmRegistry;
  metrics: TrackerMetrics;
  config: TrackerConfig;
}

function valueOf<T>(parsed: Parsed<T>): T {
  if (!parsed.ok) throw new TrackerError('BAD_REQUEST', parsed.message);
  return parsed.value;
}

/** The byte size of a signal's data, or undefined when it cannot be serialized. */
function signalBytes(payload: unknown): number | undefined {
  if (typeof payload !== 'object' || payload === null) return 0;
  const data = (payload as Record<string, unknown>).data;
  try {
    const json = JSON.stringify(data);
    return json === undefined ? 0 : Buffer.byteLength(json);
  } catch {
    return undefined;
  }
}

const ipMessage = (c: TrackerConfig) =>
  `at most ${c.maxPeersPerIpPerSwarm} peers from one IP in a swarm`;
const swarmsMessage = (c: TrackerConfig) => `at most ${c.maxSwarmsPerSocket} swarms per connection`;

/** One client event handler: the socket it came from and its untrusted payload. */
export type SwarmHandler<R> = (socket: TrackerSocket, payload: unknown) => Promise<R>;

/**
 * The client events (join, leave, peers, signal, ticket). Each gets the socket and an untrusted payload,
 * parses it with the protocol's parser and throws {@link TrackerError} to
 * refuse. Created once per tracker and shared by every socket, so a
 * connection costs no closures of its own.
 *
 * @param peerIdOf the socket's peer id once assigned (events may arrive before it is)
 */
export function createSwarmHandlers(
  peerIdOf: (socket: TrackerSocket) => Promise<string>,
  deps: SwarmHandlerDeps,
) {
  const { io, registry, metrics, config } = deps;

  const join: SwarmHandler<JoinResult> = async (socket, payload) => {
    const req = valueOf(parseJoinRequest(payload));
    const id = await peerIdOf(socket);
    if (socket.data.streamId !== undefined && req.streamId !== socket.data.streamId) {
      throw new TrackerError(
        'UNAUTHORIZED',
        `this token only allows stream ${socket.data.streamId}`,
      );
    }
    const { renditions } = socket.data;
    if (renditions !== undefined && !renditions.includes(req.rendition)) {
      throw new TrackerError(
        'UNKNOWN_RENDITION',
        `stream ${req.streamId} has no rendition ${req.rendition} (it has ${renditions.join(', ')})`,
      );
    }
    const swarm = swarmKey(req);
    // The sample is drawn alongside the insert, not after it: with Redis both go in one round
    // trip. It is the same list either way, since a sample never holds the joining peer.
    const sampling = registry.sample(swarm, candidatePoolSizeOf(config), id);
    sampling.catch(() => undefined);
    const added = await registry.add(
      swarm,
      { peerId: id, socketId: socket.id, ip: socket.data.ip },
      config,
    );
    if (!added.ok) {
      const message =
        added.reason === 'TOO_MANY_SWARMS' ? swarmsMessage(config) : ipMessage(config);
      throw new TrackerError(added.reason, message);
    }
    if (!socket.connected) {
      // The socket went away while joining: its cleanup may already have run.
      await registry.remove(swarm, socket.id);
      throw new TrackerError('NOT_IN_SWARM', 'connection closed while joining');
    }
    await socket.join(swarmRoom(swarm));
    if (added.added) metrics.countJoin();
    return { swarm, peerId: id, peers: await rankCandidates(await sampling, swarm, id, config) };
  };

  const leave: SwarmHandler<Record<string, never>> = async (socket, payload) => {
    const { swarm } = valueOf(parseLeaveRequest(payload));
    const id = await peerIdOf(socket);
    if (!(await registry.remove(swarm, socket.id))) {
      throw new TrackerError('NOT_IN_SWARM', `not a member of swarm ${swarm}`);
    }
    await socket.leave(swarmRoom(swarm));
    io.to(swarmRoom(swarm)).emit('peer-left', { swarm, peerId: id });
    return {};
  };

  const peers: SwarmHandler<PeersResult> = async (socket, payload) => {
    const { swarm } = valueOf(parsePeersRequest(payload));
    const id = await peerIdOf(socket);
    // One round trip; a non-member's sample is thrown away unread.
    const [member, candidates] = await Promise.all([
      registry.isMember(swarm, socket.id),
      registry.sample(swarm, candidatePoolSizeOf(config), id),
    ]);
    if (!member) throw new TrackerError('NOT_IN_SWARM', `not a member of swarm ${swarm}`);
    return { peers: await rankCandidates(candidates, swarm, id, config) };
  };

  const signal: SwarmHandler<SignalResult> = async (socket, payload) => {
    const bytes = signalBytes(payload);
    if (bytes !== undefined && bytes > MAX_SIGNAL_BYTES) {
      throw new TrackerError(
        'TOO_LARGE',
        `signal data is ${bytes} bytes; the limit is ${MAX_SIGNAL_BYTES}`,
      );
    }
    const req = valueOf(parseSignalRequest(payload));
    const id = await peerIdOf(socket);
    // Both lookups at once (one Redis round trip); the sender's membership is still checked first.
    const [member, target] = await Promise.all([
      registry.isMember(req.swarm, socket.id),
      req.to === id ? undefined : registry.find(req.swarm, req.to),
    ]);
    if (!member) throw new TrackerError('NOT_IN_SWARM', `not a member of swarm ${req.swarm}`);
    if (target === undefined)
      throw new TrackerError('UNKNOWN_PEER', `peer ${req.to} is not in swarm ${req.swarm}`);
    // Both peers get the same meeting ticket: the recipient in the message, the sender in its
    // ack. Every relayed signal issues one (an HMAC costs about a microsecond).
    const ticket =
      config.secret === undefined
        ? undefined
        : issueMeetingTicket(config.secret, req.swarm, id, req.to);
    const message = { swarm: req.swarm, from: id, data: req.data, ...(ticket && { ticket }) };
    // A target on this process is sent to directly: through io.to() the Redis adapter would
    // also publish it to every other process.
    const local = io.of('/').sockets.get(target.socketId);
    if (local !== undefined) local.emit('signal', message);
    else io.to(target.socketId).emit('signal', message);
    metrics.countSignal();
    if (ticket === undefined) return {};
    metrics.countTicket('signal');
    return { ticket };
  };

  /**
   * Renews a pair's meeting ticket for a long connection: the newest ticket the asker holds
   * (so only pairs that once signalled here can renew, on any tracker process sharing the
   * secret), not older than `meetingTicketMaxAgeMs`, and both peers still in the swarm.
   */
  const ticket: SwarmHandler<TicketResult> = async (socket, payload) => {
    const req = valueOf(parseTicketRequest(payload));
    if (config.secret === undefined)
      throw new TrackerError('BAD_TICKET', 'this tracker issues no meeting tickets');
    const id = await peerIdOf(socket);
    const held = verifyMeetingTicket(config.secret, req.ticket);
    const pair = ticketPeers(id, req.peerId);
    if (
      held === undefined ||
      held.swarm !== req.swarm ||
      held.peers[0] !== pair[0] ||
      held.peers[1] !== pair[1]
    ) {
      throw new TrackerError('BAD_TICKET', 'the ticket does not name this pair in this swarm');
    }
    const now = Date.now();
    if (now - held.iat > config.meetingTicketMaxAgeMs)
      throw new TrackerError('BAD_TICKET', 'the ticket is too old to renew: signal again');
    const [member, other] = await Promise.all([
      registry.isMember(req.swarm, socket.id),
      req.peerId === id ? undefined : registry.find(req.swarm, req.peerId),
    ]);
    if (!member) throw new TrackerError('NOT_IN_SWARM', `not a member of swarm ${req.swarm}`);
    if (other === undefined)
      throw new TrackerError('UNKNOWN_PEER', `peer ${req.peerId} is not in swarm ${req.swarm}`);
    metrics.countTicket('renewal');
    return { ticket: issueMeetingTicket(config.secret, req.swarm, id, req.peerId, now) };
  };

  return { join, leave, peers, signal, ticket };
}
