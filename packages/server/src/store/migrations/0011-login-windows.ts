import type { Kysely } from 'kysely';

/**
 * Failed-login windows (core/rate-limit.ts) shared by replicas on one database, so a guesser's
 * budget holds whichever replica it reaches. `expires_at` (the end of the window) is indexed, so
 * windows whose time has passed are pruned by one indexed delete.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('login_windows')
    // The SHA-256 (hex) of the budget's key: fixed in size whatever the username.
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('login_windows_expiry').on('login_windows').column('expires_at').execute();
}
