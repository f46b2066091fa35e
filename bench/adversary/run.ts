/**
 * One adversarial run: the real services, honest viewers sharing the live stream, every attack
 * beside them during the live phase, then a fast-forward of the coordinator's clock so
 * reputation can grow, with credit read at three checkpoints: the end of the live phase, the
 * farm's 59th simulated minute, and the end of the growth.
 */
import os from 'node:os';
import { forgeReceipts, type ForgedFigures } from './attacks/forged.js';
import { Farm, type FarmFigures } from './attacks/farm.js';
import { PointsFarm, type PointsFigures } from './attacks/points.js';
import { sybilFloods, type SybilFigures } from './attacks/sybil.js';
import type { AttackContext } from './attacks/context.js';
import type { AdversaryParams } from './args.js';
import { readTotals, type CreditTotals } from './credit.js';
import type { HonestFigures } from './honest-messages.js';
import { HonestViewers } from './honest-viewers.js';
import { AddressClient, closeAgents, serverErrors } from './net.js';
import { SimClock } from './sim-clock.js';
import { startStack, type Stack } from './stack.js';
import {
  challengeOutcomes,
  challengesSettled,
  detectCollusion,
  limitFields,
  parseReceiptMetrics,
} from './coordinator-probes.js';
import { postgresAnswers } from '../lib/pg-schema.js';

const FARM_ROUND_MS = 2000;
/**
 * Between the live phase and the fast clock: longer than the SDK's receipt flush (5 s) and its
 * challenge poll (15 s), so the last receipts arrive and every viewer credited in the last
 * minute is challenged once more, as it would be every 15 s in a real evening of watching.
 */
const SETTLE_MS = 17_000;
const READER_ADDRESS = '127.0.250.1';
const MINUTE = 60_000;
/**
 * The collusion job runs on a wall-clock timer (once a minute by default): while the clock runs
 * fast, the run calls it every 10 simulated minutes instead, well within its one-hour window,
 * as the timer would have run many times in that simulated time.
 */
const DETECTION_EVERY_MS = 10 * MINUTE;

/** Credit at one checkpoint. */
export interface Checkpoint {
  name: string;
  /** Simulated minutes since the farm's first session. */
  farmAgeMinutes: number;
  honest: CreditTotals;
  farm: CreditTotals;
  /** What the farm's own answers credited so far (bytes). */
  farmCreditedByAnswers: number;
  /**
   * The physical bound of the farm's credit so far: sum over its receiving sessions of the top
   * rendition's bitrate x their simulated lifetime.
   */
  farmPhysicalBoundBytes: number;
  /** The highest credited rate of one farm uploader over its lifetime so far, kbit/s. */
  farmUploaderMaxKbps: number;
}

