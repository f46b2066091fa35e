/**
 * The per-receipt rules, as a pure function over what the batch lookups found. Order matters
 * only for which code a receipt breaking several rules gets: cheap, local checks come first.
 */
import { checkPublishedInSession, checkSupporterLimit } from './receipt-bounds.js';
import { reject, type Rejected } from './receipt-codes.js';
import type { ParsedReceipt } from './parse-receipt.js';

/** What the checks need to know about a session. */
export interface SessionFacts {
  id: string;
  streamId: string;
  viewerId: string;
  ip: string;
  createdAt: number;
  live: boolean;
}

export interface CheckContext {
  now: number;
  receiver: SessionFacts;
  /** Indexed segments by `rendition:sequence` (`indexedAt` in ms). */
  roots: ReadonlyMap<string, { root: string; byteLength: number; indexedAt: number }>;
  /** Sessions by peer id. */
  uploaders: ReadonlyMap<string, SessionFacts>;
  /**
   * By uploader session id: the live sessions of its address in the stream credited as
   * uploaders before it (`receipt-lookups.ts`); a session missing here has none.
   */
  uploadersBefore: ReadonlyMap<string, number>;
  /** The earliest `indexedAt` a segment may have (`publishedSince`). */
  publishedSince: number;
  /** Uploader sessions credited per address and stream (`uploadersPerAddress`). */
  uploadersPerAddress: number;
  maxAgeMs: number;
  maxSkewMs: number;
  sameIpAllowed: boolean;
}

export const segmentKey = (rendition: string, sequence: number): string =>
  `${rendition}:${sequence}`;

/** Time rules: not in the future (beyond skew), not too old, not before the receiver's session began. */
export function checkTime(receipt: ParsedReceipt, ctx: CheckContext): Rejected | undefined {
  const { timestamp } = receipt;
  if (timestamp > ctx.now + ctx.maxSkewMs)
    return reject('IMPLAUSIBLE_TIME', 'timestamp is in the future');
  if (timestamp < ctx.now - ctx.maxAgeMs) return reject('IMPLAUSIBLE_TIME', 'receipt is too old');
  if (timestamp < ctx.receiver.createdAt - ctx.maxSkewMs) {
    return reject('IMPLAUSIBLE_TIME', 'timestamp is before the receiver session started');
  }
  return undefined;
}

/**
 * Everything after the signature: index, publication time, uploader, swarm, liveness, self, IP
 * and supporters-per-address rules.
 */
export function checkAgainstIndex(
  receipt: ParsedReceipt,
  ctx: CheckContext,
): { uploader: SessionFacts } | Rejected {
  const indexed = ctx.roots.get(segmentKey(receipt.rendition, receipt.sequence));
  if (indexed === undefined)
    return reject(
      'UNKNOWN_SEGMENT',
      `segment ${receipt.rendition} #${receipt.sequence} is not indexed`,
    );
  if (indexed.root !== receipt.root)
    return reject('ROOT_MISMATCH', 'root differs from the indexed root');
  if (indexed.byteLength !== receipt.byteLength) {
    return reject(
      'LENGTH_MISMATCH',
      `byteLength ${receipt.byteLength} differs from the indexed ${indexed.byteLength}`,
    );
  }
  const early = checkPublishedInSession(indexed.indexedAt, ctx.publishedSince);
  if (early !== undefined) return early;
  const uploader = ctx.uploaders.get(receipt.uploaderPeerId);
  if (uploader === undefined)
    return reject('UNKNOWN_UPLOADER', `no session has peer id ${receipt.uploaderPeerId}`);
  if (uploader.id === ctx.receiver.id || uploader.viewerId === ctx.receiver.viewerId) {
    return reject('SELF_RECEIPT', 'uploader and receiver are the same viewer');
  }
  if (uploader.streamId !== receipt.streamId)
    return reject('NOT_IN_STREAM', 'the uploader is not in this stream');
  if (!uploader.live) return reject('SESSION_NOT_LIVE', 'the uploader session is not live');
  if (receipt.timestamp < uploader.createdAt - ctx.maxSkewMs) {
    return reject('IMPLAUSIBLE_TIME', 'timestamp is before the uploader session started');
  }
  if (!ctx.sameIpAllowed && uploader.ip === ctx.receiver.ip) {
    return reject('SAME_IP', 'uploader and receiver share an IP address');
  }
  const crowded = checkSupporterLimit(
    ctx.uploadersPerAddress,
    ctx.uploadersBefore.get(uploader.id) ?? 0,
  );
  if (crowded !== undefined) return crowded;
  return { uploader };
}
