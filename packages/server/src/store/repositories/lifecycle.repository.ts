/**
 * Queries the lifecycle executor and its services run. The executor's candidate queries use the
 * `workspaces_auto_off`, `workspaces_autostart` and `autostart_schedules_next` indexes, and are
 * read a page at a time (their due rows only are sorted for a page: what is due, not what exists).
 *
 * Dialect differences: none beyond executor.ts's conventions (deadlines are compared as ISO text,
 * `autostart` is 0/1).
 */
import { sql } from 'kysely';
import type { AutostartScheduleRow, WorkspacePatch } from '../schema.js';
import type { Executor, KeysetPage } from './executor.js';

/** One page of the running workspaces whose auto-off (or its warning) is due by `before`, by id. */
export const dueForAutoOff = async (db: Executor, before: string, page: KeysetPage): Promise<string[]> => {
  let query = db
    .selectFrom('workspaces')
    .select('id')
    .where('state', '=', 'running')
    .where('auto_off_at', '<=', before);
  if (page.after !== undefined) query = query.where('id', '>', page.after);
  return (await query.orderBy('id').limit(page.limit).execute()).map((r) => r.id);
};

/** One page of the schedules whose next firing (minus the longest lead) is due by `before`, by user. */
export const dueSchedules = (
  db: Executor,
  before: string,
  page: KeysetPage,
): Promise<AutostartScheduleRow[]> => {
  let query = db.selectFrom('autostart_schedules').selectAll().where('next_fire_at', '<=', before);
  if (page.after !== undefined) query = query.where('user_id', '>', page.after);
  return query.orderBy('user_id').limit(page.limit).execute();
};

/** How many ids one `IN (…)` list takes: well under every dialect's limit on parameters. */
const IDS_PER_QUERY = 500;

/**
 * The owners' opted-in workspaces in orgs they still belong to (a removed member's are not built),
 * by owner; one query per {@link IDS_PER_QUERY} owners, through the `workspaces_autostart` index.
 */
export const autostartWorkspacesOf = async (
  db: Executor,
  ownerIds: readonly string[],
): Promise<Map<string, string[]>> => {
  const byOwner = new Map<string, string[]>();
  for (let i = 0; i < ownerIds.length; i += IDS_PER_QUERY) {
    const rows = await db
      .selectFrom('workspaces')
      .innerJoin('org_members', (j) =>
        j
          .onRef('org_members.org_id', '=', 'workspaces.org_id')
          .onRef('org_members.user_id', '=', 'workspaces.owner_id'),
      )
      .select(['workspaces.id', 'workspaces.owner_id'])
      .where('workspaces.owner_id', 'in', ownerIds.slice(i, i + IDS_PER_QUERY))
      .where('workspaces.autostart', '=', 1)
      .orderBy('workspaces.id')
      .execute();
    for (const r of rows) byOwner.set(r.owner_id, [...(byOwner.get(r.owner_id) ?? []), r.id]);
  }
  return byOwner;
};

/** Durations of the workspace's last `limit` successful builds, newest first. */
export const recentBuildDurations = async (
  db: Executor,
  workspaceId: string,
  limit = 10,
): Promise<number[]> =>
  (
    await db
      .selectFrom('builds')
      .select(['started_at', 'finished_at'])
      .where('workspace_id', '=', workspaceId)
      .where('status', '=', 'succeeded')
      .orderBy('number', 'desc')
      .limit(limit)
      .execute()
  )
    .filter((b) => b.started_at && b.finished_at)
    .map((b) => Date.parse(b.finished_at!) - Date.parse(b.started_at!));

/** Running workspaces of an org with what their auto-off depends on. */
export const runningInOrg = (db: Executor, orgId: string) =>
  db
    .selectFrom('workspaces')
    .select(['id', 'last_activity_at', 'auto_off_override_ms'])
    .where('org_id', '=', orgId)
    .where('state', '=', 'running')
    .execute();

