import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toRuntimeError } from '../../../src/runtime/docker/errors.js';
import { RuntimeError } from '../../../src/runtime/runtime.js';

/** An error shaped like dockerode's for an engine answer with `statusCode`. */
function engineError(statusCode: number, message: string): Error {
  return Object.assign(new Error(`(HTTP code ${statusCode}) unexpected - ${message}`), {
    statusCode,
    json: { message },
  });
}

describe('toRuntimeError', () => {
  it("prefixes the engine's own message with the context", () => {
    const err = toRuntimeError('create container ws-1', engineError(500, 'boom'));
    assert.equal(err.message, 'create container ws-1: boom');
    assert.equal(err.code, 'engine_error');
    assert.ok(err.cause instanceof Error);
  });

  it("drops dockerode's prefix when a streaming call left no JSON body", () => {
    const pull = Object.assign(new Error('(HTTP code 500) server error - Get "http://r/v2/": refused '), {
      statusCode: 500,
      json: null,
    });
    assert.equal(
      toRuntimeError('pull image r/x', pull).message,
      'pull image r/x: Get "http://r/v2/": refused',
    );
  });

  it('gives a 404 the code the caller chose', () => {
    assert.equal(toRuntimeError('x', engineError(404, 'no such image')).code, 'engine_error');
    assert.equal(
      toRuntimeError('x', engineError(404, 'no such image'), 'image_not_found').code,
      'image_not_found',
    );
  });

  it('tells "not running" conflicts from other conflicts', () => {
    const stopped = engineError(409, 'Container abc is not running');
    assert.equal(toRuntimeError('x', stopped).code, 'container_not_running');
    assert.equal(toRuntimeError('x', engineError(409, 'name already in use')).code, 'engine_error');
  });

  it('reads socket failures as an unreachable engine', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED /var/run/docker.sock'), {
      code: 'ECONNREFUSED',
    });
    assert.equal(toRuntimeError('x', refused).code, 'engine_unreachable');
  });

  it('passes RuntimeErrors through unchanged', () => {
    const original = new RuntimeError('container_not_found', 'inner: gone');
    assert.equal(toRuntimeError('outer', original), original);
  });
});
