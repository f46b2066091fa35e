import {
  buildMerkleTree,
  bytesToHex,
  leafCountFor,
  merkleProof,
  type Challenge,
  type ChallengeAnswerRequest,
} from '@streamrp2p/protocol';
import type { SdkError } from '../errors.js';
import type { ApiClient } from './api-client.js';
import { isRetryable, toSdkError } from './errors.js';
import type { CoordinatorConfig } from './config.js';
import type { Hooks } from './events.js';
import { parseChallengeAnswer, parseChallenges } from './responses.js';
import { Timers } from './timers.js';

/** The engine's segment store: the bytes of a segment we still hold, or undefined. */
export type GetSegment = (rendition: string, sequence: number) => Uint8Array | undefined;

/** Who the responder answers as. */
export interface ChallengeSession {
  readonly sessionId: string;
  readonly secret: string;
}

/** The challenge fields of the client config; events: `challenge`. */
export type ChallengeResponderOptions = Pick<
  CoordinatorConfig,
  'streamId' | 'challengePollMs' | 'now'
> &
  Hooks;

/** Challenge ids remembered, so a challenge is answered (or counted as skipped) once. */
const REMEMBERED_IDS = 1000;

/**
 * Answers the coordinator's proof-of-useful-work challenges: for each, the hash of the asked
 * 16 KiB leaf and its Merkle siblings, from the segment bytes we hold. A challenge for a
 * segment no longer held is skipped (it expires at the coordinator).
 *
 * @example
 * const responder = new ChallengeResponder(api, session, options);
 * responder.start((rendition, sequence) => store.get(`${streamId}:${rendition}`, sequence));
 */
export class ChallengeResponder {
  readonly stats = { polls: 0, answered: 0, passed: 0, failed: 0, skipped: 0 };
  private readonly done = new Set<string>();
  private readonly skipped = new Set<string>();
  private readonly timers = new Timers();
  private getSegment: GetSegment | undefined;
  /** In an outage: report its first error only. */
  private failing = false;
  private roundFailed = false;

  constructor(
    private readonly api: ApiClient,
    private readonly session: ChallengeSession,
    private readonly options: ChallengeResponderOptions,
  ) {}

  /** Polls now and every `pollMs`; calling it again only swaps the segment source. */
  start(getSegment: GetSegment): void {
    const running = this.getSegment !== undefined;
    this.getSegment = getSegment;
    if (running || this.timers.isClosed) return;
    const loop = async () => {
      await this.poll();
      this.timers.after(this.options.challengePollMs, () => void loop());
    };
    void loop();
  }

  /** One round: fetch the open challenges and answer those we can. Never rejects. */
  async poll(): Promise<void> {
    const getSegment = this.getSegment;
    if (!getSegment || this.timers.isClosed) return;
    this.stats.polls += 1;
    let challenges: Challenge[];
    try {
      const body = await this.api.request({
        method: 'GET',
        path: `${this.sessionPath()}/challenges`,
        bearer: this.session.secret,
      });
      challenges = parseChallenges(body);
    } catch (error) {
      this.report(toSdkError(error));
      return;
    }
    this.roundFailed = false;
    for (const challenge of challenges) {
      if (this.timers.isClosed) return;
      if (!this.done.has(challenge.challengeId)) await this.answer(challenge, getSegment);
    }
    if (!this.roundFailed) this.failing = false;
  }

  stop(): void {
    this.timers.close();
  }

  private async answer(challenge: Challenge, getSegment: GetSegment): Promise<void> {
    const bytes =
      challenge.streamId === this.options.streamId &&
      Date.parse(challenge.expiresAt) > this.options.now()
        ? getSegment(challenge.rendition, challenge.sequence)
        : undefined;
    if (!bytes || challenge.leafIndex < 0 || challenge.leafIndex >= leafCountFor(bytes.length)) {
      if (!this.skipped.has(challenge.challengeId)) this.stats.skipped += 1;
      remember(this.skipped, challenge.challengeId);
      return;
    }
    const tree = await buildMerkleTree(bytes);
    const body: ChallengeAnswerRequest = {
      leafHash: bytesToHex(tree.levels[0]![challenge.leafIndex]!),
      siblings: merkleProof(tree, challenge.leafIndex).siblings.map(bytesToHex),
    };
    let result;
    try {
      result = parseChallengeAnswer(
        await this.api.request({
          method: 'POST',
          path: `${this.sessionPath()}/challenges/${encodeURIComponent(challenge.challengeId)}`,
          bearer: this.session.secret,
          body,
        }),
      );
    } catch (thrown) {
      const error = toSdkError(thrown);
      if (error.details.status === 409) {
        // The coordinator says 409 ALREADY_ANSWERED: our earlier answer got through although
        // its response was lost. Not a failure, and nothing to report.
        result = { challengeId: challenge.challengeId, passed: false, reason: 'ALREADY_ANSWERED' };
      } else {
        // A 4xx would come back the same: give up on this one. Otherwise the next poll retries.
        if (!isRetryable(error)) remember(this.done, challenge.challengeId);
        this.report(error);
        return;
      }
    }
    remember(this.done, challenge.challengeId);
    this.stats.answered += 1;
    if (result.passed) this.stats.passed += 1;
    // Our own earlier answer got through although its response was lost: not a failure.
    else if (result.reason !== 'ALREADY_ANSWERED') this.stats.failed += 1;
    this.options.emit('challenge', {
      challengeId: challenge.challengeId,
      rendition: challenge.rendition,
      sequence: challenge.sequence,
      passed: result.passed,
      ...(result.reason === undefined ? {} : { reason: result.reason }),
    });
  }

  private report(error: SdkError): void {
    this.roundFailed = true;
    if (this.timers.isClosed) return;
    if (!isRetryable(error) || !this.failing) this.options.onError(error);
    if (isRetryable(error)) this.failing = true;
  }

  private sessionPath(): string {
    return `/api/sessions/${encodeURIComponent(this.session.sessionId)}`;
  }
}

function remember(set: Set<string>, id: string): void {
  set.add(id);
  if (set.size > REMEMBERED_IDS) set.delete(set.values().next().value!);
}
