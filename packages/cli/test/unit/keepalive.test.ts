import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  keepaliveTarget,
  parseCliDuration,
  parseKeepaliveFlags,
  processExists,
  runKeepalive,
} from '../../src/keepalive.js';

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
    watchMs: 250,
    forMs: opts.forMs,
  };
  return { loop, pings, end: () => now };
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

  it('returns soon after the process ends, not at the next ping', async () => {
    const { loop, pings, end } = fakeLoop({ intervalMs: 60_000, aliveUntil: 3_000 });
    assert.equal(await runKeepalive(loop), 1);
    assert.deepEqual(pings, [0]);
    assert.ok(end() <= 3_250, `returned at ${end()} ms`);
  });

  it('takes the workspace named, else $HEARTH_WORKSPACE; never the host’s name', () => {
    assert.equal(keepaliveTarget('api', { HEARTH_WORKSPACE: 'other' }), 'api');
    assert.equal(keepaliveTarget(undefined, { HEARTH_WORKSPACE: 'api' }), 'api');
    assert.throws(
      () => keepaliveTarget(undefined, {}),
      /name the workspace to keep alive: hearth keepalive NAME/,
    );
  });

  it('sees a zombie as ended, and a live process as running', async () => {
    assert.equal(processExists(process.pid), true);
    assert.equal(processExists(999_999_999), false);
    // `exec sleep` leaves the background child with a parent that never waits for it: once it exits it is a
    // zombie, whose /proc entry stays while its parent lives.
    const parent = spawn('sh', ['-c', 'sleep 0.1 & echo $!; exec sleep 5'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    try {
      const pid = Number((await once(parent.stdout, 'data'))[0]);
      await new Promise((resolve) => setTimeout(resolve, 600));
      assert.ok(existsSync(`/proc/${pid}`), 'the zombie is still listed');
      assert.equal(processExists(pid), false);
    } finally {
      parent.kill();
    }
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
