import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bytesToHex } from './bytes.js';
import {
  HASH_SIZE,
  MERKLE_LEAF_SIZE,
  MERKLE_PROOF_VERSION,
  buildMerkleTree,
  decodeMerkleProof,
  encodeMerkleProof,
  leafByteLength,
  leafChunk,
  leafCountFor,
  merkleProof,
  merkleRoot,
  verifyMerkleProof,
  verifySegment,
  type MerkleProof,
} from './merkle.js';
import { ProtocolError } from './protocol-error.js';

// --- Independent reference: node:crypto and the recursive RFC 6962 definition (split at the
// largest power of two below n). It agrees with "promote the unpaired node" level by level,
// so it checks the production code without sharing its structure.

const LEAF = MERKLE_LEAF_SIZE;

function sha256(...parts: Uint8Array[]): Buffer {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

function refChunks(bytes: Uint8Array): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.length; offset += LEAF) {
    chunks.push(bytes.slice(offset, offset + LEAF));
  }
  return chunks.length > 0 ? chunks : [new Uint8Array(0)];
}

function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function refRoot(chunks: Uint8Array[]): Buffer {
  if (chunks.length === 1) return sha256(Uint8Array.of(0), chunks[0]!);
  const k = splitPoint(chunks.length);
  return sha256(Uint8Array.of(1), refRoot(chunks.slice(0, k)), refRoot(chunks.slice(k)));
}

/** RFC 6962 audit path: deepest sibling first. */
function refPath(m: number, chunks: Uint8Array[]): Buffer[] {
  if (chunks.length === 1) return [];
  const k = splitPoint(chunks.length);
  return m < k
    ? [...refPath(m, chunks.slice(0, k)), refRoot(chunks.slice(k))]
    : [...refPath(m - k, chunks.slice(k)), refRoot(chunks.slice(0, k))];
}

/** Deterministic pseudo-random bytes (xorshift32), so failures reproduce. */
function pseudoRandom(length: number, seed = 0x9e3779b9): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const flipped = (bytes: Uint8Array, at = 0): Uint8Array => {
  const copy = bytes.slice();
  copy[at] = copy[at]! ^ 0x01;
  return copy;
};

/** Three leaves of repeated byte patterns: 0xaa x 16384, 0xbb x 16384, 0xcc x 100. */
function threeLeafPattern(): Uint8Array {
  const bytes = new Uint8Array(2 * LEAF + 100);
  bytes.fill(0xaa, 0, LEAF);
  bytes.fill(0xbb, LEAF, 2 * LEAF);
  bytes.fill(0xcc, 2 * LEAF);
  return bytes;
}

describe('leafCountFor / leafByteLength', () => {
  it('derives the leaf count and leaf sizes from the byte length', () => {
    expect([0, 1, LEAF, LEAF + 1, 2 * LEAF, 33 * LEAF - 5].map(leafCountFor)).toEqual([
      1, 1, 1, 2, 2, 33,
    ]);
    expect(leafByteLength(0, 0)).toBe(0);
    expect(leafByteLength(1, 0)).toBe(1);
    expect(leafByteLength(LEAF, 0)).toBe(LEAF);
    expect(leafByteLength(LEAF + 1, 0)).toBe(LEAF);
    expect(leafByteLength(LEAF + 1, 1)).toBe(1);
    expect(leafByteLength(3 * LEAF, 2)).toBe(LEAF);
  });

  it('rejects impossible lengths and indexes', () => {
    for (const bad of [-1, 1.5, Number.NaN, Infinity]) {
      expect(() => leafCountFor(bad)).toThrow(RangeError);
    }
    expect(() => leafByteLength(LEAF, 1)).toThrow(RangeError);
    expect(() => leafByteLength(LEAF, -1)).toThrow(RangeError);
  });
});

