/**
 * A workspace's shared ports and apps. No row = owner only.
 *
 * Dialect differences: none beyond executor.ts's conventions.
 */
import type { WorkspaceShareRow } from '../schema.js';
import type { Executor } from './executor.js';

export const findShare = (db: Executor, workspaceId: string, target: string) =>
  db
    .selectFrom('workspace_shares')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('target', '=', target)
    .executeTakeFirst();

/** By target: the order SQLite's primary key index gave, stated so that every dialect gives it. */
export const listShares = (db: Executor, workspaceId: string): Promise<WorkspaceShareRow[]> =>
  db
    .selectFrom('workspace_shares')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('target')
    .execute();

/** Records `level` for `target`; `owner` removes the share (the default needs no row). */
export async function putShare(
  db: Executor,
  workspaceId: string,
  target: string,
  level: string,
  now: string,
): Promise<void> {
  if (level === 'owner') {
    await db
      .deleteFrom('workspace_shares')
      .where('workspace_id', '=', workspaceId)
      .where('target', '=', target)
      .execute();
    return;
  }
  await db
    .insertInto('workspace_shares')
    .values({ workspace_id: workspaceId, target, level, updated_at: now })
    .onConflict((oc) => oc.columns(['workspace_id', 'target']).doUpdateSet({ level, updated_at: now }))
    .execute();
}
