/**
 * The binary protocol viewers speak to each other over WebRTC data channels, one message per
 * data-channel message. Binary rather than JSON because chunks carry video bytes and a `have`
 * can list thousands of sequences; a fixed layout is also trivial to bound before parsing.
 *
 * Every message is `[version u8][type u8][fields...]`, integers big-endian and unsigned.
 * Decoding trusts nothing: every length, count and limit is checked, and anything wrong throws
 * a {@link ProtocolError} rather than returning a half-parsed message.
 */
import { isUint8Array } from './bytes.js';
import { ProtocolError, ProtocolErrorCode } from './protocol-error.js';

/** Version byte at offset 0 of every peer message; a peer on another version is not spoken to. */
export const PEER_PROTOCOL_VERSION = 1;

/**
 * Largest peer message, in bytes. 64 KiB is the largest data-channel message every browser
 * delivers reliably (Chromium/Firefox interop), so nothing we send may exceed it.
 */
export const MAX_PEER_MESSAGE_SIZE = 64 * 1024;

/**
 * Payload bytes per `chunk` message. The 16 bytes kept back cover the 6-byte chunk header with
 * room to spare, so a full chunk message always fits in {@link MAX_PEER_MESSAGE_SIZE}.
 */
export const PEER_CHUNK_SIZE = MAX_PEER_MESSAGE_SIZE - 16;

/** Most sequences in each list of a `have` (held, fetching): bounds the message and the work. */
export const MAX_HAVE_ENTRIES = 2048;

/** Largest segment a peer may announce or serve (64 MiB); a `data` header above it is hostile. */
export const MAX_SEGMENT_BYTES = 64 * 1024 * 1024;

/** What a peer says about one segment in an `update`. */
export type PeerSegmentState = 'held' | 'fetching' | 'dropped';

/** The sender's complete current state; replaces whatever the receiver knew about it. */
export interface PeerHaveMessage {
  type: 'have';
  /** Sequences the sender holds in full and can serve. */
  sequences: number[];
  /** Sequences the sender is downloading now (a hint: ask someone else first). */
  fetching: number[];
}

/** A change to one segment since the last `have`/`update`. */
export interface PeerUpdateMessage {
  type: 'update';
  sequence: number;
  state: PeerSegmentState;
}

/** Asks for a segment from byte `offset` on; a non-zero offset resumes a cut-off transfer. */
export interface PeerRequestMessage {
  type: 'request';
  /** Chosen by the requester; echoed in every reply so replies can be matched and cancelled. */
  requestId: number;
  sequence: number;
  offset: number;
}

/** Response header: `chunk`s with the same `requestId` follow, in order, from `offset`. */
export interface PeerDataMessage {
  type: 'data';
  requestId: number;
  sequence: number;
  /** Total length of the segment, not of what remains, so the receiver can size its buffer. */
  byteLength: number;
  /** Where the first chunk starts; at most `byteLength`. */
  offset: number;
}

/** A piece of a segment's bytes for an earlier `data` header. */
export interface PeerChunkMessage {
  type: 'chunk';
  requestId: number;
  /** 1 to {@link PEER_CHUNK_SIZE} bytes. When decoded, a view into the received message. */
  bytes: Uint8Array;
}

/** The requester no longer wants a request's bytes (got them elsewhere, or gave up). */
export interface PeerCancelMessage {
  type: 'cancel';
  requestId: number;
}

/** The sender does not have the requested segment (any more); ask elsewhere. */
export interface PeerAbsentMessage {
  type: 'absent';
  requestId: number;
  sequence: number;
}

/** Any peer message, tagged by `type`. */
export type PeerMessage =
  | PeerHaveMessage
  | PeerUpdateMessage
  | PeerRequestMessage
  | PeerDataMessage
  | PeerChunkMessage
  | PeerCancelMessage
  | PeerAbsentMessage;

/** The `type` tag of a {@link PeerMessage}. */
export type PeerMessageType = PeerMessage['type'];

// Wire codes. Never renumber: a change here is a new protocol version.
const TYPE_CODES = {
  have: 1,
  update: 2,
  request: 3,
  data: 4,
  chunk: 5,
  cancel: 6,
  absent: 7,
} as const satisfies Record<PeerMessageType, number>;
const STATE_CODES = { held: 1, fetching: 2, dropped: 3 } as const satisfies Record<
  PeerSegmentState,
  number
>;
const TYPE_BY_CODE = invert(TYPE_CODES);
const STATE_BY_CODE = invert(STATE_CODES);

