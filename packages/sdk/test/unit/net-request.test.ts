/**
 * The Node client's request/response calls over node:net, against real servers on loopback and on
 * a unix socket: node:http's own server (what Hearth's server is built on) and raw sockets for what
 * node:http would not send (split packets, broken answers). Each answer is checked against what
 * the client's node:http path (its SSE path) reads from the same server.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import { type AddressInfo, createServer as createNetServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Reply, RequestInit } from '../../src/client/http.js';
import { httpRequest } from '../../src/client/request.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-net-request-'));
});
after(() => rm(dir, { recursive: true, force: true }));

const servers: Server[] = [];
after(() => Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve)))));

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve).unref());
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const http = (handler: RequestListener) => listen(createServer(handler));

/** A server that writes `answer` (each string a separate write, a pause between them) to any request. */
const raw = (answer: readonly string[], onRequest?: (head: string) => void) =>
  listen(
    createNetServer((socket: Socket) => {
      let head = '';
      socket.on('data', async (chunk) => {
        head += chunk;
        if (!head.includes('\r\n\r\n')) return;
        onRequest?.(head);
        for (const part of answer) {
          socket.write(part);
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
        socket.end();
      });
      socket.on('error', () => undefined);
    }),
  );

const GET: RequestInit = { method: 'GET', headers: { accept: 'application/json' } };

async function seen(reply: Reply) {
  return {
    ok: reply.ok,
    status: reply.status,
    statusText: reply.statusText,
    contentType: reply.header('content-type'),
    cursor: reply.header('x-next-cursor'),
    missing: reply.header('x-missing'),
    text: await reply.text(),
  };
}

/** The same call through the client's node:http path (which its streams use). */
const overNodeHttp = (base: string, url: string, init: RequestInit) =>
  httpRequest(base, url, { ...init, headers: { ...init.headers, accept: 'text/event-stream' } });

describe('request/response calls over node:net', () => {
  it('read what node:http reads: status, headers, JSON, chunked and large bodies', async () => {
    const big = 'x'.repeat(3 * 1024 * 1024 + 17);
    const url = await http((req: IncomingMessage, res: ServerResponse) => {
      if (req.url === '/json') {
        res.writeHead(201, 'Made', { 'content-type': 'application/json', 'x-next-cursor': 'abc' });
        res.end('{"name":"ws","ünï":"cödé"}');
      } else if (req.url === '/chunked') {
        res.setHeader('content-type', 'text/plain');
        for (let i = 0; i < 50; i++) res.write(`line ${i}\n`);
        res.end();
      } else if (req.url === '/big-chunked') {
        res.write(big.slice(0, 1000));
        res.end(big.slice(1000));
      } else if (req.url === '/big') {
        res.setHeader('content-length', big.length);
        res.end(big);
      } else if (req.url === '/empty') {
        res.writeHead(204).end();
      } else {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"code":"not_found","message":"no"}');
      }
    });
    for (const path of ['/json', '/chunked', '/big-chunked', '/big', '/empty', '/nope']) {
      const got = await seen(await httpRequest(url, `${url}${path}?q=1`, GET));
      assert.deepEqual(got, await seen(await overNodeHttp(url, `${url}${path}?q=1`, GET)), path);
    }
    assert.equal((await seen(await httpRequest(url, `${url}/big`, GET))).text, big);
  });

  it('send the method, path, headers and body, one request per connection', async () => {
    const requests: { method?: string; url?: string; headers: IncomingMessage['headers']; body: string }[] =
      [];
    const url = await http(async (req, res) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      requests.push({ method: req.method, url: req.url, headers: req.headers, body });
      res.end('{}');
    });
    const body = JSON.stringify({ name: 'wörkspace' });
    await httpRequest(url, `${url}/api/v1/x?a=b%20c`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer t' },
      body,
    });
    await httpRequest(url, `${url}/none`, { method: 'POST', headers: {} });
    const [withBody, without] = requests;
    assert.equal(withBody?.method, 'POST');
    assert.equal(withBody?.url, '/api/v1/x?a=b%20c');
    assert.equal(withBody?.body, body);
    assert.equal(withBody?.headers['content-length'], String(Buffer.byteLength(body)));
    assert.equal(withBody?.headers.authorization, 'Bearer t');
    assert.equal(withBody?.headers.host, new URL(url).host);
    assert.equal(withBody?.headers.connection, 'close');
    assert.equal(without?.headers['content-length'], '0');
  });

  it('read an answer split across packets anywhere, and one framed by the end of the connection', async () => {
    const text = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{"a"\r\n3\r\n:1}\r\n0\r\n\r\n';
    const split = await raw(text.split(''));
    assert.equal(await (await httpRequest(split, `${split}/`, GET)).text(), '{"a":1}');
    const closed = await raw(['HTTP/1.1 200 OK\r\n\r\n', 'until ', 'the end']);
    assert.equal(await (await httpRequest(closed, `${closed}/`, GET)).text(), 'until the end');
  });

  it('over a unix socket, with Host: localhost', async () => {
    const socket = join(dir, 'hearth.sock');
    let host: string | undefined;
    const server = createServer((req, res) => {
      host = req.headers.host;
      res.end('{"via":"socket"}');
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    const reply = await httpRequest(`unix://${socket}`, 'http://localhost/api/v1/me', GET);
    assert.equal(await reply.text(), '{"via":"socket"}');
    assert.equal(host, 'localhost');
  });

  it('fail as node:http does: refused, closed before an answer, cut short, not HTTP', async () => {
    const closedPort = await listen(createNetServer());
    await new Promise((resolve) => servers.pop()?.close(resolve));
    await assert.rejects(httpRequest(closedPort, `${closedPort}/`, GET), { code: 'ECONNREFUSED' });
    await assert.rejects(httpRequest('unix:///nonexistent/hearth.sock', 'http://localhost/', GET), {
      code: 'ENOENT',
    });
    const hangUp = await raw([]);
    await assert.rejects(httpRequest(hangUp, `${hangUp}/`, GET), {
      message: 'socket hang up',
      code: 'ECONNRESET',
    });
    const cut = await raw(['HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n', 'short']);
    const reply = await httpRequest(cut, `${cut}/`, GET);
    await assert.rejects(reply.text(), { message: 'aborted', code: 'ECONNRESET' });
    const ssh = await raw(['SSH-2.0-OpenSSH_9.2\r\n\r\n']);
    await assert.rejects(httpRequest(ssh, `${ssh}/`, GET), { code: 'HPE_INVALID_CONSTANT' });
  });

  it('reject with an AbortError when the signal fires, before or while waiting', async () => {
    const url = await raw([]);
    const before = AbortSignal.abort();
    await assert.rejects(httpRequest(url, `${url}/`, { ...GET, signal: before }), { name: 'AbortError' });
    const never = await listen(createNetServer((s) => s.on('error', () => undefined)));
    const controller = new AbortController();
    const pending = httpRequest(never, `${never}/`, { ...GET, signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await assert.rejects(pending, { name: 'AbortError' });
  });
});
