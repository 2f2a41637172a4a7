/**
 * Workspaces, with their owner's and org's names, and the state's compare-and-set.
 *
 * Dialect differences: none beyond executor.ts's conventions (`sum()` and `count(*)` go through
 * `Number()`; lists are ordered by owner, then name).
 */

import { sql } from 'kysely';
import { reusableQuery } from '../reusable-query.js';
import type { NewWorkspace, WorkspacePatch, WorkspaceRow } from '../schema.js';
import { BUILD_VIEW_COLUMNS, type BuildViewRow } from './builds.repository.js';
import type { Executor, KeysetPage } from './executor.js';

/**
 * A workspace row with the names of its owner and org, and the digest its catalogue tag has now
 * (`catalogue_image_id` is null when its image is no longer in the org's catalogue).
 */
export type WorkspaceRecord = WorkspaceRow & {
  owner: string;
  org: string;
  catalogue_digest: string | null;
  catalogue_image_id: string | null;
  org_auto_off_ms: number;
  org_auto_off_user_override: number;
  /** The name of its engine (`engine_id` is the key); null only if that engine's row is gone. */
  engine: string | null;
};

/**
 * `ordered` starts from the users (a CROSS JOIN, which SQLite never reorders): a list in the
 * order of owner's username and name then walks the username index and each owner's (owner, name)
 * index, and stops after its page, instead of sorting every workspace of an org for each page.
 */
const joined = (db: Executor, ordered = false) =>
  (ordered
    ? db.selectFrom('users').crossJoin('workspaces').whereRef('users.id', '=', 'workspaces.owner_id')
    : db.selectFrom('workspaces').innerJoin('users', 'users.id', 'workspaces.owner_id')
  )
    .innerJoin('orgs', 'orgs.id', 'workspaces.org_id')
    // A left join: a workspace never drops out of lists, even if its engine's row were gone.
    .leftJoin('engines', 'engines.id', 'workspaces.engine_id')
    .leftJoin('images', (j) =>
      j.onRef('images.org_id', '=', 'workspaces.org_id').onRef('images.ref', '=', 'workspaces.image_ref'),
    );

/** The columns of {@link WorkspaceRecord} that come from the other tables. */
const NAMES = [
  'users.username as owner',
  'orgs.name as org',
  'images.digest as catalogue_digest',
  'images.id as catalogue_image_id',
  'orgs.auto_off_ms as org_auto_off_ms',
  'orgs.auto_off_user_override as org_auto_off_user_override',
  'engines.name as engine',
] as const;

const withNames = (db: Executor, ordered = false) =>
  joined(db, ordered).selectAll('workspaces').select(NAMES);

export const insertWorkspace = (db: Executor, ws: NewWorkspace) =>
  db.insertInto('workspaces').values(ws).execute();

/** Built once (reusable-query.ts): a show and every request with a workspace token read these. */
const byOwnerAndName = reusableQuery((db, v: { ownerId: string; name: string }) =>
  withNames(db).where('workspaces.owner_id', '=', v.ownerId).where('workspaces.name', '=', v.name),
);
const byId = reusableQuery((db, v: { id: string }) => withNames(db).where('workspaces.id', '=', v.id));

export const findWorkspace = async (
  db: Executor,
  ownerId: string,
  name: string,
): Promise<WorkspaceRecord | undefined> => (await byOwnerAndName(db, { ownerId, name }))[0];

export const findWorkspaceById = async (db: Executor, id: string): Promise<WorkspaceRecord | undefined> =>
  (await byId(db, { id }))[0];

/** The sort key of a workspace in lists: owner's username, name, id (the tie-break). */
export const workspaceSortKey = (
  ws: Pick<WorkspaceRecord, 'owner' | 'name' | 'id'>,
): [string, string, string] => [ws.owner, ws.name, ws.id];

/** What a list is filtered and paged by (see {@link listWorkspaces}). */
export type WorkspaceFilter = { ownerId?: string; ownerName?: string; orgIds?: readonly string[] };
export type WorkspacePage = { after?: readonly string[] | undefined; limit: number };

/**
 * Workspaces by owner, then name, then id; filtered by owner (id or username) and orgs. With
 * `page`, at most `limit` of them after the sort key `after` (see {@link workspaceSortKey}).
 */
