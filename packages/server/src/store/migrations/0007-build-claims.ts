import type { Kysely } from 'kysely';

/**
 * Which server replica claimed a build, and when that replica last said it is alive: the
 * PostgreSQL build queue claims rows itself and takes over the builds of a replica that stopped
 * heartbeating. Both null on SQLite's single server, and on builds no replica has claimed yet.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('builds').addColumn('claimed_by', 'text').execute();
  await db.schema.alterTable('builds').addColumn('heartbeat_at', 'text').execute();
}
