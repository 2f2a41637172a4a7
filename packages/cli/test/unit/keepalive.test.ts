import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCliDuration, parseKeepaliveFlags, runKeepalive } from '../../src/keepalive.js';

/** A loop on a fake clock: sleeping moves time; `aliveUntil` ends the watched process. */
function fakeLoop(opts: { intervalMs: number; forMs?: number; aliveUntil?: number }) {
  let now = 0;
  const pings: number[] = [];
  const loop = {
    ping: async () => void pings.push(now),
    alive: () => opts.aliveUntil === undefined || now < opts.aliveUntil,
    sleep: async (ms: number) => {
      now += ms;
    },
    now: () => now,
    intervalMs: opts.intervalMs,
    forMs: opts.forMs,
  };
  return { loop, pings };
}

describe('hearth keepalive', () => {
  it('pings once without --pid or --for', async () => {
    const { loop, pings } = fakeLoop({ intervalMs: 60_000, forMs: 0 });
    assert.equal(await runKeepalive(loop), 1);
    assert.deepEqual(pings, [0]);
  });

  it('pings every interval while the process runs, and stops when it is gone', async () => {
    const { loop, pings } = fakeLoop({ intervalMs: 60_000, aliveUntil: 150_000 });
    assert.equal(await runKeepalive(loop), 3);
    assert.deepEqual(pings, [0, 60_000, 120_000]);
  });

  it('stops at --for even while the process still runs, pinging at the end of the window', async () => {
    const { loop, pings } = fakeLoop({ intervalMs: 60_000, forMs: 150_000 });
    await runKeepalive(loop);
    assert.deepEqual(pings, [0, 60_000, 120_000]);
  });

  it('rejects bad durations and pids before sending anything', () => {
    assert.equal(parseCliDuration('--for', '2h'), 7_200_000);
    for (const bad of ['', '0s', '-5m', 'banana', '1.5h'])
      assert.throws(() => parseCliDuration('--for', bad), /duration/);
    assert.throws(() => parseKeepaliveFlags({ pid: 'abc', interval: '60s' }), /not a process id/);
    assert.throws(() => parseKeepaliveFlags({ pid: '999999999', interval: '60s' }), /no process 999999999/);
    assert.deepEqual(parseKeepaliveFlags({ pid: String(process.pid), for: '2h', interval: '30s' }), {
      pid: process.pid,
      forMs: 7_200_000,
      intervalMs: 30_000,
    });
  });
});
