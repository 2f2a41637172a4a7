import type { Kysely } from 'kysely';

/**
 * A build's log grows by parts: each flush (at most one a second, builds/build-log.ts) inserts what
 * was written since the last as a row of its own, numbered in order. Until now a flush wrote the
 * whole log again: a build that logged 1.28 MB in 80 flushes wrote about 50 MB to SQLite's WAL, up
 * to 5.7 ms a flush (in the event loop), where a part costs what it holds.
 *
 * The logs `build_logs` already holds stay there, unmoved (0013's copy of every stored log took
 * 50 s for 4 GB): a log is that row, when there is one, followed by its parts.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('build_log_parts')
    .addColumn('build_id', 'text', (c) => c.notNull().references('builds.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('build_log_parts_pk', ['build_id', 'seq'])
    .execute();
}
