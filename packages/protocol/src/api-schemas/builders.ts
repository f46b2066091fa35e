/**
 * The building blocks every HTTP schema uses, so that a text field anywhere refuses what
 * `VALIDATION_ERROR` promises to refuse. Patterns are written without the `u` flag (JSON Schema
 * validators, TypeBox's compiler among them, build them as plain ECMAScript regexps).
 */
import { Type, type TSchema, type TString } from '@sinclair/typebox';

/** Any code unit but C0 controls (NUL included), DEL, C1 controls and surrogates... */
const TEXT_UNIT = '[^\\u0000-\\u001f\\u007f-\\u009f\\ud800-\\udfff]';
/** ...the same with tab and line feed allowed... */
const LINES_UNIT = '[^\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f\\ud800-\\udfff]';
/** ...or a well-formed surrogate pair. */
const PAIR = '[\\ud800-\\udbff][\\udc00-\\udfff]';

/** A text without control characters (NUL, which PostgreSQL cannot store) or lone surrogates. */
export const TEXT_PATTERN = `^(?:${TEXT_UNIT}|${PAIR})*$`;
/** {@link TEXT_PATTERN} with tab and line feed allowed. */
export const MULTILINE_TEXT_PATTERN = `^(?:${LINES_UNIT}|${PAIR})*$`;
/** A protocol id, as `isValidId` accepts it. */
export const ID_PATTERN = '^[A-Za-z0-9._-]{1,128}$';
/** 32 bytes as lowercase hex. */
export const HEX32_PATTERN = '^[0-9a-f]{64}$';

/** Limits of {@link Text}. */
export interface TextOptions {
  /** @default 1 */
  minLength?: number;
  /** @default 2048 */
  maxLength?: number;
  /** Allow tab and line feed (other control characters are always refused). @default false */
  multiline?: boolean;
  description?: string;
}

/** Every request text field: bounded, well-formed, without control characters. */
export function Text(opts: TextOptions = {}): TString {
  const { minLength = 1, maxLength = 2048, multiline = false, description } = opts;
  return Type.String({
    minLength,
    maxLength,
    pattern: multiline ? MULTILINE_TEXT_PATTERN : TEXT_PATTERN,
    ...(description === undefined ? {} : { description }),
  });
}

/** An id: 1-128 characters of `[A-Za-z0-9._-]`. */
export const Id = (description?: string): TString =>
  Type.String({
    pattern: ID_PATTERN,
    description: description ?? 'An id: 1-128 characters of [A-Za-z0-9._-]',
  });

/** 32 bytes, lowercase hex. */
export const Hex32 = (description = '32 bytes, lowercase hex'): TString =>
  Type.String({ pattern: HEX32_PATTERN, description });

/** An integer of 0..2^32-1. */
export const U32 = (description?: string) =>
  Type.Integer({
    minimum: 0,
    maximum: 0xffffffff,
    ...(description === undefined ? {} : { description }),
  });

/** A closed object: unknown fields are refused (typos do not pass silently). */
export const Closed = <T extends Record<string, TSchema>>(properties: T, description?: string) =>
  Type.Object(properties, {
    additionalProperties: false,
    ...(description === undefined ? {} : { description }),
  });

/** A time in a response (ISO 8601). */
export const DateTime = (description?: string) =>
  Type.String({ format: 'date-time', ...(description === undefined ? {} : { description }) });

/** A 0..1 ratio in a response. */
export const Ratio = (description?: string) =>
  Type.Number({ minimum: 0, maximum: 1, ...(description === undefined ? {} : { description }) });