const U32_MAX = 0xffff_ffff;
const HEADER_SIZE = 2;
const CHUNK_HEADER_SIZE = HEADER_SIZE + 4;
const HAVE_HEADER_SIZE = HEADER_SIZE + 4;
/** Exact sizes of the fixed-layout messages. */
const FIXED_SIZE = { update: 7, request: 14, data: 18, cancel: 6, absent: 10 } as const;

/**
 * Encodes a peer message into a new byte array ready for `channel.send()`.
 * Throws a {@link ProtocolError} with code `INVALID_ARGUMENT` for a value the wire cannot carry
 * (non-integer, negative or above 2^32-1, too many `have` entries, empty or oversized chunk),
 * so a bug fails at the sender instead of confusing the other peer.
 *
 * @example
 * const bytes = encodePeerMessage({ type: 'request', requestId: 7, sequence: 1042, offset: 0 });
 * channel.send(bytes);
 */
export function encodePeerMessage(message: PeerMessage): Uint8Array<ArrayBuffer> {
  if (typeof message !== 'object' || message === null) {
    throw invalid(
      `peer message must be an object, got ${message === null ? 'null' : typeof message}`,
    );
  }
  switch (message.type) {
    case 'have': {
      const held = u32List(message.sequences, 'have.sequences');
      const fetching = u32List(message.fetching, 'have.fetching');
      const [bytes, view] = frame('have', HAVE_HEADER_SIZE + 4 * (held.length + fetching.length));
      view.setUint16(2, held.length);
      view.setUint16(4, fetching.length);
      let at = HAVE_HEADER_SIZE;
      for (const sequence of [...held, ...fetching]) {
        view.setUint32(at, sequence);
        at += 4;
      }
      return bytes;
    }
    case 'update': {
      const code = Object.hasOwn(STATE_CODES, message.state)
        ? STATE_CODES[message.state]
        : undefined;
      if (code === undefined)
        throw invalid(`unknown segment state ${JSON.stringify(message.state)}`);
      const [bytes, view] = frame('update', FIXED_SIZE.update);
      view.setUint32(2, u32(message.sequence, 'update.sequence'));
      view.setUint8(6, code);
      return bytes;
    }
    case 'request': {
      const offset = u32(message.offset, 'request.offset');
      if (offset > MAX_SEGMENT_BYTES)
        throw invalid(`request.offset ${offset} exceeds MAX_SEGMENT_BYTES`);
      return fixed('request', [
        u32(message.requestId, 'request.requestId'),
        u32(message.sequence, 'request.sequence'),
        offset,
      ]);
    }
    case 'data': {
      const byteLength = u32(message.byteLength, 'data.byteLength');
      const offset = u32(message.offset, 'data.offset');
      if (byteLength > MAX_SEGMENT_BYTES)
        throw invalid(`data.byteLength ${byteLength} exceeds MAX_SEGMENT_BYTES`);
      if (offset > byteLength)
        throw invalid(`data.offset ${offset} is past data.byteLength ${byteLength}`);
      return fixed('data', [
        u32(message.requestId, 'data.requestId'),
        u32(message.sequence, 'data.sequence'),
        byteLength,
        offset,
      ]);
    }
    case 'chunk':
      if (!isUint8Array(message.bytes)) throw invalid('chunk.bytes must be a Uint8Array');
      return encodeChunk(u32(message.requestId, 'chunk.requestId'), message.bytes);
    case 'cancel':
      return fixed('cancel', [u32(message.requestId, 'cancel.requestId')]);
    case 'absent':
      return fixed('absent', [
        u32(message.requestId, 'absent.requestId'),
        u32(message.sequence, 'absent.sequence'),
      ]);
    default:
      throw invalid(
        `unknown peer message type ${JSON.stringify((message as { type?: unknown }).type)}`,
      );
  }
}

/**
 * Decodes one received peer message. Accepts the `ArrayBuffer` a data channel delivers or any
 * `Uint8Array` view (including one at a non-zero `byteOffset`). A decoded `chunk`'s `bytes` is a
 * view into the input, not a copy: copy it if the input buffer will be reused.
 *
 * Throws a {@link ProtocolError}: `MESSAGE_TOO_LARGE` above {@link MAX_PEER_MESSAGE_SIZE},
 * `UNSUPPORTED_VERSION` for another version byte, `UNKNOWN_MESSAGE` for an unknown type code,
 * `MALFORMED_MESSAGE` for a wrong length, trailing bytes or a value outside the protocol limits,
 * and `INVALID_ARGUMENT` if `input` is not bytes at all.
 *
 * @example
 * channel.binaryType = 'arraybuffer';
 * channel.onmessage = (event) => {
 *   const message = decodePeerMessage(event.data);
 *   if (message.type === 'chunk') store.append(message.requestId, message.bytes);
 * };
 */
