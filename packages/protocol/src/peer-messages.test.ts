import { describe, expect, it } from 'vitest';
import {
  chunkSegment,
  decodePeerMessage,
  encodePeerMessage,
  MAX_HAVE_ENTRIES,
  MAX_PEER_MESSAGE_SIZE,
  MAX_SEGMENT_BYTES,
  PEER_CHUNK_SIZE,
  PEER_PROTOCOL_VERSION,
  type PeerMessage,
} from './peer-messages.js';
import { ProtocolError, ProtocolErrorCode } from './protocol-error.js';

const U32_MAX = 2 ** 32 - 1;

/** Bytes 0..n-1 cycling through 0..250 (prime-ish period, so misaligned copies show up). */
function pattern(n: number, seed = 0): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i + seed) % 251);
}

/** Byte equality without the deep-equality cost of `toEqual` on megabyte arrays. */
function expectSameBytes(actual: Uint8Array, expected: Uint8Array): void {
  expect(actual.length).toBe(expected.length);
  expect(actual.findIndex((b, i) => b !== expected[i])).toBe(-1);
}

function expectProtocolError(fn: () => unknown, code: ProtocolErrorCode): void {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(ProtocolError);
  expect((thrown as ProtocolError).code).toBe(code);
  expect((thrown as ProtocolError).name).toBe('ProtocolError');
}

const { MALFORMED_MESSAGE, INVALID_ARGUMENT } = ProtocolErrorCode;

describe('constants', () => {
  it('fit a full chunk message in one data-channel message', () => {
    expect(PEER_PROTOCOL_VERSION).toBe(1);
    expect(MAX_PEER_MESSAGE_SIZE).toBe(65536);
    expect(PEER_CHUNK_SIZE).toBe(65520);
    expect(MAX_HAVE_ENTRIES).toBe(2048);
    expect(MAX_SEGMENT_BYTES).toBe(64 * 1024 * 1024);
    const [full] = chunkSegment(1, new Uint8Array(PEER_CHUNK_SIZE));
    expect(full!.length).toBeLessThanOrEqual(MAX_PEER_MESSAGE_SIZE);
  });
});

describe('round trip', () => {
  const cases: [string, PeerMessage][] = [
    ['empty have', { type: 'have', sequences: [], fetching: [] }],
    ['have', { type: 'have', sequences: [0, 1, U32_MAX], fetching: [7] }],
    [
      'full have',
      {
        type: 'have',
        sequences: Array.from({ length: MAX_HAVE_ENTRIES }, (_, i) => U32_MAX - i),
        fetching: Array.from({ length: MAX_HAVE_ENTRIES }, (_, i) => i * 1000),
      },
    ],
    ['update held 0', { type: 'update', sequence: 0, state: 'held' }],
    ['update fetching', { type: 'update', sequence: 12345, state: 'fetching' }],
    ['update dropped max', { type: 'update', sequence: U32_MAX, state: 'dropped' }],
    ['request zeros', { type: 'request', requestId: 0, sequence: 0, offset: 0 }],
    [
      'request max',
      { type: 'request', requestId: U32_MAX, sequence: U32_MAX, offset: MAX_SEGMENT_BYTES },
    ],
    ['data empty segment', { type: 'data', requestId: 0, sequence: 0, byteLength: 0, offset: 0 }],
    [
      'data max',
      {
        type: 'data',
        requestId: U32_MAX,
        sequence: U32_MAX,
        byteLength: MAX_SEGMENT_BYTES,
        offset: MAX_SEGMENT_BYTES,
      },
    ],
    ['chunk one byte', { type: 'chunk', requestId: 0, bytes: new Uint8Array([0]) }],
    ['chunk max', { type: 'chunk', requestId: U32_MAX, bytes: pattern(PEER_CHUNK_SIZE) }],
    ['cancel 0', { type: 'cancel', requestId: 0 }],
    ['cancel max', { type: 'cancel', requestId: U32_MAX }],
    ['absent', { type: 'absent', requestId: U32_MAX, sequence: 0 }],
  ];

  it.each(cases)('%s', (_, message) => {
    const encoded = encodePeerMessage(message);
    expect(encoded.length).toBeLessThanOrEqual(MAX_PEER_MESSAGE_SIZE);
    expect(decodePeerMessage(encoded)).toEqual(message);
  });
});

