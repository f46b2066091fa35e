/**
 * The canonical Merkle tree over a segment's bytes (see README, "Canonical Merkle tree"):
 * SHA-256 over 16 KiB leaves, RFC 6962 domain separation (0x00 leaf, 0x01 node), and an
 * unpaired last node promoted unchanged, never duplicated. WebCrypto only, so it runs
 * unchanged in browsers and Node.
 */
import { assertUint8Array, concatBytes, constantTimeEqual, isUint8Array } from './bytes.js';
import { ProtocolError, ProtocolErrorCode } from './protocol-error.js';

/** Bytes per leaf; every leaf but the last is exactly this long. */
export const MERKLE_LEAF_SIZE = 16384;
/** Bytes in a SHA-256 hash: a leaf hash, a node, a sibling or a root. */
export const HASH_SIZE = 32;
/** Version byte that starts an encoded proof ({@link encodeMerkleProof}). */
export const MERKLE_PROOF_VERSION = 1;

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;
const LEAF_BYTE = Uint8Array.of(LEAF_PREFIX);
const NODE_BYTE = Uint8Array.of(NODE_PREFIX);
const PROOF_HEADER_SIZE = 10; // version u8, leafIndex u32, leafCount u32, sibling count u8
const MAX_ENCODED_LEAF_COUNT = 0xffffffff;

/** A built tree: everything needed to produce any proof without hashing again. */
export interface MerkleTree {
  /** The root hash ({@link HASH_SIZE} bytes). */
  readonly root: Uint8Array;
  readonly leafCount: number;
  /** Length of the segment the tree was built from. */
  readonly byteLength: number;
  /** `levels[0]` holds the leaf hashes, each next level the parents, the last level `[root]`. */
  readonly levels: readonly (readonly Uint8Array[])[];
}

/** Sibling hashes from the leaf level up, skipping levels where the node had no sibling. */
export interface MerkleProof {
  leafIndex: number;
  leafCount: number;
  siblings: Uint8Array[];
}

/** What {@link verifyMerkleProof} checks: a leaf (its bytes or its hash), its path, the root. */
export type MerkleProofCheck = {
  leafIndex: number;
  /** Byte length of the whole segment, from the trusted index; fixes leafCount and leaf sizes. */
  byteLength: number;
  siblings: readonly Uint8Array[];
  root: Uint8Array;
  /** When given (e.g. spread from a decoded proof) it must match the one byteLength implies. */
  leafCount?: number;
} & ({ chunk: Uint8Array; leafHash?: undefined } | { leafHash: Uint8Array; chunk?: undefined });

/**
 * Number of leaves for a segment of `byteLength` bytes: `max(1, ceil(byteLength / 16384))`.
 *
 * @example
 * leafCountFor(0); // 1
 * leafCountFor(16385); // 2
 */
export function leafCountFor(byteLength: number): number {
  if (!Number.isSafeInteger(byteLength) || byteLength < 0) {
    throw new RangeError(`byteLength must be a non-negative integer, got ${String(byteLength)}`);
  }
  return Math.max(1, Math.ceil(byteLength / MERKLE_LEAF_SIZE));
}

/**
 * Exact length of leaf `leafIndex` in a segment of `byteLength` bytes: 16384 for every leaf but
 * the last, 1..16384 for the last, 0 for the single leaf of an empty segment.
 *
 * @example
 * leafByteLength(20000, 1); // 3616
 */
export function leafByteLength(byteLength: number, leafIndex: number): number {
  const leafCount = leafCountFor(byteLength);
  assertLeafIndex(leafIndex, leafCount);
  return Math.min(MERKLE_LEAF_SIZE, byteLength - leafIndex * MERKLE_LEAF_SIZE);
}

/**
 * Leaf `leafIndex` of `bytes`, as a view (no copy).
 *
 * @example
 * const chunk = leafChunk(segment, 3); // segment bytes 49152..65535
 */
export function leafChunk(bytes: Uint8Array, leafIndex: number): Uint8Array {
  assertUint8Array(bytes, 'segment bytes');
  assertLeafIndex(leafIndex, leafCountFor(bytes.length));
  const start = leafIndex * MERKLE_LEAF_SIZE;
  return bytes.subarray(start, Math.min(start + MERKLE_LEAF_SIZE, bytes.length));
}

