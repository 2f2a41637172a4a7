/**
 * The SSH tunnel's upgrade on http: (net-upgrade.ts) against raw servers on loopback: what it
 * sends, the socket it hands over on a 101 (paused, with what followed the head read first), the
 * server's error for a refusal, the WebSocket tunnel for a server that knows only that one, and a
 * server that cannot be reached.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { HearthApiError } from '../../src/client/errors.js';
import { openSshTunnel } from '../../src/client/tunnel.js';

const servers: Server[] = [];
after(() => Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve)))));

/** A server that calls `answer` with each request's head and its socket; resolves with its base URL. */
async function serve(answer: (head: string, socket: Socket) => void): Promise<string> {
  const server = createServer((socket) => {
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      answer(head, socket);
    };
    socket.on('data', onData);
    socket.on('error', () => undefined);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve).unref());
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const credentials = (baseUrl: string) => ({ baseUrl, token: 'tok', userAgent: 'test/1' });
const SWITCHED = 'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: hearth-ssh\r\n\r\n';

/** The first `bytes` bytes read from `stream`. */
function read(stream: NodeJS.ReadableStream, bytes: number): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    const onData = (chunk: Buffer) => {
      got += chunk.toString();
      if (got.length < bytes) return;
      stream.off('data', onData);
      resolve(got);
    };
    stream.on('data', onData);
    // The raw tunnel comes paused: its reader resumes it (pipe, ssh2).
    stream.resume();
  });
}

describe('openSshTunnel over http', () => {
  it('asks for the raw tunnel with the credentials and hands over the switched socket, paused', async () => {
    let request = '';
    const base = await serve((head, socket) => {
      request = head;
      socket.write(SWITCHED);
      socket.on('data', (chunk) => socket.write(`echo:${chunk}`));
    });
    const tunnel = await openSshTunnel(credentials(base), 'me', 'api');
    assert.match(request, /^GET \/api\/v1\/users\/me\/workspaces\/api\/ssh HTTP\/1\.1\r\n/);
    assert.match(request, /\r\nauthorization: Bearer tok\r\n/);
    assert.match(request, /\r\nhost: 127\.0\.0\.1:\d+\r\n/);
    assert.match(request, /\r\nupgrade: hearth-ssh\r\nConnection: Upgrade\r\n\r\n$/);
    // Nothing is read before its new owner reads (ssh-fdpass.ts hands it over only so).
    assert.equal(tunnel.isPaused(), true);
    assert.equal(tunnel.readableLength, 0);
    tunnel.write('SSH-2.0-x\r\n');
    assert.equal(await read(tunnel, 16), 'echo:SSH-2.0-x\r\n');
    tunnel.destroy();
  });

  it('reads bytes that came with the head first', async () => {
    const base = await serve((_head, socket) => socket.write(`${SWITCHED}SSH-2.0-early\r\n`));
    const tunnel = await openSshTunnel(credentials(base), 'me', 'api');
    assert.equal(await read(tunnel, 15), 'SSH-2.0-early\r\n');
    tunnel.destroy();
  });

  it("rejects with the server's error for a refusal, however it is split", async () => {
    const body = JSON.stringify({
      code: 'workspace_stopped',
      message: 'workspace api is stopped',
      requestId: 'r',
    });
    const base = await serve((_head, socket) => {
      const answer = `HTTP/1.1 409 Conflict\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`;
      socket.write(answer.slice(0, 20));
      setTimeout(() => socket.end(answer.slice(20)), 5);
    });
    await assert.rejects(openSshTunnel(credentials(base), 'me', 'api'), (err: unknown) => {
      assert.ok(err instanceof HearthApiError);
      assert.equal(err.status, 409);
      assert.equal(err.code, 'workspace_stopped');
      return true;
    });
  });

  it('opens the WebSocket tunnel on a server that refuses the raw one with a bare 400', async () => {
    const heads: string[] = [];
    const base = await serve((head, socket) => {
      heads.push(head);
      const key = /sec-websocket-key: (\S+)/i.exec(head)?.[1];
      if (key === undefined) return void socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
      const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
      socket.write(
        `HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-accept: ${accept}\r\n\r\n`,
      );
      // One unmasked binary frame from the server.
      socket.write(Buffer.concat([Buffer.from([0x82, 5]), Buffer.from('hello')]));
    });
    const tunnel = await openSshTunnel(credentials(base), 'me', 'api');
    assert.equal(heads.length, 2);
    assert.match(heads[1] ?? '', /upgrade: websocket/i);
    assert.equal(await read(tunnel, 5), 'hello');
    tunnel.destroy();
  });

  it('says the server cannot be reached when nothing listens, or it hangs up without an answer', async () => {
    const gone = await serve(() => undefined);
    servers.pop()?.close();
    await new Promise((resolve) => setTimeout(resolve, 10));
    await assert.rejects(openSshTunnel(credentials(gone), 'me', 'api'), /cannot reach the Hearth server/);
    const hangsUp = await serve((_head, socket) => socket.destroy());
    await assert.rejects(
      openSshTunnel(credentials(hangsUp), 'me', 'api'),
      /cannot reach the Hearth server at .*: connection reset/,
    );
  });
});
