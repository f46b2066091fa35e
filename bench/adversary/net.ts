/**
 * HTTP from a chosen loopback source address. Every 127.x.y.z routes to loopback on Linux, so
 * one machine can play many "machines": the coordinator sees each request's socket address
 * (`req.ip`, no proxy trusted), as it would see clients on other networks. One undici agent
 * per address keeps connections alive and bound to it.
 */
import { Agent, request } from 'undici';

/** A JSON answer: the status and the parsed body (undefined when it was not JSON). */
export interface JsonAnswer<T = unknown> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | undefined>;
}

const agents = new Map<string, Agent>();

/** Responses with a 5xx status, by method, path pattern and status, over the whole run. */
export const serverErrors: Record<string, number> = {};

function agentFor(address: string): Agent {
  let agent = agents.get(address);
  if (agent === undefined) {
    agent = new Agent({ localAddress: address, connections: 32, keepAliveTimeout: 10_000 });
    agents.set(address, agent);
  }
  return agent;
}

/** Closes every agent (at the end of a run). */
export async function closeAgents(): Promise<void> {
  const all = [...agents.values()];
  agents.clear();
  await Promise.all(all.map((agent) => agent.close().catch(() => undefined)));
}

/** An HTTP client whose every request leaves from `address`. */
export class AddressClient {
  constructor(
    readonly baseUrl: string,
    readonly address: string,
  ) {}

  /** Sends `body` as JSON (when given) with an optional bearer; never throws on a status. */
  async json<T = unknown>(
    method: string,
    path: string,
    options: { body?: unknown; bearer?: string; rawBody?: string } = {},
  ): Promise<JsonAnswer<T>> {
    const headers: Record<string, string> = {};
    const payload =
      options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    if (payload !== undefined) headers['content-type'] = 'application/json';
    if (options.bearer !== undefined) headers.authorization = `Bearer ${options.bearer}`;
    const response = await request(`${this.baseUrl}${path}`, {
      method: method as 'GET',
      headers,
      body: payload,
      dispatcher: agentFor(this.address),
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
    });
    if (response.statusCode >= 500) {
      tally(
        serverErrors,
        `${method} ${path.replace(/[0-9a-f-]{16,}/gi, ':id')} ${response.statusCode}`,
      );
    }
    const text = await response.body.text();
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: response.statusCode, body: body as T, headers: response.headers };
  }
}

/** The error code of an API error body, or `HTTP <status>`. */
export function errorCode(answer: JsonAnswer): string {
  const body = answer.body as { error?: { code?: unknown } } | undefined;
  const code = body?.error?.code;
  return typeof code === 'string' ? code : `HTTP ${answer.status}`;
}

/** Runs `task` over `items` with at most `limit` in flight; results in input order. */
export async function pool<I, O>(
  items: readonly I[],
  limit: number,
  task: (item: I, index: number) => Promise<O>,
): Promise<O[]> {
  const results = new Array<O>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Adds one to `counts[key]`. */
export function tally(counts: Record<string, number>, key: string, by = 1): void {
  counts[key] = (counts[key] ?? 0) + by;
}