/**
 * Builds the whole tree of `bytes`; keep it to answer challenges with {@link merkleProof}.
 *
 * @example
 * const tree = await buildMerkleTree(segment);
 * const proof = merkleProof(tree, 5);
 */
export async function buildMerkleTree(bytes: Uint8Array): Promise<MerkleTree> {
  assertUint8Array(bytes, 'segment bytes');
  const levels: Uint8Array[][] = [await hashLeaves(bytes)];
  let level = levels[0]!;
  while (level.length > 1) {
    level = await hashLevel(level);
    levels.push(level);
  }
  return { root: level[0]!, leafCount: levels[0]!.length, byteLength: bytes.length, levels };
}

/**
 * The root hash of `bytes`.
 *
 * @example
 * bytesToHex(await merkleRoot(new Uint8Array(0)));
 * // '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d' (SHA-256 of 0x00)
 */
export async function merkleRoot(bytes: Uint8Array): Promise<Uint8Array> {
  return (await buildMerkleTree(bytes)).root;
}

/**
 * Whether `bytes` hash to `expectedRoot`; a root of the wrong length is simply a mismatch.
 *
 * @example
 * if (!(await verifySegment(received, indexedRoot))) banPeer();
 */
export async function verifySegment(bytes: Uint8Array, expectedRoot: Uint8Array): Promise<boolean> {
  assertUint8Array(bytes, 'segment bytes');
  assertUint8Array(expectedRoot, 'expectedRoot');
  if (expectedRoot.length !== HASH_SIZE) return false;
  return constantTimeEqual(await merkleRoot(bytes), expectedRoot);
}

/**
 * The proof for leaf `leafIndex`; its siblings are copies, safe to keep or mutate.
 *
 * @example
 * const { siblings } = merkleProof(tree, 0);
 */
export function merkleProof(tree: MerkleTree, leafIndex: number): MerkleProof {
  assertLeafIndex(leafIndex, tree.leafCount);
  const siblings: Uint8Array[] = [];
  let index = leafIndex;
  for (const level of tree.levels.slice(0, -1)) {
    const sibling = level[siblingIndex(index)];
    if (sibling) siblings.push(sibling.slice());
    index = Math.floor(index / 2);
  }
  return { leafIndex, leafCount: tree.leafCount, siblings };
}

/**
 * Recomputes the root from a leaf and its siblings and compares it with `root`. Returns false
 * (never throws) for any mismatch: index, leaf count, chunk size, sibling count, a tampered
 * chunk, sibling or root. Throws a `TypeError` only for arguments of the wrong type.
 *
 * @example
 * const ok = await verifyMerkleProof({ ...decodeMerkleProof(answer), chunk, byteLength, root });
 */
export async function verifyMerkleProof(check: MerkleProofCheck): Promise<boolean> {
  const { chunk, leafHash, leafIndex, byteLength, siblings, root } = assertCheck(check);
  if (!Number.isSafeInteger(byteLength) || byteLength < 0) return false;
  const leafCount = leafCountFor(byteLength);
  if (check.leafCount !== undefined && check.leafCount !== leafCount) return false;
  if (!Number.isSafeInteger(leafIndex) || leafIndex < 0 || leafIndex >= leafCount) return false;
  if (siblings.length !== siblingCount(leafIndex, leafCount)) return false;
  if (root.length !== HASH_SIZE || siblings.some((s) => s.length !== HASH_SIZE)) return false;

  let node: Uint8Array;
  if (chunk) {
    if (chunk.length !== leafByteLength(byteLength, leafIndex)) return false;
    node = await sha256(concatBytes(LEAF_BYTE, chunk));
  } else {
    if (leafHash.length !== HASH_SIZE) return false;
    node = leafHash;
  }
  let index = leafIndex;
  let width = leafCount;
  let next = 0;
  while (width > 1) {
    if (siblingIndex(index) < width) {
      const sibling = siblings[next++]!;
      node = await sha256(
        index % 2 === 0
          ? concatBytes(NODE_BYTE, node, sibling)
          : concatBytes(NODE_BYTE, sibling, node),
      );
    }
    index = Math.floor(index / 2);
    width = Math.ceil(width / 2);
  }
  return constantTimeEqual(node, root);
}

