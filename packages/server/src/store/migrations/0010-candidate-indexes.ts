import type { Kysely } from 'kysely';

/**
 * Every stop and delete revokes the tokens injected into the workspace (by `workspace_id`); without
 * an index each one read every token of the installation (every build makes one).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('tokens_workspace').on('tokens').column('workspace_id').execute();
}
