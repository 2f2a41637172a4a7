import type { Kysely } from 'kysely';

/**
 * The pool of container engines, and each workspace's engine (for life: its home volume lives
 * there). The engine `default` is the server's own `--docker-host` (its row keeps `docker_host`
 * empty: the setting, not the row, says where it is) and has no declared capacity (0 = no limit),
 * so a pool of one places exactly as before. Every workspace that existed before the pool was on
 * that engine: the column's default gives them all `default`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('engines')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('docker_host', 'text', (c) => c.notNull())
    .addColumn('tls_verify', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('tls_ca', 'text')
    .addColumn('tls_cert', 'text')
    .addColumn('tls_key', 'text')
    .addColumn('cpu_millis', 'integer', (c) => c.notNull())
    .addColumn('memory_bytes', 'bigint', (c) => c.notNull())
    .addColumn('gpus', 'integer', (c) => c.notNull())
    .addColumn('drained', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await (db as Kysely<{ engines: Record<string, unknown> }>)
    .insertInto('engines')
    .values({
      id: 'default',
      name: 'default',
      docker_host: '',
      cpu_millis: 0,
      memory_bytes: 0,
      gpus: 0,
      created_at: new Date().toISOString(),
    })
    .execute();
  await db.schema
    .alterTable('workspaces')
    .addColumn('engine_id', 'text', (c) => c.notNull().defaultTo('default'))
    .execute();
  await db.schema.createIndex('workspaces_engine').on('workspaces').column('engine_id').execute();
}