/**
 * Canonical bytes of a proof: version u8 (1), leafIndex u32 BE, leafCount u32 BE, sibling
 * count u8, then the 32-byte siblings. Throws a {@link ProtocolError} with code
 * `INVALID_ARGUMENT` for a proof that is not valid for its own leafIndex and leafCount.
 *
 * @example
 * const bytes = encodeMerkleProof(merkleProof(tree, 7)); // 10 + 32 * siblings.length bytes
 */
export function encodeMerkleProof(proof: MerkleProof): Uint8Array<ArrayBuffer> {
  const { leafIndex, leafCount, siblings } = proof;
  if (!Array.isArray(siblings))
    invalid(ProtocolErrorCode.INVALID_ARGUMENT, 'siblings must be an array');
  checkProofShape(ProtocolErrorCode.INVALID_ARGUMENT, leafIndex, leafCount, siblings.length);
  const out = new Uint8Array(PROOF_HEADER_SIZE + siblings.length * HASH_SIZE);
  const view = new DataView(out.buffer);
  view.setUint8(0, MERKLE_PROOF_VERSION);
  view.setUint32(1, leafIndex);
  view.setUint32(5, leafCount);
  view.setUint8(9, siblings.length);
  siblings.forEach((sibling, i) => {
    if (!isUint8Array(sibling) || sibling.length !== HASH_SIZE) {
      invalid(ProtocolErrorCode.INVALID_ARGUMENT, `sibling ${i} is not a ${HASH_SIZE}-byte hash`);
    }
    out.set(sibling, PROOF_HEADER_SIZE + i * HASH_SIZE);
  });
  return out;
}

/**
 * Parses {@link encodeMerkleProof} output, checking every length and count against the header.
 * Throws a `TypeError` for a non-Uint8Array, and a {@link ProtocolError} with code
 * `UNSUPPORTED_VERSION` or `MALFORMED_MESSAGE` (truncated, trailing bytes, leafIndex not below
 * leafCount, a sibling count that does not fit the path).
 *
 * @example
 * const proof = decodeMerkleProof(answerBytes); // { leafIndex, leafCount, siblings }
 */
