/**
 * The pass-through exchange against a fake app on loopback: the request head and body as the app
 * receives them, the app's answer as the browser receives it (whatever its framing), and which
 * upstream connections the pool keeps for the next request.
 */
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import { connect, createServer as createTcpServer, type Socket, type Server as TcpServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { exchange } from '../../../src/apps/app-exchange.js';
import { UpstreamPool } from '../../../src/apps/upstream-pool.js';

/** A fake app: each connection gets `answer(requestBytes)` once a whole request head (and body) came. */
let answer: (request: string, socket: Socket) => void = () => {};
const received: string[] = [];
let connections = 0;
let app: TcpServer;
let proxy: Server;
let pool: UpstreamPool;
let proxyPort = 0;

const listen = (server: Server | TcpServer) =>
  new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );

/** A complete request in `text`: its head, and its body by Content-Length or to a last chunk. */
const complete = (text: string) => {
  const end = text.indexOf('\r\n\r\n');
  if (end === -1) return false;
  const head = text.slice(0, end).toLowerCase();
  const length = /content-length: (\d+)/.exec(head);
  if (length) return text.length - end - 4 >= Number(length[1]);
  if (head.includes('transfer-encoding: chunked')) return text.endsWith('0\r\n\r\n');
  return true;
};

before(async () => {
  app = createTcpServer((socket) => {
    connections++;
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1');
      if (!complete(text)) return;
      received.push(text);
      const request = text;
      text = '';
      answer(request, socket);
    });
    socket.on('error', () => {});
  });
  const appPort = await listen(app);
  pool = new UpstreamPool(
    () =>
      new Promise((resolve, reject) => {
        const s = connect(appPort, '127.0.0.1', () => resolve(s));
        s.once('error', reject);
      }),
  );
  // As the app proxy does: its own header list (here Host, and the browser's Content-Length).
  proxy = createServer((req, res) => {
    const length = req.headers['content-length'];
    const headers = ['host', 'app.test', ...(length ? ['content-length', length] : [])];
    exchange(pool, req, res, headers, (error) => {
      res.writeHead(502);
      res.end(`failed: ${error.message}`);
    });
  });
  proxyPort = await listen(proxy);
});

after(() => {
  pool.close();
  proxy.close();
  app.close();
});

/** One request to the proxy on a connection of its own; resolves with what the browser sees. */
function browse(
  options: { method?: string; path?: string; headers?: Record<string, string>; body?: string[] } = {},
) {
  return new Promise<{ status: number; raw: string[]; body: string }>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: proxyPort,
        method: options.method ?? 'GET',
        path: options.path ?? '/',
        headers: options.headers,
        agent: false,
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => {
          body += c.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode!, raw: res.rawHeaders, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    for (const piece of options.body ?? []) req.write(piece);
    req.end();
  });
}

describe('exchange (the app proxy pass-through)', () => {
  it('sends the head as given and a length-framed body, and relays a sized answer', async () => {
    answer = (_r, s) => s.write('HTTP/1.1 201 Made\r\nContent-Length: 2\r\nX-App: 1\r\n\r\nok');
    received.length = 0;
    const out = await browse({
      method: 'POST',
      path: '/x?y=1',
      headers: { 'content-length': '5' },
      body: ['hello'],
    });
    assert.equal(out.status, 201);
    assert.equal(out.body, 'ok');
    assert.ok(out.raw.includes('X-App'));
    assert.equal(received[0], 'POST /x?y=1 HTTP/1.1\r\nhost: app.test\r\ncontent-length: 5\r\n\r\nhello');
  });

  it('frames a chunked upload afresh, and relays a chunked answer and repeated Set-Cookie as sent', async () => {
    answer = (_r, s) =>
      s.write(
        'HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nTransfer-Encoding: chunked\r\nContent-Length: 99\r\nConnection: keep-alive\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n',
      );
    received.length = 0;
    const out = await browse({ method: 'PUT', body: ['one', 'two'] });
    assert.equal(out.body, 'abcde');
    const names = out.raw.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
    assert.deepEqual(
      names.filter((n) => n === 'set-cookie'),
      ['set-cookie', 'set-cookie'],
    );
    assert.ok(!names.includes('content-length'), 'a length beside a transfer coding is dropped');
    assert.ok(!names.includes('keep-alive') && names.filter((n) => n === 'connection').length === 1);
    assert.match(received[0]!, /^PUT \/ HTTP\/1\.1\r\n.*transfer-encoding: chunked\r\n\r\n/s);
    assert.equal(
      received[0]!.slice(received[0]!.indexOf('\r\n\r\n') + 4).replace(/\r\n/g, '|'),
      '3|one|3|two|0||',
    );
  });

  it('reuses the connection after a keep-alive answer, and not after one that says close', async () => {
    // A HEAD answer has no body: the byte after its head would be one nobody asked for.
    answer = (r, s) =>
      s.write(`HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n${r.startsWith('HEAD') ? '' : '1'}`);
    await browse();
    const before = connections;
    await browse();
    await browse({ method: 'HEAD' });
    assert.equal(connections, before, 'the same pooled connection carried both');
    answer = (_r, s) => s.end('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\n1');
    await browse();
    answer = (_r, s) => s.write('HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1');
    await browse();
    assert.equal(connections, before + 1, 'a new connection after the app closed its own');
  });

  it('relays an answer framed by the end of the connection', async () => {
    answer = (_r, s) => s.end('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end');
    const out = await browse();
    assert.equal(out.body, 'until the end');
  });

  it('answers through `failed` when the app closes before its head, and cuts a body short after it', async () => {
    answer = (_r, s) => s.destroy();
    const out = await browse();
    assert.equal(out.status, 502);
    assert.match(out.body, /^failed: /);
    answer = (_r, s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc');
    await assert.rejects(browse(), /aborted|socket hang up|ECONNRESET/);
  });

  it('refuses an answer that is not HTTP', async () => {
    answer = (_r, s) => s.write('SSH-2.0-OpenSSH_9.2\r\n\r\n');
    const out = await browse();
    assert.equal(out.status, 502);
    assert.match(out.body, /Parse Error/);
  });
});
