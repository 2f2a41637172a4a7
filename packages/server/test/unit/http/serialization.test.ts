import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Build, Workspace } from '@hearth/sdk';
import { Type } from '@sinclair/typebox';
import { forSerialization, serializerCompiler } from '../../../src/http/serialization.js';

/** Every key path in `schema` (array indexes included), to look for keywords at any depth. */
function keyPaths(schema: unknown, path = ''): string[] {
  if (schema === null || typeof schema !== 'object') return [];
  return Object.entries(schema).flatMap(([key, value]) => [
    `${path}/${key}`,
    ...keyPaths(value, `${path}/${key}`),
  ]);
}

const at = '2026-12-01T10:00:00.000Z';
const build = {
  number: 2,
  status: 'succeeded',
  reason: 'rebuild',
  initiator: 'ada',
  imageRef: 'hearth-demo:latest',
  imageDigest: null,
  resources: { cpu: 0.5, memory: 1024, disk: 2048, gpus: 0 },
  stages: [{ name: 'pull', status: 'succeeded', durationMs: null, error: 'a "quoted" note' }],
  queuePosition: null,
  replica: null,
  error: null,
  warnings: ['w'],
  queuedAt: at,
  startedAt: at,
  finishedAt: null,
  durationMs: 120,
};

const serialize = (schema: unknown) =>
  serializerCompiler({ schema, method: 'GET', url: '/x', httpStatus: '200' } as never);

describe('response serialization', () => {
  it('given the workspace schema, when simplified for serialization, then it has no format and no union left, and the route schema is unchanged', () => {
    const before = JSON.stringify(Workspace);
    const simple = forSerialization(Workspace);
    assert.equal(JSON.stringify(Workspace), before);
    const paths = keyPaths(simple);
    assert.deepEqual(
      paths.filter((p) => /\/(format|anyOf|oneOf)$/.test(p)),
      [],
    );
    assert.ok(paths.includes('/properties/lastBuild/nullable'));
    assert.ok(paths.includes('/properties/lastBuild/properties/startedAt/nullable'));
    assert.ok(keyPaths(Workspace).some((p) => p.endsWith('/format')));
  });

  it('given a build, with or without nulls, when serialized, then the JSON is what JSON.stringify writes', () => {
    const toJson = serialize(Type.Array(Type.Union([Build, Type.Null()])));
    const values = [
      build,
      null,
      { ...build, status: 'failed', error: 'boom', finishedAt: at, imageDigest: 'sha256:x' },
    ];
    assert.equal(toJson(values), JSON.stringify(values));
  });

  it('given a Date where a timestamp goes, when serialized, then it is written as ISO-8601', () => {
    const toJson = serialize(Type.Object({ at: Type.String({ format: 'date-time' }) }));
    assert.equal(toJson({ at: new Date(at) }), JSON.stringify({ at }));
  });

  it('given a union of two objects, when simplified, then it stays a union, simplified inside, and picks the branch that fits', () => {
    const schema = Type.Union([
      Type.Object({ kind: Type.Literal('a'), at: Type.String({ format: 'date-time' }) }),
      Type.Object({ kind: Type.Literal('b'), count: Type.Integer() }),
    ]);
    const simple = forSerialization(schema) as { anyOf: unknown[] };
    assert.equal(simple.anyOf.length, 2);
    assert.deepEqual(
      keyPaths(simple).filter((p) => p.endsWith('/format')),
      [],
    );
    const toJson = serialize(Type.Array(schema));
    const values = [
      { kind: 'b', count: 3 },
      { kind: 'a', at },
    ];
    assert.equal(toJson(values), JSON.stringify(values));
  });

  it('given a property named like a keyword, when simplified, then the property is kept', () => {
    const schema = Type.Object({ format: Type.String(), anyOf: Type.Integer() });
    const toJson = serialize(schema);
    assert.equal(toJson({ format: 'tar', anyOf: 1 }), '{"format":"tar","anyOf":1}');
  });
});
