/**
 * One honest viewer in its own process: the SDK's engine (Node, `@roamhq/wrtc`) with a
 * coordinator session, playing the live stream in real time like hls.js at the live edge (no
 * decoding), sharing segments with the other honest viewers and signing receipts for what it
 * got from them. Every TCP connection leaves from the viewer's own loopback address (fetch
 * through undici's global dispatcher, the tracker's websocket through `net.connect` and `http.Agent`), and
 * `Date.now` (and `performance.now`) follow the run's clock, so the coordinator sees a viewer on
 * its own network whose times (receipts, watch time) agree with its own.
 */
import http from 'node:http';
import net from 'node:net';
import type { P2PEngine } from '@streamrp2p/player-sdk';
import { Agent, setGlobalDispatcher } from 'undici';
import type { HonestControl, HonestFigures, HonestReport, HonestStart } from './honest-messages.js';
import { simulatedNow, type ClockSchedule } from './sim-clock.js';

const PLAYLIST_RELOAD_MS = 1000;
const START_BEHIND_EDGE = 3;
const PROGRESS_MS = 2000;
const MAX_ERROR_SAMPLES = 8;

let schedule: ClockSchedule = { fastForwardFrom: undefined, speed: 1 };
const wallNow = Date.now.bind(Date);
Date.now = () => simulatedNow(schedule, wallNow());
// The SDK measures watch time on the monotonic clock: it runs fast too, by the same offset.
const wallPerformanceNow = performance.now.bind(performance);
performance.now = () => {
  const wall = wallNow();
  return wallPerformanceNow() + simulatedNow(schedule, wall) - wall;
};

let boundAddress: string | undefined;
const connect = net.connect;
const patched = function (this: unknown, ...args: unknown[]) {
  const [options] = args;
  // TCP only (a port), never an IPC path.
  const tcp = typeof options === 'object' && options !== null && 'port' in options;
  if (boundAddress && tcp && (options as { port?: unknown }).port !== undefined) {
    const given = options as { localAddress?: string };
    args[0] = { ...given, localAddress: given.localAddress ?? boundAddress };
  }
  return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
};
net.connect = patched as typeof net.connect;
net.createConnection = patched as typeof net.createConnection;
// engine.io asks for `agent: false`, a fresh http.Agent, whose createConnection was taken from
// `net` when `http` loaded: bind that one too.
http.Agent.prototype.createConnection = patched as typeof http.Agent.prototype.createConnection;

function send(message: HonestReport): Promise<void> {
  return new Promise((resolve) =>
    process.send ? process.send(message, () => resolve()) : resolve(),
  );
}

class HonestViewer {
  private readonly figures: HonestFigures;
  private engine: P2PEngine | undefined;
  private next: number | undefined;
  private last: { rendition: string; sequence: number; url: string } | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private paused = false;
  private stopped = false;

  constructor(private readonly start: HonestStart) {
    this.figures = {
      name: start.name,
      viewerId: start.viewerId,
      address: start.address,
      segments: 0,
      httpBytes: 0,
      p2pBytes: 0,
      uploadedBytes: 0,
      receiptsCredited: 0,
      receiptsRejected: {},
      errors: {},
      errorSamples: [],
      challenges: {},
    };
  }

  async run(): Promise<void> {
    // Imported after the patches, so nothing captured the unpatched functions.
    const [{ default: wrtc }, { P2PEngine }] = await Promise.all([
      import('@roamhq/wrtc'),
      import('@streamrp2p/player-sdk'),
    ]);
    const s = this.start;
    const engine = new P2PEngine({
      streamId: s.streamId,
      trackerUrl: s.trackerUrl,
      coordinatorUrl: s.coordinatorUrl,
      viewerId: s.viewerId,
      wrtc,
      iceServers: [],
      consumeOnly: false,
      heartbeatMs: s.heartbeatMs,
    });
    this.engine = engine;
    engine.on('receipts', ({ credited }) => (this.figures.receiptsCredited += credited));
    engine.on('receipt-rejected', ({ code }) => {
      this.figures.receiptsRejected[code] = (this.figures.receiptsRejected[code] ?? 0) + 1;
    });
    engine.on('error', ({ code, message }) => {
      this.figures.errors[code] = (this.figures.errors[code] ?? 0) + 1;
      const sample = `${code}: ${message}`.slice(0, 200);
      if (this.figures.errorSamples.length < MAX_ERROR_SAMPLES) {
        if (!this.figures.errorSamples.includes(sample)) this.figures.errorSamples.push(sample);
      }
    });
    // A viewer with the tab open: playing (and heartbeating) until told to stop.
    engine.startWatchHeartbeats(() => !this.stopped);
    void this.tick();
  }

