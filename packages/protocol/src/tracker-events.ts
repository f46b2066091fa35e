/**
 * The socket.io contract between the player SDK and the tracker.
 *
 * Every payload that crosses the wire is described here once, with a parser
 * that both sides can use: the tracker validates every inbound payload with
 * these parsers and answers bad input with an error ack, never a crash.
 */
import { MAX_TICKET_LENGTH } from './meeting-ticket.js';

/** Version of the tracker protocol; sent by clients in the socket.io handshake `auth`. */
export const TRACKER_PROTOCOL_VERSION = 1;

/** Largest accepted length of a stream id, rendition name or peer id. */
export const MAX_ID_LENGTH = 128;

/** Largest accepted serialized size of one WebRTC signal payload, in bytes. */
export const MAX_SIGNAL_BYTES = 16 * 1024;

/** Ids are short, URL-safe strings: letters, digits, `-`, `_`, `.`. */
const ID_PATTERN = /^[A-Za-z0-9._-]+$/;

/** Error codes the tracker sends in error acks and connection errors. */
export const TrackerErrorCode = {
  BadRequest: 'BAD_REQUEST',
  VersionMismatch: 'VERSION_MISMATCH',
  Unauthorized: 'UNAUTHORIZED',
  RateLimited: 'RATE_LIMITED',
  TooLarge: 'TOO_LARGE',
  TooManyPeersFromIp: 'TOO_MANY_PEERS_FROM_IP',
  TooManySwarms: 'TOO_MANY_SWARMS',
  NotInSwarm: 'NOT_IN_SWARM',
  UnknownPeer: 'UNKNOWN_PEER',
  /** The token names the stream's renditions and this is not one of them. */
  UnknownRendition: 'UNKNOWN_RENDITION',
  /** Too many connections from one client address (all swarms together). */
  TooManyConnections: 'TOO_MANY_CONNECTIONS',
  /** A meeting ticket presented for renewal does not verify, is too old or names another pair. */
  BadTicket: 'BAD_TICKET',
  ShuttingDown: 'SHUTTING_DOWN',
} as const;
export type TrackerErrorCode = (typeof TrackerErrorCode)[keyof typeof TrackerErrorCode];

/** An error as it travels in an ack or a `connect_error`'s `data`. */
export interface TrackerErrorBody {
  code: TrackerErrorCode;
  message: string;
}

/** Every ack is either `{ ok: true, ...result }` or `{ ok: false, error }`. */
export type TrackerAck<T extends object = object> =
  ({ ok: true } & T) | { ok: false; error: TrackerErrorBody };

/** What a client sends in the socket.io handshake (`io(url, { auth })`). */
export interface TrackerHandshake {
  /** Must equal {@link TRACKER_PROTOCOL_VERSION}. */
  v: number;
  /** Signed token from the coordinator; required when the tracker has a shared secret. */
  token?: string;
  /** Peer id the client would like in open mode (ignored when a token decides it). */
  peerId?: string;
}

/** A swarm is one rendition of one stream: `${streamId}:${rendition}`. */
export interface SwarmRef {
  streamId: string;
  rendition: string;
}

/** A peer as the tracker describes it to others. */
export interface PeerDescriptor {
  peerId: string;
}

/** `join` request: enter a swarm and get peers to connect to. */
export type JoinRequest = SwarmRef;
/** `join` result: the canonical swarm key and a bounded, ranked list of other peers. */
export interface JoinResult {
  swarm: string;
  peerId: string;
  peers: PeerDescriptor[];
}

/** `leave` request. */
export interface LeaveRequest {
  swarm: string;
}

/** `peers` request: a fresh ranked list for a swarm the socket is in. */
export interface PeersRequest {
  swarm: string;
}
export interface PeersResult {
  peers: PeerDescriptor[];
}

/** `signal` request: relay WebRTC signalling data to a peer of the same swarm. */
export interface SignalRequest {
  swarm: string;
  to: string;
  /** A simple-peer signal object (offer, answer, candidate, renegotiate...). */
  data: SignalData;
}

/** A simple-peer signal object; relayed opaquely after size and shape checks. */
export type SignalData = { type?: string; sdp?: string; candidate?: unknown } & Record<
  string,
  unknown
>;

/** Relayed `signal` as the recipient gets it. */
export interface SignalMessage {
  swarm: string;
  from: string;
  data: SignalData;
  /**
   * A meeting ticket naming `from` and the recipient in `swarm` (see `meeting-ticket.ts`),
   * when the tracker has a secret. The sender gets the same ticket in its ack.
   */
  ticket?: string;
}

/** `signal` result: the pair's meeting ticket, when the tracker has a secret. */
export interface SignalResult {
  ticket?: string;
}

/**
 * `ticket` request: renew the meeting ticket of a pair that is still in the swarm, presenting
 * the newest one held (so only pairs that once signalled through the tracker can renew).
 */
export interface TicketRequest {
  swarm: string;
  peerId: string;
  ticket: string;
}
/** `ticket` result: a fresh meeting ticket for the same pair and swarm. */
export interface TicketResult {
  ticket: string;
}

/** Sent by the tracker right after a connection is accepted. */
export interface WelcomeMessage {
  peerId: string;
  v: number;
  limits: {
    maxSwarmsPerSocket: number;
    maxPeersPerJoin: number;
    maxEventsPerSecond: number;
  };
  /**
   * Present when the tracker issues meeting tickets: renew a connected pair's ticket (event
   * `ticket`) every `renewMs`, well within the coordinator's max ticket age.
   */
  tickets?: { renewMs: number };
}

