/**
 * The contract every {@link Locks} adapter passes (src/ports/locks.ts): mutual exclusion per key,
 * release on return and on throw, try-lock, independence of keys, and the re-entrancy rule (none).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Locks } from '../../../src/ports/locks.js';
import { deferred, quiet, type Timing, until } from './timing.js';

export function locksContract(name: string, make: () => Locks | Promise<Locks>, timing: Timing = {}): void {
  describe(`locks contract: ${name}`, () => {
    it('given one key, when many calls run at once, then their functions never overlap and all run', async () => {
      const locks = await make();
      let inside = 0;
      let most = 0;
      const ran: number[] = [];
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          locks.withLock('ws:1', async () => {
            inside++;
            most = Math.max(most, inside);
            await quiet({});
            ran.push(i);
            inside--;
          }),
        ),
      );
      assert.equal(most, 1);
      assert.deepEqual(
        [...ran].sort((a, b) => a - b),
        Array.from({ length: 20 }, (_, i) => i),
      );
    });

    it('given a held key, when another call waits, then it runs only after the holder returns', async () => {
      const locks = await make();
      const holder = deferred();
      const order: string[] = [];
      const first = locks.withLock('ws:1', async () => {
        order.push('first in');
        await holder.promise;
        order.push('first out');
      });
      await until(timing, 'the first call holds the lock', () => order.length === 1);
      const second = locks.withLock('ws:1', async () => {
        order.push('second in');
      });
      await quiet(timing);
      assert.deepEqual(order, ['first in']);
      holder.resolve();
      await Promise.all([first, second]);
      assert.deepEqual(order, ['first in', 'first out', 'second in']);
    });

    it('given a function that throws, when it ends, then the error is the caller’s and the lock is released', async () => {
      const locks = await make();
      await assert.rejects(
        locks.withLock('ws:1', async () => {
          throw new Error('engine said no');
        }),
        /engine said no/,
      );
      assert.deepEqual(await locks.tryWithLock('ws:1', async () => 'free again'), {
        acquired: true,
        value: 'free again',
      });
      assert.equal(await locks.withLock('ws:1', async () => 42), 42);
    });

    it('given a holder that throws while others wait, when it ends, then the waiters still run', async () => {
      const locks = await make();
      const holder = deferred();
      const failing = locks.withLock('ws:1', () => holder.promise);
      const waiters = [1, 2, 3].map((n) => locks.withLock('ws:1', async () => n));
      await quiet(timing);
      holder.reject(new Error('stop failed'));
      await assert.rejects(failing, /stop failed/);
      assert.deepEqual(await Promise.all(waiters), [1, 2, 3]);
    });

    it('given different keys, when one is held, then the other is not kept waiting', async () => {
      const locks = await make();
      const holder = deferred();
      const held = locks.withLock('ws:1', () => holder.promise);
      assert.equal(await locks.withLock('ws:2', async () => 'other key'), 'other key');
      assert.deepEqual(await locks.tryWithLock('ws:2', async () => 'also free'), {
        acquired: true,
        value: 'also free',
      });
      holder.resolve();
      await held;
    });

    it('given a held key, when tried, then the function does not run and the answer is not acquired', async () => {
      const locks = await make();
      const holder = deferred();
      const held = locks.withLock('ws:1', () => holder.promise);
      await quiet(timing);
      let ran = false;
      const attempt = await locks.tryWithLock('ws:1', async () => {
        ran = true;
      });
      assert.deepEqual(attempt, { acquired: false });
      assert.equal(ran, false);
      holder.resolve();
      await held;
    });

    it('given two tries back to back without awaiting, when both are answered, then exactly one acquired', async () => {
      const locks = await make();
      const holder = deferred();
      const runs: string[] = [];
      const a = locks.tryWithLock('ws:1', async () => {
        runs.push('a');
        await holder.promise;
      });
      const b = locks.tryWithLock('ws:1', async () => {
        runs.push('b');
        await holder.promise;
      });
      await until(timing, 'one try runs', () => runs.length > 0);
      holder.resolve();
      const acquired = (await Promise.all([a, b])).filter((r) => r.acquired);
      assert.equal(acquired.length, 1);
      assert.equal(runs.length, 1);
    });

    it('given a waiting call, when tried meanwhile, then the try is not acquired (waiters count as held)', async () => {
      const locks = await make();
      const holder = deferred();
      const held = locks.withLock('ws:1', () => holder.promise);
      const waiter = locks.withLock('ws:1', async () => 'waited');
      holder.resolve();
      await held;
      assert.equal(await waiter, 'waited');
      assert.deepEqual(await locks.tryWithLock('ws:1', async () => 'free'), {
        acquired: true,
        value: 'free',
      });
    });

    it('given the lock held by the caller, when it tries the same key inside, then it is not re-entrant', async () => {
      const locks = await make();
      const inner = await locks.withLock('ws:1', () => locks.tryWithLock('ws:1', async () => 'nested'));
      assert.deepEqual(inner, { acquired: false });
    });

    it('given the lock held by the caller, when it asks to wait for the same key inside, then that runs only after the outer call released it', async () => {
      const locks = await make();
      const order: string[] = [];
      let nested: Promise<void> | undefined;
      await locks.withLock('ws:1', async () => {
        nested = locks.withLock('ws:1', async () => {
          order.push('nested');
        });
        await quiet(timing);
        order.push('outer done');
      });
      await nested;
      assert.deepEqual(order, ['outer done', 'nested']);
    });

    it('given a nested lock on another key, when the holder takes it, then both are held at once', async () => {
      const locks = await make();
      const value = await locks.withLock('ws:1', () =>
        locks.withLock('ws:2', async () => locks.tryWithLock('ws:1', async () => 'no')),
      );
      assert.deepEqual(value, { acquired: false });
    });

    it('given a key used many times over, when all have released, then it is free', async () => {
      const locks = await make();
      for (let i = 0; i < 100; i++) await locks.withLock('ws:1', async () => i);
      await Promise.all(
        Array.from({ length: 50 }, (_, i) => locks.tryWithLock(`ws:${i % 5}`, async () => i)),
      );
      assert.deepEqual(await locks.tryWithLock('ws:1', async () => 'free'), {
        acquired: true,
        value: 'free',
      });
    });
  });
}