export const listWorkspaces = (
  db: Executor,
  filter: WorkspaceFilter,
  page?: WorkspacePage,
): Promise<WorkspaceRecord[]> =>
  filter.orgIds?.length === 0 ? Promise.resolve([]) : workspaceList(db, listValues(filter, page));

/** The columns of a workspace that its view shows (workspaces/views.ts) and its sort key. */
const VIEW_COLUMNS = [
  'id',
  'name',
  'image_ref',
  'image_digest',
  'username',
  'cpu_millis',
  'memory_bytes',
  'disk_bytes',
  'gpus',
  'state',
  'state_reason',
  'state_message',
  'state_actor',
  'state_changed_at',
  'volume_name',
  'created_at',
  'updated_at',
  'last_activity_at',
  'auto_off_at',
  'auto_off_warned_for',
  'auto_off_override_ms',
  'autostart',
  'engine_id',
] as const satisfies readonly (keyof WorkspaceRow)[];

/** A workspace as its view reads it: {@link WorkspaceRecord}'s view columns. */
export type WorkspaceViewRecord = Pick<
  WorkspaceRecord,
  (typeof VIEW_COLUMNS)[number] | Exclude<keyof WorkspaceRecord, keyof WorkspaceRow>
>;

/**
 * What tells whether a list's kept view of a workspace (workspaces/view-cache.ts) still shows what
 * its rows hold: the row versions of the workspace, its org and its newest build (which the
 * database raises on every update, migrations/0014-row-versions.ts), and the few joined columns of
 * other tables. With its sort key, so a page is cut from it.
 */
export type WorkspaceStamp = Pick<
  WorkspaceRecord,
  'id' | 'name' | 'owner' | 'row_version' | 'engine' | 'catalogue_image_id' | 'catalogue_digest'
> & {
  org_row_version: number;
  /** The newest build's id and row version; null before the first build. */
  build_id: string | null;
  build_row_version: number | null;
};

/** Every field of a {@link WorkspaceStamp}: a stamp and a {@link ListedWorkspace} both have them. */
export const WORKSPACE_STAMP_FIELDS = [
  'id',
  'name',
  'owner',
  'row_version',
  'org_row_version',
  'engine',
  'catalogue_image_id',
  'catalogue_digest',
  'build_id',
  'build_row_version',
] as const satisfies readonly (keyof WorkspaceStamp)[];

/** A workspace of a list, with its stamp and its newest build (null before its first). */
export type ListedWorkspace = WorkspaceViewRecord & WorkspaceStamp & { lastBuild: BuildViewRow | null };

/** Each build column of a list's rows, and the alias it has there beside the workspace's. */
const BUILD_ALIASES = BUILD_VIEW_COLUMNS.map((column) => [column, `build_${column}`] as const);

/**
 * A list row's newest build, or null when it has none: one object literal compiled from
 * BUILD_ALIASES (as the statement cache makes rows), not a store by name per column.
 */
const lastBuildOf = new Function(
  'row',
  `return row.build_id === null ? null : { ${BUILD_ALIASES.map(([column, alias]) => `${column}: row.${alias}`).join(', ')} };`,
) as (row: Record<string, unknown>) => BuildViewRow | null;

/**
 * The stamps of {@link listWorkspaces}'s workspaces, filtered, ordered and paged as it does: ten
 * cells a row where the whole rows are about fifty (a page of 100: 0.3 ms against 1.6 in SQLite).
 */
export const listWorkspaceStamps = (
  db: Executor,
  filter: WorkspaceFilter,
  page?: WorkspacePage,
): Promise<WorkspaceStamp[]> =>
  filter.orgIds?.length === 0 ? Promise.resolve([]) : workspaceStampList(db, listValues(filter, page));

/**
 * The workspaces of `ids` (of a list's stamps) as a list shows them, in no order: only the columns
 * the views read, their stamps, and each one's newest build joined in the same statement (one index
 * search a row), not read by a second query. An id with no workspace (deleted since) has no row.
 */
export const listedWorkspacesByIds = async (
  db: Executor,
  ids: readonly string[],
): Promise<ListedWorkspace[]> => {
  if (ids.length === 0) return [];
  const rows = (await listedByIds(db, { ids })) as Record<string, unknown>[];
  for (const row of rows) row.lastBuild = lastBuildOf(row);
  return rows as unknown as ListedWorkspace[];
};

