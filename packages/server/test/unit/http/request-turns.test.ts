// Tests src/http/request-turns.ts: requests start in arrival order, one per turn of the event loop,
// however many arrive at once.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RequestTurns } from '../../../src/http/request-turns.js';

describe('request turns', () => {
  it('given many requests at once, then they start in arrival order, each in a turn of the loop of its own', async () => {
    // Counts the loop's turns: it runs once in each, rescheduling itself for the next.
    let turn = 0;
    let counting = true;
    const count = () => {
      turn++;
      if (counting) setImmediate(count);
    };
    setImmediate(count);
    const turns = new RequestTurns();
    const started: { n: number; turn: number }[] = [];
    await Promise.all(
      Array.from({ length: 5 }, (_, n) => turns.take().then(() => started.push({ n, turn }))),
    );
    counting = false;
    assert.deepEqual(
      started.map((s) => s.n),
      [0, 1, 2, 3, 4],
    );
    for (let i = 1; i < started.length; i++)
      assert.ok(
        started[i]!.turn > started[i - 1]!.turn,
        `request ${i} started in the turn of request ${i - 1}`,
      );
  });

  it('given requests that come while others wait, then every one starts', async () => {
    const turns = new RequestTurns();
    const started: number[] = [];
    const first = Array.from({ length: 3 }, (_, n) => turns.take().then(() => started.push(n)));
    await first[0];
    const later = Array.from({ length: 3 }, (_, n) => turns.take().then(() => started.push(3 + n)));
    await Promise.all([...first, ...later]);
    assert.deepEqual(started, [0, 1, 2, 3, 4, 5]);
  });
});
