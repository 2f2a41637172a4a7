import { type Kysely, sql } from 'kysely';

/** Users, orgs, tokens, the image catalogue, workspaces and their builds. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('site_admin', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('suspended_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('orgs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('max_cpu_millis', 'integer', (c) => c.notNull())
    .addColumn('max_memory_bytes', 'bigint', (c) => c.notNull())
    .addColumn('max_disk_bytes', 'bigint', (c) => c.notNull())
    .addColumn('max_gpus', 'integer', (c) => c.notNull())
    .addColumn('member_cpu_quota_millis', 'integer', (c) => c.notNull())
    .addColumn('member_memory_quota_bytes', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('org_members')
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('added_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('org_members_pk', ['org_id', 'user_id'])
    .execute();

  await db.schema
    .createTable('tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('workspace_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('last_used_at', 'text')
    .execute();
  await db.schema.createIndex('tokens_user').on('tokens').columns(['user_id', 'kind']).execute();

  await db.schema
    .createTable('images')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('ref', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('username', 'text', (c) => c.notNull())
    // bigint: a uid or gid may exceed PostgreSQL's integer (2^31 - 1); SQLite stores both alike.
    .addColumn('uid', 'bigint', (c) => c.notNull())
    .addColumn('gid', 'bigint', (c) => c.notNull())
    .addColumn('digest', 'text', (c) => c.notNull())
    .addColumn('default_cpu_millis', 'integer', (c) => c.notNull())
    .addColumn('default_memory_bytes', 'bigint', (c) => c.notNull())
    .addColumn('default_disk_bytes', 'bigint', (c) => c.notNull())
    .addColumn('default_gpus', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('images_org_ref', ['org_id', 'ref'])
    .execute();

  await db.schema
    .createTable('workspaces')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('image_ref', 'text', (c) => c.notNull())
    .addColumn('image_digest', 'text')
    .addColumn('username', 'text')
    .addColumn('cpu_millis', 'integer', (c) => c.notNull())
    .addColumn('memory_bytes', 'bigint', (c) => c.notNull())
    .addColumn('disk_bytes', 'bigint', (c) => c.notNull())
    .addColumn('gpus', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('state_reason', 'text', (c) => c.notNull())
    .addColumn('state_message', 'text', (c) => c.notNull())
    .addColumn('state_actor', 'text', (c) => c.notNull())
    .addColumn('state_changed_at', 'text', (c) => c.notNull())
    .addColumn('container_id', 'text')
    .addColumn('volume_name', 'text', (c) => c.notNull())
    .addColumn('home_ready', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('workspaces_owner_name', ['owner_id', 'name'])
    .execute();
  await db.schema.createIndex('workspaces_org').on('workspaces').column('org_id').execute();
  await db.schema.createIndex('workspaces_state').on('workspaces').column('state').execute();

  await db.schema
    .createTable('builds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('initiator', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('image_ref', 'text', (c) => c.notNull())
    .addColumn('image_digest', 'text')
    .addColumn('cpu_millis', 'integer', (c) => c.notNull())
    .addColumn('memory_bytes', 'bigint', (c) => c.notNull())
    .addColumn('disk_bytes', 'bigint', (c) => c.notNull())
    .addColumn('gpus', 'integer', (c) => c.notNull())
    .addColumn('stages', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('warnings', 'text', (c) => c.notNull())
    .addColumn('log', 'text', (c) => c.notNull().defaultTo(sql`''`))
    .addColumn('log_truncated', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('queued_at', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .addUniqueConstraint('builds_workspace_number', ['workspace_id', 'number'])
    .execute();
  await db.schema.createIndex('builds_status').on('builds').columns(['status', 'queued_at']).execute();
}