const listValues = (filter: WorkspaceFilter, page: WorkspacePage | undefined) => ({
  ownerId: filter.ownerId,
  ownerName: filter.ownerName,
  orgIds: filter.orgIds,
  after: page?.after,
  limit: page?.limit,
});

type ListValues = ReturnType<typeof listValues>;

/** The joined workspaces of a list, filtered, ordered and paged, with nothing selected yet. */
function filteredList(db: Executor, v: ListValues) {
  let query = joined(db, true);
  // On users.id too: the walk then starts at that one user.
  if (v.ownerId) query = query.where('users.id', '=', v.ownerId).where('workspaces.owner_id', '=', v.ownerId);
  if (v.ownerName !== undefined) query = query.where('users.username', '=', v.ownerName);
  if (v.orgIds) query = query.where('workspaces.org_id', 'in', v.orgIds);
  const after = v.after;
  if (after) {
    query = query.where(({ eb, refTuple, tuple }) =>
      eb(
        refTuple('users.username', 'workspaces.name', 'workspaces.id'),
        '>',
        tuple(after[0]!, after[1]!, after[2]!),
      ),
    );
  }
  query = query.orderBy('users.username').orderBy('workspaces.name').orderBy('workspaces.id');
  return v.limit === undefined ? query : query.limit(v.limit);
}

/** Built once per shape (reusable-query.ts): every list is one of a few. */
const workspaceList = reusableQuery((db, v: ListValues) =>
  filteredList(db, v).selectAll('workspaces').select(NAMES),
);

/** The newest build of each workspace: the unique (workspace_id, number) index finds its number and then its row. */
const withLatestBuild = (query: ReturnType<typeof joined>) =>
  query.leftJoin('builds as latest', (j) =>
    j.onRef('latest.workspace_id', '=', 'workspaces.id').on('latest.number', '=', (eb) =>
      eb
        .selectFrom('builds as newest')
        .select((e) => e.fn.max('newest.number').as('n'))
        .whereRef('newest.workspace_id', '=', 'workspaces.id'),
    ),
  );

/** The columns of a {@link WorkspaceStamp} that are not the workspace's own. */
const STAMP_JOINED = [
  'orgs.row_version as org_row_version',
  'latest.id as build_id',
  'latest.row_version as build_row_version',
] as const;

const workspaceStampList = reusableQuery((db, v: ListValues) =>
  withLatestBuild(filteredList(db, v))
    .select(['workspaces.id', 'workspaces.name', 'users.username as owner', 'workspaces.row_version'])
    .select([
      'engines.name as engine',
      'images.id as catalogue_image_id',
      'images.digest as catalogue_digest',
    ])
    .select(STAMP_JOINED),
);

const listedByIds = reusableQuery((db, v: { ids: readonly string[] }) =>
  withLatestBuild(joined(db))
    .where('workspaces.id', 'in', v.ids)
    .select(VIEW_COLUMNS.map((column) => `workspaces.${column}` as const))
    .select(['workspaces.row_version', ...NAMES, ...STAMP_JOINED])
    .select(BUILD_ALIASES.map(([column, alias]) => sql.ref(`latest.${column}`).as(alias))),
);

/** Which of `ids` are workspaces (any state): a check of what the engine has, without reading every workspace. */
export const existingWorkspaceIds = async (db: Executor, ids: readonly string[]): Promise<Set<string>> => {
  const found = new Set<string>();
  // In chunks, within every dialect's limit on bound parameters.
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const rows = await db.selectFrom('workspaces').select('id').where('id', 'in', chunk).execute();
    for (const row of rows) found.add(row.id);
  }
  return found;
};

export const listWorkspacesInStates = (db: Executor, states: readonly string[]): Promise<WorkspaceRecord[]> =>
  withNames(db).where('workspaces.state', 'in', states).execute();

/** An engine's workspaces: all of them, or those in `states` or whose state has `reason`. */
export const listWorkspacesOnEngine = (
  db: Executor,
  engineId: string,
  only?: { states: readonly string[]; reason: string },
): Promise<WorkspaceRecord[]> => {
  const query = withNames(db).where('workspaces.engine_id', '=', engineId);
  if (!only) return query.execute();
  return query
    .where((eb) =>
      eb.or([eb('workspaces.state', 'in', only.states), eb('workspaces.state_reason', '=', only.reason)]),
    )
    .execute();
};

