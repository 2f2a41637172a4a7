import type { Kysely } from 'kysely';

/**
 * Workspace apps and port URLs: the org's highest sharing level, each workspace's shared ports
 * and apps, and the apps its image declared at the last build (JSON, replaced every build).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('orgs')
    .addColumn('max_share_level', 'text', (c) => c.notNull().defaultTo('authenticated'))
    .execute();
  await db.schema.alterTable('workspaces').addColumn('apps', 'text').execute();
  await db.schema
    .createTable('workspace_shares')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    // A port number ("3000") or a declared app's name.
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('workspace_shares_pk', ['workspace_id', 'target'])
    .execute();
}
