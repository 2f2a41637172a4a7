import type { Kysely } from 'kysely';

/**
 * The reconcile pass reads an engine's running workspaces a page at a time in id order
 * (workspaces.repository.ts's `listRunningContainerPage`). With (state, engine_id, id) each page is
 * one range of this index, whatever else the table holds: no read of stopped workspaces or other
 * engines' (which the pass did, filtering in JavaScript, for want of it) and no sort.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('workspaces_running_by_engine')
    .on('workspaces')
    .columns(['state', 'engine_id', 'id'])
    .execute();
}
