import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HttpParseError, MAX_HEAD_BYTES, ResponseReader, requestHead } from '../../src/client/http1.js';

/** Reads `bytes` fed in pieces of `size` (then the end of the connection when `close`). */
function read(bytes: Buffer | string, size = Number.POSITIVE_INFINITY, method = 'GET', close = false) {
  const all = Buffer.from(bytes);
  const reader = new ResponseReader(method);
  for (let at = 0; at < all.length; at += size) reader.push(all.subarray(at, at + size));
  if (close) reader.end();
  return reader;
}

const CHUNKED =
  'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n' +
  '5\r\n{"a":\r\n1b;ext=1\r\n"bcdefghijklmnopqrstuvwxyz"\r\n1\r\n}\r\n0\r\nX-Trailer: t\r\n\r\n';

describe('requestHead', () => {
  it('writes the request line, the headers, a length and Connection: close', () => {
    assert.equal(
      requestHead('POST', '/api/v1/x?a=1', { accept: 'application/json', host: 'h:1' }, 7),
      'POST /api/v1/x?a=1 HTTP/1.1\r\naccept: application/json\r\nhost: h:1\r\nContent-Length: 7\r\nConnection: close\r\n\r\n',
    );
  });

  it('sends Content-Length: 0 for a POST without a body (as node:http), none for a GET', () => {
    assert.match(requestHead('POST', '/', {}, undefined), /Content-Length: 0\r\n/);
    assert.doesNotMatch(requestHead('GET', '/', {}, undefined), /Content-Length/);
    assert.doesNotMatch(requestHead('DELETE', '/', {}, undefined), /Content-Length/);
  });

  it('refuses a header value with a line break, as node:http does', () => {
    assert.throws(() => requestHead('GET', '/', { authorization: 'Bearer a\r\nx-evil: 1' }, undefined), {
      name: 'TypeError',
      code: 'ERR_INVALID_CHAR',
      message: 'Invalid character in header content ["authorization"]',
    });
    assert.throws(() => requestHead('GET', '/', { 'bad name': 'x' }, undefined), {
      code: 'ERR_INVALID_HTTP_TOKEN',
    });
  });
});