describe('wire layout', () => {
  // Hand-written bytes: if one of these fails, the wire format changed and
  // PEER_PROTOCOL_VERSION must change with it.
  const layouts: [PeerMessage, number[]][] = [
    [
      { type: 'have', sequences: [1, 0x01020304], fetching: [0xffffffff] },
      [1, 1, 0, 2, 0, 1, 0, 0, 0, 1, 1, 2, 3, 4, 255, 255, 255, 255],
    ],
    [{ type: 'update', sequence: 0x0a0b0c0d, state: 'held' }, [1, 2, 10, 11, 12, 13, 1]],
    [{ type: 'update', sequence: 1, state: 'fetching' }, [1, 2, 0, 0, 0, 1, 2]],
    [{ type: 'update', sequence: 1, state: 'dropped' }, [1, 2, 0, 0, 0, 1, 3]],
    [
      { type: 'request', requestId: 1, sequence: 258, offset: 65536 },
      [1, 3, 0, 0, 0, 1, 0, 0, 1, 2, 0, 1, 0, 0],
    ],
    [
      { type: 'data', requestId: 2, sequence: 3, byteLength: 1000, offset: 500 },
      [1, 4, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 3, 232, 0, 0, 1, 244],
    ],
    [
      { type: 'chunk', requestId: 5, bytes: new Uint8Array([9, 8, 7]) },
      [1, 5, 0, 0, 0, 5, 9, 8, 7],
    ],
    [{ type: 'cancel', requestId: 0x12345678 }, [1, 6, 0x12, 0x34, 0x56, 0x78]],
    [{ type: 'absent', requestId: 6, sequence: 7 }, [1, 7, 0, 0, 0, 6, 0, 0, 0, 7]],
  ];

  it.each(layouts)('%o', (message, expected) => {
    expect(Array.from(encodePeerMessage(message))).toEqual(expected);
    expect(decodePeerMessage(new Uint8Array(expected))).toEqual(message);
  });
});

describe('decode input forms', () => {
  const message: PeerMessage = {
    type: 'data',
    requestId: 9,
    sequence: 10,
    byteLength: 11,
    offset: 3,
  };

  it('accepts an ArrayBuffer', () => {
    const encoded = encodePeerMessage(message);
    expect(decodePeerMessage(encoded.buffer)).toEqual(message);
  });

  it('accepts a view with a non-zero byteOffset into a larger buffer', () => {
    const encoded = encodePeerMessage(message);
    const backing = new Uint8Array(encoded.length + 20).fill(0xee);
    backing.set(encoded, 7);
    const view = backing.subarray(7, 7 + encoded.length);
    expect(view.byteOffset).toBe(7);
    expect(decodePeerMessage(view)).toEqual(message);
  });

  it('decodes a chunk as a view sharing the input buffer (no copy)', () => {
    const payload = pattern(100, 3);
    const encoded = encodePeerMessage({ type: 'chunk', requestId: 1, bytes: payload });
    const backing = new Uint8Array(encoded.length + 5);
    backing.set(encoded, 5);
    const decoded = decodePeerMessage(backing.subarray(5));
    if (decoded.type !== 'chunk') throw new Error('expected a chunk');
    expect(decoded.bytes.buffer).toBe(backing.buffer);
    expect(decoded.bytes.byteOffset).toBe(5 + 6);
    expect(decoded.bytes).toEqual(payload);
    backing[5 + 6] = 200; // writes through: proof it is the same memory
    expect(decoded.bytes[0]).toBe(200);
  });

  it('decodes a chunk from an ArrayBuffer as a view of that buffer', () => {
    const encoded = encodePeerMessage({ type: 'chunk', requestId: 1, bytes: pattern(10) });
    const decoded = decodePeerMessage(encoded.buffer);
    if (decoded.type !== 'chunk') throw new Error('expected a chunk');
    expect(decoded.bytes.buffer).toBe(encoded.buffer);
  });

  it('rejects input that is not bytes', () => {
    for (const bad of [null, undefined, 'abc', 42, [1, 2], {}, new Uint16Array(4)]) {
      expectProtocolError(() => decodePeerMessage(bad as unknown as Uint8Array), INVALID_ARGUMENT);
    }
  });
});

