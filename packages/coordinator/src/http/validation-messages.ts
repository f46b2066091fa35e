/**
 * Turns the first failure TypeBox finds into the `VALIDATION_ERROR` message clients have always
 * read: the field named as `body.receipts[3].root`, `query.from` or `path parameter streamId`,
 * and what it must be, read from the field's own schema.
 */
import { Kind, type TSchema } from '@sinclair/typebox';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import {
  HEX32_PATTERN,
  ID_PATTERN,
  MULTILINE_TEXT_PATTERN,
} from '@streamrp2p/protocol/api-schemas';

/** C0 controls (NUL included), DEL and C1 controls. */
const CONTROL = /\p{Cc}/u;
/** The same, with tab and line feed allowed. */
const CONTROL_BUT_LINES = /(?![\t\n])\p{Cc}/u;

/** `/receipts/3/root` under `body` as `body.receipts[3].root`. */
export function fieldLabel(root: string, path: string): string {
  if (root === 'path') return `path parameter ${path.slice(1)}`;
  return path
    .split('/')
    .slice(1)
    .reduce((label, key) => (/^\d+$/.test(key) ? `${label}[${key}]` : `${label}.${key}`), root);
}

const parentOf = (path: string) => path.slice(0, path.lastIndexOf('/'));
const range = (s: TSchema, min: number, max: number) =>
  `${(s.minimum as number | undefined) ?? min}..${(s.maximum as number | undefined) ?? max}`;

function textProblem(schema: TSchema, value: unknown): string {
  const min = (schema.minLength as number | undefined) ?? 0;
  const max = (schema.maxLength as number | undefined) ?? Number.MAX_SAFE_INTEGER;
  if (typeof value !== 'string' || value.length < min || value.length > max) {
    return `must be a string of ${min}-${max} characters`;
  }
  const control = schema.pattern === MULTILINE_TEXT_PATTERN ? CONTROL_BUT_LINES : CONTROL;
  if (control.test(value)) return 'must not contain control characters (NUL, U+0000-U+001F, ...)';
  return 'must be well-formed Unicode';
}

/** What a value failing `schema` must be, as the end of a sentence. */
function requirement(root: string, path: string, schema: TSchema, value: unknown): string {
  switch (schema[Kind]) {
    case 'String':
      if (schema.pattern === ID_PATTERN) {
        return root === 'path'
          ? 'is not a valid id'
          : 'must be an id of 1-128 characters [A-Za-z0-9._-]';
      }
      if (schema.pattern === HEX32_PATTERN) return 'must be 64 lowercase hex characters';
      return textProblem(schema, value);
    case 'Integer':
      return `must be an integer in ${range(schema, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)}`;
    case 'Number':
      return `must be a number in ${range(schema, -Number.MAX_VALUE, Number.MAX_VALUE)}`;
    case 'Array':
      return Array.isArray(value) && schema.maxItems !== undefined
        ? `must have at most ${schema.maxItems as number} items`
        : 'must be an array';
    case 'Literal':
      return `must be ${JSON.stringify(schema.const)}`;
    case 'Union': {
      const options = (schema.anyOf as TSchema[]).map((s) => s.const as unknown);
      return options.every((o) => typeof o === 'string')
        ? `must be one of ${options.join(', ')}`
        : `must be ${(schema.description as string | undefined) ?? 'of another type'}`;
    }
    case 'Object':
      return path === '' && root === 'body'
        ? 'must be a JSON object (Content-Type: application/json)'
        : 'must be an object';
    default:
      return 'is not valid';
  }
}

/**
 * The message for `errors` (all TypeBox found, the first one reported), `root` naming the value
 * itself (`body`, `query`, `path`, `receipt`).
 */
export function validationMessage(root: string, errors: readonly ValueError[]): string {
  const first = errors[0]!;
  if (first.type === ValueErrorType.ObjectAdditionalProperties) {
    const parent = parentOf(first.path);
    const unknown = errors
      .filter((e) => e.type === first.type && parentOf(e.path) === parent)
      .map((e) => e.path.slice(parent.length + 1));
    return `${fieldLabel(root, parent)} has unknown field(s): ${unknown.join(', ')}`;
  }
  const label = fieldLabel(root, first.path);
  return `${label} ${requirement(root, first.path, first.schema, first.value)}`;
}
