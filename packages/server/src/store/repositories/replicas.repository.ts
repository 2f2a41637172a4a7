/**
 * Server replicas and the periodic jobs' last runs (migration 0009).
 *
 * Dialect differences: none beyond executor.ts's conventions; the upserts are `ON CONFLICT`, and
 * {@link claimJobRun}'s conditional upsert is one statement, so of replicas racing for one
 * interval exactly one wins on both dialects.
 */
import type { ReplicaRow } from '../schema.js';
import type { Executor } from './executor.js';

/** Registers `replica` or refreshes its heartbeat (and address, once it has one). */
export async function beatReplica(
  db: Executor,
  replica: Omit<ReplicaRow, 'started_at' | 'address'> & { address: string | null },
): Promise<void> {
  await db
    .insertInto('replicas')
    .values({ ...replica, started_at: replica.heartbeat_at })
    .onConflict((oc) =>
      oc.column('id').doUpdateSet((eb) => ({
        heartbeat_at: replica.heartbeat_at,
        address: replica.address ?? eb.ref('replicas.address'),
      })),
    )
    .execute();
}

export async function findReplica(db: Executor, id: string): Promise<ReplicaRow | undefined> {
  return db.selectFrom('replicas').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Replicas whose heartbeat is at or after `freshSince`, oldest start first. */
export async function listLiveReplicas(db: Executor, freshSince: string): Promise<ReplicaRow[]> {
  return db
    .selectFrom('replicas')
    .selectAll()
    .where('heartbeat_at', '>=', freshSince)
    .orderBy('started_at')
    .orderBy('id')
    .execute();
}

/** Forgets a replica that left, and every one silent since before `staleBefore`. */
export async function removeReplicas(db: Executor, id: string, staleBefore: string): Promise<void> {
  await db
    .deleteFrom('replicas')
    .where((eb) => eb.or([eb('id', '=', id), eb('heartbeat_at', '<', staleBefore)]))
    .execute();
}

/** Running builds per replica that claimed them. */
export async function runningBuildsByReplica(db: Executor): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('builds')
    .select(['claimed_by', (eb) => eb.fn.countAll().as('n')])
    .where('status', '=', 'running')
    .where('claimed_by', 'is not', null)
    .groupBy('claimed_by')
    .execute();
  return new Map(rows.map((r) => [r.claimed_by ?? '', Number(r.n)]));
}

/** Queued builds, installation-wide. */
export async function countQueuedBuilds(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('builds')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('status', '=', 'queued')
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * Records that `replica` runs job `name` at `now`, unless it already ran after `dueBefore` (on
 * any replica): true when this replica is to run it.
 */
export async function claimJobRun(
  db: Executor,
  name: string,
  replica: string,
  now: string,
  dueBefore: string,
): Promise<boolean> {
  const row = await db
    .insertInto('job_runs')
    .values({ name, replica_id: replica, ran_at: now })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet({ replica_id: replica, ran_at: now })
        .where('job_runs.ran_at', '<=', dueBefore),
    )
    .returning('name')
    .executeTakeFirst();
  return row !== undefined;
}