describe('merkleRoot', () => {
  const sizes: Array<[string, number]> = [
    ['0 bytes', 0],
    ['1 byte', 1],
    ['one full leaf', LEAF],
    ['a partial second leaf', LEAF + 1],
    ['2 leaves', 2 * LEAF],
    ['4 leaves', 4 * LEAF],
    ['8 leaves', 8 * LEAF],
    ['3 leaves', 3 * LEAF - 7],
    ['5 leaves', 5 * LEAF],
    ['7 leaves', 6 * LEAF + 1],
    ['33 leaves', 32 * LEAF + 500],
    ['a ~1 MB segment', 1_000_003],
  ];
  it.each(sizes)('matches the reference for %s', async (_name, size) => {
    const bytes = pseudoRandom(size, size + 1);
    const root = await merkleRoot(bytes);
    expect(root).toHaveLength(HASH_SIZE);
    expect(bytesToHex(root)).toBe(refRoot(refChunks(bytes)).toString('hex'));
  });

  it('keeps pinned roots, so any change of definition is caught', async () => {
    const pinned: Array<[Uint8Array, string]> = [
      [new Uint8Array(0), '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d'],
      [
        new TextEncoder().encode('abc'),
        '609f6e36d2405585188d5cfd761f407c7cc46a7d3f314c88270469dde315fcd1',
      ],
      [threeLeafPattern(), 'f1d2ceca445092de8805253c7f87703e0f58f902fc158c57d36fa06a2ab3a38c'],
      [
        Uint8Array.from({ length: 5 * LEAF - 1 }, (_, i) => i & 0xff),
        'c6c58bdb072a1e44c816c37e36067227c257722f6514091e6a431e7349cb8876',
      ],
    ];
    for (const [bytes, hex] of pinned) expect(bytesToHex(await merkleRoot(bytes))).toBe(hex);
  });

  it('separates leaves from nodes and promotes, never duplicates, an unpaired node', async () => {
    const bytes = threeLeafPattern();
    const [a, b, c] = refChunks(bytes).map((chunk) => sha256(Uint8Array.of(0), chunk));
    const promoted = sha256(Uint8Array.of(1), sha256(Uint8Array.of(1), a!, b!), c!);
    const duplicated = sha256(
      Uint8Array.of(1),
      sha256(Uint8Array.of(1), a!, b!),
      sha256(Uint8Array.of(1), c!, c!),
    );
    const root = await merkleRoot(bytes);
    expect(bytesToHex(root)).toBe(promoted.toString('hex'));
    expect(bytesToHex(root)).not.toBe(duplicated.toString('hex'));
    // CVE-2012-2459: with duplication, [a, b, c] and [a, b, c, c] would share a root.
    const repeated = new Uint8Array(4 * LEAF);
    repeated.set(bytes.subarray(0, 2 * LEAF));
    repeated.fill(0xcc, 2 * LEAF);
    const threeFull = repeated.subarray(0, 3 * LEAF);
    expect(bytesToHex(await merkleRoot(threeFull))).not.toBe(
      bytesToHex(await merkleRoot(repeated)),
    );
    // A one-leaf root is the leaf hash, which never equals a node over the same 64 bytes.
    const pair = new Uint8Array(64);
    expect(bytesToHex(await merkleRoot(pair))).toBe(sha256(Uint8Array.of(0), pair).toString('hex'));
  });

  it('hashes views at any offset and Node Buffers like plain arrays', async () => {
    const backing = pseudoRandom(3 * LEAF + 11);
    const view = backing.subarray(7, 7 + 2 * LEAF + 3);
    const expected = bytesToHex(await merkleRoot(view.slice()));
    expect(bytesToHex(await merkleRoot(view))).toBe(expected);
    expect(bytesToHex(await merkleRoot(Buffer.from(view)))).toBe(expected);
    expect(view).toEqual(backing.subarray(7, 7 + 2 * LEAF + 3)); // input left untouched
  });

  it('throws a TypeError for anything but a Uint8Array', async () => {
    for (const bad of ['abc', null, undefined, [1, 2], new ArrayBuffer(4), new Uint16Array(2)]) {
      await expect(merkleRoot(bad as unknown as Uint8Array)).rejects.toThrow(TypeError);
      await expect(buildMerkleTree(bad as unknown as Uint8Array)).rejects.toThrow(TypeError);
    }
    expect(() => leafChunk('abc' as unknown as Uint8Array, 0)).toThrow(TypeError);
  });
});

describe('buildMerkleTree / leafChunk', () => {
  it('keeps every level, leaves first, root last', async () => {
    const bytes = pseudoRandom(5 * LEAF);
    const tree = await buildMerkleTree(bytes);
    expect(tree.leafCount).toBe(5);
    expect(tree.byteLength).toBe(5 * LEAF);
    expect(tree.levels.map((level) => level.length)).toEqual([5, 3, 2, 1]);
    expect(tree.levels.at(-1)![0]).toEqual(tree.root);
    expect(tree.levels[1]![2]).toEqual(tree.levels[0]![4]); // promoted unchanged
  });

  it('returns views of each leaf, the last one short', () => {
    const bytes = pseudoRandom(2 * LEAF + 5);
    expect(leafChunk(bytes, 0)).toEqual(bytes.subarray(0, LEAF));
    expect(leafChunk(bytes, 2)).toEqual(bytes.subarray(2 * LEAF));
    expect(leafChunk(bytes, 2).buffer).toBe(bytes.buffer);
    expect(leafChunk(new Uint8Array(0), 0)).toHaveLength(0);
    expect(() => leafChunk(bytes, 3)).toThrow(RangeError);
    expect(() => leafChunk(bytes, 0.5)).toThrow(RangeError);
  });
});

