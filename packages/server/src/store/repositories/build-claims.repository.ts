/**
 * The PostgreSQL build queue's rows: claims, heartbeats, positions and cancels on `builds`.
 * A build is waiting while `queued` and claimable: unclaimed, or claimed by a replica whose
 * heartbeat is older than `stale` (it is gone; see core/build-claims.ts).
 *
 * Dialect differences: {@link claimNextBuild} uses `FOR UPDATE SKIP LOCKED`, which SQLite lacks;
 * it is PostgreSQL's only (SQLite's single server keeps the in-process queue). The rest is portable.
 */
import type { ExpressionBuilder } from 'kysely';
import type { DB } from '../schema.js';
import type { Executor } from './executor.js';

/** Queued and not owned by a live replica. */
const waiting = (stale: string) => (eb: ExpressionBuilder<DB, 'builds'>) =>
  eb.and([
    eb('status', '=', 'queued'),
    eb.or([eb('claimed_by', 'is', null), eb('heartbeat_at', 'is', null), eb('heartbeat_at', '<', stale)]),
  ]);

/** Claims the oldest waiting build for `replica`; its id, or undefined when none waits. Concurrent claims never get the same row. */
export async function claimNextBuild(
  db: Executor,
  replica: string,
  now: string,
  stale: string,
): Promise<string | undefined> {
  const row = await db
    .updateTable('builds')
    .set({ claimed_by: replica, heartbeat_at: now })
    .where('id', '=', (eb) =>
      eb
        .selectFrom('builds')
        .select('id')
        .where(waiting(stale))
        .orderBy('queued_at')
        .orderBy('id')
        .limit(1)
        .forUpdate()
        .skipLocked(),
    )
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

/** 1-based position of a waiting build among the waiting ones; null when it does not wait. */
export async function waitingPosition(db: Executor, id: string, stale: string): Promise<number | null> {
  const build = await db
    .selectFrom('builds')
    .select(['id', 'queued_at'])
    .where('id', '=', id)
    .where(waiting(stale))
    .executeTakeFirst();
  if (!build) return null;
  const ahead = await db
    .selectFrom('builds')
    .select((eb) => eb.fn.countAll().as('n'))
    .where(waiting(stale))
    .where((eb) =>
      eb.or([
        eb('queued_at', '<', build.queued_at),
        eb.and([eb('queued_at', '=', build.queued_at), eb('id', '<', build.id)]),
      ]),
    )
    .executeTakeFirst();
  return Number(ahead?.n ?? 0) + 1;
}

/** Cancels a waiting build (no replica may claim it after); false, changing nothing, when it does not wait. */
export async function cancelWaiting(db: Executor, id: string, now: string, stale: string): Promise<boolean> {
  const result = await db
    .updateTable('builds')
    .set({ status: 'canceled', finished_at: now, error: 'canceled while queued' })
    .where('id', '=', id)
    .where(waiting(stale))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** `replica` is alive: refreshes the heartbeat of every unfinished build it claimed. */
export async function heartbeatClaims(db: Executor, replica: string, now: string): Promise<void> {
  await db
    .updateTable('builds')
    .set({ heartbeat_at: now })
    .where('claimed_by', '=', replica)
    .where('status', 'in', ['queued', 'running'])
    .execute();
}

/**
 * Unclaims the queued builds an earlier run on data directory `dataDir` claimed (replica ids are
 * `<data dir's id>.<run>`), `replica` being this run: that run ended when this one took the data
 * directory, however fresh its heartbeat.
 */
export async function releaseEarlierRunClaims(db: Executor, dataDir: string, replica: string): Promise<void> {
  await db
    .updateTable('builds')
    .set({ claimed_by: null, heartbeat_at: null })
    .where('status', '=', 'queued')
    .where('claimed_by', 'like', `${dataDir}.%`)
    .where('claimed_by', '<>', replica)
    .execute();
}

/** Running builds whose replica is gone (or that no replica claimed): interrupted, to be resumed. */
export const listAbandonedRunning = (db: Executor, stale: string) =>
  db
    .selectFrom('builds')
    .select(['id', 'claimed_by', 'heartbeat_at'])
    .where('status', '=', 'running')
    .where((eb) =>
      eb.or([eb('claimed_by', 'is', null), eb('heartbeat_at', 'is', null), eb('heartbeat_at', '<', stale)]),
    )
    .orderBy('queued_at')
    .execute();

/**
 * Takes an abandoned running build over for `replica`, if it is still as it was seen (no other
 * replica took it meanwhile): true for exactly one of the replicas that try.
 */
export async function takeOverBuild(
  db: Executor,
  seen: { id: string; claimed_by: string | null; heartbeat_at: string | null },
  replica: string,
  now: string,
): Promise<boolean> {
  const result = await db
    .updateTable('builds')
    .set({ claimed_by: replica, heartbeat_at: now })
    .where('id', '=', seen.id)
    .where('status', '=', 'running')
    .where((eb) =>
      eb.and([
        seen.claimed_by === null ? eb('claimed_by', 'is', null) : eb('claimed_by', '=', seen.claimed_by),
        seen.heartbeat_at === null
          ? eb('heartbeat_at', 'is', null)
          : eb('heartbeat_at', '=', seen.heartbeat_at),
      ]),
    )
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
