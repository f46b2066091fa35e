/**
 * Small validators for bodies, queries and path parameters. Each read either returns a value of
 * the right type or throws `VALIDATION_ERROR` naming the field, so handlers never see bad input.
 */
import { isValidId } from '@streamrp2p/protocol';
import { ApiError } from '../errors.js';

const HEX_32 = /^[0-9a-f]{64}$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;
/** C0 controls (NUL included), DEL and C1 controls: never part of a name, title or message. */
const CONTROL = /\p{Cc}/u;
/** The same, with tab and line feed allowed. */
const CONTROL_BUT_LINES = /(?![\t\n])\p{Cc}/u;
/** A surrogate alone, not half of a pair (with the u flag pairs are one code point). */
const LONE_SURROGATE = /\p{Cs}/u;

function fail(message: string): never {
  throw new ApiError('VALIDATION_ERROR', message);
}

/** Limits of {@link Fields.string}. */
export interface StringOptions {
  /** @default 1 */
  min?: number;
  /** @default 2048 */
  max?: number;
  /** Allow tab and line feed (other control characters are always refused). @default false */
  multiline?: boolean;
}

/** Reads typed fields of one object; `where` prefixes messages (`body.hlsUrl must be ...`). */
export class Fields {
  constructor(
    readonly source: Readonly<Record<string, unknown>>,
    private readonly where: string,
    /** Query strings carry numbers and booleans as text. */
    private readonly fromText = false,
  ) {}

  /** The raw value, or undefined. */
  raw(key: string): unknown {
    return Object.hasOwn(this.source, key) ? this.source[key] : undefined;
  }

  /**
   * A string of `min`-`max` UTF-16 code units, well-formed (no lone surrogate) and without
   * control characters (NUL, which PostgreSQL cannot store in text, among them); `multiline`
   * allows tab and line feed.
   */
  string(key: string, opts: StringOptions = {}): string {
    const value = this.raw(key);
    const { min = 1, max = 2048 } = opts;
    if (typeof value !== 'string' || value.length < min || value.length > max) {
      fail(`${this.where}.${key} must be a string of ${min}-${max} characters`);
    }
    if ((opts.multiline === true ? CONTROL_BUT_LINES : CONTROL).test(value)) {
      fail(`${this.where}.${key} must not contain control characters (NUL, U+0000-U+001F, ...)`);
    }
    if (LONE_SURROGATE.test(value)) fail(`${this.where}.${key} must be well-formed Unicode`);
    return value;
  }

  optionalString(key: string, opts: StringOptions = {}): string | undefined {
    return this.raw(key) === undefined ? undefined : this.string(key, opts);
  }

  /** A protocol id (`[A-Za-z0-9._-]{1,128}`), as the tracker accepts it. */
  id(key: string): string {
    const value = this.raw(key);
    if (!isValidId(value))
      fail(`${this.where}.${key} must be an id of 1-128 characters [A-Za-z0-9._-]`);
    return value;
  }

  optionalId(key: string): string | undefined {
    return this.raw(key) === undefined ? undefined : this.id(key);
  }

  integer(key: string, opts: { min?: number; max?: number } = {}): number {
    let value = this.raw(key);
    if (this.fromText && typeof value === 'string' && /^-?\d+$/.test(value)) value = Number(value);
    const { min = 0, max = Number.MAX_SAFE_INTEGER } = opts;
    if (!Number.isSafeInteger(value) || (value as number) < min || (value as number) > max) {
      fail(`${this.where}.${key} must be an integer in ${min}..${max}`);
    }
    return value as number;
  }

  number(key: string, opts: { min?: number; max?: number } = {}): number {
    const value = this.raw(key);
    const { min = 0, max = Number.MAX_SAFE_INTEGER } = opts;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      fail(`${this.where}.${key} must be a number in ${min}..${max}`);
    }
    return value;
  }

  /** An absolute http(s) URL. */
  httpUrl(key: string): string {
    const value = this.string(key, { max: 2048 });
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      fail(`${this.where}.${key} must be an absolute http(s) URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      fail(`${this.where}.${key} must be an http(s) URL, got ${url.protocol}`);
    }
    return url.href;
  }

  /** 32 bytes as 64 lowercase hex characters. */
  hash(key: string): string {
    const value = this.raw(key);
    if (typeof value !== 'string' || !HEX_32.test(value)) {
      fail(`${this.where}.${key} must be 64 lowercase hex characters`);
    }
    return value;
  }

  base64url(key: string, opts: { min?: number; max?: number } = {}): string {
    const value = this.string(key, opts);
    if (!BASE64URL.test(value)) fail(`${this.where}.${key} must be base64url without padding`);
    return value;
  }

  array(key: string, opts: { max?: number } = {}): unknown[] {
    const value = this.raw(key);
    if (!Array.isArray(value)) fail(`${this.where}.${key} must be an array`);
    if (opts.max !== undefined && value.length > opts.max) {
      fail(`${this.where}.${key} must have at most ${opts.max} items`);
    }
    return value;
  }

  oneOf<T extends string>(key: string, values: readonly T[]): T {
    const value = this.raw(key);
    if (typeof value !== 'string' || !values.includes(value as T)) {
      fail(`${this.where}.${key} must be one of ${values.join(', ')}`);
    }
    return value as T;
  }

  /** Rejects fields this endpoint does not know, so typos do not pass silently. */
  only(...keys: string[]): this {
    const unknown = Object.keys(this.source).filter((k) => !keys.includes(k));
    if (unknown.length > 0) fail(`${this.where} has unknown field(s): ${unknown.join(', ')}`);
    return this;
  }
}

/** The JSON body as {@link Fields}; 400 unless it is an object. */
export function bodyFields(body: unknown, where = 'body'): Fields {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    fail(`${where} must be a JSON object (Content-Type: application/json)`);
  }
  return new Fields(body as Record<string, unknown>, where);
}

/** The query string as {@link Fields}; repeated parameters are rejected. */
export function queryFields(query: unknown): Fields {
  const source = (query ?? {}) as Record<string, unknown>;
  for (const [key, value] of Object.entries(source)) {
    if (typeof value !== 'string') fail(`query.${key} must be given once, as plain text`);
  }
  return new Fields(source, 'query', true);
}

/** A path parameter that must be an id. */
export function pathId(params: Record<string, string | string[] | undefined>, key: string): string {
  const value = params[key];
  if (!isValidId(value)) fail(`path parameter ${key} is not a valid id`);
  return value;
}
