/**
 * The contract every {@link BuildQueue} adapter passes (src/ports/build-queue.ts): claim order, the
 * concurrency bound, holding, positions, cancel, settled and idle. Builds are plain ids here; an
 * adapter that claims rows from a database gets them from its factory (insert the row in `enqueue`).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BuildQueue } from '../../../src/ports/build-queue.js';
import { type Deferred, deferred, quiet, type Timing, until } from './timing.js';

export type Runner = (buildId: string) => Promise<void>;
export type MakeBuildQueue = (
  concurrency: number,
  run: Runner,
  options: { held?: boolean },
) => BuildQueue | Promise<BuildQueue>;

export function buildQueueContract(name: string, make: MakeBuildQueue, timing: Timing = {}): void {
  /** A queue whose builds run until the test finishes them. */
  async function harness(concurrency: number, options: { held?: boolean } = {}) {
    const builds = new Map<string, Deferred>();
    const started: string[] = [];
    let running = 0;
    let maxRunning = 0;
    const queue = await make(
      concurrency,
      async (id) => {
        started.push(id);
        running++;
        maxRunning = Math.max(maxRunning, running);
        const build = deferred();
        builds.set(id, build);
        try {
          await build.promise;
        } finally {
          running--;
        }
      },
      options,
    );
    return {
      queue,
      started,
      get maxRunning() {
        return maxRunning;
      },
      /** Waits until exactly `ids` have started, in that order, and nothing more starts. */
      async expectStarted(ids: string[]): Promise<void> {
        await until(timing, `${ids.join(',')} started`, () => started.length >= ids.length).catch(() => {});
        await quiet(timing);
        assert.deepEqual(started, ids);
      },
      /** Finishes a running build and waits until the queue has let it go. */
      async finish(id: string, error?: Error): Promise<void> {
        await until(timing, `${id} runs`, () => builds.has(id));
        const build = builds.get(id)!;
        builds.delete(id);
        if (error) build.reject(error);
        else build.resolve();
        await queue.settled(id);
      },
    };
  }

  describe(`build queue contract: ${name}`, () => {
    it('given a held queue, when builds are enqueued, then none starts until it is released', async () => {
      const h = await harness(2, { held: true });
      for (const id of ['a', 'b', 'c']) h.queue.enqueue(id);
      await h.expectStarted([]);
      assert.equal(await h.queue.position('a'), 1);
      h.queue.release();
      await h.expectStarted(['a', 'b']);
      await h.finish('a');
      await h.finish('b');
      await h.finish('c');
    });

    it('given more builds than the concurrency, when enqueued, then only that many start', async () => {
      const h = await harness(2);
      for (const id of ['a', 'b', 'c', 'd']) h.queue.enqueue(id);
      await h.expectStarted(['a', 'b']);
      for (const id of ['a', 'b', 'c', 'd']) await h.finish(id);
    });

    it('given a full queue, when a build finishes, then the next waiting one starts', async () => {
      const h = await harness(2);
      for (const id of ['a', 'b', 'c', 'd']) h.queue.enqueue(id);
      await h.finish('b');
      await h.expectStarted(['a', 'b', 'c']);
      await h.finish('a');
      await h.expectStarted(['a', 'b', 'c', 'd']);
      await h.finish('c');
      await h.finish('d');
    });

    it('given concurrency 1, when builds finish one by one, then they run in arrival order', async () => {
      const h = await harness(1);
      const ids = ['e', 'a', 'd', 'b', 'c'];
      for (const id of ids) h.queue.enqueue(id);
      for (const id of ids) await h.finish(id);
      await h.expectStarted(ids);
      assert.equal(h.maxRunning, 1);
    });

    it('given many builds finishing out of order, when run, then never more than the concurrency run at once', async () => {
      const h = await harness(3);
      const ids = Array.from({ length: 12 }, (_, i) => `b${i}`);
      for (const id of ids) h.queue.enqueue(id);
      for (const id of [2, 0, 1, 5, 3, 4, 8, 7, 6, 11, 10, 9].map((i) => `b${i}`)) await h.finish(id);
      await h.expectStarted(ids);
      assert.equal(h.maxRunning, 3);
    });

    it('given a burst of enqueues from concurrent callers, when all run, then each runs once and the bound holds', async () => {
      const h = await harness(4);
      const ids = Array.from({ length: 40 }, (_, i) => `burst${i}`);
      await Promise.all(
        ids.map(async (id) => {
          await Promise.resolve();
          h.queue.enqueue(id);
          h.queue.enqueue(id);
        }),
      );
      for (let done = 0; done < ids.length; done++) {
        await until(timing, `build ${done + 1} runs`, () => h.started.length > done);
        await h.finish(h.started[done]!);
      }
      await quiet(timing);
      assert.deepEqual([...h.started].sort(), [...ids].sort());
      assert.equal(h.maxRunning, 4);
    });

    it('given waiting builds, when asked their position, then it is 1-based; running and unknown builds have none', async () => {
      const h = await harness(1);
      for (const id of ['a', 'b', 'c']) h.queue.enqueue(id);
      await h.expectStarted(['a']);
      assert.equal(await h.queue.position('a'), null);
      assert.equal(await h.queue.position('b'), 1);
      assert.equal(await h.queue.position('c'), 2);
      assert.equal(await h.queue.position('zzz'), null);
      await h.finish('a');
      await h.expectStarted(['a', 'b']);
      assert.equal(await h.queue.position('b'), null);
      assert.equal(await h.queue.position('c'), 1);
      await h.finish('b');
      await h.finish('c');
    });

    it('given a build already waiting or running, when enqueued again, then it is not queued twice', async () => {
      const h = await harness(1);
      h.queue.enqueue('a');
      h.queue.enqueue('b');
      h.queue.enqueue('a');
      h.queue.enqueue('b');
      await h.expectStarted(['a']);
      assert.equal(await h.queue.position('b'), 1);
      await h.finish('a');
      await h.finish('b');
      await h.expectStarted(['a', 'b']);
    });

    it('given a finished build, when enqueued again, then it runs again', async () => {
      const h = await harness(1);
      h.queue.enqueue('a');
      await h.finish('a');
      h.queue.enqueue('a');
      await h.expectStarted(['a', 'a']);
      await h.finish('a');
    });

    it('given a waiting build, when cancelled, then it is removed and never runs', async () => {
      const h = await harness(1);
      for (const id of ['a', 'b', 'c']) h.queue.enqueue(id);
      await h.expectStarted(['a']);
      assert.equal(await h.queue.cancel('b'), true);
      assert.equal(await h.queue.position('b'), null);
      assert.equal(await h.queue.position('c'), 1);
      await h.finish('a');
      await h.finish('c');
      await h.expectStarted(['a', 'c']);
    });

    it('given a held queue, when a waiting build is cancelled and the queue released, then it never runs', async () => {
      const h = await harness(2, { held: true });
      for (const id of ['a', 'b']) h.queue.enqueue(id);
      assert.equal(await h.queue.cancel('a'), true);
      h.queue.release();
      await h.expectStarted(['b']);
      await h.finish('b');
    });

    it('given a running or unknown build, when cancelled, then nothing changes and it answers false', async () => {
      const h = await harness(1);
      h.queue.enqueue('a');
      await h.expectStarted(['a']);
      assert.equal(await h.queue.cancel('a'), false);
      assert.equal(await h.queue.cancel('zzz'), false);
      await h.finish('a');
      await h.expectStarted(['a']);
    });

    it('given a build whose run rejects, when it fails, then the queue moves on and settled() still resolves', async () => {
      const h = await harness(1);
      h.queue.enqueue('a');
      h.queue.enqueue('b');
      await h.finish('a', new Error('pull failed'));
      await h.expectStarted(['a', 'b']);
      await h.finish('b');
    });

    it('given a runner that always rejects, when many builds are queued, then all of them still run in order', async () => {
      const ids = ['a', 'b', 'c', 'd', 'e'];
      const started: string[] = [];
      const allStarted = deferred();
      const queue = await make(
        2,
        async (id) => {
          started.push(id);
          if (started.length === ids.length) allStarted.resolve();
          throw new Error(`build ${id} failed`);
        },
        {},
      );
      for (const id of ids) queue.enqueue(id);
      await allStarted.promise;
      await queue.idle();
      assert.deepEqual(started, ids);
    });

    it('given a running build, when asked to settle, then it resolves only once the build finishes', async () => {
      const h = await harness(1);
      h.queue.enqueue('a');
      await h.expectStarted(['a']);
      let settled = false;
      const waiting = h.queue.settled('a').then(() => {
        settled = true;
      });
      await quiet(timing);
      assert.equal(settled, false);
      await h.finish('a');
      await waiting;
      assert.equal(settled, true);
    });

    it('given an unknown or waiting build, when asked to settle, then it resolves at once', async () => {
      const h = await harness(1);
      h.queue.enqueue('a');
      h.queue.enqueue('b');
      await h.expectStarted(['a']);
      await h.queue.settled('zzz');
      await h.queue.settled('b');
      await h.finish('a');
      await h.finish('b');
    });

    it('given running and waiting builds, when idle() is awaited, then it waits for the running ones and drops the waiting ones', async () => {
      const h = await harness(2);
      for (const id of ['a', 'b', 'c']) h.queue.enqueue(id);
      await h.expectStarted(['a', 'b']);
      let idle = false;
      const done = h.queue.idle().then(() => {
        idle = true;
      });
      assert.equal(await h.queue.position('c'), null);
      await h.finish('a');
      await quiet(timing);
      assert.equal(idle, false);
      await h.finish('b');
      await done;
      assert.equal(idle, true);
      await h.expectStarted(['a', 'b']);
    });

    it('given nothing running, when idle() is awaited, then it resolves with nothing finished by the test', async () => {
      const queue = await make(1, async () => {}, {});
      let idle = false;
      void queue.idle().then(() => {
        idle = true;
      });
      // A database adapter may first finish a claim it has in flight: one round trip, however
      // long a busy machine makes it; the test finishes nothing meanwhile.
      await until(timing, 'idle() resolves', () => idle);
    });
  });
}
