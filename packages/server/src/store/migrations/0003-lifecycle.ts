import type { Kysely } from 'kysely';

/**
 * Lifecycle: org policy (auto-off, auto-start days), per-workspace activity and opt-ins, users'
 * auto-start schedules, outdated-image marks and admin rebuild campaigns. Every column the
 * executor selects on is indexed so a tick's cost follows what is due, not what exists.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Milliseconds are bigint: 25 days already exceed PostgreSQL's integer; SQLite stores both alike.
  const orgColumns: [string, 'bigint' | 'integer' | 'text', number | string][] = [
    ['auto_off_ms', 'bigint', 0],
    ['auto_off_user_override', 'integer', 0],
    ['autostart_days', 'text', 'mon,tue,wed,thu,fri,sat,sun'],
    ['autostart_skip_unused_days', 'integer', 4],
  ];
  for (const [name, type, fallback] of orgColumns)
    await db.schema
      .alterTable('orgs')
      .addColumn(name, type, (c) => c.notNull().defaultTo(fallback))
      .execute();

  for (const name of ['last_activity_at', 'auto_off_at', 'auto_off_warned_for', 'autostart_fired_for'])
    await db.schema.alterTable('workspaces').addColumn(name, 'text').execute();
  await db.schema.alterTable('workspaces').addColumn('auto_off_override_ms', 'bigint').execute();
  await db.schema
    .alterTable('workspaces')
    .addColumn('autostart', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex('workspaces_auto_off')
    .on('workspaces')
    .columns(['state', 'auto_off_at'])
    .execute();
  await db.schema
    .createIndex('workspaces_autostart')
    .on('workspaces')
    .columns(['owner_id', 'autostart'])
    .execute();

  await db.schema
    .createTable('autostart_schedules')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('time', 'text', (c) => c.notNull())
    .addColumn('timezone', 'text', (c) => c.notNull())
    .addColumn('days', 'text', (c) => c.notNull())
    .addColumn('next_fire_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('autostart_schedules_next')
    .on('autostart_schedules')
    .column('next_fire_at')
    .execute();

  await db.schema
    .createTable('rebuild_campaigns')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('initiator', 'text', (c) => c.notNull())
    .addColumn('filter', 'text', (c) => c.notNull())
    .addColumn('concurrency', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema
    .createTable('campaign_items')
    .addColumn('campaign_id', 'text', (c) =>
      c.notNull().references('rebuild_campaigns.id').onDelete('cascade'),
    )
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('workspace', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('build_number', 'integer')
    .addColumn('error', 'text')
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .addPrimaryKeyConstraint('campaign_items_pk', ['campaign_id', 'workspace_id'])
    .execute();
}
