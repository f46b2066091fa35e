import type { SdkErrorCode } from '../errors.js';
import type { CoordinatorLinkEvents } from '../coordinator/coordinator-link.js';
import type { HttpReason, SegmentSource } from './load-segment.js';

/** Events of the engine, with one payload type each. */
export interface EngineEvents {
  /** The tracker welcomed us. */
  ready: { peerId: string };
  'segment-loaded': {
    rendition: string;
    sequence: number;
    source: SegmentSource;
    bytes: number;
    httpBytes: number;
    p2pBytes: number;
    /** The peer that delivered the whole segment (a receipt goes to it), if one did. */
    peerId: string | undefined;
    /** Whether the bytes from peers were checked against the coordinator's Merkle root. */
    verified: boolean;
    /** Why HTTP was used, when it was. */
    httpReason: HttpReason | undefined;
  };
  'peer-connect': { peerId: string; swarm: string };
  'peer-close': { peerId: string; swarm: string; reason: string };
  'peer-banned': { peerId: string; reason: string };
  uploaded: { peerId: string; swarm: string; sequence: number; bytes: number };
  /** Bytes from a peer did not match the segment's root: it is banned, HTTP refetched. */
  'integrity-failure': { peerId: string; rendition: string; sequence: number };
  /** Points awarded by the coordinator (watch time, chat, follow, share). */
  points: CoordinatorLinkEvents['points'];
  /** The balance reached 100 points: a soft prompt to create an account. */
  'account-prompt': { balance: number };
  /** The balance reached 1000 points: VIP status. */
  vip: { balance: number };
  /** A batch of receipts was answered by the coordinator. */
  receipts: CoordinatorLinkEvents['receipts'];
  'receipt-rejected': CoordinatorLinkEvents['receipt-rejected'];
  /** A challenge for a segment we served was answered. */
  challenge: CoordinatorLinkEvents['challenge'];
  /** `setUploadPolicy` changed uploading. */
  'upload-policy': UploadPolicyState;
  /** Something went wrong that playback survives (P2P trouble, tracker away...). */
  error: { code: SdkErrorCode; message: string; fatal: false };
}

/** Running totals of an engine. */
export interface EngineStats {
  peerId: string | undefined;
  httpBytes: number;
  p2pBytes: number;
  uploadedBytes: number;
  httpSegments: number;
  p2pSegments: number;
  /** Distinct connected peers across swarms. */
  peers: number;
  /** Share of downloaded bytes that came from peers, 0..1. */
  p2pShare: number;
  storeBytes: number;
  consumeOnly: boolean;
  /** The upload cap in force, kbit/s (`Infinity`: none). */
  maxUploadKbps: number;
  bannedPeers: number;
  /** Swarms joined (`stream:rendition`), one per rendition played recently. */
  swarms: string[];
  /** Coordinator session and viewer, when a coordinator is configured. */
  sessionId: string | undefined;
  viewerId: string | undefined;
  /** Bytes from peers checked against indexed Merkle roots (receipts were signed for them). */
  verifiedP2PBytes: number;
}

/** Uploading after `P2PEngine.setUploadPolicy`. */
export interface UploadPolicyState {
  /** Whether the engine uploads nothing now. */
  consumeOnly: boolean;
  /** The cap in force, kbit/s (`Infinity`: none). */
  maxUploadKbps: number;
  /** Whether the connection looks metered (data saver, cellular). */
  metered: boolean;
}

/** A media segment a player loaded over HTTP before its engine was there (decision 60). */
export interface EarlierHttpLoad {
  /** Its rendition (`renditionId` of its playlist URL). */
  rendition: string;
  /** Its media sequence number. */
  sequence: number;
  bytes: number;
  /** The segment itself, for the engine to hold and serve peers; without it, only counted. */
  data?: Uint8Array;
  /** Request to last byte, and request to first byte, ms. */
  totalMs: number;
  ttfbMs: number;
}