describe('ResponseReader', () => {
  it('reads a Content-Length body in any chunking, one byte at a time too', () => {
    const text = 'HTTP/1.1 201 Created\r\nContent-Length: 11\r\nX-Next-Cursor: c1\r\n\r\n{"ok":true}';
    for (const size of [1, 2, 3, 7, 60, 1000]) {
      const r = read(text, size);
      assert.equal(r.done, true, `size ${size}`);
      assert.deepEqual(r.head, {
        status: 201,
        statusText: 'Created',
        headers: new Map([
          ['content-length', '11'],
          ['x-next-cursor', 'c1'],
        ]),
        rawHeaders: ['Content-Length', '11', 'X-Next-Cursor', 'c1'],
        sized: true,
      });
      assert.equal(r.body().toString(), '{"ok":true}');
    }
  });

  it('has the head before the body has come, and is done only when it has', () => {
    const r = read('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nab');
    assert.equal(r.head?.status, 200);
    assert.equal(r.done, false);
    r.push(Buffer.from('cd'));
    assert.equal(r.done, true);
    assert.equal(r.body().toString(), 'abcd');
  });

  it('decodes chunked bodies with extensions and trailers, split anywhere', () => {
    for (let size = 1; size <= CHUNKED.length; size++) {
      const r = read(CHUNKED, size);
      assert.equal(r.done, true, `size ${size}`);
      assert.equal(r.body().toString(), '{"a":"bcdefghijklmnopqrstuvwxyz"}', `size ${size}`);
    }
  });

  it('reads to the end of the connection when nothing frames the body', () => {
    const r = read('HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it', 4);
    assert.equal(r.done, false);
    r.end();
    assert.equal(r.done, true);
    assert.equal(r.body().toString(), 'all of it');
  });

  it('has no body for 204, 304 and HEAD, whatever the headers say', () => {
    assert.equal(read('HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n').done, true);
    assert.equal(read('HTTP/1.1 304 Not Modified\r\n\r\n').done, true);
    const head = read('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n', 100, 'HEAD');
    assert.equal(head.done, true);
    assert.equal(head.body().length, 0);
  });

  it('skips an interim 100 Continue and an empty status text', () => {
    const r = read('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200\r\nContent-Length: 0\r\n\r\n', 5);
    assert.equal(r.head?.status, 200);
    assert.equal(r.head?.statusText, '');
    assert.equal(r.done, true);
  });

  it('joins a repeated header with commas, and lowercases names', () => {
    const r = read('HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nset-cookie:b=2 \r\nContent-Length: 0\r\n\r\n');
    assert.equal(r.head?.headers.get('set-cookie'), 'a=1, b=2');
    // As sent, for a proxy: a repeated Set-Cookie must stay two headers.
    assert.deepEqual(r.head?.rawHeaders, ['Set-Cookie', 'a=1', 'set-cookie', 'b=2', 'Content-Length', '0']);
  });

  it('streams to a sink: the head first, then the body as it comes, decoded, nothing held', () => {
    const seen: string[] = [];
    const reader = new ResponseReader('GET', {
      head: (h) => seen.push(`head ${h.status} sized=${h.sized}`),
      body: (chunk) => seen.push(chunk.toString()),
    });
    const all = Buffer.from(CHUNKED);
    for (let at = 0; at < all.length; at += 40) reader.push(all.subarray(at, at + 40));
    assert.equal(reader.done, true);
    assert.equal(seen[0], 'head 200 sized=false');
    assert.equal(seen.slice(1).join(''), '{"a":"bcdefghijklmnopqrstuvwxyz"}');
    assert.equal(reader.body().length, 0);
  });

  it('says whether the connection may carry another request once the response is done', () => {
    const reusable = (text: string, close = false) => read(text, 100, 'GET', close).reusable;
    assert.equal(reusable('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'), true);
    assert.equal(reusable(CHUNKED), true);
    assert.equal(reusable('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\no'), false, 'not done yet');
    assert.equal(reusable('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok'), false);
    // Connection's options are case-insensitive and may be listed, or repeated (then joined).
    assert.equal(reusable('HTTP/1.1 200 OK\r\nConnection: Close\r\nContent-Length: 2\r\n\r\nok'), false);
    assert.equal(
      reusable('HTTP/1.1 200 OK\r\nConnection: keep-alive, close\r\nContent-Length: 2\r\n\r\nok'),
      false,
    );
    assert.equal(
      reusable(
        'HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nconnection: close\r\nContent-Length: 2\r\n\r\nok',
      ),
      false,
    );
    assert.equal(reusable('HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok'), true);
    assert.equal(reusable('HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok'), false);
    assert.equal(reusable('HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nok'), true);
    assert.equal(reusable('HTTP/1.1 200 OK\r\n\r\nto the end', true), false, 'framed by the close');
    assert.equal(reusable('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA'), false, 'bytes beyond it');
  });

  it('reports a body cut short, and a connection closed before any answer, as node does', () => {
    assert.throws(() => read('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc', 100, 'GET', true), {
      message: 'aborted',
      code: 'ECONNRESET',
    });
    assert.throws(() => read(CHUNKED.slice(0, 90), 100, 'GET', true), { message: 'aborted' });
    assert.throws(() => read('HTTP/1.1 200 OK\r\n', 100, 'GET', true), {
      message: 'socket hang up',
      code: 'ECONNRESET',
    });
  });

  it('refuses what is not HTTP/1.x, bad framing and a head over the limit', () => {
    const bad = (text: string, code: string) =>
      assert.throws(
        () => read(text),
        (err) =>
          err instanceof HttpParseError && err.code === code && err.message.startsWith('Parse Error: '),
        code,
      );
    bad('SSH-2.0-OpenSSH_9.2\r\n\r\n', 'HPE_INVALID_CONSTANT');
    bad('HTTP/1.1 200 OK\r\nno colon\r\n\r\n', 'HPE_INVALID_HEADER_TOKEN');
    // A line without a colon is bad even when a later line has one.
    bad('HTTP/1.1 200 OK\r\nnocolon\r\nX-Later: y\r\n\r\n', 'HPE_INVALID_HEADER_TOKEN');
    bad('HTTP/1.1 200 OK\r\n: no name\r\n\r\n', 'HPE_INVALID_HEADER_TOKEN');
    bad('HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n', 'HPE_INVALID_CONTENT_LENGTH');
    bad('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 'HPE_INVALID_CHUNK_SIZE');
    bad('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabXY', 'HPE_STRICT');
    bad(`HTTP/1.1 200 OK\r\nX: ${'x'.repeat(MAX_HEAD_BYTES)}`, 'HPE_HEADER_OVERFLOW');
  });
});
