import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  errorFromResponse,
  HearthApiError,
  networkErrorCode,
  unreachableError,
} from '../../src/client/errors.js';
import { apiUrl } from '../../src/client/http.js';

describe('errorFromResponse', () => {
  it('uses the ErrorBody when there is one', () => {
    const body = JSON.stringify({ code: 'quota_exceeded', message: 'too much', detail: { limit: 4 } });
    const err = errorFromResponse(422, 'Unprocessable Entity', body);
    assert.ok(err instanceof HearthApiError);
    assert.deepEqual(
      [err.status, err.code, err.message, err.detail],
      [422, 'quota_exceeded', 'too much', { limit: 4 }],
    );
  });

  it('turns an HTML or empty body into a readable message', () => {
    const html = errorFromResponse(502, 'Bad Gateway', '<html>\n  <body>upstream down</body></html>');
    assert.equal(html.code, 'unexpected_response');
    assert.equal(
      html.message,
      'the server answered 502 Bad Gateway: <html> <body>upstream down</body></html>',
    );
    assert.equal(errorFromResponse(500, '', '').message, 'the server answered 500');
  });

  it('does not mistake JSON without code/message for an ErrorBody', () => {
    assert.equal(errorFromResponse(400, 'Bad Request', '{"error":"x"}').code, 'unexpected_response');
  });
});

describe('unreachableError', () => {
  it('names the URL, the reason and what to check', () => {
    const cause = new TypeError('fetch failed', {
      cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }),
    });
    const err = unreachableError('http://127.0.0.1:7080', cause);
    assert.equal(err.code, 'server_unreachable');
    assert.equal(err.status, 0);
    assert.equal(
      err.message,
      'cannot reach the Hearth server at http://127.0.0.1:7080: connection refused. Is `hearth server` running?',
    );
  });

  it('finds the code inside an AggregateError (localhost over IPv4 and IPv6)', () => {
    const agg = new AggregateError([Object.assign(new Error('a'), { code: 'ECONNREFUSED' })], 'x');
    assert.equal(networkErrorCode(new TypeError('fetch failed', { cause: agg })), 'ECONNREFUSED');
  });

  it('falls back to the error message for unknown failures', () => {
    assert.match(unreachableError('http://h', new Error('weird')).message, /http:\/\/h: weird\./);
  });
});

describe('apiUrl', () => {
  it('joins base, prefix, path and the defined query values', () => {
    assert.equal(
      apiUrl('http://h:7080/', '/workspaces', { org: 'default', owner: undefined }),
      'http://h:7080/api/v1/workspaces?org=default',
    );
  });
});
