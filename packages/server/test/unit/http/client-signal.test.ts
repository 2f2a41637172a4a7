// Tests src/http/client-signal.ts on a real loopback socket: the signal aborts when the client
// closes its connection before the answer, and not when the answer was sent.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { clientSignal } from '../../../src/http/client-signal.js';

describe('clientSignal', () => {
  let app: FastifyInstance;
  let port: number;
  const seen: { signal: AbortSignal; answered: () => void }[] = [];
  const handled: (() => void)[] = [];

  before(async () => {
    app = Fastify();
    // Answers once the test says so, like a list that takes a while to build.
    app.get('/slow', async (request, reply) => {
      const signal = clientSignal(request, reply);
      await new Promise<void>((answered) => {
        seen.push({ signal, answered });
        handled.shift()?.();
      });
      return { aborted: signal.aborted };
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as { port: number }).port;
  });
  after(() => app.close());

  const handledOnce = () => new Promise<void>((resolve) => handled.push(resolve));

  it('given a client that closes its socket before the answer, aborts the signal', async () => {
    const inHandler = handledOnce();
    const socket = connect(port, '127.0.0.1', () => {
      socket.write('GET /slow HTTP/1.1\r\nHost: localhost\r\n\r\n');
    });
    await inHandler;
    const { signal, answered } = seen.at(-1)!;
    assert.equal(signal.aborted, false, 'the client is still there');
    const aborted = new Promise((resolve) => signal.addEventListener('abort', resolve));
    socket.destroy();
    await aborted;
    assert.equal(signal.aborted, true);
    answered();
  });

  it('given a client that reads its answer, never aborts', async () => {
    const inHandler = handledOnce();
    const answer = fetch(`http://127.0.0.1:${port}/slow`).then((r) => r.json());
    await inHandler;
    const { signal, answered } = seen.at(-1)!;
    answered();
    assert.deepEqual(await answer, { aborted: false });
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(signal.aborted, false, 'an answered request is not a gone client');
  });
});
