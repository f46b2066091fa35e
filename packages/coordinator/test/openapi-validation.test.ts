/**
 * The OpenAPI document is the validation: its component schemas are the very schemas the routes
 * validate with (decision 29), and each documented request body refuses what it should.
 */
import type { TSchema } from '@sinclair/typebox';
import { expect, it } from 'vitest';
import { OPENAPI_DOCUMENT } from '../src/index.js';
import { COMPONENTS } from '../src/http/openapi.js';
import { validators } from '../src/http/validate.js';
import { startCoordinator } from './api.js';
import { describeWithDatabases } from './databases.js';
import { createSession, createStream, createStreamer } from './fixtures.js';

interface DocOperation {
  security?: unknown[];
  parameters: Array<{ name: string; in: 'path' | 'query'; schema: TSchema }>;
  requestBody?: { content: { 'application/json': { schema: { $ref: string } } } };
}

const operations = Object.entries(
  OPENAPI_DOCUMENT.paths as Record<string, Record<string, DocOperation>>,
).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, op]) => ({ path, method, op })),
);
const component = (ref: string): TSchema =>
  COMPONENTS[ref.split('/').pop() as keyof typeof COMPONENTS];

it('documents as request bodies exactly the schemas the routes validate bodies with', () => {
  const documented = new Set(
    operations.flatMap(({ op }) =>
      op.requestBody === undefined
        ? []
        : [component(op.requestBody.content['application/json'].schema.$ref)],
    ),
  );
  const validated = new Set(
    validators()
      .filter((v) => v.source === 'body')
      .map((v) => v.schema),
  );
  // Identity, not likeness: the document holds the validators' own schema objects.
  expect([...documented].every((s) => validated.has(s))).toBe(true);
  expect([...validated].filter((s) => !documented.has(s))).toEqual([]);
});

it('documents as path and query parameters exactly the schemas the routes validate', () => {
  for (const where of ['path', 'query'] as const) {
    const documented = new Set(
      operations.flatMap(({ op }) => op.parameters.filter((p) => p.in === where)),
    );
    const validated = validators().filter((v) => v.source === where);
    const properties = new Set(
      validated.flatMap((v) => Object.values((v.schema.properties ?? {}) as object)),
    );
    expect(validated.length).toBeGreaterThan(0);
    for (const parameter of documented) expect(properties.has(parameter.schema)).toBe(true);
    for (const property of properties) {
      expect([...documented].some((p) => p.schema === property)).toBe(true);
    }
  }
});

describeWithDatabases('OpenAPI and validation', (t) => {
  it('serves the component schemas as they are', async () => {
    const { api } = await startCoordinator(t, { indexerEnabled: false });
    const { schemas } = (await api.get('/api/openapi.json')).body.components;
    expect(schemas).toEqual(JSON.parse(JSON.stringify(COMPONENTS)));
  });

  it('refuses an invalid body on every route that takes one with VALIDATION_ERROR', async () => {
    const { api } = await startCoordinator(t, { indexerEnabled: false });
    const { apiKey } = await createStreamer(api);
    const stream = await createStream(api, apiKey);
    const session = await createSession(api, stream.streamId);
    const ids: Record<string, string> = {
      streamId: stream.streamId,
      sessionId: session.sessionId,
      challengeId: 'c1',
    };
    const withBody = operations.filter(({ op }) => op.requestBody !== undefined);
    expect(withBody.length).toBeGreaterThanOrEqual(7);
    for (const { path, method, op } of withBody) {
      const url = path.replace(/\{(\w+)\}/g, (_, name: string) => ids[name]!);
      const token = JSON.stringify(op.security).includes('sessionSecret')
        ? session.sessionSecret
        : apiKey;
      for (const body of [[], { unknownField: 1 }]) {
        const res = await api.request(method.toUpperCase(), url, { body, token });
        const what = `${method} ${path} ${JSON.stringify(body)}: ${JSON.stringify(res.body)}`;
        expect([res.status, res.body.error?.code], what).toEqual([400, 'VALIDATION_ERROR']);
        expect(res.body.error.message, what).toMatch(/^body\b/);
      }
    }
  });
});
