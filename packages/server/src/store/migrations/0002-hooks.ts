import type { Kysely } from 'kysely';

/** Build hooks: per-image time limits for configure and personalize, and each user's dotfiles. */
export async function up(db: Kysely<unknown>): Promise<void> {
  // NULL means the built-in default (15 min for configure, 10 min for personalize).
  await db.schema.alterTable('images').addColumn('configure_timeout_seconds', 'integer').execute();
  await db.schema.alterTable('images').addColumn('personalize_timeout_seconds', 'integer').execute();

  await db.schema
    .createTable('user_dotfiles')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('branch', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}
