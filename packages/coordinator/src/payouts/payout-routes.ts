/**
 * Payout routes (decision 32): payout accounts of viewers (a session secret of the viewer) and
 * streamers (their API key), their payouts, and the admin's run and list (`ADMIN_API_KEY`).
 * Bodies are validated before the caller is authenticated, so a malformed body is a 400 for
 * anyone.
 */
import type {
  PayoutAccountsResponse,
  PayoutRunResponse,
  PayoutsResponse,
} from '@streamrp2p/protocol/api-schemas';
import {
  PayoutAccountRequest,
  PayoutRunRequest,
  PayoutsQuery,
  StreamerPath,
  ViewerPath,
} from '@streamrp2p/protocol/api-schemas';
import { Router, type Request } from 'express';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import { authenticateStreamer, requireAdmin } from '../http/auth.js';
import * as validate from '../http/validate.js';
import type { PayeeKind } from '../ledger/accounts.js';
import { authenticateViewer } from '../sessions/session-auth.js';
import { nowDate } from '../util/clock.js';
import { payoutAccounts, setPayoutAccount } from './payout-accounts.js';
import { listPayouts } from './payout-reads.js';

const viewerPath = validate.path(ViewerPath);
const streamerPath = validate.path(StreamerPath);
const accountBody = validate.body(PayoutAccountRequest);
const runBody = validate.body(PayoutRunRequest);
const payoutsQuery = validate.query(PayoutsQuery);

type Payee = { kind: PayeeKind; id: string };

export function payoutRoutes(ctx: AppContext): Router {
  const router = Router();

  /** The payee of a `/api/viewers/:viewerId/...` or `/api/streamers/:streamerId/...` path. */
  const payees: Array<[string, (req: Request) => Promise<Payee>]> = [
    [
      '/api/viewers/:viewerId',
      async (req) => {
        const { viewerId } = viewerPath.parse(req.params);
        await authenticateViewer(ctx, req, viewerId);
        return { kind: 'supporter', id: viewerId };
      },
    ],
    [
      '/api/streamers/:streamerId',
      async (req) => {
        const { streamerId } = streamerPath.parse(req.params);
        const streamer = await authenticateStreamer(ctx, req);
        if (streamer.id !== streamerId)
          throw new ApiError('FORBIDDEN', 'only the streamer may see or change its payouts');
        return { kind: 'streamer', id: streamerId };
      },
    ],
  ];

  for (const [prefix, payeeOf] of payees) {
    router.put(`${prefix}/payout-account`, async (req, res) => {
      const { provider, destination } = accountBody.parse(req.body);
      const payee = await payeeOf(req);
      res.json(await setPayoutAccount(ctx.db, payee, provider, destination, nowDate(ctx.clock)));
    });
    router.get(`${prefix}/payout-account`, async (req, res) => {
      const response: PayoutAccountsResponse = {
        accounts: await payoutAccounts(ctx.db, await payeeOf(req)),
      };
      res.json(response);
    });
    router.get(`${prefix}/payouts`, async (req, res) => {
      const response: PayoutsResponse = {
        payouts: await listPayouts(ctx.db, { payee: await payeeOf(req) }),
      };
      res.json(response);
    });
  }

  router.post('/api/admin/payouts/run', async (req, res) => {
    const { payeeKind } = runBody.parse(req.body ?? {});
    requireAdmin(ctx, req);
    const response: PayoutRunResponse = await ctx.payouts.run(
      payeeKind === undefined ? {} : { payeeKind },
    );
    res.json(response);
  });

  router.get('/api/admin/payouts', async (req, res) => {
    requireAdmin(ctx, req);
    const { status } = payoutsQuery.parse(req.query);
    const response: PayoutsResponse = {
      payouts: await listPayouts(ctx.db, status === undefined ? {} : { status }),
    };
    res.json(response);
  });

  return router;
}
