/**
 * The SSH tunnel's stream over a real WebSocket on loopback: writes made in one turn of the event
 * loop reach the client as one frame, in order, and ending sends what was gathered before the close.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { WebSocket, WebSocketServer } from 'ws';
import { tunnelStream } from '../../../src/http/tunnel-stream.js';

describe('tunnelStream', () => {
  let wss: WebSocketServer;
  let port: number;
  before(async () => {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => wss.once('listening', resolve));
    port = (wss.address() as AddressInfo).port;
  });
  after(() => new Promise((resolve) => wss.close(resolve)));

  /** Connects a client; `serve` gets the server side's stream. Resolves with the frames received until close. */
  async function frames(serve: (stream: ReturnType<typeof tunnelStream>) => void): Promise<Buffer[]> {
    wss.once('connection', (ws) => serve(tunnelStream(ws)));
    const client = new WebSocket(`ws://127.0.0.1:${port}`);
    const got: Buffer[] = [];
    client.on('message', (data: Buffer) => got.push(data));
    await new Promise((resolve) => client.once('close', resolve));
    return got;
  }

  it('sends what is written in one turn as one frame, in order, before the close', async () => {
    const packets = Array.from({ length: 20 }, () => randomBytes(32 * 1024));
    const got = await frames((stream) => {
      for (const p of packets) stream.write(p);
      stream.end();
    });
    assert.equal(got.length, 1);
    assert.deepEqual(Buffer.concat(got), Buffer.concat(packets));
  });

  it('keeps turns apart and loses nothing when more is written than it gathers', async () => {
    const first = randomBytes(3 * 1024 * 1024);
    const later = randomBytes(1000);
    const got = await frames((stream) => {
      stream.write(first);
      setTimeout(() => {
        stream.write(later);
        stream.end();
      }, 20);
    });
    assert.deepEqual(Buffer.concat(got), Buffer.concat([first, later]));
    assert.equal(got.length, 2);
  });
});
