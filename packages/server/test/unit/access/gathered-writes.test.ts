import assert from 'node:assert/strict';
import { once } from 'node:events';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { gatherWrites } from '../../../src/access/gathered-writes.js';

describe('gatherWrites', () => {
  const server = createServer((peer) => peer.resume());
  let port: number;
  before(async () => {
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });
  after(() => server.close());

  /** A connected loopback socket whose calls into the kernel are counted: single writes and writevs. */
  async function counted(): Promise<{ socket: Socket; calls: string[] }> {
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    const calls: string[] = [];
    const internals = socket as unknown as Record<'_write' | '_writev', (...args: unknown[]) => void>;
    for (const name of ['_write', '_writev'] as const) {
      const original = internals[name].bind(socket);
      internals[name] = (...args: unknown[]) => {
        calls.push(name);
        original(...args);
      };
    }
    return { socket, calls };
  }

  it('sends what is written during one turn of the event loop as one writev, in order', async () => {
    const { socket, calls } = await counted();
    try {
      gatherWrites(socket);
      for (const part of ['a', 'b', 'c']) assert.equal(socket.write(Buffer.from(part)), true);
      await nextTurn();
      await nextTurn();
      assert.deepEqual(calls, ['_writev']);
      socket.write(Buffer.from('d'));
      await nextTurn();
      await nextTurn();
      assert.deepEqual(calls, ['_writev', '_write']);
    } finally {
      socket.destroy();
    }
  });

  it('is what makes the difference: without it, each write is its own call', async () => {
    const { socket, calls } = await counted();
    try {
      for (const part of ['a', 'b', 'c']) socket.write(Buffer.from(part));
      await nextTurn();
      assert.equal(calls[0], '_write');
      assert.ok(calls.length >= 2, calls.join());
    } finally {
      socket.destroy();
    }
  });
});
