import { type Kysely, sql } from 'kysely';

/** Each org's PID limit per workspace container (core/limits.ts DEFAULT_LIMITS.pidsLimit for existing orgs). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('orgs')
    .addColumn('pids_limit', 'integer', (c) => c.notNull().defaultTo(sql`4096`))
    .execute();
}
