/**
 * Validation of bodies, queries and path parameters, each against its one schema in
 * `@streamrp2p/protocol/api-schemas` (decision 29). A validator compiles its schema once, at
 * start-up; `parse` either returns the value typed as the schema says or throws
 * `VALIDATION_ERROR` naming the field, so handlers never see bad input.
 */
import { Kind, type Static, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { ValueError } from '@sinclair/typebox/errors';
import { ApiError } from '../errors.js';
import { validationMessage } from './validation-messages.js';

/** Where a validated value comes from: it names the fields in messages and types query text. */
export type Source = 'body' | 'query' | 'path';

/** Lets a route say more than the generic message for some failures. */
export type Explain = (errors: readonly ValueError[], input: unknown) => ApiError | undefined;

/** Every validator made, in order: the OpenAPI test checks each against the document. */
const made: Array<Validator<TSchema>> = [];

/** Every validator the loaded route modules made (they make them at start-up, once). */
export function validators(): ReadonlyArray<Validator<TSchema>> {
  return made;
}

/** One schema, compiled once; see {@link Validator.parse}. */
export class Validator<T extends TSchema> {
  private readonly compiled: TypeCheck<T>;

  constructor(
    readonly schema: T,
    readonly source: Source,
    private readonly explain?: Explain,
  ) {
    this.compiled = TypeCompiler.Compile(schema);
    made.push(this as unknown as Validator<TSchema>);
  }

  /** `input` as the schema's type, or a `VALIDATION_ERROR` (or what `explain` says instead). */
  parse(input: unknown): Static<T> {
    const value = this.source === 'query' ? fromQueryText(this.schema, input) : input;
    if (this.compiled.Check(value)) return value;
    const errors = [...this.compiled.Errors(value)];
    throw (
      this.explain?.(errors, value) ??
      new ApiError('VALIDATION_ERROR', validationMessage(this.source, errors))
    );
  }

  /** All failures of `input` (empty when it is valid); what tests and `explain` read. */
  errors(input: unknown): ValueError[] {
    return [...this.compiled.Errors(input)];
  }
}

/** A validator of request bodies. */
export const body = <T extends TSchema>(schema: T, explain?: Explain) =>
  new Validator(schema, 'body', explain);
/** A validator of query strings: numbers arrive as text, repeated parameters are refused. */
export const query = <T extends TSchema>(schema: T) => new Validator(schema, 'query');
/** A validator of path parameters. */
export const path = <T extends TSchema>(schema: T) => new Validator(schema, 'path');

/** The query with integer and number parameters read from their text; one value each. */
function fromQueryText(schema: TSchema, input: unknown): Record<string, unknown> {
  const properties = (schema.properties ?? {}) as Record<string, TSchema>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries((input ?? {}) as Record<string, unknown>)) {
    if (typeof value !== 'string') {
      throw new ApiError('VALIDATION_ERROR', `query.${key} must be given once, as plain text`);
    }
    const kind = properties[key]?.[Kind];
    const numeric = (kind === 'Integer' || kind === 'Number') && /^-?\d+(\.\d+)?$/.test(value);
    out[key] = numeric ? Number(value) : value;
  }
  return out;
}

/** An absolute http(s) URL (normalised), checked after its schema made it a bounded text. */
export function httpUrl(value: string, label: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ApiError('VALIDATION_ERROR', `${label} must be an absolute http(s) URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ApiError('VALIDATION_ERROR', `${label} must be an http(s) URL, got ${url.protocol}`);
  }
  return url.href;
}