export function decodePeerMessage(input: Uint8Array | ArrayBuffer): PeerMessage {
  const bytes = toBytes(input);
  // Size first: a hostile peer must not make us walk a huge message.
  if (bytes.length > MAX_PEER_MESSAGE_SIZE) {
    throw new ProtocolError(
      ProtocolErrorCode.MESSAGE_TOO_LARGE,
      `peer message of ${bytes.length} bytes exceeds ${MAX_PEER_MESSAGE_SIZE}`,
    );
  }
  if (bytes.length < HEADER_SIZE)
    throw malformed(`peer message of ${bytes.length} bytes has no header`);
  if (bytes[0] !== PEER_PROTOCOL_VERSION) {
    throw new ProtocolError(
      ProtocolErrorCode.UNSUPPORTED_VERSION,
      `peer protocol version ${bytes[0]} is not supported (expected ${PEER_PROTOCOL_VERSION})`,
    );
  }
  const type = TYPE_BY_CODE.get(bytes[1]!);
  if (type === undefined) {
    throw new ProtocolError(
      ProtocolErrorCode.UNKNOWN_MESSAGE,
      `unknown peer message type code ${bytes[1]}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (type) {
    case 'have': {
      expectMinLength(bytes, HAVE_HEADER_SIZE, type);
      const heldCount = view.getUint16(2);
      const fetchingCount = view.getUint16(4);
      if (heldCount > MAX_HAVE_ENTRIES || fetchingCount > MAX_HAVE_ENTRIES) {
        throw malformed(
          `have lists ${heldCount} held and ${fetchingCount} fetching; limit is ${MAX_HAVE_ENTRIES} each`,
        );
      }
      expectLength(bytes, HAVE_HEADER_SIZE + 4 * (heldCount + fetchingCount), type);
      const readList = (start: number, count: number): number[] =>
        Array.from({ length: count }, (_, i) => view.getUint32(start + 4 * i));
      return {
        type,
        sequences: readList(HAVE_HEADER_SIZE, heldCount),
        fetching: readList(HAVE_HEADER_SIZE + 4 * heldCount, fetchingCount),
      };
    }
    case 'update': {
      expectLength(bytes, FIXED_SIZE.update, type);
      const state = STATE_BY_CODE.get(bytes[6]!);
      if (state === undefined) throw malformed(`unknown segment state code ${bytes[6]}`);
      return { type, sequence: view.getUint32(2), state };
    }
    case 'request': {
      expectLength(bytes, FIXED_SIZE.request, type);
      const offset = view.getUint32(10);
      if (offset > MAX_SEGMENT_BYTES)
        throw malformed(`request offset ${offset} exceeds MAX_SEGMENT_BYTES`);
      return { type, requestId: view.getUint32(2), sequence: view.getUint32(6), offset };
    }
    case 'data': {
      expectLength(bytes, FIXED_SIZE.data, type);
      const byteLength = view.getUint32(10);
      const offset = view.getUint32(14);
      if (byteLength > MAX_SEGMENT_BYTES)
        throw malformed(`data byteLength ${byteLength} exceeds MAX_SEGMENT_BYTES`);
      if (offset > byteLength)
        throw malformed(`data offset ${offset} is past byteLength ${byteLength}`);
      return {
        type,
        requestId: view.getUint32(2),
        sequence: view.getUint32(6),
        byteLength,
        offset,
      };
    }
    case 'chunk': {
      expectMinLength(bytes, CHUNK_HEADER_SIZE + 1, type);
      const payload = bytes.length - CHUNK_HEADER_SIZE;
      if (payload > PEER_CHUNK_SIZE)
        throw malformed(`chunk payload of ${payload} bytes exceeds PEER_CHUNK_SIZE`);
      // A view, not a copy: chunks are the bulk of the traffic and go straight into a segment buffer.
      return { type, requestId: view.getUint32(2), bytes: bytes.subarray(CHUNK_HEADER_SIZE) };
    }
    case 'cancel':
      expectLength(bytes, FIXED_SIZE.cancel, type);
      return { type, requestId: view.getUint32(2) };
    case 'absent':
      expectLength(bytes, FIXED_SIZE.absent, type);
      return { type, requestId: view.getUint32(2), sequence: view.getUint32(6) };
  }
}

/**
 * Splits `bytes[offset..]` into encoded `chunk` messages of at most {@link PEER_CHUNK_SIZE}
 * payload bytes each, in order: what an uploader sends after the `data` header. Lazy, so the
 * uploader can stop between chunks for backpressure or a `cancel`. Arguments are checked
 * before the first chunk (`INVALID_ARGUMENT`); an `offset` equal to the length yields nothing.
 *
 * @example
 * channel.send(encodePeerMessage({ type: 'data', requestId, sequence, byteLength: segment.length, offset }));
 * for (const chunk of chunkSegment(requestId, segment, offset)) channel.send(chunk);
 */
export function chunkSegment(
  requestId: number,
  bytes: Uint8Array,
  offset = 0,
): Generator<Uint8Array<ArrayBuffer>, void, undefined> {
  // Validate here, not in the generator body, so bad arguments throw at the call site.
  const id = u32(requestId, 'requestId');
  if (!isUint8Array(bytes)) throw invalid('segment bytes must be a Uint8Array');
  if (bytes.length > MAX_SEGMENT_BYTES)
    throw invalid(`segment of ${bytes.length} bytes exceeds MAX_SEGMENT_BYTES`);
  const start = u32(offset, 'offset');
  if (start > bytes.length)
    throw invalid(`offset ${start} is past the segment's ${bytes.length} bytes`);
  return (function* () {
    for (let at = start; at < bytes.length; at += PEER_CHUNK_SIZE) {
      yield encodeChunk(id, bytes.subarray(at, at + PEER_CHUNK_SIZE));
    }
  })();
}

function encodeChunk(requestId: number, payload: Uint8Array): Uint8Array<ArrayBuffer> {
  if (payload.length === 0) throw invalid('chunk.bytes is empty');
  if (payload.length > PEER_CHUNK_SIZE) {
    throw invalid(`chunk of ${payload.length} bytes exceeds PEER_CHUNK_SIZE (${PEER_CHUNK_SIZE})`);
  }
  const [bytes, view] = frame('chunk', CHUNK_HEADER_SIZE + payload.length);
  view.setUint32(2, requestId);
  bytes.set(payload, CHUNK_HEADER_SIZE);
  return bytes;
}

/** A message of u32 fields only, already validated. */
function fixed(type: keyof typeof FIXED_SIZE, fields: number[]): Uint8Array<ArrayBuffer> {
  const [bytes, view] = frame(type, FIXED_SIZE[type]);
  fields.forEach((field, i) => view.setUint32(HEADER_SIZE + 4 * i, field));
  return bytes;
}

function frame(type: PeerMessageType, size: number): [Uint8Array<ArrayBuffer>, DataView] {
  const bytes = new Uint8Array(size);
  bytes[0] = PEER_PROTOCOL_VERSION;
  bytes[1] = TYPE_CODES[type];
  return [bytes, new DataView(bytes.buffer)];
}

function u32(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > U32_MAX) {
    throw invalid(`${name} must be an integer from 0 to ${U32_MAX}, got ${String(value)}`);
  }
  return value;
}

function u32List(value: unknown, name: string): number[] {
  if (!Array.isArray(value)) throw invalid(`${name} must be an array`);
  if (value.length > MAX_HAVE_ENTRIES) {
    throw invalid(
      `${name} has ${value.length} entries; limit is MAX_HAVE_ENTRIES (${MAX_HAVE_ENTRIES})`,
    );
  }
  return value.map((item, i) => u32(item, `${name}[${i}]`));
}

function toBytes(input: unknown): Uint8Array {
  if (isUint8Array(input)) return input;
  // The tag check also accepts an ArrayBuffer from another realm (iframe, worker).
  if (
    input instanceof ArrayBuffer ||
    Object.prototype.toString.call(input) === '[object ArrayBuffer]'
  ) {
    return new Uint8Array(input as ArrayBuffer);
  }
  throw invalid('peer message must be a Uint8Array or an ArrayBuffer');
}

function expectLength(bytes: Uint8Array, expected: number, type: PeerMessageType): void {
  if (bytes.length !== expected) {
    throw malformed(`${type} message must be ${expected} bytes, got ${bytes.length}`);
  }
}

function expectMinLength(bytes: Uint8Array, min: number, type: PeerMessageType): void {
  if (bytes.length < min)
    throw malformed(`${type} message must be at least ${min} bytes, got ${bytes.length}`);
}

function invert<K extends string>(codes: Record<K, number>): ReadonlyMap<number, K> {
  return new Map(Object.entries<number>(codes).map(([name, code]) => [code, name as K]));
}

function malformed(message: string): ProtocolError {
  return new ProtocolError(ProtocolErrorCode.MALFORMED_MESSAGE, message);
}

function invalid(message: string): ProtocolError {
  return new ProtocolError(ProtocolErrorCode.INVALID_ARGUMENT, message);
}
