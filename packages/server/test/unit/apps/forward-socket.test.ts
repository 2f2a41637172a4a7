/**
 * ForwardSocket's idle timeout as the HTTP agent drives it: for every keep-alive request it turns
 * the timeout off and sets it again, which must neither lose the timeout nor fire it early.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ForwardSocket } from '../../../src/apps/forward-socket.js';

class Socket extends ForwardSocket {
  timeouts = 0;
  constructor() {
    super();
    this.on('timeout', () => this.timeouts++);
  }
  override _read(): void {}
  override _write(_chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.active();
    callback();
  }
  protected release(): void {}
}

describe('ForwardSocket idle timeout', () => {
  it('fires once after the timeout without traffic, also when it was turned off and set again', async () => {
    const socket = new Socket();
    socket.setTimeout(60);
    socket.setTimeout(0);
    socket.setTimeout(60);
    assert.equal(socket.timeout, 60);
    await sleep(150);
    assert.equal(socket.timeouts, 1);
    socket.destroy();
  });

  it('waits for the timeout counted from the last traffic', async () => {
    const socket = new Socket();
    socket.setTimeout(80);
    for (let i = 0; i < 4; i++) {
      await sleep(40);
      socket.write('x');
    }
    assert.equal(socket.timeouts, 0, 'traffic every 40 ms keeps an 80 ms timeout from firing');
    await sleep(150);
    assert.equal(socket.timeouts, 1);
    socket.destroy();
  });

  it('never fires once turned off', async () => {
    const socket = new Socket();
    socket.setTimeout(40);
    socket.setTimeout(0);
    await sleep(100);
    assert.equal(socket.timeouts, 0);
    socket.destroy();
  });

  it('a shorter timeout set later fires at its own time', async () => {
    const socket = new Socket();
    socket.setTimeout(10_000);
    socket.setTimeout(40);
    await sleep(120);
    assert.equal(socket.timeouts, 1);
    socket.destroy();
  });
});
