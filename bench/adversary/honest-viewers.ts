/**
 * The honest audience: one process per viewer (WebRTC is heavy; a process also gives each
 * viewer its own source address and clock patch). Viewer k plays from 127.0.(10+k).1, a /24 of
 * its own, as viewers at different homes would.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { HonestControl, HonestFigures, HonestReport, HonestStart } from './honest-messages.js';
import type { ClockSchedule } from './sim-clock.js';
import type { Stack } from './stack.js';

const CHILD = fileURLToPath(new URL('./honest-process.ts', import.meta.url));
const READY_TIMEOUT_MS = 30_000;
const REPORT_TIMEOUT_MS = 15_000;

/** The honest viewers' addresses: each on its own /24. */
export const honestAddress = (k: number) => `127.0.${10 + k}.1`;

interface Child {
  process: ChildProcess;
  viewerId: string;
  name: string;
  address: string;
  latest: HonestFigures | undefined;
  report: Promise<HonestFigures | undefined>;
}

export class HonestViewers {
  private readonly children: Child[] = [];

  /** Starts `count` viewers, `joinIntervalMs` apart, on the stack's top rendition. */
  async start(
    count: number,
    stack: Stack,
    schedule: ClockSchedule,
    heartbeatMs: number,
    joinIntervalMs: number,
  ): Promise<void> {
    for (let k = 0; k < count; k += 1) {
      const child = this.spawn(k);
      this.children.push(child);
    }
    await Promise.all(this.children.map((child) => this.ready(child)));
    const playlist = stack.playlistUrls.get(stack.topRendition)!;
    for (const child of this.children) {
      const start: HonestStart = {
        type: 'start',
        name: child.name,
        address: child.address,
        viewerId: child.viewerId,
        streamId: stack.streamId,
        trackerUrl: stack.trackerUrl,
        coordinatorUrl: stack.coordinatorUrl,
        playlistUrl: `${playlist}?client=${child.name}`,
        heartbeatMs,
        schedule,
      };
      this.send(child, start);
      await new Promise((resolve) => setTimeout(resolve, joinIntervalMs));
    }
  }

  get viewerIds(): string[] {
    return this.children.map((child) => child.viewerId);
  }

  /** The latest progress of every viewer. */
  progress(): HonestFigures[] {
    return this.children.flatMap((child) => (child.latest ? [child.latest] : []));
  }

  clock(schedule: ClockSchedule): void {
    for (const child of this.children) this.send(child, { type: 'clock', schedule });
  }

  pause(): void {
    for (const child of this.children) this.send(child, { type: 'pause' });
  }

  /** Stops every viewer (receipts flushed, sessions ended); resolves with their figures. */
  async stop(): Promise<HonestFigures[]> {
    for (const child of this.children) this.send(child, { type: 'stop' });
    const reports = await Promise.all(
      this.children.map((child) =>
        Promise.race([
          child.report,
          new Promise<undefined>((resolve) => setTimeout(resolve, REPORT_TIMEOUT_MS)),
        ]).then((report) => report ?? child.latest),
      ),
    );
    this.kill();
    return reports.filter((r): r is HonestFigures => r !== undefined);
  }

  /** Kills whatever is left (any exit path). */
  kill(): void {
    for (const child of this.children) {
      if (child.process.exitCode === null) child.process.kill('SIGKILL');
    }
  }

  private spawn(k: number): Child {
    const process_ = fork(CHILD, [], {
      execArgv: ['--conditions=@streamrp2p/source', '--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, DEBUG: '' },
    });
    const child: Child = {
      process: process_,
      viewerId: randomUUID(),
      name: `honest${k + 1}`,
      address: honestAddress(k),
      latest: undefined,
      report: Promise.resolve(undefined),
    };
    child.report = new Promise((resolve) => {
      process_.on('message', (message: HonestReport) => {
        if (message.type === 'progress') child.latest = message.figures;
        else if (message.type === 'report') resolve(message.figures);
      });
      process_.on('exit', () => resolve(undefined));
    });
    return child;
  }

  private ready(child: Child): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${child.name} did not start within 30 s`)),
        READY_TIMEOUT_MS,
      );
      child.process.on('message', (message: HonestReport) => {
        if (message.type === 'ready') {
          clearTimeout(timer);
          resolve();
        }
      });
      child.process.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${child.name} exited before starting (code ${code})`));
      });
    });
  }

  private send(child: Child, message: HonestControl): void {
    if (child.process.connected) child.process.send(message);
  }
}
