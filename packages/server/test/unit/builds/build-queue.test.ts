// Tests src/builds/build-queue.ts: FIFO order, the concurrency bound, positions, cancel and idle.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { BuildQueue } from '../../../src/builds/build-queue.js';

interface Deferred {
  readonly promise: Promise<void>;
  resolve(): void;
  reject(error: Error): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A queue whose builds run until the test finishes them. */
function harness(concurrency: number, options: { held?: boolean } = {}) {
  const builds = new Map<string, Deferred>();
  const started: string[] = [];
  let running = 0;
  let maxRunning = 0;
  const queue = new BuildQueue(
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
    /** Finishes a running build and waits until the queue has moved on. */
    async finish(id: string, error?: Error): Promise<void> {
      const build = builds.get(id);
      assert.ok(build, `${id} is not running`);
      if (error) build.reject(error);
      else build.resolve();
      await queue.settled(id);
    },
  };
}

describe('BuildQueue', () => {
  it('given a held queue, when builds are enqueued, then none starts until it is released', () => {
    const h = harness(2, { held: true });
    for (const id of ['a', 'b', 'c']) h.queue.enqueue(id);
    assert.deepEqual(h.started, []);
    assert.equal(h.queue.position('a'), 1);
    h.queue.release();
    assert.deepEqual(h.started, ['a', 'b']);
  });

  it('given more builds than the concurrency, when enqueued, then only that many start', () => {
    const h = harness(2);
    for (const id of ['a', 'b', 'c', 'd']) h.queue.enqueue(id);
    assert.deepEqual(h.started, ['a', 'b']);
  });

  it('given a full queue, when a build finishes, then the next waiting one starts', async () => {
    const h = harness(2);
    for (const id of ['a', 'b', 'c', 'd']) h.queue.enqueue(id);
    await h.finish('b');
    assert.deepEqual(h.started, ['a', 'b', 'c']);
    await h.finish('a');
    assert.deepEqual(h.started, ['a', 'b', 'c', 'd']);
  });

  it('given concurrency 1, when builds finish one by one, then they run in arrival order', async () => {
    const h = harness(1);
    const ids = ['e', 'a', 'd', 'b', 'c'];
    for (const id of ids) h.queue.enqueue(id);
    for (const id of ids) await h.finish(id);
    assert.deepEqual(h.started, ids);
    assert.equal(h.maxRunning, 1);
  });

  it('given many builds finishing out of order, when run, then never more than the concurrency run at once', async () => {
    const h = harness(3);
    const ids = Array.from({ length: 12 }, (_, i) => `b${i}`);
    for (const id of ids) h.queue.enqueue(id);
    for (const id of [2, 0, 1, 5, 3, 4, 8, 7, 6, 11, 10, 9].map((i) => `b${i}`)) await h.finish(id);
    assert.deepEqual(h.started, ids);
    assert.equal(h.maxRunning, 3);
  });

  it('given waiting builds, when asked their position, then it is 1-based; running and unknown builds have none', async () => {
    const h = harness(1);
    for (const id of ['a', 'b', 'c']) h.queue.enqueue(id);
    assert.equal(h.queue.position('a'), null);
    assert.equal(h.queue.position('b'), 1);
    assert.equal(h.queue.position('c'), 2);
    assert.equal(h.queue.position('zzz'), null);
    await h.finish('a');
    assert.equal(h.queue.position('b'), null);
    assert.equal(h.queue.position('c'), 1);
  });

  it('given a build already waiting or running, when enqueued again, then it is not queued twice', async () => {
    const h = harness(1);
    h.queue.enqueue('a');
    h.queue.enqueue('b');
    h.queue.enqueue('a');
    h.queue.enqueue('b');
    assert.equal(h.queue.position('b'), 1);
    await h.finish('a');
    await h.finish('b');
    assert.deepEqual(h.started, ['a', 'b']);
  });

  it('given a finished build, when enqueued again, then it runs again', async () => {
    const h = harness(1);
    h.queue.enqueue('a');
    await h.finish('a');
    h.queue.enqueue('a');
    assert.deepEqual(h.started, ['a', 'a']);
  });

  it('given a waiting build, when cancelled, then it is removed and never runs', async () => {
    const h = harness(1);
    for (const id of ['a', 'b', 'c']) h.queue.enqueue(id);
    assert.equal(h.queue.cancel('b'), true);
    assert.equal(h.queue.position('b'), null);
    assert.equal(h.queue.position('c'), 1);
    await h.finish('a');
    await h.finish('c');
    assert.deepEqual(h.started, ['a', 'c']);
  });

  it('given a running or unknown build, when cancelled, then nothing changes and it answers false', async () => {
    const h = harness(1);
    h.queue.enqueue('a');
    assert.equal(h.queue.cancel('a'), false);
    assert.equal(h.queue.cancel('zzz'), false);
    await h.finish('a');
    assert.deepEqual(h.started, ['a']);
  });

  it('given a build whose run rejects, when it fails, then the queue moves on and settled() still resolves', async () => {
    const h = harness(1);
    h.queue.enqueue('a');
    h.queue.enqueue('b');
    await h.finish('a', new Error('pull failed'));
    assert.deepEqual(h.started, ['a', 'b']);
    await h.finish('b');
  });

  it('given a runner that always rejects, when many builds are queued, then all of them still run in order', async () => {
    const ids = ['a', 'b', 'c', 'd', 'e'];
    const started: string[] = [];
    const allStarted = deferred();
    const queue = new BuildQueue(2, async (id) => {
      started.push(id);
      if (started.length === ids.length) allStarted.resolve();
      throw new Error(`build ${id} failed`);
    });
    for (const id of ids) queue.enqueue(id);
    await allStarted.promise;
    await queue.idle();
    assert.deepEqual(started, ids);
  });

  it('given a running build, when asked to settle, then it resolves only once the build finishes', async () => {
    const h = harness(1);
    h.queue.enqueue('a');
    let settled = false;
    const waiting = h.queue.settled('a').then(() => {
      settled = true;
    });
    await tick();
    assert.equal(settled, false);
    await h.finish('a');
    await waiting;
    assert.equal(settled, true);
  });

  it('given an unknown or waiting build, when asked to settle, then it resolves at once', async () => {
    const h = harness(1);
    h.queue.enqueue('a');
    h.queue.enqueue('b');
    await h.queue.settled('zzz');
    await h.queue.settled('b');
    await h.finish('a');
  });

  it('given running and waiting builds, when idle() is awaited, then it waits for the running ones and drops the waiting ones', async () => {
    const h = harness(2);
    for (const id of ['a', 'b', 'c']) h.queue.enqueue(id);
    let idle = false;
    const done = h.queue.idle().then(() => {
      idle = true;
    });
    assert.equal(h.queue.position('c'), null);
    await h.finish('a');
    assert.equal(idle, false);
    await h.finish('b');
    await done;
    assert.equal(idle, true);
    assert.deepEqual(h.started, ['a', 'b']);
  });

  it('given nothing running, when idle() is awaited, then it resolves at once', async () => {
    const idle = new BuildQueue(1, async () => {}).idle().then(() => 'idle');
    assert.equal(await Promise.race([idle, tick().then(() => 'still waiting')]), 'idle');
  });
});