/** Events a client emits (socket.io `ClientToServerEvents`). */
export interface ClientToServerEvents {
  join: (req: JoinRequest, ack: (res: TrackerAck<JoinResult>) => void) => void;
  leave: (req: LeaveRequest, ack: (res: TrackerAck) => void) => void;
  peers: (req: PeersRequest, ack: (res: TrackerAck<PeersResult>) => void) => void;
  signal: (req: SignalRequest, ack: (res: TrackerAck<SignalResult>) => void) => void;
  ticket: (req: TicketRequest, ack: (res: TrackerAck<TicketResult>) => void) => void;
}

/** Events the tracker emits (socket.io `ServerToClientEvents`). */
export interface ServerToClientEvents {
  welcome: (msg: WelcomeMessage) => void;
  signal: (msg: SignalMessage) => void;
  /** A peer of one of the client's swarms left; drop any connection attempt to it. */
  'peer-left': (msg: { swarm: string; peerId: string }) => void;
}

/** Result of a payload parser: the typed value, or a reason fit for an error ack. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/** The canonical swarm key of a stream rendition. */
export function swarmKey(ref: SwarmRef): string {
  return `${ref.streamId}:${ref.rendition}`;
}

/** Whether `value` is a well-formed id (stream id, rendition, peer id). */
export function isValidId(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    value.length <= MAX_ID_LENGTH &&
    ID_PATTERN.test(value)
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail<T>(message: string): Parsed<T> {
  return { ok: false, message };
}

/** Parses a handshake `auth` object. */
export function parseHandshake(input: unknown): Parsed<TrackerHandshake> {
  if (!isRecord(input)) return fail('handshake auth must be an object');
  const { v, token, peerId } = input;
  if (typeof v !== 'number' || !Number.isInteger(v)) return fail('auth.v must be an integer');
  if (token !== undefined && (typeof token !== 'string' || token.length > 4096)) {
    return fail('auth.token must be a string of at most 4096 characters');
  }
  if (peerId !== undefined && !isValidId(peerId)) return fail('auth.peerId is not a valid id');
  return { ok: true, value: { v, token, peerId } };
}

/** Parses a `join` payload. */
export function parseJoinRequest(input: unknown): Parsed<JoinRequest> {
  if (!isRecord(input)) return fail('join payload must be an object');
  if (!isValidId(input.streamId)) return fail('streamId is not a valid id');
  if (!isValidId(input.rendition)) return fail('rendition is not a valid id');
  return { ok: true, value: { streamId: input.streamId, rendition: input.rendition } };
}

function parseSwarmField(input: unknown, event: string): Parsed<{ swarm: string }> {
  if (!isRecord(input)) return fail(`${event} payload must be an object`);
  const { swarm } = input;
  if (typeof swarm !== 'string' || swarm.length > 2 * MAX_ID_LENGTH + 1) {
    return fail('swarm must be a string');
  }
  const [streamId, rendition, extra] = swarm.split(':');
  if (extra !== undefined || !isValidId(streamId) || !isValidId(rendition)) {
    return fail('swarm must be "streamId:rendition"');
  }
  return { ok: true, value: { swarm } };
}

/** Parses a `leave` payload. */
export function parseLeaveRequest(input: unknown): Parsed<LeaveRequest> {
  return parseSwarmField(input, 'leave');
}

/** Parses a `peers` payload. */
export function parsePeersRequest(input: unknown): Parsed<PeersRequest> {
  return parseSwarmField(input, 'peers');
}

/** Parses a `ticket` (renewal) payload. */
export function parseTicketRequest(input: unknown): Parsed<TicketRequest> {
  const swarm = parseSwarmField(input, 'ticket');
  if (!swarm.ok) return swarm;
  const { peerId, ticket } = input as Record<string, unknown>;
  if (!isValidId(peerId)) return fail('peerId is not a valid peer id');
  if (typeof ticket !== 'string' || ticket.length === 0 || ticket.length > MAX_TICKET_LENGTH)
    return fail(`ticket must be a string of 1..${MAX_TICKET_LENGTH} characters`);
  return { ok: true, value: { swarm: swarm.value.swarm, peerId, ticket } };
}

/** Parses a `signal` payload, including the size of the signal data. */
export function parseSignalRequest(input: unknown): Parsed<SignalRequest> {
  const swarm = parseSwarmField(input, 'signal');
  if (!swarm.ok) return swarm;
  const { to, data } = input as Record<string, unknown>;
  if (!isValidId(to)) return fail('to is not a valid peer id');
  if (!isRecord(data)) return fail('data must be an object');
  if (data.type !== undefined && typeof data.type !== 'string')
    return fail('data.type must be a string');
  if (data.sdp !== undefined && typeof data.sdp !== 'string')
    return fail('data.sdp must be a string');
  let size: number;
  try {
    size = JSON.stringify(data).length;
  } catch {
    return fail('data must be JSON-serializable');
  }
  if (size > MAX_SIGNAL_BYTES) return fail(`data exceeds ${MAX_SIGNAL_BYTES} bytes`);
  return { ok: true, value: { swarm: swarm.value.swarm, to, data: data as SignalData } };
}