/**
 * One page of an engine's running workspaces' ids and recorded containers, in id order after
 * `after`: the reconcile pass reads them a page at a time (paced-work.ts's `pagesOf`), each page
 * one range of the (state, engine_id, id) index (migration 0012), with no join and no sort.
 */
export const listRunningContainerPage = (
  db: Executor,
  engineId: string,
  page: KeysetPage,
): Promise<Pick<WorkspaceRow, 'id' | 'container_id'>[]> => {
  let query = db
    .selectFrom('workspaces')
    .select(['id', 'container_id'])
    .where('state', '=', 'running')
    .where('engine_id', '=', engineId);
  if (page.after !== undefined) query = query.where('id', '>', page.after);
  return query.orderBy('id').limit(page.limit).execute();
};

/** Sum of cpu and memory of a member's workspaces in an org that run or are about to, except one. */
export const sumActiveResources = async (db: Executor, orgId: string, ownerId: string, exceptId?: string) => {
  let query = db
    .selectFrom('workspaces')
    .select((eb) => [
      eb.fn.sum<number>('cpu_millis').as('cpu'),
      eb.fn.sum<number>('memory_bytes').as('memory'),
    ])
    .where('org_id', '=', orgId)
    .where('owner_id', '=', ownerId)
    .where('state', 'in', ['pending', 'building', 'running']);
  if (exceptId) query = query.where('id', '!=', exceptId);
  const row = await query.executeTakeFirstOrThrow();
  return { cpuMillis: Number(row.cpu ?? 0), memoryBytes: Number(row.memory ?? 0) };
};

export const updateWorkspace = (db: Executor, id: string, patch: WorkspacePatch) =>
  db.updateTable('workspaces').set(patch).where('id', '=', id).execute();

/** Writes `patch` only while the workspace is still in `state` (a compare-and-set); answers whether it did. */
export const updateWorkspaceInState = async (
  db: Executor,
  id: string,
  state: string,
  patch: WorkspacePatch,
): Promise<boolean> =>
  Number(
    (
      await db
        .updateTable('workspaces')
        .set(patch)
        .where('id', '=', id)
        .where('state', '=', state)
        .executeTakeFirst()
    ).numUpdatedRows,
  ) > 0;

/** The workspace's current state, or undefined once its row is gone. */
export const findWorkspaceState = async (db: Executor, id: string): Promise<string | undefined> =>
  (await db.selectFrom('workspaces').select('state').where('id', '=', id).executeTakeFirst())?.state;

/** How many of an org's workspaces built from `ref` run another digest than `digest`. */
export const countOutdatedWorkspaces = async (
  db: Executor,
  orgId: string,
  ref: string,
  digest: string,
): Promise<number> =>
  Number(
    (
      await db
        .selectFrom('workspaces')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('org_id', '=', orgId)
        .where('image_ref', '=', ref)
        .where('image_digest', 'is not', null)
        .where('image_digest', '!=', digest)
        .executeTakeFirstOrThrow()
    ).n,
  );

export const deleteWorkspaceRow = (db: Executor, id: string) =>
  db.deleteFrom('workspaces').where('id', '=', id).execute();

/** Workspaces (not being deleted) of an org built from `ref`, as OWNER/NAME, for "image in use". */
export const listUsingImage = (db: Executor, orgId: string, ref: string) =>
  db
    .selectFrom('workspaces')
    .innerJoin('users', 'users.id', 'workspaces.owner_id')
    .select(['users.username as owner', 'workspaces.name'])
    .where('workspaces.org_id', '=', orgId)
    .where('workspaces.image_ref', '=', ref)
    .where('workspaces.state', '!=', 'deleting')
    .orderBy('users.username')
    .orderBy('workspaces.name')
    .execute();

/** How many ids one `IN (…)` list takes in the batch functions below: well under every dialect's limit. */
const BATCH_IDS = 500;

/**
 * A column compared through `coalesce(column, '')`, which no index serves: beside an `IN (…)` list
 * of ids or owners, SQLite (without statistics) would otherwise walk the index of a column like
 * `state`, every running workspace, instead of looking the listed rows up by their own index.
 */
