/**
 * Reads what the coordinator says a viewer earned: `GET /api/viewers/:id/credit` (credited,
 * payable, frozen, reputation) where that endpoint exists; otherwise only the credited bytes the
 * points balance reports, and `payable`/`frozen` stay unknown (`null`, printed `n/a`).
 */
import type { AddressClient } from './net.js';

export interface ViewerCredit {
  viewerId: string;
  creditedBytes: number;
  payableBytes: number | null;
  frozenBytes: number | null;
  pendingReviewBytes: number | null;
  reputation: number | null;
  reputationParts: Record<string, number> | null;
}

interface CreditBody {
  creditedBytes?: number;
  payableBytes?: number;
  frozenBytes?: number;
  pendingReviewBytes?: number;
  reputation?: number;
  reputationParts?: Record<string, number>;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export async function readCredit(api: AddressClient, viewerId: string): Promise<ViewerCredit> {
  const id = encodeURIComponent(viewerId);
  const credit = await api.json<CreditBody>('GET', `/api/viewers/${id}/credit`);
  if (credit.status === 200 && typeof credit.body?.creditedBytes === 'number') {
    return {
      viewerId,
      creditedBytes: credit.body.creditedBytes,
      payableBytes: num(credit.body.payableBytes),
      frozenBytes: num(credit.body.frozenBytes),
      pendingReviewBytes: num(credit.body.pendingReviewBytes),
      reputation: num(credit.body.reputation),
      reputationParts: credit.body.reputationParts ?? null,
    };
  }
  const points = await api.json<{ credited_bytes?: number }>('GET', `/api/viewers/${id}/points`);
  return {
    viewerId,
    creditedBytes: points.body?.credited_bytes ?? 0,
    payableBytes: null,
    frozenBytes: null,
    pendingReviewBytes: null,
    reputation: null,
    reputationParts: null,
  };
}

/** Totals over viewers; a figure any viewer lacks is `null` for the group. */
export interface CreditTotals {
  viewers: number;
  creditedBytes: number;
  payableBytes: number | null;
  frozenBytes: number | null;
  pendingReviewBytes: number | null;
  /** Lowest and highest reputation in the group. */
  reputationMin: number | null;
  reputationMax: number | null;
  /** Every viewer's figures. */
  each: ViewerCredit[];
}

export function totals(credits: ViewerCredit[]): CreditTotals {
  const sum = (pick: (c: ViewerCredit) => number | null) =>
    credits.some((c) => pick(c) === null) ? null : credits.reduce((s, c) => s + pick(c)!, 0);
  const reps = credits.map((c) => c.reputation).filter((r): r is number => r !== null);
  return {
    viewers: credits.length,
    creditedBytes: credits.reduce((s, c) => s + c.creditedBytes, 0),
    payableBytes: sum((c) => c.payableBytes),
    frozenBytes: sum((c) => c.frozenBytes),
    pendingReviewBytes: sum((c) => c.pendingReviewBytes),
    reputationMin: reps.length === credits.length && reps.length > 0 ? Math.min(...reps) : null,
    reputationMax: reps.length === credits.length && reps.length > 0 ? Math.max(...reps) : null,
    each: credits,
  };
}

export async function readTotals(api: AddressClient, viewerIds: string[]): Promise<CreditTotals> {
  const credits: ViewerCredit[] = [];
  for (const id of viewerIds) credits.push(await readCredit(api, id));
  return totals(credits);
}