export function decodeMerkleProof(bytes: Uint8Array): MerkleProof {
  assertUint8Array(bytes, 'encoded proof');
  const { MALFORMED_MESSAGE, UNSUPPORTED_VERSION } = ProtocolErrorCode;
  if (bytes.length < PROOF_HEADER_SIZE) {
    invalid(
      MALFORMED_MESSAGE,
      `Merkle proof truncated: ${bytes.length} < ${PROOF_HEADER_SIZE} bytes`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint8(0);
  if (version !== MERKLE_PROOF_VERSION) {
    invalid(UNSUPPORTED_VERSION, `unsupported Merkle proof version ${version}`);
  }
  const leafIndex = view.getUint32(1);
  const leafCount = view.getUint32(5);
  const count = view.getUint8(9);
  const expectedLength = PROOF_HEADER_SIZE + count * HASH_SIZE;
  if (bytes.length !== expectedLength) {
    const what = bytes.length < expectedLength ? 'truncated' : 'has trailing bytes';
    invalid(
      MALFORMED_MESSAGE,
      `Merkle proof ${what}: ${count} siblings need ${expectedLength} bytes`,
    );
  }
  checkProofShape(MALFORMED_MESSAGE, leafIndex, leafCount, count);
  const siblings: Uint8Array[] = [];
  for (let at = PROOF_HEADER_SIZE; at < bytes.length; at += HASH_SIZE) {
    siblings.push(bytes.slice(at, at + HASH_SIZE));
  }
  return { leafIndex, leafCount, siblings };
}

// --- internals ---

function siblingIndex(index: number): number {
  return index % 2 === 0 ? index + 1 : index - 1;
}

/** Siblings on the path of `leafIndex`: one per level where the node was not promoted alone. */
function siblingCount(leafIndex: number, leafCount: number): number {
  let count = 0;
  for (let index = leafIndex, width = leafCount; width > 1; width = Math.ceil(width / 2)) {
    if (siblingIndex(index) < width) count++;
    index = Math.floor(index / 2);
  }
  return count;
}

function checkProofShape(
  code: ProtocolErrorCode,
  leafIndex: number,
  leafCount: number,
  count: number,
): void {
  if (!Number.isInteger(leafCount) || leafCount < 1 || leafCount > MAX_ENCODED_LEAF_COUNT) {
    invalid(code, `Merkle proof leafCount ${String(leafCount)} is not in [1, 2^32)`);
  }
  if (!Number.isInteger(leafIndex) || leafIndex < 0 || leafIndex >= leafCount) {
    invalid(
      code,
      `Merkle proof leafIndex ${String(leafIndex)} is not below leafCount ${leafCount}`,
    );
  }
  const expected = siblingCount(leafIndex, leafCount);
  if (count !== expected) {
    invalid(code, `leaf ${leafIndex} of ${leafCount} needs ${expected} siblings, got ${count}`);
  }
}

function invalid(code: ProtocolErrorCode, message: string): never {
  throw new ProtocolError(code, message);
}

function assertLeafIndex(leafIndex: number, leafCount: number): void {
  if (!Number.isSafeInteger(leafIndex) || leafIndex < 0 || leafIndex >= leafCount) {
    throw new RangeError(`leafIndex must be an integer in [0, ${leafCount}), got ${leafIndex}`);
  }
}

function assertCheck(check: MerkleProofCheck) {
  if (typeof check !== 'object' || check === null) {
    throw new TypeError('verifyMerkleProof expects an object');
  }
  const { chunk, leafHash, siblings, root } = check;
  if ((chunk === undefined) === (leafHash === undefined)) {
    throw new TypeError('verifyMerkleProof needs exactly one of chunk or leafHash');
  }
  if (chunk !== undefined) assertUint8Array(chunk, 'chunk');
  if (leafHash !== undefined) assertUint8Array(leafHash, 'leafHash');
  assertUint8Array(root, 'root');
  if (!Array.isArray(siblings)) throw new TypeError('siblings must be an array of Uint8Array');
  siblings.forEach((s: unknown, i) => assertUint8Array(s, `sibling ${i}`));
  return check;
}

function subtle(): SubtleCrypto {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) {
    throw new Error(
      'WebCrypto crypto.subtle is unavailable (browsers expose it only to https pages)',
    );
  }
  return subtle;
}

/**
 * Starts a digest. WebCrypto copies `data` before `digest()` returns (the spec's "get a copy of
 * the bytes held by the data parameter"), so callers may refill the same buffer right after.
 */
function sha256(data: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  return subtle()
    .digest('SHA-256', data)
    .then((hash) => new Uint8Array(hash));
}

// One scratch buffer per kind of input, refilled for every digest call (see sha256): the
// unavoidable prefix copy stays a cache-hot 16 KiB instead of a second segment-sized allocation.
const leafScratch = new Uint8Array(1 + MERKLE_LEAF_SIZE);
const nodeScratch = new Uint8Array(1 + 2 * HASH_SIZE);

/** Hashes every leaf concurrently: all digests are started before any is awaited. */
function hashLeaves(bytes: Uint8Array): Promise<Uint8Array[]> {
  const leafCount = leafCountFor(bytes.length);
  const hashes: Promise<Uint8Array>[] = [];
  leafScratch[0] = LEAF_PREFIX;
  for (let i = 0; i < leafCount; i++) {
    const chunk = bytes.subarray(i * MERKLE_LEAF_SIZE, (i + 1) * MERKLE_LEAF_SIZE);
    leafScratch.set(chunk, 1);
    hashes.push(sha256(leafScratch.subarray(0, 1 + chunk.length)));
  }
  return Promise.all(hashes);
}

/** Parents of one level, hashed concurrently; an unpaired last node is promoted unchanged. */
async function hashLevel(nodes: readonly Uint8Array[]): Promise<Uint8Array[]> {
  const hashes: Promise<Uint8Array>[] = [];
  nodeScratch[0] = NODE_PREFIX;
  for (let i = 0; i + 1 < nodes.length; i += 2) {
    nodeScratch.set(nodes[i]!, 1);
    nodeScratch.set(nodes[i + 1]!, 1 + HASH_SIZE);
    hashes.push(sha256(nodeScratch));
  }
  const parents = await Promise.all(hashes);
  if (nodes.length % 2 === 1) parents.push(nodes[nodes.length - 1]!);
  return parents;
}
