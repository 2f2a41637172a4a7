/**
 * Open sessions' leases across replicas (migration 0009): each replica inserts one per session it
 * serves, heartbeats all of its own in one statement, and deletes them as they close.
 *
 * Dialect differences: none beyond executor.ts's conventions.
 */
import type { Executor } from './executor.js';

export async function insertLease(
  db: Executor,
  lease: { id: string; workspace_id: string; replica_id: string; kind: string; heartbeat_at: string },
): Promise<void> {
  await db.insertInto('session_leases').values(lease).execute();
}

export async function deleteLease(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('session_leases').where('id', '=', id).execute();
}

/** Every lease of a workspace (it is gone). */
export async function deleteWorkspaceLeases(db: Executor, workspaceId: string): Promise<void> {
  await db.deleteFrom('session_leases').where('workspace_id', '=', workspaceId).execute();
}

/** `replica` is alive: its leases are fresh; leases silent since before `staleBefore` go. */
export async function heartbeatLeases(db: Executor, replica: string, now: string, staleBefore: string) {
  await db
    .updateTable('session_leases')
    .set({ heartbeat_at: now })
    .where('replica_id', '=', replica)
    .execute();
  await db.deleteFrom('session_leases').where('heartbeat_at', '<', staleBefore).execute();
}

/** How many ids one `IN (…)` list takes: well under every dialect's limit on parameters. */
const IDS_PER_QUERY = 500;

/**
 * Fresh leases of each of the workspaces held by replicas other than `replica`, by workspace
 * (those with none are absent); one query per {@link IDS_PER_QUERY} workspaces.
 */
export async function countOthersLeases(
  db: Executor,
  workspaceIds: readonly string[],
  replica: string,
  freshSince: string,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (let i = 0; i < workspaceIds.length; i += IDS_PER_QUERY) {
    const rows = await db
      .selectFrom('session_leases')
      .select((eb) => ['workspace_id', eb.fn.countAll().as('n')])
      .where('workspace_id', 'in', workspaceIds.slice(i, i + IDS_PER_QUERY))
      .where('replica_id', '!=', replica)
      .where('heartbeat_at', '>=', freshSince)
      .groupBy('workspace_id')
      .execute();
    for (const row of rows) counts.set(row.workspace_id, Number(row.n));
  }
  return counts;
}

/** Removes every lease of `replica` (it shuts down). */
export async function deleteReplicaLeases(db: Executor, replica: string): Promise<void> {
  await db.deleteFrom('session_leases').where('replica_id', '=', replica).execute();
}
