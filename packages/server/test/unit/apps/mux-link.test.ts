/**
 * The multiplexing forwarder end to end, without an engine: the real in-workspace program (the
 * command Hearth runs in workspaces, here on this Node) as a child process, the server's MuxLink
 * over its stdio, and real TCP servers on this machine's loopback. Many streams over one process,
 * IPv6-only servers, refused ports, half-close, per-stream backpressure, a lost forwarder.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { muxCodec } from '../../../src/apps/mux-codec.js';
import { MuxLink, type MuxStream } from '../../../src/apps/mux-link.js';
import { muxForwarderCommand } from '../../../src/apps/mux-remote.js';
import type { ExecSession } from '../../../src/runtime/runtime.js';

/** The forwarder's command as a local process, shaped as an exec session. */
function forwarder(): ExecSession & { pid: number } {
  const [, ...args] = muxForwarderCommand();
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const exit = new Promise<number>((resolve) =>
    child.once('close', (code, signal) => resolve(code ?? (signal ? 137 : 0))),
  );
  return {
    pid: child.pid!,
    stdin: child.stdin,
    stdout: child.stdout,
    stderr: child.stderr,
    exit,
    resize: async () => {},
    close: () => child.kill('SIGKILL'),
  };
}

const servers: Server[] = [];
async function listen(host: string, onSocket: (s: Socket) => void): Promise<number> {
  const server = createServer({ allowHalfOpen: true }, onSocket);
  servers.push(server);
  server.listen(0, host);
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}
const echo = (s: Socket) => s.pipe(s);

async function readAll(stream: MuxStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
}

