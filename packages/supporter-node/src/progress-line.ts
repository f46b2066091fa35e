import type { SupporterProgress } from './supporter-node.js';

const mb = (bytes: number) => (bytes / 1e6).toFixed(2);
const kbps = (value: number) => Math.round(value).toString();

/**
 * One line of live progress: peers, bytes down (HTTP / P2P), bytes up, and with a coordinator
 * the bytes it credited us for serving, the receipts we signed that it credited, and the
 * challenges we passed.
 *
 * @example
 * // 12s  peers 4  down http 1.20 MB (0 kbit/s) p2p 0.00 MB (0 kbit/s)  up 3.41 MB (1630 kbit/s)  held 2.1 MB
 */
export function progressLine(progress: SupporterProgress): string {
  const { stats } = progress;
  const parts = [
    `${Math.round(progress.elapsedMs / 1000)}s`,
    `peers ${stats.peers}`,
    `down http ${mb(stats.httpBytes)} MB (${kbps(progress.httpKbps)} kbit/s)` +
      ` p2p ${mb(stats.p2pBytes)} MB (${kbps(progress.p2pKbps)} kbit/s)`,
    `up ${mb(stats.uploadedBytes)} MB (${kbps(progress.uploadKbps)} kbit/s)`,
    `held ${mb(stats.storeBytes)} MB`,
  ];
  const { coordinator } = progress;
  if (coordinator) {
    const credited = coordinator.creditedBytes;
    parts.push(
      `credited ${credited === undefined ? '–' : mb(credited)} MB` +
        `  receipts credited ${coordinator.receiptsCredited}` +
        `  challenges passed ${coordinator.challengesPassed}`,
    );
  }
  return parts.join('  ');
}