describe('verifySegment', () => {
  it('accepts the exact bytes and rejects any change', async () => {
    const bytes = pseudoRandom(3 * LEAF + 9);
    const root = await merkleRoot(bytes);
    expect(await verifySegment(bytes, root)).toBe(true);
    expect(await verifySegment(flipped(bytes, 2 * LEAF + 3), root)).toBe(false);
    expect(await verifySegment(bytes.subarray(0, bytes.length - 1), root)).toBe(false);
    expect(await verifySegment(Uint8Array.from([...bytes, 0]), root)).toBe(false);
    expect(await verifySegment(bytes, flipped(root, 31))).toBe(false);
    expect(await verifySegment(bytes, root.subarray(0, 31))).toBe(false);
    await expect(verifySegment(bytes, 'ab' as unknown as Uint8Array)).rejects.toThrow(TypeError);
  });
});

describe('merkleProof / verifyMerkleProof', () => {
  const leafCounts = [1, 2, 3, 4, 5, 7, 8, 33];
  const segments = [
    new Uint8Array(0),
    ...leafCounts.map((n) => pseudoRandom(n * LEAF - (n % 3) * 1000, n)),
  ];

  it.each(segments.map((s) => [leafCountFor(s.length), s.length, s] as const))(
    'proves and verifies every leaf of a %i-leaf tree (%i bytes)',
    async (leafCount, byteLength, bytes) => {
      const tree = await buildMerkleTree(bytes);
      const chunks = refChunks(bytes);
      for (let i = 0; i < leafCount; i++) {
        const proof = merkleProof(tree, i);
        expect(proof.leafIndex).toBe(i);
        expect(proof.leafCount).toBe(leafCount);
        expect(proof.siblings.map((s) => bytesToHex(s))).toEqual(
          refPath(i, chunks).map((s) => s.toString('hex')),
        );
        const chunk = leafChunk(bytes, i);
        const base = { byteLength, siblings: proof.siblings, root: tree.root };
        expect(await verifyMerkleProof({ ...base, chunk, leafIndex: i })).toBe(true);
        const leafHash = sha256(Uint8Array.of(0), chunk);
        expect(await verifyMerkleProof({ ...base, leafHash, leafIndex: i })).toBe(true);
        const decoded = decodeMerkleProof(encodeMerkleProof(proof));
        expect(await verifyMerkleProof({ ...decoded, chunk, byteLength, root: tree.root })).toBe(
          true,
        );
      }
    },
  );

  it('rejects every kind of tampering', async () => {
    const bytes = pseudoRandom(7 * LEAF - 300);
    const byteLength = bytes.length;
    const tree = await buildMerkleTree(bytes);
    for (const leafIndex of [0, 3, 5, 6]) {
      const { siblings } = merkleProof(tree, leafIndex);
      const chunk = leafChunk(bytes, leafIndex);
      const good = { chunk, leafIndex, byteLength, siblings, root: tree.root };
      expect(await verifyMerkleProof(good)).toBe(true);
      expect(await verifyMerkleProof({ ...good, chunk: flipped(chunk, chunk.length - 1) })).toBe(
        false,
      );
      for (let s = 0; s < siblings.length; s++) {
        const tampered = siblings.map((sib, j) => (j === s ? flipped(sib, 17) : sib));
        expect(await verifyMerkleProof({ ...good, siblings: tampered })).toBe(false);
      }
      expect(await verifyMerkleProof({ ...good, siblings: [...siblings].reverse() })).toBe(false);
      expect(await verifyMerkleProof({ ...good, root: flipped(tree.root, 5) })).toBe(false);
      expect(await verifyMerkleProof({ ...good, root: tree.root.subarray(1) })).toBe(false);
      expect(await verifyMerkleProof({ ...good, siblings: siblings.slice(1) })).toBe(false);
      expect(await verifyMerkleProof({ ...good, siblings: [...siblings, siblings[0]!] })).toBe(
        false,
      );
      expect(
        await verifyMerkleProof({ ...good, siblings: siblings.map((s) => s.subarray(1)) }),
      ).toBe(false);
      for (const wrongIndex of [leafIndex ^ 1, 7, 8, -1, 1.5, Number.NaN]) {
        expect(await verifyMerkleProof({ ...good, leafIndex: wrongIndex })).toBe(false);
      }
      // A length whose tree gives this leaf another path shape, or another expected size (the
      // last leaf), fails. Lengths that keep both (byteLength - 1 for an inner leaf; 8 leaves
      // instead of 7 for leaf 0) verify: byteLength comes from the trusted index, not the prover.
      const lastLeafOnly = leafIndex === 6 ? [byteLength - 1, byteLength + 1, 8 * LEAF] : [];
      for (const wrongLength of [...lastLeafOnly, 2 * LEAF, 16 * LEAF + 1, 0, -1, 0.5]) {
        expect(await verifyMerkleProof({ ...good, byteLength: wrongLength })).toBe(false);
      }
      expect(await verifyMerkleProof({ ...good, leafCount: 8 })).toBe(false);
      expect(await verifyMerkleProof({ ...good, leafCount: 7 })).toBe(true);
      const leafHash = sha256(Uint8Array.of(0), chunk);
      expect(
        await verifyMerkleProof({ ...good, chunk: undefined, leafHash: flipped(leafHash) }),
      ).toBe(false);
      expect(
        await verifyMerkleProof({ ...good, chunk: undefined, leafHash: leafHash.subarray(1) }),
      ).toBe(false);
    }
  });

  it('rejects a chunk of the wrong size for its position even when the hashes match', async () => {
    // Two leaves, the last 3616 bytes. Claiming the segment is 2 full leaves keeps leafCount
    // and every hash on the path, so only the size rule can reject the short last chunk.
    const bytes = pseudoRandom(LEAF + 3616);
    const tree = await buildMerkleTree(bytes);
    const proof = merkleProof(tree, 1);
    const check = {
      chunk: leafChunk(bytes, 1),
      leafIndex: 1,
      siblings: proof.siblings,
      root: tree.root,
    };
    expect(await verifyMerkleProof({ ...check, byteLength: bytes.length })).toBe(true);
    expect(await verifyMerkleProof({ ...check, byteLength: 2 * LEAF })).toBe(false);

    // Only the single leaf of an empty segment may be empty.
    const emptyRoot = await merkleRoot(new Uint8Array(0));
    const empty = { chunk: new Uint8Array(0), leafIndex: 0, siblings: [], root: emptyRoot };
    expect(await verifyMerkleProof({ ...empty, byteLength: 0 })).toBe(true);
    expect(await verifyMerkleProof({ ...empty, byteLength: 1 })).toBe(false);
    expect(await verifyMerkleProof({ ...empty, chunk: new Uint8Array(1), byteLength: 0 })).toBe(
      false,
    );

    // A non-last leaf must be a full 16384 bytes.
    const full = pseudoRandom(3 * LEAF);
    const fullTree = await buildMerkleTree(full);
    const short = leafChunk(full, 0).subarray(0, LEAF - 1);
    const { siblings } = merkleProof(fullTree, 0);
    expect(
      await verifyMerkleProof({
        chunk: short,
        leafIndex: 0,
        byteLength: full.length,
        siblings,
        root: fullTree.root,
      }),
    ).toBe(false);
  });

  it('throws a TypeError for arguments of the wrong type', async () => {
    const tree = await buildMerkleTree(new Uint8Array(10));
    const good = {
      chunk: new Uint8Array(10),
      leafIndex: 0,
      byteLength: 10,
      siblings: [],
      root: tree.root,
    };
    expect(await verifyMerkleProof(good)).toBe(true);
    const bad: unknown[] = [
      null,
      { ...good, chunk: 'x' },
      { ...good, root: [1] },
      { ...good, siblings: 'x' },
      { ...good, siblings: [[1, 2]] },
      { ...good, leafHash: new Uint8Array(32) }, // both chunk and leafHash
      { ...good, chunk: undefined }, // neither
    ];
    for (const check of bad) {
      await expect(verifyMerkleProof(check as never)).rejects.toThrow(TypeError);
    }
  });

  it('hands out sibling copies and rejects out-of-range leaves', async () => {
    const tree = await buildMerkleTree(pseudoRandom(3 * LEAF));
    const proof = merkleProof(tree, 0);
    proof.siblings[0]!.fill(0);
    expect(merkleProof(tree, 0).siblings[0]).toEqual(tree.levels[0]![1]);
    expect(() => merkleProof(tree, 3)).toThrow(RangeError);
    expect(() => merkleProof(tree, -1)).toThrow(RangeError);
  });
});

