import { describe, expect, it } from 'vitest';
import type { EngineStats } from '@streamrp2p/player-sdk';
import { progressLine } from './progress-line.js';
import type { SupporterProgress } from './supporter-node.js';

const stats: EngineStats = {
  peerId: 'p1',
  httpBytes: 1_200_000,
  p2pBytes: 300_000,
  uploadedBytes: 3_410_000,
  httpSegments: 10,
  p2pSegments: 2,
  peers: 4,
  p2pShare: 0.2,
  storeBytes: 2_100_000,
  consumeOnly: false,
  maxUploadKbps: 20_000,
  bannedPeers: 0,
  swarms: [],
  sessionId: undefined,
  viewerId: undefined,
  verifiedP2PBytes: 0,
};

describe('progressLine', () => {
  it('shows peers, bytes down by source, bytes up and rates', () => {
    const line = progressLine({
      elapsedMs: 12_400,
      renditions: ['live_240p_index'],
      stats,
      httpKbps: 0,
      p2pKbps: 12.4,
      uploadKbps: 1630.2,
      coordinator: undefined,
    });
    expect(line).toBe(
      '12s  peers 4  down http 1.20 MB (0 kbit/s) p2p 0.30 MB (12 kbit/s)  up 3.41 MB (1630 kbit/s)  held 2.10 MB',
    );
  });

  /** The line of an idle node with these coordinator figures. */
  const withCoordinator = (coordinator: SupporterProgress['coordinator']) =>
    progressLine({
      elapsedMs: 0,
      renditions: [],
      stats,
      httpKbps: 0,
      p2pKbps: 0,
      uploadKbps: 0,
      coordinator,
    });

  it('adds the coordinator figures when there is one', () => {
    const line = withCoordinator({
      sessionId: 's',
      receiptsCredited: 7,
      challengesPassed: 2,
      creditedBytes: 4_250_000,
    });
    expect(line).toMatch(/credited 4\.25 MB {2}receipts credited 7 {2}challenges passed 2$/);
  });

  it('shows a dash for the credit before the coordinator answered', () => {
    const line = withCoordinator({
      sessionId: 's',
      receiptsCredited: 0,
      challengesPassed: 0,
      creditedBytes: undefined,
    });
    expect(line).toMatch(/credited – MB {2}receipts credited 0/);
  });
});