  pause(): void {
    this.paused = true;
  }

  current(): HonestFigures {
    const stats = this.engine?.getStats();
    const coordinator = this.engine?.coordinator?.getStats();
    return {
      ...this.figures,
      challenges: coordinator?.challenges ?? this.figures.challenges,
      httpBytes: stats?.httpBytes ?? 0,
      p2pBytes: stats?.p2pBytes ?? 0,
      uploadedBytes: stats?.uploadedBytes ?? 0,
    };
  }

  async stop(): Promise<HonestFigures> {
    this.stopped = true;
    clearTimeout(this.timer);
    const figures = this.current();
    await this.engine?.destroy().catch(() => undefined);
    return { ...figures, receiptsCredited: this.figures.receiptsCredited };
  }

  private async tick(): Promise<void> {
    const engine = this.engine!;
    try {
      if (!this.paused) {
        const { parseMediaPlaylist, renditionId } = await import('@streamrp2p/protocol');
        const text = await (await fetch(this.start.playlistUrl)).text();
        const { segments } = parseMediaPlaylist(text, this.start.playlistUrl);
        const rendition = renditionId(this.start.playlistUrl);
        this.next ??= segments[Math.max(0, segments.length - START_BEHIND_EDGE)]?.sequence;
        for (const segment of segments) {
          if (this.stopped || this.paused) break;
          if (this.next === undefined || segment.sequence < this.next) continue;
          await engine
            .loadSegment({
              rendition,
              sequence: segment.sequence,
              url: segment.url,
              deadlineMs: this.figures.segments === 0 ? 0 : 4000,
              live: true,
            })
            .then(() => (this.figures.segments += 1))
            .catch(() => undefined);
          engine.setPlayhead(rendition, segment.sequence, true);
          this.next = segment.sequence + 1;
          this.last = { rendition, sequence: segment.sequence, url: segment.url };
        }
      } else if (this.last) {
        // Paused with the tab open: the last segment again, from the store, keeps the swarm
        // (and the segments challenges ask for) instead of leaving it as idle.
        await engine
          .loadSegment({ ...this.last, deadlineMs: 4000, live: true })
          .catch(() => undefined);
      }
    } catch {
      // A failed playlist reload: try again at the next one, like hls.js.
    }
    if (!this.stopped) this.timer = setTimeout(() => void this.tick(), PLAYLIST_RELOAD_MS);
  }
}

let viewer: HonestViewer | undefined;
let progress: ReturnType<typeof setInterval> | undefined;

process.on('message', (message: HonestControl) => {
  if (message.type === 'start') {
    schedule = message.schedule;
    boundAddress = message.address;
    setGlobalDispatcher(new Agent({ localAddress: message.address }));
    viewer = new HonestViewer(message);
    void viewer.run();
    progress = setInterval(() => {
      if (viewer) void send({ type: 'progress', figures: viewer.current() });
    }, PROGRESS_MS);
  } else if (message.type === 'clock') {
    schedule = message.schedule;
  } else if (message.type === 'pause') {
    viewer?.pause();
  } else if (message.type === 'stop') {
    clearInterval(progress);
    void (async () => {
      const figures = await viewer?.stop();
      if (figures) await send({ type: 'report', figures });
      // wrtc's native threads would keep the process for seconds more: nothing is left to do.
      process.exit(0);
    })();
  }
});
// The run went away: never linger.
process.on('disconnect', () => process.exit(0));
void send({ type: 'ready' });