describe('decode rejects malformed messages', () => {
  const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);
  const u32 = (n: number): number[] => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];

  const cases: [string, Uint8Array, ProtocolErrorCode][] = [
    ['empty', bytes(), MALFORMED_MESSAGE],
    ['one byte', bytes(1), MALFORMED_MESSAGE],
    ['version 0', bytes(0, 6, 0, 0, 0, 1), ProtocolErrorCode.UNSUPPORTED_VERSION],
    ['version 2', bytes(2, 6, 0, 0, 0, 1), ProtocolErrorCode.UNSUPPORTED_VERSION],
    ['type 0', bytes(1, 0), ProtocolErrorCode.UNKNOWN_MESSAGE],
    ['type 8', bytes(1, 8, 0, 0, 0, 1), ProtocolErrorCode.UNKNOWN_MESSAGE],
    ['type 255', bytes(1, 255), ProtocolErrorCode.UNKNOWN_MESSAGE],
    ['have without counts', bytes(1, 1, 0, 0), MALFORMED_MESSAGE],
    ['have missing an entry', bytes(1, 1, 0, 1, 0, 1, 0, 0, 0, 1), MALFORMED_MESSAGE],
    ['have with trailing bytes', bytes(1, 1, 0, 0, 0, 0, 9), MALFORMED_MESSAGE],
    ['update truncated', bytes(1, 2, 0, 0, 0, 1), MALFORMED_MESSAGE],
    ['update trailing', bytes(1, 2, 0, 0, 0, 1, 1, 0), MALFORMED_MESSAGE],
    ['update state 0', bytes(1, 2, 0, 0, 0, 1, 0), MALFORMED_MESSAGE],
    ['update state 4', bytes(1, 2, 0, 0, 0, 1, 4), MALFORMED_MESSAGE],
    ['request truncated', bytes(1, 3, ...u32(1), ...u32(2), 0, 0, 0), MALFORMED_MESSAGE],
    ['request trailing', bytes(1, 3, ...u32(1), ...u32(2), ...u32(0), 0), MALFORMED_MESSAGE],
    [
      'request offset past max segment',
      bytes(1, 3, ...u32(1), ...u32(2), ...u32(MAX_SEGMENT_BYTES + 1)),
      MALFORMED_MESSAGE,
    ],
    ['data truncated', bytes(1, 4, ...u32(1), ...u32(2), ...u32(3)), MALFORMED_MESSAGE],
    [
      'data trailing',
      bytes(1, 4, ...u32(1), ...u32(2), ...u32(3), ...u32(0), 0),
      MALFORMED_MESSAGE,
    ],
    [
      'data byteLength too big',
      bytes(1, 4, ...u32(1), ...u32(2), ...u32(MAX_SEGMENT_BYTES + 1), ...u32(0)),
      MALFORMED_MESSAGE,
    ],
    [
      'data offset past byteLength',
      bytes(1, 4, ...u32(1), ...u32(2), ...u32(10), ...u32(11)),
      MALFORMED_MESSAGE,
    ],
    ['chunk without requestId', bytes(1, 5, 0, 0, 1), MALFORMED_MESSAGE],
    ['chunk with empty payload', bytes(1, 5, 0, 0, 0, 1), MALFORMED_MESSAGE],
    ['cancel truncated', bytes(1, 6, 0, 0, 1), MALFORMED_MESSAGE],
    ['cancel trailing', bytes(1, 6, 0, 0, 0, 1, 0), MALFORMED_MESSAGE],
    ['absent truncated', bytes(1, 7, ...u32(1), 0, 0, 0), MALFORMED_MESSAGE],
    ['absent trailing', bytes(1, 7, ...u32(1), ...u32(2), 0), MALFORMED_MESSAGE],
  ];

  it.each(cases)('%s', (_, input, code) => {
    expectProtocolError(() => decodePeerMessage(input), code);
  });

  it('rejects have counts above MAX_HAVE_ENTRIES even when the length matches', () => {
    for (const [held, fetching] of [
      [MAX_HAVE_ENTRIES + 1, 0],
      [0, MAX_HAVE_ENTRIES + 1],
    ] as const) {
      const message = new Uint8Array(6 + 4 * (held + fetching));
      message.set([1, 1, held >> 8, held & 255, fetching >> 8, fetching & 255]);
      expectProtocolError(() => decodePeerMessage(message), MALFORMED_MESSAGE);
    }
  });

  it('rejects a chunk payload one byte over PEER_CHUNK_SIZE', () => {
    const message = new Uint8Array(6 + PEER_CHUNK_SIZE + 1);
    message.set([1, 5, 0, 0, 0, 1]);
    expect(message.length).toBeLessThanOrEqual(MAX_PEER_MESSAGE_SIZE);
    expectProtocolError(() => decodePeerMessage(message), MALFORMED_MESSAGE);
  });

  it('rejects any message over MAX_PEER_MESSAGE_SIZE before parsing it', () => {
    const message = new Uint8Array(MAX_PEER_MESSAGE_SIZE + 1);
    message.set([1, 5, 0, 0, 0, 1]);
    expectProtocolError(() => decodePeerMessage(message), ProtocolErrorCode.MESSAGE_TOO_LARGE);
    // Even with a bad version: size is checked first.
    expectProtocolError(
      () => decodePeerMessage(new Uint8Array(MAX_PEER_MESSAGE_SIZE + 1).buffer),
      ProtocolErrorCode.MESSAGE_TOO_LARGE,
    );
  });
});

