/**
 * A local stand-in for the part of the Stripe API the payout provider uses (this machine cannot
 * reach Stripe): `POST /v1/transfers`, form-encoded, with the bearer secret key and an
 * `Idempotency-Key`. It records every request and checks each as Stripe would; a key seen before
 * answers the first response again (`Idempotent-Replayed: true`), or 400 `idempotency_error`
 * when the body differs. Tests script the next answers:
 * - `'ok'`: a transfer;
 * - `'500'`: 500 `api_error` before anything executed (not stored under the key);
 * - `'lost'`: the transfer is made and stored under the key, but the answer never comes (the
 *   client times out: money moved, the caller cannot know);
 * - `{ status, type, code, message }`: a Stripe error (stored under the key, as Stripe does for
 *   requests that ran, e.g. 402 `card_error` or 400 `invalid_request_error`).
 */
import { once } from 'node:events';
import {
  createServer,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

export type StripeAnswer =
  'ok' | '500' | 'lost' | { status: number; type: string; code?: string; message: string };

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The form fields, as sent (`metadata[payout_id]`, ...). */
  form: Record<string, string>;
  idempotencyKey: string | undefined;
  replayed: boolean;
}

interface Stored {
  body: string;
  status: number;
  json: unknown;
}

export class FakeStripe {
  readonly requests: RecordedRequest[] = [];
  /** Transfers made, in order. */
  readonly transfers: Array<Record<string, unknown>> = [];
  readonly #answers: StripeAnswer[] = [];
  readonly #byKey = new Map<string, Stored>();
  readonly #hanging = new Set<ServerResponse>();
  #server: Server | undefined;
  url = '';

  constructor(readonly secretKey: string) {}

  static async start(secretKey = 'sk_test_payouts'): Promise<FakeStripe> {
    const fake = new FakeStripe(secretKey);
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () =>
        fake.#handle(
          req.method ?? '',
          req.url ?? '',
          req.headers,
          Buffer.concat(chunks).toString(),
          res,
        ),
      );
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    fake.#server = server;
    fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return fake;
  }

  /** Answers the next requests so, in order (then `'ok'`). */
  answer(...answers: StripeAnswer[]): void {
    this.#answers.push(...answers);
  }

  async close(): Promise<void> {
    for (const res of this.#hanging) res.destroy();
    const server = this.#server;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #handle(
    method: string,
    path: string,
    headers: IncomingHttpHeaders,
    body: string,
    res: ServerResponse,
  ) {
    const form = Object.fromEntries(new URLSearchParams(body));
    const key = headers['idempotency-key'] as string | undefined;
    const stored = key === undefined ? undefined : this.#byKey.get(key);
    this.requests.push({
      method,
      path,
      headers,
      form,
      idempotencyKey: key,
      replayed: stored !== undefined,
    });
    const send = (status: number, json: unknown, extra: Record<string, string> = {}) => {
      res.writeHead(status, {
        'content-type': 'application/json',
        'request-id': `req_${this.requests.length}`,
        ...extra,
      });
      res.end(JSON.stringify(json));
    };
    const error = (status: number, type: string, message: string, code?: string) =>
      send(status, { error: { type, message, ...(code === undefined ? {} : { code }) } });

    if (method !== 'POST' || path !== '/v1/transfers')
      return error(404, 'invalid_request_error', `Unrecognized request URL (${method}: ${path})`);
    if (headers.authorization !== `Bearer ${this.secretKey}`)
      return error(401, 'authentication_error', 'Invalid API Key provided');
    if (!String(headers['content-type']).startsWith('application/x-www-form-urlencoded'))
      return error(400, 'invalid_request_error', 'the body must be form-encoded');
    if (key === undefined)
      return error(400, 'invalid_request_error', 'this test server insists on an Idempotency-Key');
    if (stored !== undefined) {
      if (stored.body !== body)
        return error(
          400,
          'idempotency_error',
          'Keys for idempotent requests can only be used with the same parameters they were first used with.',
        );
      return send(stored.status, stored.json, { 'idempotent-replayed': 'true' });
    }
    const amount = Number(form.amount);
    if (!/^[1-9]\d*$/.test(form.amount ?? '') || !Number.isSafeInteger(amount))
      return error(
        400,
        'invalid_request_error',
        'Invalid integer: amount',
        'parameter_invalid_integer',
      );
    if (!/^[a-z]{3}$/.test(form.currency ?? ''))
      return error(400, 'invalid_request_error', 'Invalid currency', 'parameter_invalid_currency');
    if (!/^acct_[A-Za-z0-9]+$/.test(form.destination ?? ''))
      return error(400, 'invalid_request_error', 'No such destination', 'resource_missing');

    const answer = this.#answers.shift() ?? 'ok';
    if (answer === '500') return error(500, 'api_error', 'Something went wrong on our end.');
    const store = (status: number, json: unknown) => this.#byKey.set(key, { body, status, json });
    if (typeof answer === 'object') {
      const json = {
        error: {
          type: answer.type,
          message: answer.message,
          ...(answer.code === undefined ? {} : { code: answer.code }),
        },
      };
      store(answer.status, json);
      return send(answer.status, json);
    }
    const transfer = {
      id: `tr_${this.transfers.length + 1}`,
      object: 'transfer',
      amount,
      currency: form.currency,
      destination: form.destination,
      transfer_group: form.transfer_group ?? null,
      description: form.description ?? null,
      metadata: Object.fromEntries(
        Object.entries(form)
          .filter(([k]) => k.startsWith('metadata['))
          .map(([k, v]) => [k.slice('metadata['.length, -1), v]),
      ),
      amount_reversed: 0,
      reversed: false,
      livemode: false,
      created: Math.floor(Date.now() / 1000),
    };
    this.transfers.push(transfer);
    store(200, transfer);
    if (answer === 'lost') {
      this.#hanging.add(res);
      res.on('close', () => this.#hanging.delete(res));
      return;
    }
    send(200, transfer);
  }
}
