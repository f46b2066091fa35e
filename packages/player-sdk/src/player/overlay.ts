import type { EngineStats } from '../p2p/engine-types.js';
import type { PlaybackMode } from './native-playback.js';

/** What the overlay shows: the engine's figures and how the player plays. */
export type OverlayStats = EngineStats & { playback?: PlaybackMode };

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Renders one line per figure; exported for tests. */
export function overlayText(stats: OverlayStats): string {
  if (stats.playback === 'native')
    return 'native HLS playback\nP2P off (no Media Source Extensions)';
  const down = stats.httpBytes + stats.p2pBytes;
  return [
    `P2P ${(stats.p2pShare * 100).toFixed(0)}% · ${stats.peers} peer${stats.peers === 1 ? '' : 's'}`,
    `down ${formatBytes(down)} (p2p ${formatBytes(stats.p2pBytes)})`,
    stats.consumeOnly ? 'up off (consume-only)' : `up ${formatBytes(stats.uploadedBytes)}`,
  ].join('\n');
}

/**
 * A small stats box over the video: P2P share, peers, bytes down and up.
 * Positioned over the player's container, ignored by the pointer.
 */
export class StatsOverlay {
  private readonly box: HTMLDivElement;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(container: HTMLElement, getStats: () => OverlayStats) {
    if (getComputedStyle(container).position === 'static') container.style.position = 'relative';
    this.box = document.createElement('div');
    this.box.className = 'streamrp2p-overlay';
    this.box.setAttribute('aria-hidden', 'true');
    Object.assign(this.box.style, {
      position: 'absolute',
      top: '8px',
      right: '8px',
      padding: '4px 8px',
      font: '12px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace',
      color: '#fff',
      background: 'rgba(0, 0, 0, 0.6)',
      borderRadius: '4px',
      whiteSpace: 'pre',
      pointerEvents: 'none',
      zIndex: '10',
    });
    container.appendChild(this.box);
    const render = () => (this.box.textContent = overlayText(getStats()));
    render();
    this.timer = setInterval(render, 1000);
  }

  destroy(): void {
    clearInterval(this.timer);
    this.box.remove();
  }
}
