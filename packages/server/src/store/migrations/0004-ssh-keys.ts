import type { Kysely } from 'kysely';

/**
 * Users' SSH public keys, for the plain SSH listener. A fingerprint is unique across the whole
 * installation, not per user: there the key alone says who connects (the SSH user names the
 * workspace), so one key must never stand for two users.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('user_ssh_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('key_type', 'text', (c) => c.notNull())
    // The key blob (SSH wire format) in base64, as in the authorized_keys line.
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .addUniqueConstraint('user_ssh_keys_user_name', ['user_id', 'name'])
    .execute();
}