export interface AdversaryResult {
  params: AdversaryParams;
  database: 'postgres' | 'pglite';
  startedAt: string;
  wallSeconds: number;
  complete: boolean;
  /** Why the run stopped early, when it did. */
  error?: string;
  machine: { cpus: number; cpuModel: string; node: string };
  stream: { renditions: string[]; topRendition: string; topBitrate: number };
  /** The coordinator's and tracker's limit settings in force (numbers and booleans). */
  limits: { coordinator: Record<string, unknown>; tracker: Record<string, unknown> };
  honest: HonestFigures[];
  farm: FarmFigures | undefined;
  forged: ForgedFigures | undefined;
  points: PointsFigures | undefined;
  /** Honest viewers' points balances and the simulated minutes they were watching. */
  honestPoints: { viewerId: string; balance: number; minutes: number }[];
  /**
   * The farm's identities' points (watch heartbeats of sessions that never played; a viewer
   * credited for serving earns 5x), over the simulated minutes since the farm started.
   */
  farmPoints: { viewerId: string; balance: number; minutes: number }[];
  /** What the forged receipts' uploader holds after growth (its credit is fabricated). */
  forgedUploaderCredit?: CreditTotals;
  /** Diagnostics: the honest sessions' challenges by outcome. */
  honestChallenges: Record<string, number>;
  sybil: SybilFigures | undefined;
  checkpoints: Checkpoint[];
  /** `streamrp2p_coordinator_receipts_total` by outcome and code, from /metrics at the end. */
  receiptMetrics: Record<string, number>;
  /** 5xx answers the attackers saw. */
  serverErrors: Record<string, number>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runAdversary(
  params: AdversaryParams,
  log: (line: string) => void,
): Promise<AdversaryResult> {
  const started = Date.now();
  const database =
    params.db === 'auto' ? ((await postgresAnswers()) ? 'postgres' : 'pglite') : params.db;
  const clock = new SimClock(params.speed);
  const heartbeatMs = Math.max(250, Math.min(60_000, Math.round(60_000 / params.speed)));
  const result: AdversaryResult = {
    params,
    database,
    startedAt: new Date(started).toISOString(),
    wallSeconds: 0,
    complete: false,
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
      node: process.version,
    },
    stream: { renditions: [], topRendition: '', topBitrate: 0 },
    limits: { coordinator: {}, tracker: {} },
    honest: [],
    farm: undefined,
    forged: undefined,
    points: undefined,
    honestPoints: [],
    farmPoints: [],
    honestChallenges: {},
    sybil: undefined,
    checkpoints: [],
    receiptMetrics: {},
    serverErrors,
  };
  let stack: Stack | undefined;
  const honest = new HonestViewers();
  let farm: Farm | undefined;
  try {
    stack = await startStack(database, clock, log);
    result.stream = {
      renditions: stack.renditions,
      topRendition: stack.topRendition,
      topBitrate: stack.topBitrate,
    };
    result.limits = {
      coordinator: limitFields(stack.coordinator.config),
      tracker: limitFields((stack.tracker as unknown as { config?: object }).config ?? {}),
    };
    const ctx: AttackContext = { stack, clock, log };
    const reader = new AddressClient(stack.coordinatorUrl, READER_ADDRESS);

    log(`honest: ${params.viewers} viewers joining`);
    await honest.start(params.viewers, stack, clock.schedule, heartbeatMs, 1000);
    const liveStarted = Date.now();
    const honestStartSim = clock.now();

    const pointsFarm = new PointsFarm(ctx, params.pointsSessions);
    await pointsFarm.setup();
    pointsFarm.start();
    farm = new Farm(ctx, params.farmSessions);
    await farm.setup();
    const farmStart = Math.min(...farm.result().sessions.map((s) => s.createdAt), clock.now());
    const forged = forgeReceipts(ctx);
    const sybil = sybilFloods(ctx, {
      sessions: params.sybilSessions,
      accounts: params.sybilAccounts,
      sockets: params.sybilSockets,
    });

    while (Date.now() - liveStarted < params.liveSeconds * 1000) {
      const round = Date.now();
      await farm.round();
      const progress = honest.progress();
      log(
        `t+${Math.round((Date.now() - liveStarted) / 1000)}s: honest P2P ` +
          `${(progress.reduce((s, f) => s + f.p2pBytes, 0) / 1e6).toFixed(1)} MB, receipts credited ` +
          `${progress.reduce((s, f) => s + f.receiptsCredited, 0)}; farm credited ` +
          `${(farm.result().creditedBytes / 1e6).toFixed(1)} MB`,
      );
      await sleep(Math.max(0, FARM_ROUND_MS - (Date.now() - round)));
    }
    result.points = await pointsFarm.stop();
    result.forged = await forged;
    result.sybil = await sybil;
    honest.pause();
    await sleep(SETTLE_MS);

    const checkpoint = async (name: string): Promise<Checkpoint> => {
      const figures = farm!.result();
      const now = clock.now();
      const bytesPerMs = stack!.topBitrate / 8 / 1000;
      const point: Checkpoint = {
        name,
        farmAgeMinutes: Math.round(((now - farmStart) / MINUTE) * 10) / 10,
        honest: await readTotals(reader, honest.viewerIds),
        farm: await readTotals(reader, figures.viewerIds),
        farmCreditedByAnswers: figures.creditedBytes,
        farmPhysicalBoundBytes: Math.round(
          figures.sessions.reduce((sum, s) => sum + (now - s.createdAt) * bytesPerMs, 0),
        ),
        farmUploaderMaxKbps: Math.round(
          Math.max(
            0,
            ...figures.sessions.map((s) => (s.creditedBytes * 8) / Math.max(1, now - s.createdAt)),
          ),
        ),
      };
      log(
        `checkpoint ${name} (farm age ${point.farmAgeMinutes} min): honest credited ` +
          `${point.honest.creditedBytes} B, payable ${point.honest.payableBytes ?? 'n/a'}; farm ` +
          `credited ${point.farm.creditedBytes} B, payable ${point.farm.payableBytes ?? 'n/a'}`,
      );
      const parts = (credit: CreditTotals) =>
        credit.each
          .map((c) => `${c.reputation ?? 'n/a'} ${JSON.stringify(c.reputationParts ?? {})}`)
          .join('; ');
      log(`  honest reputations: ${parts(point.honest)}`);
      result.checkpoints.push(point);
      return point;
    };
    await checkpoint('live end');

    // Reputation growth: the clock runs `speed` times faster; everyone keeps their sessions.
    const waitStarted = Date.now();
    const unanswered = await challengesSettled(stack, honest.viewerIds, clock);
    log(
      `honest challenges out before the fast clock: ${unanswered} after ` +
        `${((Date.now() - waitStarted) / 1000).toFixed(1)} s of waiting`,
    );
    const schedule = clock.fastForward();
    honest.clock(schedule);
    const growthEnd = clock.now() + params.growthMinutes * MINUTE;
    const firstHour = farmStart + 59 * MINUTE;
    let firstHourRead = false;
    log(`growth: ${params.growthMinutes} simulated minutes at ${params.speed}x`);
    // The farm keeps its sessions seen (its own loop) and keeps claiming new segments.
    let growing = true;
    const keepAlive = (async () => {
      while (growing) {
        const tick = Date.now();
        await farm.keepAlive();
        await sleep(Math.max(0, heartbeatMs - (Date.now() - tick)));
      }
    })();
    let lastRound = Date.now();
    let lastDetection = clock.now();
    while (clock.now() < growthEnd) {
      if (Date.now() - lastRound > FARM_ROUND_MS * 2) {
        lastRound = Date.now();
        await farm.round();
      }
      if (clock.now() - lastDetection >= DETECTION_EVERY_MS) {
        lastDetection = clock.now();
        await detectCollusion(stack);
      }
      if (!firstHourRead && clock.now() >= firstHour) {
        firstHourRead = true;
        await checkpoint('farm minute 59');
      }
      await sleep(100);
    }
    growing = false;
    await keepAlive;
    if (!firstHourRead) await checkpoint('farm minute 59');
    await checkpoint('after growth');
    const forgedUploader = result.forged?.uploaderViewerId;
    if (forgedUploader !== undefined) {
      result.forgedUploaderCredit = await readTotals(reader, [forgedUploader]);
    }
    const balances = (viewerIds: string[], since: number) =>
      Promise.all(
        viewerIds.map(async (viewerId) => ({
          viewerId,
          balance:
            (await reader.json<{ balance?: number }>('GET', `/api/viewers/${viewerId}/points`)).body
              ?.balance ?? 0,
          minutes: (clock.now() - since) / MINUTE,
        })),
      );
    result.honestPoints = await balances(honest.viewerIds, honestStartSim);
    result.farmPoints = await balances(farm.result().viewerIds, farmStart);
    result.honestChallenges = await challengeOutcomes(stack, honest.viewerIds, clock);
    result.honest = await honest.stop();
    result.farm = farm.result();
    const metrics = await fetch(`${stack.coordinatorUrl}/metrics`);
    result.receiptMetrics = parseReceiptMetrics(await metrics.text());
    result.complete = true;
    return result;
  } catch (error) {
    result.error = error instanceof Error ? (error.stack ?? error.message) : String(error);
    log(`run failed: ${result.error}`);
    return result;
  } finally {
    honest.kill();
    farm?.close();
    await stack?.close();
    await closeAgents();
    result.wallSeconds = Math.round((Date.now() - started) / 1000);
  }
}