const unindexed = (column: 'workspaces.state' | 'workspaces.org_id') =>
  sql<string>`coalesce(${sql.ref(column)}, '')`;

/** Whole records of `ids` (those still there), read 500 at a time: what a batch of transitions acts on. */
export const findWorkspacesByIds = async (
  db: Executor,
  ids: readonly string[],
): Promise<WorkspaceRecord[]> => {
  const found: WorkspaceRecord[] = [];
  for (let i = 0; i < ids.length; i += BATCH_IDS)
    found.push(
      ...(await withNames(db)
        .where('workspaces.id', 'in', ids.slice(i, i + BATCH_IDS))
        .execute()),
    );
  return found;
};

/**
 * Sums of cpu and memory of the owners' workspaces in an org that run or are about to, by owner,
 * leaving out `exceptIds` (the workspaces about to be rebuilt); owners with none are absent.
 */
export const sumActiveResourcesOf = async (
  db: Executor,
  orgId: string,
  ownerIds: readonly string[],
  exceptIds: readonly string[],
): Promise<Map<string, { cpuMillis: number; memoryBytes: number }>> => {
  const sums = new Map<string, { cpuMillis: number; memoryBytes: number }>();
  for (let i = 0; i < ownerIds.length; i += BATCH_IDS) {
    let query = db
      .selectFrom('workspaces')
      .select((eb) => [
        'owner_id',
        eb.fn.sum<number>('cpu_millis').as('cpu'),
        eb.fn.sum<number>('memory_bytes').as('memory'),
      ])
      .where(unindexed('workspaces.org_id'), '=', orgId)
      .where('owner_id', 'in', ownerIds.slice(i, i + BATCH_IDS))
      .where(unindexed('workspaces.state'), 'in', ['pending', 'building', 'running']);
    if (exceptIds.length > 0) query = query.where('id', 'not in', exceptIds);
    for (const row of await query.groupBy('owner_id').execute())
      sums.set(row.owner_id, { cpuMillis: Number(row.cpu ?? 0), memoryBytes: Number(row.memory ?? 0) });
  }
  return sums;
};

/** The current states of `ids`, 500 a query; a workspace whose row is gone is absent. */
export const findWorkspaceStates = async (
  db: Executor,
  ids: readonly string[],
): Promise<Map<string, string>> => {
  const states = new Map<string, string>();
  for (let i = 0; i < ids.length; i += BATCH_IDS) {
    const rows = await db
      .selectFrom('workspaces')
      .select(['id', 'state'])
      .where('id', 'in', ids.slice(i, i + BATCH_IDS))
      .execute();
    for (const row of rows) states.set(row.id, row.state);
  }
  return states;
};

/** One workspace's part of {@link updateWorkspacesInState}: its id and its own state message. */
export interface StateChangeRow {
  readonly id: string;
  readonly message: string;
}

/**
 * Writes `patch` and each row's `state_message` to the workspaces of `rows` that are still in
 * `state`, in one statement (a compare-and-set per row, as {@link updateWorkspaceInState}); answers
 * the ids it wrote. A row left out was changed by someone else meanwhile. At most 500 rows.
 */
export const updateWorkspacesInState = async (
  db: Executor,
  rows: readonly StateChangeRow[],
  state: string,
  patch: Omit<WorkspacePatch, 'state_message'>,
): Promise<Set<string>> => {
  if (rows.length === 0) return new Set();
  if (rows.length > BATCH_IDS) throw new Error(`at most ${BATCH_IDS} rows per statement, not ${rows.length}`);
  const one = new Set(rows.map((r) => r.message)).size === 1;
  // A CASE over the ids, written as one template: Kysely's case builder copies itself per branch.
  const branches = sql.join(
    rows.map((r) => sql`when ${r.id} then ${r.message}`),
    sql` `,
  );
  const message = sql<string>`case ${sql.ref('id')} ${branches} else ${sql.ref('state_message')} end`;
  const written = await db
    .updateTable('workspaces')
    .set({ ...patch, state_message: one ? rows[0]!.message : message })
    .where(
      'id',
      'in',
      rows.map((r) => r.id),
    )
    .where(unindexed('workspaces.state'), '=', state)
    .returning('id')
    .execute();
  return new Set(written.map((r) => r.id));
};
