/**
 * Builds of workspaces: numbering, the queue's order, logs. A build's log is kept apart from its
 * row, read only where it is shown: a build's own row stays small. It is a row of build_logs (what
 * was stored before migration 0015) followed by its parts in build_log_parts, one a flush.
 *
 * Dialect differences: none beyond executor.ts's conventions.
 */
import { reusableQuery } from '../reusable-query.js';
import type { BuildPatch, BuildRow, BuildTable, NewBuild } from '../schema.js';
import type { Executor } from './executor.js';
import { insertRows } from './multi-row-insert.js';

/**
 * The columns of a build that its view shows (workspaces/views.ts), with the id a queued build's
 * queue position is asked by: what a list of workspaces reads of each one's newest build.
 */
export const BUILD_VIEW_COLUMNS = [
  'id',
  'number',
  'reason',
  'initiator',
  'status',
  'image_ref',
  'image_digest',
  'cpu_millis',
  'memory_bytes',
  'disk_bytes',
  'gpus',
  'stages',
  'error',
  'warnings',
  'queued_at',
  'started_at',
  'finished_at',
  'claimed_by',
] as const satisfies readonly (keyof BuildTable)[];

/** A build as its view reads it. */
export type BuildViewRow = Pick<BuildRow, (typeof BUILD_VIEW_COLUMNS)[number]>;

export const insertBuild = (db: Executor, build: NewBuild) => db.insertInto('builds').values(build).execute();

export const nextBuildNumber = async (db: Executor, workspaceId: string): Promise<number> => {
  const row = await db
    .selectFrom('builds')
    .select((eb) => eb.fn.max<number>('number').as('n'))
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  return Number(row?.n ?? 0) + 1;
};

/** One build (its log is {@link findBuildLog}'s). */
export const findBuild = (db: Executor, workspaceId: string, number: number): Promise<BuildRow | undefined> =>
  db
    .selectFrom('builds')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('number', '=', number)
    .executeTakeFirst();

/** A build's stored log (JSON lines, up to 1 MiB): empty before its first line. */
export const findBuildLog = async (db: Executor, buildId: string): Promise<string> => {
  const [start, parts] = await Promise.all([
    db.selectFrom('build_logs').select('log').where('build_id', '=', buildId).executeTakeFirst(),
    db.selectFrom('build_log_parts').select('text').where('build_id', '=', buildId).orderBy('seq').execute(),
  ]);
  return (start?.log ?? '') + parts.map((part) => part.text).join('');
};

/**
 * Adds `text` at the end of a build's log, as its next part: the statement costs what `text`
 * holds, whatever the log before it. One writer a build, one part at a time (builds/build-log.ts).
 */
export const appendBuildLog = (db: Executor, buildId: string, text: string) =>
  db
    .insertInto('build_log_parts')
    .columns(['build_id', 'seq', 'text'])
    .expression((eb) =>
      eb
        .selectFrom('build_log_parts')
        .select((e) => [
          e.val(buildId).as('build_id'),
          e(e.fn.coalesce(e.fn.max('seq'), e.lit(-1)), '+', e.lit(1)).as('seq'),
          e.val(text).as('text'),
        ])
        .where('build_id', '=', buildId),
    )
    .execute();

export const findBuildById = (db: Executor, id: string): Promise<BuildRow | undefined> =>
  db.selectFrom('builds').selectAll().where('id', '=', id).executeTakeFirst();

/** The newest build of each given workspace. */
export const latestBuilds = async (
  db: Executor,
  workspaceIds: readonly string[],
): Promise<Map<string, BuildRow>> => {
  if (workspaceIds.length === 0) return new Map();
  const rows = await newestBuilds(db, { workspaceIds });
  return new Map(rows.map((r) => [r.workspace_id, r]));
};

/** Built once per number of workspaces (reusable-query.ts): every list and show reads it. */
const newestBuilds = reusableQuery((db, v: { workspaceIds: readonly string[] }) =>
  db
    .selectFrom('builds')
    .selectAll()
    .where('builds.workspace_id', 'in', v.workspaceIds)
    .where('builds.number', '=', (eb) =>
      eb
        .selectFrom('builds as l')
        .select((e) => e.fn.max('l.number').as('m'))
        .whereRef('l.workspace_id', '=', 'builds.workspace_id'),
    ),
);

/** A workspace's builds, newest first; with `page`, at most `limit` older than `before`. */
export const listBuilds = (
  db: Executor,
  workspaceId: string,
  page?: { before?: number | undefined; limit: number },
): Promise<BuildRow[]> => {
  let query = db.selectFrom('builds').selectAll().where('workspace_id', '=', workspaceId);
  if (page?.before !== undefined) query = query.where('number', '<', page.before);
  query = query.orderBy('number', 'desc');
  return (page ? query.limit(page.limit) : query).execute();
};

/** A workspace's queued and running builds: what a stop or delete ends. */
export const liveBuilds = (db: Executor, workspaceId: string): Promise<BuildRow[]> =>
  db
    .selectFrom('builds')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('status', 'in', ['queued', 'running'])
    .orderBy('number', 'desc')
    .execute();

/** Which of `ids` have a queued or running build, 500 workspaces a query. */
export const workspacesWithLiveBuilds = async (
  db: Executor,
  ids: readonly string[],
): Promise<Set<string>> => {
  const found = new Set<string>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('builds')
      .select('workspace_id')
      .where('workspace_id', 'in', ids.slice(i, i + 500))
      .where('status', 'in', ['queued', 'running'])
      .execute();
    for (const row of rows) found.add(row.workspace_id);
  }
  return found;
};

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

/** The next build number of each of `ids` (1 for one without builds), 500 workspaces a query. */
export const nextBuildNumbers = async (
  db: Executor,
  ids: readonly string[],
): Promise<Map<string, number>> => {
  const next = new Map<string, number>(ids.map((id) => [id, 1]));
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('builds')
      .select((eb) => ['workspace_id', eb.fn.max<number>('number').as('n')])
      .where('workspace_id', 'in', ids.slice(i, i + 500))
      .groupBy('workspace_id')
      .execute();
    for (const row of rows) next.set(row.workspace_id, Number(row.n) + 1);
  }
  return next;
};

/** Inserts queued builds in multi-row statements (100 rows each, within every dialect's parameter limit). */
export const insertBuilds = async (db: Executor, rows: readonly NewBuild[]): Promise<void> => {
  for (let i = 0; i < rows.length; i += 100) await insertRows(db, 'builds', rows.slice(i, i + 100));
};