describe('the multiplexing forwarder', () => {
  const links: MuxLink[] = [];
  const start = async (proc: ExecSession = forwarder()) => {
    const link = await MuxLink.start(proc);
    links.push(link);
    return link;
  };
  after(() => {
    for (const l of links) l.close();
    for (const s of servers) s.close();
  });

  it('carries many streams over one process, each its own bytes, in both directions', async () => {
    const port = await listen('127.0.0.1', echo);
    const link = await start();
    const answers = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const stream = await link.open(port);
        stream.end(`stream ${i} `.repeat(1000));
        return readAll(stream);
      }),
    );
    assert.deepEqual(
      answers,
      answers.map((_, i) => `stream ${i} `.repeat(1000)),
    );
  });

  it('reaches a server that listens only on ::1', async () => {
    const port = await listen('::1', (s) => s.end('from ipv6'));
    const link = await start();
    assert.equal(await readAll(await link.open(port)), 'from ipv6');
  });

  it('says why a port cannot be reached, and the link stays usable', async () => {
    const closed = await listen('127.0.0.1', echo);
    servers.pop()!.close();
    await new Promise((r) => setTimeout(r, 50));
    const link = await start();
    await assert.rejects(link.open(closed), /ECONNREFUSED 127\.0\.0\.1/);
    const port = await listen('127.0.0.1', echo);
    const stream = await link.open(port);
    stream.end('still here');
    assert.equal(await readAll(stream), 'still here');
  });

  it('passes a half-close on: the server sees the end of the request and still answers', async () => {
    const port = await listen('127.0.0.1', (s) => {
      let got = '';
      s.on('data', (c) => {
        got += c;
      });
      s.on('end', () => s.end(`got ${got.length} bytes`));
    });
    const link = await start();
    const stream = await link.open(port);
    stream.end('x'.repeat(300_000));
    assert.equal(await readAll(stream), 'got 300000 bytes');
  });

  it('passes an upload many windows big to an app that reads slowly, every byte, as credit comes back', async () => {
    const size = 8 * 2 ** 20;
    const port = await listen('127.0.0.1', (s) => {
      let got = 0;
      // Reads in bursts: the forwarder's socket backs up and drains again and again.
      s.on('data', (c: Buffer) => {
        got += c.length;
        s.pause();
        setTimeout(() => s.resume(), 1);
      });
      s.on('end', () => s.end(`got ${got} bytes`));
    });
    const link = await start();
    const stream = await link.open(port);
    stream.end(Buffer.alloc(size, 3));
    assert.equal(await readAll(stream), `got ${size} bytes`);
  });

  it('sends one write bigger than a frame may carry (16 MiB) as many frames, and the link lives on', async () => {
    const size = 20 * 2 ** 20;
    const port = await listen('127.0.0.1', (s) => {
      let got = 0;
      s.on('data', (c: Buffer) => {
        got += c.length;
      });
      s.on('end', () => s.end(`got ${got} bytes`));
    });
    const link = await start();
    const stream = await link.open(port);
    stream.end(Buffer.alloc(size, 5));
    assert.equal(await readAll(stream), `got ${size} bytes`);
    const next = await link.open(port);
    next.end('x');
    assert.equal(await readAll(next), 'got 1 bytes');
  });

  it('holds a fast sender back while its reader does not read, per stream, and loses no byte', async () => {
    const size = 64 * 2 ** 20;
    let sent = 0;
    const port = await listen('127.0.0.1', (s) => {
      const chunk = Buffer.alloc(64 * 1024, 7);
      const pump = () => {
        while (sent < size) {
          sent += chunk.length;
          if (!s.write(chunk)) return void s.once('drain', pump);
        }
        s.end();
      };
      pump();
    });
    const link = await start();
    const slow = await link.open(port);
    slow.pause();
    await new Promise((r) => setTimeout(r, 1500));
    // Bounded by the window plus the kernel's and the streams' buffers, nowhere near the 64 MiB.
    assert.ok(sent < 16 * 2 ** 20, `the sender got ${sent} bytes out while nobody read`);
    // Meanwhile another stream on the same link is not held up.
    const other = await link.open(await listen('127.0.0.1', echo));
    other.end('unblocked');
    assert.equal(await readAll(other), 'unblocked');
    let received = 0;
    slow.on('data', (c: Buffer) => {
      received += c.length;
    });
    slow.resume();
    await once(slow, 'end');
    assert.equal(received, size);
  });

  it('stops taking writes when the forwarder stops reading, whatever credit it grants', async () => {
    // A worker that opens every stream, grants a gigabyte of credit, and never reads again.
    const worker = `const c = (${muxCodec})();
      const send = c.outbox((b) => process.stdout.write(b));
      send(c.T.hello, 0, Buffer.from([c.VERSION]));
      setInterval(() => {}, 1000);
      process.stdin.on('data', c.reader((type, id) => {
        if (type !== c.T.open) return;
        send(c.T.opened, id);
        send(c.T.credit, id, c.u32(2 ** 30));
        process.stdin.pause();
      }));`;
    const child = spawn(process.execPath, ['-e', worker], { stdio: 'pipe' });
    const exit = new Promise<number>((resolve) => child.once('close', (code) => resolve(code ?? 1)));
    const link = await start({
      stdin: child.stdin,
      stdout: child.stdout,
      stderr: child.stderr,
      exit,
      resize: async () => {},
      close: () => child.kill('SIGKILL'),
    });
    const stream = await link.open(1);
    const chunk = Buffer.alloc(64 * 1024);
    let accepted = 0;
    const pump = () => {
      while (accepted < 256 * 2 ** 20) {
        accepted += chunk.length;
        if (!stream.write(chunk)) return void stream.once('drain', pump);
      }
    };
    pump();
    await new Promise((r) => setTimeout(r, 1500));
    assert.ok(accepted < 32 * 2 ** 20, `${accepted} bytes were taken in for a worker that reads nothing`);
    stream.destroy();
  });

  it('ends its streams with an error when the forwarder is lost, and refuses new ones', async () => {
    const port = await listen('127.0.0.1', () => {});
    const proc = forwarder();
    const link = await start(proc);
    const stream = await link.open(port);
    let lostWith: Error | undefined;
    stream.on('error', (error) => {
      lostWith = error;
    });
    const ended = new Promise((resolve) => stream.once('close', resolve));
    process.kill(proc.pid, 'SIGKILL');
    await ended;
    assert.match(String(lostWith), /forwarder ended/);
    assert.equal(link.usable, false);
    await assert.rejects(link.open(port), /forwarder/);
  });

  it('fails to start, saying why, where the forwarder cannot run', async () => {
    const child = spawn('sh', ['-c', 'echo "node: not found" >&2; exit 127'], { stdio: 'pipe' });
    const exit = new Promise<number>((resolve) => child.once('close', (code) => resolve(code ?? 1)));
    await assert.rejects(
      MuxLink.start({
        stdin: child.stdin,
        stdout: child.stdout,
        stderr: child.stderr,
        exit,
        resize: async () => {},
        close: () => child.kill(),
      }),
      /exited 127: node: not found/,
    );
  });
});
