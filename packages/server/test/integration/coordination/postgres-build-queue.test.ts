// The build queue contract against the builds table on PostgreSQL, and claims across replicas.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { PostgresBuildQueue } from '../../../src/coordination/postgres/build-queue.js';
import type { BuildQueue } from '../../../src/ports/build-queue.js';
import { systemClock } from '../../../src/ports/clock.js';
import type { Database } from '../../../src/store/database.js';
import { openPostgres } from '../../../src/store/postgres.js';
import { buildQueueContract, type MakeBuildQueue } from '../../unit/coordination/build-queue.contract.js';
import { until } from '../../unit/coordination/timing.js';
import { fixtures, T0 } from '../store/dialects.js';
import { suiteDatabase } from './postgres-database.js';

const TIMING = { quietMs: 150, timeoutMs: 10_000 };
let db: Database;
let number = 0;
let queuedAt = Date.parse(T0);
const suite = suiteDatabase(async (settings) => {
  db = await openPostgres(settings);
  await db.insertInto('users').values(fixtures.user('u1', 'alice')).execute();
  await db.insertInto('orgs').values(fixtures.org('o1', 'default')).execute();
  await db
    .insertInto('workspaces')
    .values(fixtures.workspace('w1', 'o1', 'u1', 'dev', 'pending'))
    .execute();
});
suite.track({ close: () => db.destroy() });

/** Queues build `id` as a committed row (a finished one again), oldest first by arrival. */
async function queueRow(id: string): Promise<void> {
  const at = new Date(queuedAt++).toISOString();
  await db
    .insertInto('builds')
    .values(fixtures.build(id, 'w1', ++number, 'queued', at))
    .onConflict((oc) =>
      oc
        .column('id')
        .doUpdateSet({ status: 'queued', claimed_by: null, heartbeat_at: null, queued_at: at })
        .where('builds.status', 'not in', ['queued', 'running']),
    )
    .execute();
}

const live: PostgresBuildQueue[] = [];

function newQueue(
  concurrency: number,
  run: (rowId: string) => Promise<void>,
  options: {
    held?: boolean;
    replicaId?: string;
    staleMs?: number;
    abandoned?: (id: string) => Promise<void>;
  } = {},
) {
  const queue = new PostgresBuildQueue({
    db,
    clock: systemClock,
    replicaId: options.replicaId ?? randomUUID(),
    concurrency,
    run,
    abandoned: options.abandoned ?? (async () => {}),
    held: options.held ?? false,
    pollMs: 100,
    staleMs: options.staleMs ?? 60_000,
    onError: (e) => assert.fail(e),
  });
  live.push(queue);
  return queue;
}

/**
 * The contract's builds are rows of their own per queue (`<prefix><id>`), inserted by `enqueue`
 * in call order; the runner marks its row succeeded when it ends, as the real runner records its
 * outcome. Whether an enqueue queues the build again is decided when it is called, as the service
 * decides before it inserts a build: a build enqueued while it waits or runs only wakes the queue,
 * even if it has finished by the time its turn comes (two enqueues in one turn are one build,
 * however long the first insert takes). Every earlier queue is stopped first, so it claims
 * nothing of this one's, and the rows an earlier test left waiting (idle() drops waiting builds,
 * which stay queued in the table) are cancelled, so this one claims nothing of theirs and counts
 * none of them in a position.
 */
const make: MakeBuildQueue = async (concurrency, run, options) => {
  await Promise.race([
    Promise.all(live.splice(0).map((q) => q.idle())),
    new Promise((r) => setTimeout(r, 300)),
  ]);
  await db.updateTable('builds').set({ status: 'canceled' }).where('status', '=', 'queued').execute();
  const prefix = `${randomUUID().slice(0, 8)}-`;
  /** The builds enqueued and neither finished nor cancelled. */
  const unfinished = new Set<string>();
  const queue = newQueue(
    concurrency,
    async (rowId) => {
      try {
        await run(rowId.slice(prefix.length));
      } finally {
        await db.updateTable('builds').set({ status: 'succeeded' }).where('id', '=', rowId).execute();
        unfinished.delete(rowId.slice(prefix.length));
      }
    },
    options,
  );
  // Enqueues (and the release) run in call order; every other call waits for the enqueues before it.
  let chain = Promise.resolve();
  const inOrder = (fn: () => void | Promise<void>): void => {
    chain = chain.then(fn).catch((e) => assert.fail(e));
  };
  const afterEnqueues = <T>(fn: () => Promise<T>): Promise<T> => chain.then(fn);
  return {
    enqueue: (id) => {
      // Enqueued again while it waits or runs: the wake-up still reaches the queue, the row is not reset.
      const again = unfinished.has(id);
      unfinished.add(id);
      inOrder(async () => {
        if (!again) await queueRow(prefix + id);
        queue.enqueue(prefix + id);
      });
    },
    release: () => inOrder(() => queue.release()),
    position: (id) => afterEnqueues(() => queue.position(prefix + id)),
    cancel: (id) =>
      afterEnqueues(async () => {
        const cancelled = await queue.cancel(prefix + id);
        if (cancelled) unfinished.delete(id);
        return cancelled;
      }),
    settled: (id) => afterEnqueues(() => queue.settled(prefix + id)),
    idle: () => afterEnqueues(() => queue.idle()),
  } satisfies BuildQueue;
};

