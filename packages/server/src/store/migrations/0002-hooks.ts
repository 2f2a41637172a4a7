import type { Kysely } from 'kysely';

/**
 * Build hooks: per-image time limits for configure and personalize, each user's dotfiles, secrets
 * and git SSH key (values and private keys sealed with the server's secret key).
 */
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

  await db.schema
    .createTable('user_secrets')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('value_sealed', 'text', (c) => c.notNull())
    .addColumn('as_file', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('user_secrets_pk', ['user_id', 'name'])
    .execute();

  await db.schema
    .createTable('user_git_keys')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('private_key_sealed', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}
