/**
 * The HTTP face of the origin's controls, so a browser test or a bench script can read the
 * byte counters and change the emulation without a handle on the process:
 *
 *   GET  /stats             traffic counters ({@link OriginStats})
 *   POST /stats/reset       zero the counters; answers the fresh counters
 *   GET  /control           current emulation settings and pending one-shot failures
 *   POST /control           JSON subset of the emulation settings; answers the new settings
 *   POST /control/failures  JSON {@link FailureInjection}; answers the pending count
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FailureInjection } from './failure-plan.js';
import { readJsonBody, sendError, sendJson } from './http-util.js';
import { LiveOriginError } from './live-origin-error.js';
import type { EmulationSettings } from './options.js';
import type { OriginStats } from './stats.js';

/** What the control routes act on; implemented by the origin handler. */
export interface OriginControls {
  stats(): OriginStats;
  resetStats(): void;
  settings(): EmulationSettings;
  configure(patch: Partial<EmulationSettings>): EmulationSettings;
  injectFailures(injection: FailureInjection): void;
  pendingFailures(): number;
}

/** Answer of `GET /control` and `POST /control`. */
export interface ControlState {
  settings: EmulationSettings;
  pendingFailures: number;
}

const ROUTES: Record<string, string> = {
  '/stats': 'GET',
  '/stats/reset': 'POST',
  '/control': 'GET, POST',
  '/control/failures': 'POST',
};

/** Whether `pathname` is a control route. */
export function isControlPath(pathname: string): boolean {
  return Object.hasOwn(ROUTES, pathname);
}

function state(controls: OriginControls): ControlState {
  return { settings: controls.settings(), pendingFailures: controls.pendingFailures() };
}

async function route(
  controls: OriginControls,
  method: string,
  pathname: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const key = `${method} ${pathname}`;
  if (key === 'GET /stats' || key === 'HEAD /stats') sendJson(res, 200, controls.stats());
  else if (key === 'POST /stats/reset') {
    controls.resetStats();
    sendJson(res, 200, controls.stats());
  } else if (key === 'GET /control') sendJson(res, 200, state(controls));
  else if (key === 'POST /control') {
    controls.configure((await readJsonBody(req)) as Partial<EmulationSettings>);
    sendJson(res, 200, state(controls));
  } else if (key === 'POST /control/failures') {
    controls.injectFailures((await readJsonBody(req)) as FailureInjection);
    sendJson(res, 200, state(controls));
  } else {
    res.setHeader('Allow', ROUTES[pathname] ?? 'GET');
    sendError(res, 405, 'METHOD_NOT_ALLOWED', `${method} is not allowed on ${pathname}`);
  }
}

/** Serves a control route; bad bodies and invalid settings answer 400 with the reason. */
export async function handleControl(
  controls: OriginControls,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
): Promise<void> {
  try {
    await route(controls, req.method ?? 'GET', pathname, req, res);
  } catch (err) {
    if (!(err instanceof LiveOriginError)) throw err;
    sendError(res, 400, err.code, err.message);
  }
}