describe('encodeMerkleProof / decodeMerkleProof', () => {
  const hash = (fill: number) => new Uint8Array(HASH_SIZE).fill(fill);

  it('writes version, leafIndex, leafCount (big-endian u32) and the sibling count', () => {
    const proof: MerkleProof = { leafIndex: 4, leafCount: 5, siblings: [hash(7)] };
    const bytes = encodeMerkleProof(proof);
    expect(bytesToHex(bytes.subarray(0, 10))).toBe('01' + '00000004' + '00000005' + '01');
    expect(bytes[0]).toBe(MERKLE_PROOF_VERSION);
    expect(bytes).toHaveLength(10 + HASH_SIZE);
    expect(decodeMerkleProof(bytes)).toEqual(proof);
  });

  it('round-trips every proof of a tree, from views at any offset', async () => {
    const tree = await buildMerkleTree(pseudoRandom(33 * LEAF - 1));
    for (let i = 0; i < tree.leafCount; i++) {
      const proof = merkleProof(tree, i);
      const encoded = encodeMerkleProof(proof);
      const framed = new Uint8Array(encoded.length + 3);
      framed.set(encoded, 3);
      const decoded = decodeMerkleProof(framed.subarray(3));
      expect(decoded).toEqual(proof);
      framed.fill(0);
      expect(decoded.siblings[0]).toEqual(proof.siblings[0]); // copies, not views
    }
  });

  it('rejects malformed bytes with a ProtocolError', () => {
    const good = encodeMerkleProof({ leafIndex: 2, leafCount: 3, siblings: [hash(1)] });
    const withHeader = (hex: string, siblings: number) =>
      Uint8Array.from([...Buffer.from(hex, 'hex'), ...new Uint8Array(siblings * HASH_SIZE)]);
    const cases: Array<[string, Uint8Array, string]> = [
      ['empty', new Uint8Array(0), 'MALFORMED_MESSAGE'],
      ['a short header', good.subarray(0, 9), 'MALFORMED_MESSAGE'],
      ['a truncated sibling', good.subarray(0, good.length - 1), 'MALFORMED_MESSAGE'],
      ['a trailing byte', Uint8Array.from([...good, 0]), 'MALFORMED_MESSAGE'],
      ['version 2', Uint8Array.from([2, ...good.subarray(1)]), 'UNSUPPORTED_VERSION'],
      ['version 0', Uint8Array.from([0, ...good.subarray(1)]), 'UNSUPPORTED_VERSION'],
      ['leafCount 0', withHeader('01' + '00000000' + '00000000' + '00', 0), 'MALFORMED_MESSAGE'],
      [
        'leafIndex = leafCount',
        withHeader('01' + '00000003' + '00000003' + '01', 1),
        'MALFORMED_MESSAGE',
      ],
      [
        'too few siblings',
        withHeader('01' + '00000000' + '00000003' + '01', 1),
        'MALFORMED_MESSAGE',
      ],
      [
        'too many siblings',
        withHeader('01' + '00000002' + '00000003' + '02', 2),
        'MALFORMED_MESSAGE',
      ],
      [
        'siblings for one leaf',
        withHeader('01' + '00000000' + '00000001' + '01', 1),
        'MALFORMED_MESSAGE',
      ],
    ];
    for (const [name, bytes, code] of cases) {
      expect(() => decodeMerkleProof(bytes), name).toThrow(ProtocolError);
      expect(() => decodeMerkleProof(bytes), name).toThrow(expect.objectContaining({ code }));
    }
    expect(() => decodeMerkleProof([1, 2] as unknown as Uint8Array)).toThrow(TypeError);
  });

  it('refuses to encode a proof that does not fit its own path', () => {
    const bad: MerkleProof[] = [
      { leafIndex: 0, leafCount: 3, siblings: [hash(1)] },
      { leafIndex: 3, leafCount: 3, siblings: [hash(1)] },
      { leafIndex: 0, leafCount: 0, siblings: [] },
      { leafIndex: 0, leafCount: 2 ** 32, siblings: [] },
      { leafIndex: 0.5, leafCount: 2, siblings: [hash(1)] },
      { leafIndex: 0, leafCount: 2, siblings: [new Uint8Array(31)] },
    ];
    for (const proof of bad) {
      expect(() => encodeMerkleProof(proof)).toThrow(
        expect.objectContaining({ name: 'ProtocolError', code: 'INVALID_ARGUMENT' }),
      );
    }
  });
});
