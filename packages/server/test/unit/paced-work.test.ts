/**
 * Paced periodic work: at most `concurrency` items in flight, every item done once, and the event
 * loop given turns even when every item's work answers synchronously (as SQLite does).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forEachPaced, LoopTurns, TaskLimit } from '../../src/paced-work.js';

/** Busy work for `ms` milliseconds, as a synchronous query would be. */
function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

describe('forEachPaced', () => {
  it('does every item once with at most `concurrency` in flight, starting them in order', async () => {
    let inFlight = 0;
    let most = 0;
    const started: number[] = [];
    await forEachPaced(
      Array.from({ length: 50 }, (_, i) => i),
      { concurrency: 4 },
      async (i) => {
        started.push(i);
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, i % 3));
        inFlight--;
      },
    );
    assert.deepEqual(
      started,
      Array.from({ length: 50 }, (_, i) => i),
    );
    assert.equal(most, 4);
  });

  it('gives timers a turn after every slice of synchronous work, however many workers', async () => {
    // Given work that never waits: 60 items of 1 ms each, on 8 workers, in slices of 10 ms
    let sinceTimer = 0;
    let longestStretch = 0;
    const timer = setInterval(() => {
      sinceTimer = 0;
    }, 0);
    try {
      await forEachPaced(
        Array.from({ length: 60 }, (_, i) => i),
        { concurrency: 8, turns: new LoopTurns(10) },
        async () => {
          spin(1);
          longestStretch = Math.max(longestStretch, ++sinceTimer);
        },
      );
    } finally {
      clearInterval(timer);
    }
    // Then about a slice's worth of items ran between two runs of the timer (twice that, for a
    // loaded machine), never all 60
    assert.ok(longestStretch <= 20, `${longestStretch} items (1 ms each) ran without a turn of the loop`);
  });

  it('rejects with a worker’s error once the others have finished', async () => {
    const done: number[] = [];
    await assert.rejects(
      forEachPaced([1, 2, 3, 4], { concurrency: 2 }, async (i) => {
        await new Promise((resolve) => setTimeout(resolve, i));
        if (i === 1) throw new Error('one failed');
        done.push(i);
      }),
      /one failed/,
    );
    assert.deepEqual(done.sort(), [2, 3, 4]);
  });

  it('with no items, does nothing', async () => {
    await forEachPaced([], { concurrency: 8 }, async () => assert.fail('no work'));
  });
});

describe('LoopTurns', () => {
  it('yields only once a slice has passed', async () => {
    const turns = new LoopTurns(5);
    let ran = false;
    setImmediate(() => {
      ran = true;
    });
    assert.equal(turns.due(), undefined, 'no slice passed yet: no turn');
    spin(6);
    await turns.due();
    assert.equal(ran, true);
  });
});

describe('TaskLimit', () => {
  it('runs at most `limit` tasks at once, the rest in the order they came', async () => {
    const limit = new TaskLimit(2);
    let inFlight = 0;
    let most = 0;
    const order: number[] = [];
    await Promise.all(
      [0, 1, 2, 3, 4, 5].map((i) =>
        limit.run(async () => {
          inFlight++;
          most = Math.max(most, inFlight);
          order.push(i);
          await new Promise((resolve) => setTimeout(resolve, 2));
          inFlight--;
        }),
      ),
    );
    assert.equal(most, 2);
    assert.deepEqual(order, [0, 1, 2, 3, 4, 5]);
  });

  it('frees the slot of a task that throws', async () => {
    const limit = new TaskLimit(1);
    await assert.rejects(
      limit.run(async () => {
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.equal(await limit.run(async () => 'next'), 'next');
  });
});
