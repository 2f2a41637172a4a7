// Runs the activity contract against the in-process adapter, and checks what only it promises.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import { COALESCE_MS, InProcessActivity } from '../../../src/coordination/in-process/activity.js';
import { ManualClock } from '../../support/clock.js';
import { activityContract } from './activity.contract.js';

activityContract('in-process', (deps) => new InProcessActivity(deps));

describe('in-process activity', () => {
  it('given a busy session, when it reports often, then the store is written at most once per coalescing window', async () => {
    const clock = new ManualClock();
    const writes: number[] = [];
    const activity = new InProcessActivity({
      clock,
      logger: pino({ level: 'silent' }),
      record: async (_id, at) => void writes.push(at!.getTime()),
    });
    const start = clock.now().getTime();
    for (let i = 0; i < 100; i++) {
      activity.touch('ws-a', 'keepalive');
      clock.advance(1_000);
    }
    await activity.settle();
    assert.deepEqual(writes, [start, start + COALESCE_MS, start + 2 * COALESCE_MS, start + 3 * COALESCE_MS]);
  });
});
