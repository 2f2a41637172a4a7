/**
 * Paced periodic work: at most `concurrency` items in flight, every item done once, and the event
 * loop given turns even when every item's work answers synchronously (as SQLite does).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forEachPaced, LoopTurns, pagesOf, TaskLimit } from '../../src/paced-work.js';

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

  it('yields before a step that would end past the slice, not after it', async () => {
    // Given a slice of 10 ms, 4 ms of it spent
    let now = 0;
    const turns = new LoopTurns(10, () => now);
    now = 4;
    // Then a step forecast to take 5 ms goes on in this slice; one of 7 ms gets a turn first
    assert.equal(turns.due(5), undefined);
    const turn = turns.due(7);
    assert.ok(turn, 'a 7 ms step after 4 ms of work would overrun the slice');
    await turn;
    // And after the turn the slice starts again: the 7 ms step goes on at once
    assert.equal(turns.due(7), undefined);
  });

  it('lets a step longer than a slice run once it has a turn to itself, never yielding for nothing', async () => {
    // Given a slice of 10 ms just started
    let now = 0;
    const turns = new LoopTurns(10, () => now);
    // Then a step forecast to take 30 ms goes on: a turn now would hold no work
    now = 0.5;
    assert.equal(turns.due(30), undefined);
    // But once a millisecond of work was done, the long step waits for a turn of its own
    now = 1;
    assert.ok(turns.due(30));
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

describe('pagesOf', () => {
  const rows = Array.from({ length: 25 }, (_, i) => `k${String(i).padStart(2, '0')}`);
  const page = async (after: string | undefined, limit: number) =>
    rows.filter((k) => after === undefined || k > after).slice(0, limit);

  it('gives the loop a turn before a page that would end past the slice', async () => {
    // Given pages (and the caller's work on each) of 4 ms, read in slices of 10 ms
    let now = 0;
    let since = 0;
    const turns = new LoopTurns(10, () => now);
    const held: number[] = [];
    setImmediate(function watch() {
      since = now;
      if (held.length < 6) setImmediate(watch);
    });
    // When every page is read
    for await (const _ of pagesOf(
      async (after, limit) => {
        now += 4;
        held.push(now - since);
        return page(after, limit);
      },
      (k) => k,
      { limit: 5, turns },
    ));
    // Then no page ended more than a slice after the loop's last turn (without the forecast, the
    // third page of every slice would end at 12 ms)
    assert.equal(held.length, 6, '25 rows in pages of 5, and the empty last page');
    assert.ok(
      held.every((ms) => ms <= 10),
      `work since the last turn at each page's end: ${held.join(', ')} ms`,
    );
  });

  it('answers every row once, page by page in key order, each page asked after the last key', async () => {
    // Given 25 keyed rows read 10 at a time
    const asked: (string | undefined)[] = [];
    const pages: string[][] = [];
    for await (const part of pagesOf(
      (after, limit) => {
        asked.push(after);
        return page(after, limit);
      },
      (k) => k,
      { limit: 10 },
    ))
      pages.push(part);
    // Then three pages came, the last one short, and no fourth was asked for
    assert.deepEqual(
      pages.map((p) => p.length),
      [10, 10, 5],
    );
    assert.deepEqual(pages.flat(), rows);
    assert.deepEqual(asked, [undefined, 'k09', 'k19']);
  });

  it('asks once more after a full last page, and yields no empty page', async () => {
    const pages: string[][] = [];
    for await (const part of pagesOf(page, (k) => k, { limit: 5 })) pages.push(part);
    assert.equal(pages.length, 5);
    assert.ok(pages.every((p) => p.length === 5));
  });

  it('gives timers a turn between pages of synchronous reads', async () => {
    // Given pages that each take 4 ms of synchronous work, in slices of 5 ms
    let timerRan = 0;
    const timer = setInterval(() => timerRan++, 0);
    let pagesRead = 0;
    try {
      for await (const _ of pagesOf(
        async (after, limit) => {
          spin(4);
          pagesRead++;
          return page(after, limit);
        },
        (k) => k,
        { limit: 1, turns: new LoopTurns(5) },
      ));
    } finally {
      clearInterval(timer);
    }
    // Then the timer ran while the 26 reads (about 100 ms of work) went on
    assert.equal(pagesRead, 26);
    assert.ok(timerRan >= 5, `the timer ran ${timerRan} times during ${pagesRead} reads of 4 ms`);
  });
});
