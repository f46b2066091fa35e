/**
 * The file payout provider (`PAYOUT_PROVIDER=file`, the default): each payout becomes one line of
 * a per-day CSV (`payouts-YYYY-MM-DD.csv`, for a bank's bulk upload or a payroll sheet) and of a
 * JSONL file beside it (`payouts-YYYY-MM-DD.jsonl`, for tools), in `payoutDir` (UTC days).
 *
 * A line is written with one `write` on a file opened for appending, then `fdatasync`, so a
 * crash leaves whole lines; a half line found at start (a crash mid-write on a full disk) is cut
 * off. Every idempotency key already in the files is indexed at first use, so a retried payout
 * (same key) is not written twice, also when a crash came between its CSV and its JSONL line:
 * the missing one is written, into the day file of the first. One process writes a folder.
 */
import { mkdir, open, readdir, readFile, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import createDebug from 'debug';
import type { Clock } from '../util/clock.js';
import { currencyUnits, toMinorUnits } from './currency-units.js';
import type { PayoutOutcome, PayoutProvider, PayoutRequest } from './provider.js';

const log = createDebug('streamrp2p:coordinator:payouts:file');

const FILE_NAME = /^payouts-(\d{4}-\d{2}-\d{2})\.(csv|jsonl)$/;
export const CSV_COLUMNS = [
  'created_at',
  'payout_id',
  'idempotency_key',
  'payee_kind',
  'payee_id',
  'destination',
  'currency',
  'amount',
  'amount_minor_units',
  'memo',
] as const;

type Format = 'csv' | 'jsonl';
interface Written {
  day: string;
  line: number;
}
interface Index {
  keys: Record<Format, Map<string, Written>>;
  /** Lines per file name. */
  lines: Map<string, number>;
}

export interface FilePayoutProviderOptions {
  /** The folder (created when missing). */
  dir: string;
  /** Decides the day file. @default Date.now */
  clock?: Clock;
}

/** Writes payout files; see the module comment. */
export class FilePayoutProvider implements PayoutProvider {
  readonly name = 'file';
  readonly #dir: string;
  readonly #clock: Clock;
  #index: Promise<Index> | undefined;
  /** Writes one payout at a time, so line numbers and the index stay exact. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(opts: FilePayoutProviderOptions) {
    this.#dir = opts.dir;
    this.#clock = opts.clock ?? Date.now;
  }

  pay(request: PayoutRequest): Promise<PayoutOutcome> {
    const result = this.#queue.then(() => this.#write(request));
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async #write(request: PayoutRequest): Promise<PayoutOutcome> {
    this.#index ??= loadIndex(this.#dir);
    const index = await this.#index.catch((error: unknown) => {
      this.#index = undefined;
      throw error;
    });
    const key = request.idempotencyKey;
    const first = index.keys.jsonl.get(key) ?? index.keys.csv.get(key);
    const day = first?.day ?? new Date(this.#clock()).toISOString().slice(0, 10);
    const createdAt = new Date(this.#clock()).toISOString();
    if (!index.keys.csv.has(key))
      await this.#append(index, day, 'csv', key, csvLine(request, createdAt));
    if (!index.keys.jsonl.has(key))
      await this.#append(index, day, 'jsonl', key, jsonLine(request, createdAt));
    const written = index.keys.jsonl.get(key)!;
    return {
      status: 'paid',
      providerRef: `file:${fileName(written.day, 'jsonl')}:${written.line}`,
    };
  }

  async #append(index: Index, day: string, format: Format, key: string, text: string) {
    const name = fileName(day, format);
    let lines = index.lines.get(name) ?? 0;
    const body = format === 'csv' && lines === 0 ? `${CSV_COLUMNS.join(',')}\n${text}` : text;
    const file = await open(join(this.#dir, name), 'a');
    try {
      await file.write(body);
      await file.datasync();
    } finally {
      await file.close();
    }
    lines += body.split('\n').length - 1;
    index.lines.set(name, lines);
    index.keys[format].set(key, { day, line: lines });
  }
}

const fileName = (day: string, format: Format) => `payouts-${day}.${format}`;

/** Every key in the folder's payout files, and their line counts; cuts off a half last line. */
async function loadIndex(dir: string): Promise<Index> {
  await mkdir(dir, { recursive: true });
  const index: Index = { keys: { csv: new Map(), jsonl: new Map() }, lines: new Map() };
  for (const name of (await readdir(dir)).sort()) {
    const match = FILE_NAME.exec(name);
    if (match === null) continue;
    const [, day, format] = match as unknown as [string, string, Format];
    const text = await readFile(join(dir, name), 'utf8');
    const whole = text.slice(0, text.lastIndexOf('\n') + 1);
    if (whole.length < text.length) {
      log('cutting off a half line at the end of %s', name);
      await truncate(join(dir, name), Buffer.byteLength(whole));
    }
    const lines = whole.split('\n').slice(0, -1);
    index.lines.set(name, lines.length);
    lines.forEach((line, i) => {
      const key = format === 'jsonl' ? jsonKey(line) : csvKey(line, i);
      if (key !== undefined) index.keys[format].set(key, { day, line: i + 1 });
    });
  }
  return index;
}

function jsonKey(line: string): string | undefined {
  try {
    const key = (JSON.parse(line) as { idempotencyKey?: unknown }).idempotencyKey;
    return typeof key === 'string' ? key : undefined;
  } catch {
    return undefined;
  }
}

/** Keys never need quoting (`payout:<uuid>`), so the third field is the key. */
function csvKey(line: string, i: number): string | undefined {
  return i === 0 ? undefined : line.split(',')[CSV_COLUMNS.indexOf('idempotency_key')];
}

/** `amountMicros` as a decimal text in the currency's major unit, e.g. "12.30". */
export function decimalAmount(amountMicros: number, currency: string): string {
  const { digits } = currencyUnits(currency);
  const minor = toMinorUnits(amountMicros, currency);
  if (digits === 0) return String(minor);
  const scale = 10 ** digits;
  return `${Math.floor(minor / scale)}.${String(minor % scale).padStart(digits, '0')}`;
}

/**
 * A CSV field: quoted when it holds a separator, quote or line break; a leading `= + - @` (a
 * formula to a spreadsheet) is prefixed with `'`, since destinations and memos are user text.
 */
function csvField(value: string): string {
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function csvLine(r: PayoutRequest, createdAt: string): string {
  const fields = [
    createdAt,
    r.payoutId,
    r.idempotencyKey,
    r.payee.kind,
    r.payee.id,
    r.destination,
    r.currency,
    decimalAmount(r.amountMicros, r.currency),
    String(toMinorUnits(r.amountMicros, r.currency)),
    r.memo,
  ];
  return `${fields.map(csvField).join(',')}\n`;
}

function jsonLine(r: PayoutRequest, createdAt: string): string {
  return `${JSON.stringify({
    createdAt,
    payoutId: r.payoutId,
    idempotencyKey: r.idempotencyKey,
    payeeKind: r.payee.kind,
    payeeId: r.payee.id,
    destination: r.destination,
    currency: r.currency,
    amount: decimalAmount(r.amountMicros, r.currency),
    amountMinorUnits: toMinorUnits(r.amountMicros, r.currency),
    amountMicros: r.amountMicros,
    memo: r.memo,
  })}\n`;
}
