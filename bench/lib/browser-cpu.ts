/**
 * CPU time of the benchmark's Chromium processes by kind (browser, renderers, network service,
 * GPU, other utilities), read over the DevTools protocol (`SystemInfo.getProcessInfo`): where a
 * viewer page's work lands, since much of it runs outside the page's own renderer (HTTP and
 * WebRTC sockets in the network service, their IPC in the browser process).
 */
import type { Browser, CDPSession } from 'playwright-core';

/** Process kinds reported, in table order. */
export const PROCESS_KINDS = ['renderers', 'browser', 'network', 'gpu', 'other'] as const;
export type ProcessKind = (typeof PROCESS_KINDS)[number];

/** Seconds of CPU per process id, with each process' kind. */
type Reading = Map<number, { kind: ProcessKind; cpuSeconds: number }>;

function kindOf(type: string): ProcessKind {
  if (type === 'renderer') return 'renderers';
  if (type === 'browser') return 'browser';
  if (type === 'GPU') return 'gpu';
  if (type.includes('NetworkService')) return 'network';
  return 'other';
}

export class BrowserCpu {
  private constructor(private readonly sessions: CDPSession[]) {}

  static async attach(browsers: readonly Browser[]): Promise<BrowserCpu> {
    return new BrowserCpu(await Promise.all(browsers.map((b) => b.newBrowserCDPSession())));
  }

  /** Every process of every browser now; null when a browser does not answer. */
  async read(): Promise<Reading | null> {
    try {
      const reading: Reading = new Map();
      for (const session of this.sessions) {
        const { processInfo } = await session.send('SystemInfo.getProcessInfo');
        for (const info of processInfo) {
          reading.set(info.id, { kind: kindOf(info.type), cpuSeconds: info.cpuTime });
        }
      }
      return reading;
    } catch {
      return null;
    }
  }
}

/**
 * Share of all cores each kind of process used between two readings over `wallMs`. A process
 * that started in between counts from zero; one that ended in between is lost (the trial reads
 * before it closes any page).
 */
export function cpuByKind(
  start: Reading | null,
  end: Reading | null,
  wallMs: number,
  cores: number,
): Record<ProcessKind, number> | null {
  if (start === null || end === null || wallMs <= 0) return null;
  const shares = Object.fromEntries(PROCESS_KINDS.map((kind) => [kind, 0])) as Record<
    ProcessKind,
    number
  >;
  for (const [pid, { kind, cpuSeconds }] of end) {
    const used = cpuSeconds - (start.get(pid)?.cpuSeconds ?? 0);
    shares[kind] += Math.max(0, used) / (wallMs / 1000) / cores;
  }
  return shares;
}
