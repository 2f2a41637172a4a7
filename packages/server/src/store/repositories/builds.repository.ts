/**
 * Builds of workspaces: numbering, the queue's order, logs.
 *
 * Dialect differences: none beyond executor.ts's conventions. `selectAll()` plus a literal `''`
 * named `log` yields two `log` columns; both drivers keep the last one, so logs stay unread.
 */
import { sql } from 'kysely';
import type { BuildPatch, BuildRow, NewBuild } from '../schema.js';
import type { Executor } from './executor.js';

export const insertBuild = (db: Executor, build: NewBuild) => db.insertInto('builds').values(build).execute();

export const nextBuildNumber = async (db: Executor, workspaceId: string): Promise<number> => {
  const row = await db
    .selectFrom('builds')
    .select((eb) => eb.fn.max<number>('number').as('n'))
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  return Number(row?.n ?? 0) + 1;
};

/** One build; its stored log (up to 1 MiB) only when asked for, as an empty string otherwise. */
export const findBuild = (
  db: Executor,
  workspaceId: string,
  number: number,
  options: { withLog?: boolean } = {},
): Promise<BuildRow | undefined> => {
  const query = db
    .selectFrom('builds')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('number', '=', number);
  return (options.withLog ? query : query.select(sql<string>`''`.as('log'))).executeTakeFirst();
};

export const findBuildById = (db: Executor, id: string): Promise<BuildRow | undefined> =>
  db.selectFrom('builds').selectAll().where('id', '=', id).executeTakeFirst();

/** The newest build of each given workspace, without logs. */
export const latestBuilds = async (
  db: Executor,
  workspaceIds: readonly string[],
): Promise<Map<string, BuildRow>> => {
  if (workspaceIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('builds as b')
    .selectAll('b')
    .select(sql<string>`''`.as('log'))
    .where('b.workspace_id', 'in', workspaceIds)
    .where('b.number', '=', (eb) =>
      eb
        .selectFrom('builds as l')
        .select((e) => e.fn.max('l.number').as('m'))
        .whereRef('l.workspace_id', '=', 'b.workspace_id'),
    )
    .execute();
  return new Map(rows.map((r) => [r.workspace_id, r]));
};

export const listBuilds = (db: Executor, workspaceId: string): Promise<BuildRow[]> =>
  db
    .selectFrom('builds')
    .selectAll()
    .select(sql<string>`''`.as('log'))
    .where('workspace_id', '=', workspaceId)
    .orderBy('number', 'desc')
    .execute();

/** Queued builds, oldest first: the queue's order. */
export const listQueued = (db: Executor): Promise<Pick<BuildRow, 'id' | 'workspace_id'>[]> =>
  db
    .selectFrom('builds')
    .select(['id', 'workspace_id'])
    .where('status', '=', 'queued')
    .orderBy('queued_at')
    .orderBy('id')
    .execute();

export const listBuildsInStatus = (db: Executor, statuses: readonly string[]): Promise<BuildRow[]> =>
  db.selectFrom('builds').selectAll().where('status', 'in', statuses).orderBy('queued_at').execute();

export const updateBuild = (db: Executor, id: string, patch: BuildPatch) =>
  db.updateTable('builds').set(patch).where('id', '=', id).execute();