describe('encode rejects bad values', () => {
  const bad: [string, unknown][] = [
    ['null', null],
    ['a string', 'have'],
    ['unknown type', { type: 'hello' }],
    ['missing type', { requestId: 1 }],
    ['negative requestId', { type: 'cancel', requestId: -1 }],
    ['requestId 2^32', { type: 'cancel', requestId: 2 ** 32 }],
    ['fractional sequence', { type: 'absent', requestId: 1, sequence: 1.5 }],
    ['NaN', { type: 'cancel', requestId: Number.NaN }],
    ['Infinity', { type: 'cancel', requestId: Infinity }],
    ['string number', { type: 'cancel', requestId: '1' }],
    ['bigint', { type: 'cancel', requestId: 1n }],
    ['missing field', { type: 'request', requestId: 1, sequence: 2 }],
    ['unknown state', { type: 'update', sequence: 1, state: 'gone' }],
    ['inherited state name', { type: 'update', sequence: 1, state: 'toString' }],
    ['have without arrays', { type: 'have', sequences: [] }],
    ['have with a bad entry', { type: 'have', sequences: [1, -2], fetching: [] }],
    [
      'too many held',
      { type: 'have', sequences: new Array(MAX_HAVE_ENTRIES + 1).fill(1), fetching: [] },
    ],
    [
      'too many fetching',
      { type: 'have', sequences: [], fetching: new Array(MAX_HAVE_ENTRIES + 1).fill(1) },
    ],
    [
      'request offset past max',
      { type: 'request', requestId: 1, sequence: 1, offset: MAX_SEGMENT_BYTES + 1 },
    ],
    [
      'data too long',
      { type: 'data', requestId: 1, sequence: 1, byteLength: MAX_SEGMENT_BYTES + 1, offset: 0 },
    ],
    [
      'data offset past length',
      { type: 'data', requestId: 1, sequence: 1, byteLength: 5, offset: 6 },
    ],
    ['chunk bytes not bytes', { type: 'chunk', requestId: 1, bytes: [1, 2, 3] }],
    ['empty chunk', { type: 'chunk', requestId: 1, bytes: new Uint8Array(0) }],
    [
      'oversized chunk',
      { type: 'chunk', requestId: 1, bytes: new Uint8Array(PEER_CHUNK_SIZE + 1) },
    ],
  ];

  it.each(bad)('%s', (_, message) => {
    expectProtocolError(() => encodePeerMessage(message as PeerMessage), INVALID_ARGUMENT);
  });
});

