import type { Kysely } from 'kysely';

/**
 * Server replicas on one database: every server registers its run and heartbeats it (so the
 * installation guard tells a replica from a copied data directory, and admins see who serves),
 * periodic jobs record when they last ran, so replicas run each once per interval, and every
 * open session (SSH, terminal, exec, app) holds a lease its replica heartbeats, so auto-off
 * decided on one replica counts the sessions open on the others.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('replicas')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('pid', 'bigint', (c) => c.notNull())
    // The URL it serves on; null until it listens.
    .addColumn('address', 'text')
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('heartbeat_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('job_runs')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('replica_id', 'text', (c) => c.notNull())
    .addColumn('ran_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('session_leases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('replica_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('heartbeat_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('session_leases_workspace')
    .on('session_leases')
    .columns(['workspace_id', 'heartbeat_at'])
    .execute();
  await db.schema.createIndex('session_leases_replica').on('session_leases').column('replica_id').execute();
}
