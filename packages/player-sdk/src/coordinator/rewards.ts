import type { ApiClient } from './api-client.js';
import { toSdkError } from './errors.js';
import { int, record, str } from './responses.js';

/** What the player's rewards show a supporter: its credit and, when proven, its earnings. */
export interface RewardFigures {
  /** Bytes the coordinator credited this viewer for serving peers (all its sessions). */
  creditedBytes: number;
  /** The part payable now (reputation high enough, not frozen by a hold). */
  payableBytes: number;
  /**
   * Estimated earnings, read only by a session that proved the viewer (decision 36); undefined
   * otherwise, or before the viewer was credited anything.
   */
  earnings:
    | {
        currency: string;
        /** Earnings of periods closed this UTC month, micro-units. */
        earnedThisMonthMicros: number;
        /** What the platform owes the viewer now, micro-units. */
        owedMicros: number;
      }
    | undefined;
}

/**
 * The viewer's credit (`GET /api/viewers/:viewerId/credit`, public) and, once it has some, its
 * earnings (`GET /api/viewers/:viewerId/earnings` with the session secret). A session that does
 * not prove the viewer (401/403) simply gets no earnings.
 */
export async function fetchRewardFigures(
  api: ApiClient,
  viewerId: string,
  secret: string,
): Promise<RewardFigures> {
  const path = `/api/viewers/${encodeURIComponent(viewerId)}`;
  const credit = record(await api.request({ method: 'GET', path: `${path}/credit` }), 'credit');
  const creditedBytes = int(credit, 'creditedBytes', 'credit');
  const payableBytes = int(credit, 'payableBytes', 'credit');
  if (creditedBytes === 0) return { creditedBytes, payableBytes, earnings: undefined };
  try {
    const body = record(
      await api.request({ method: 'GET', path: `${path}/earnings`, bearer: secret }),
      'earnings',
    );
    const earnings = {
      currency: str(body, 'currency', 'earnings'),
      earnedThisMonthMicros: int(body, 'earnedThisMonthMicros', 'earnings'),
      owedMicros: int(body, 'owedMicros', 'earnings'),
    };
    return { creditedBytes, payableBytes, earnings };
  } catch (thrown) {
    const status = toSdkError(thrown).details.status;
    if (status === 401 || status === 403)
      return { creditedBytes, payableBytes, earnings: undefined };
    throw thrown;
  }
}

/** Viewers supporting the stream lately (`GET /api/streams/:streamId/supporters`, public). */
export async function fetchSupporterCount(api: ApiClient, streamId: string): Promise<number> {
  const body = record(
    await api.request({
      method: 'GET',
      path: `/api/streams/${encodeURIComponent(streamId)}/supporters`,
    }),
    'supporters',
  );
  return int(body, 'supporters', 'supporters');
}