describe('chunkSegment', () => {
  const concat = (parts: Uint8Array[]): Uint8Array => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const part of parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  };

  const sizes = [
    1,
    PEER_CHUNK_SIZE - 1,
    PEER_CHUNK_SIZE,
    PEER_CHUNK_SIZE + 1,
    3 * PEER_CHUNK_SIZE + 17,
  ];
  const offsets = (size: number): number[] =>
    [...new Set([0, 1, Math.floor(size / 2), PEER_CHUNK_SIZE, size - 1, size])].filter(
      (o) => o <= size,
    );

  for (const size of sizes) {
    for (const offset of offsets(size)) {
      it(`covers exactly bytes[${offset}..${size}]`, () => {
        const segment = pattern(size, size);
        const messages = [...chunkSegment(42, segment, offset)];
        const payloads = messages.map((encoded) => {
          expect(encoded.length).toBeLessThanOrEqual(MAX_PEER_MESSAGE_SIZE);
          const decoded = decodePeerMessage(encoded);
          if (decoded.type !== 'chunk') throw new Error('expected a chunk');
          expect(decoded.requestId).toBe(42);
          expect(decoded.bytes.length).toBeGreaterThan(0);
          expect(decoded.bytes.length).toBeLessThanOrEqual(PEER_CHUNK_SIZE);
          return decoded.bytes;
        });
        expect(messages.length).toBe(Math.ceil((size - offset) / PEER_CHUNK_SIZE));
        expectSameBytes(concat(payloads), segment.subarray(offset));
      });
    }
  }

  it('defaults the offset to 0 and works on a view with a byteOffset', () => {
    const backing = pattern(PEER_CHUNK_SIZE + 100);
    const segment = backing.subarray(50);
    const payloads = [...chunkSegment(1, segment)].map((m) => m.subarray(6));
    expectSameBytes(concat(payloads), segment);
  });

  it('does not copy more than it yields and never shares memory with the segment', () => {
    const segment = pattern(10);
    const [message] = [...chunkSegment(1, segment, 4)];
    expect(message!.buffer).not.toBe(segment.buffer);
    expect(message!.buffer.byteLength).toBe(6 + 6);
  });

  it('checks its arguments at the call, before the first chunk', () => {
    const segment = new Uint8Array(10);
    expectProtocolError(() => chunkSegment(-1, segment), INVALID_ARGUMENT);
    expectProtocolError(() => chunkSegment(2 ** 32, segment), INVALID_ARGUMENT);
    expectProtocolError(() => chunkSegment(1, segment, 11), INVALID_ARGUMENT);
    expectProtocolError(() => chunkSegment(1, segment, -1), INVALID_ARGUMENT);
    expectProtocolError(() => chunkSegment(1, segment, 0.5), INVALID_ARGUMENT);
    expectProtocolError(() => chunkSegment(1, [1, 2] as unknown as Uint8Array), INVALID_ARGUMENT);
  });

  it('rejects a segment over MAX_SEGMENT_BYTES', () => {
    expectProtocolError(
      () => chunkSegment(1, new Uint8Array(MAX_SEGMENT_BYTES + 1)),
      INVALID_ARGUMENT,
    );
  });
});

describe('fuzz', () => {
  // A seeded PRNG (mulberry32) so a failure reproduces.
  function rng(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
    };
  }

  it('never throws anything but ProtocolError on random bytes, and valid decodes re-encode exactly', () => {
    const random = rng(0x5eed);
    let decoded = 0;
    for (let i = 0; i < 5000; i++) {
      const length = Math.floor(random() * 40);
      const input = Uint8Array.from({ length }, () => Math.floor(random() * 256));
      // Make most inputs get past the header so the per-type parsers are exercised.
      if (length > 0 && random() < 0.9) input[0] = PEER_PROTOCOL_VERSION;
      if (length > 1 && random() < 0.9) input[1] = 1 + Math.floor(random() * 7);
      if (length > 2 && input[1] === 1 && random() < 0.7) input[2] = 0; // small have counts
      if (length > 4 && input[1] === 1 && random() < 0.7) input[4] = 0;
      try {
        const message = decodePeerMessage(input);
        decoded++;
        expect(encodePeerMessage(message)).toEqual(input);
      } catch (err) {
        if (!(err instanceof ProtocolError)) throw err;
      }
    }
    expect(decoded).toBeGreaterThan(100); // the fuzz reached the success paths too
  });
});