buildQueueContract('postgres', make, TIMING);

describe('postgres build queue across replicas', () => {
  it('given 60 builds and three replicas claiming at once, when all have run, then each ran exactly once and no replica ran more than its bound', async () => {
    await Promise.all(live.splice(0).map((q) => q.idle()));
    const ran = new Map<string, number>();
    let running = 0;
    let most = 0;
    const run = async (id: string) => {
      running++;
      most = Math.max(most, running);
      ran.set(id, (ran.get(id) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, 5));
      await db.updateTable('builds').set({ status: 'succeeded' }).where('id', '=', id).execute();
      running--;
    };
    const ids = Array.from({ length: 60 }, (_, i) => `storm-${i}`);
    for (const id of ids) await queueRow(id);
    const replicas = [newQueue(3, run), newQueue(3, run), newQueue(3, run)];
    for (const id of ids) replicas[ids.indexOf(id) % 3]!.enqueue(id);
    await until(TIMING, 'every build ran', () => ran.size === ids.length);
    await Promise.all(replicas.map((q) => q.idle()));
    assert.deepEqual(
      [...ran.values()].filter((n) => n !== 1),
      [],
    );
    assert.ok(most <= 9, `at most 3 per replica, saw ${most} at once`);
    const owners = await db
      .selectFrom('builds')
      .select('claimed_by')
      .where('id', 'in', ids)
      .distinct()
      .execute();
    assert.ok(owners.length > 1, 'more than one replica claimed builds');
  });

  it("given queued builds claimed a moment ago by an earlier run on this data directory and by a live replica, when the queue starts, then only the earlier run's is run", async () => {
    await Promise.all(live.splice(0).map((q) => q.idle()));
    await db.updateTable('builds').set({ status: 'canceled' }).where('status', '=', 'queued').execute();
    const now = new Date().toISOString();
    await queueRow('earlier-run');
    await queueRow('live-replica');
    await db
      .updateTable('builds')
      .set({ claimed_by: 'dir-1.run-1', heartbeat_at: now })
      .where('id', '=', 'earlier-run')
      .execute();
    await db
      .updateTable('builds')
      .set({ claimed_by: 'dir-2.run-1', heartbeat_at: now })
      .where('id', '=', 'live-replica')
      .execute();
    const ran: string[] = [];
    const queue = newQueue(
      2,
      async (id) => {
        ran.push(id);
        await db.updateTable('builds').set({ status: 'succeeded' }).where('id', '=', id).execute();
      },
      { replicaId: 'dir-1.run-2', staleMs: 60_000 },
    );
    await until(TIMING, "the earlier run's build ran", () => ran.length === 1);
    await new Promise((r) => setTimeout(r, 400));
    await queue.idle();
    assert.deepEqual(ran, ['earlier-run']);
    const waiting = await db
      .selectFrom('builds')
      .select(['status', 'claimed_by'])
      .where('id', '=', 'live-replica')
      .executeTakeFirstOrThrow();
    assert.deepEqual(waiting, { status: 'queued', claimed_by: 'dir-2.run-1' });
  });

  it('given a replica that stopped heartbeating, when another polls, then its unstarted claim is claimed again and its running build is taken over once', async () => {
    await Promise.all(live.splice(0).map((q) => q.idle()));
    const longAgo = new Date(Date.now() - 60_000).toISOString();
    await queueRow('gone-queued');
    await queueRow('gone-running');
    await db
      .updateTable('builds')
      .set({ claimed_by: 'dead', heartbeat_at: longAgo })
      .where('id', 'in', ['gone-queued', 'gone-running'])
      .execute();
    await db.updateTable('builds').set({ status: 'running' }).where('id', '=', 'gone-running').execute();
    const ran: string[] = [];
    const abandoned: string[] = [];
    const replicas = [1, 2].map((n) =>
      newQueue(
        2,
        async (id) => {
          ran.push(id);
          await db.updateTable('builds').set({ status: 'succeeded' }).where('id', '=', id).execute();
        },
        { replicaId: `replica-${n}`, staleMs: 5000, abandoned: async (id) => void abandoned.push(id) },
      ),
    );
    await until(TIMING, 'both handled', () => ran.length === 1 && abandoned.length === 1);
    await new Promise((r) => setTimeout(r, 400));
    await Promise.all(replicas.map((q) => q.idle()));
    assert.deepEqual(ran, ['gone-queued']);
    assert.deepEqual(abandoned, ['gone-running']);
    const taken = await db
      .selectFrom('builds')
      .select('claimed_by')
      .where('id', '=', 'gone-running')
      .executeTakeFirstOrThrow();
    assert.match(taken.claimed_by ?? '', /^replica-[12]$/);
  });
});