/** A workspace's org row with the workspace columns its auto-off deadline depends on. */
export const findAutoOffFacts = (db: Executor, workspaceId: string) =>
  db
    .selectFrom('workspaces')
    .innerJoin('orgs', 'orgs.id', 'workspaces.org_id')
    .selectAll('orgs')
    .select([
      'workspaces.state',
      'workspaces.state_changed_at',
      'workspaces.last_activity_at',
      'workspaces.auto_off_override_ms',
    ])
    .where('workspaces.id', '=', workspaceId)
    .executeTakeFirst();

export const findSchedule = (db: Executor, userId: string): Promise<AutostartScheduleRow | undefined> =>
  db.selectFrom('autostart_schedules').selectAll().where('user_id', '=', userId).executeTakeFirst();

export const putSchedule = async (db: Executor, row: AutostartScheduleRow): Promise<void> => {
  const { user_id, ...rest } = row;
  await db
    .insertInto('autostart_schedules')
    .values(row)
    .onConflict((oc) => oc.column('user_id').doUpdateSet(rest))
    .execute();
};

export const deleteSchedule = (db: Executor, userId: string) =>
  db.deleteFrom('autostart_schedules').where('user_id', '=', userId).execute();

export const setNextFire = (db: Executor, userId: string, nextFireAt: string) =>
  db
    .updateTable('autostart_schedules')
    .set({ next_fire_at: nextFireAt })
    .where('user_id', '=', userId)
    .execute();

/** Lifecycle columns only: never touches the state, so it cannot race a transition. */
export const updateLifecycle = (
  db: Executor,
  id: string,
  patch: Pick<
    WorkspacePatch,
    | 'last_activity_at'
    | 'auto_off_at'
    | 'auto_off_warned_for'
    | 'auto_off_override_ms'
    | 'autostart'
    | 'autostart_fired_for'
  >,
) => db.updateTable('workspaces').set(patch).where('id', '=', id).execute();

/**
 * Durations of the last `limit` successful builds of each of `ids`, newest first, 500 workspaces a
 * query (a window function, which both dialects have); workspaces without any are absent.
 */
export const recentBuildDurationsOf = async (
  db: Executor,
  ids: readonly string[],
  limit = 10,
): Promise<Map<string, number[]>> => {
  const byWorkspace = new Map<string, number[]>();
  for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
    const rows = await db
      .selectFrom((eb) =>
        eb
          .selectFrom('builds')
          .select([
            'workspace_id',
            'number',
            'started_at',
            'finished_at',
            sql<number>`row_number() over (partition by workspace_id order by number desc)`.as('rank'),
          ])
          .where('workspace_id', 'in', ids.slice(i, i + IDS_PER_QUERY))
          .where('status', '=', 'succeeded')
          .as('recent'),
      )
      .select(['workspace_id', 'started_at', 'finished_at'])
      .where('rank', '<=', limit)
      .orderBy('workspace_id')
      .orderBy('number', 'desc')
      .execute();
    for (const b of rows) {
      if (!b.started_at || !b.finished_at) continue;
      const list = byWorkspace.get(b.workspace_id) ?? [];
      list.push(Date.parse(b.finished_at) - Date.parse(b.started_at));
      byWorkspace.set(b.workspace_id, list);
    }
  }
  return byWorkspace;
};

/** Lifecycle columns of many workspaces at once, 500 a statement (see {@link updateLifecycle}). */
export const updateLifecycleOf = async (
  db: Executor,
  ids: readonly string[],
  patch: Pick<WorkspacePatch, 'auto_off_warned_for' | 'autostart_fired_for'>,
): Promise<void> => {
  for (let i = 0; i < ids.length; i += IDS_PER_QUERY)
    await db
      .updateTable('workspaces')
      .set(patch)
      .where('id', 'in', ids.slice(i, i + IDS_PER_QUERY))
      .execute();
};

/** {@link setNextFire} for many users whose next firing is the same, 500 a statement. */
export const setNextFireOf = async (db: Executor, userIds: readonly string[], nextFireAt: string) => {
  for (let i = 0; i < userIds.length; i += IDS_PER_QUERY)
    await db
      .updateTable('autostart_schedules')
      .set({ next_fire_at: nextFireAt })
      .where('user_id', 'in', userIds.slice(i, i + IDS_PER_QUERY))
      .execute();
};
