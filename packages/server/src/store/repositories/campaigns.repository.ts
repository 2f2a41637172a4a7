/**
 * Admin rebuild campaigns and their items (one per workspace).
 *
 * Dialect differences: none beyond executor.ts's conventions (targets and items are ordered by
 * owner and name, as text).
 */
import type { CampaignItemRow, RebuildCampaignRow } from '../schema.js';
import type { Executor } from './executor.js';

/** What a campaign picks from an org: workspaces in `states`, optionally of one image, or outdated. */
export interface CampaignTargetFilter {
  readonly orgId: string;
  readonly states: readonly string[];
  readonly image?: string;
  /** Only workspaces built from another digest than the one their catalogue tag has now. */
  readonly outdatedOnly?: boolean;
}

/** The workspaces a new campaign rebuilds, ordered by owner then name. */
export const listCampaignTargets = (
  db: Executor,
  filter: CampaignTargetFilter,
): Promise<{ id: string; name: string; owner: string }[]> => {
  let query = db
    .selectFrom('workspaces')
    .innerJoin('users', 'users.id', 'workspaces.owner_id')
    .leftJoin('images', (j) =>
      j.onRef('images.org_id', '=', 'workspaces.org_id').onRef('images.ref', '=', 'workspaces.image_ref'),
    )
    .select(['workspaces.id', 'workspaces.name', 'users.username as owner'])
    .where('workspaces.org_id', '=', filter.orgId)
    .where('workspaces.state', 'in', filter.states);
  if (filter.image) query = query.where('workspaces.image_ref', '=', filter.image);
  if (filter.outdatedOnly)
    query = query
      .where('workspaces.image_digest', 'is not', null)
      .whereRef('workspaces.image_digest', '!=', 'images.digest');
  return query.orderBy('users.username').orderBy('workspaces.name').execute();
};

/** Stores a campaign and its items (call inside a transaction so both or neither exist). */
export async function insertCampaign(
  db: Executor,
  campaign: RebuildCampaignRow,
  items: readonly CampaignItemRow[],
): Promise<void> {
  await db.insertInto('rebuild_campaigns').values(campaign).execute();
  // One row at a time: a campaign over thousands of workspaces stays under SQLite's bound-variable limit.
  for (const item of items) await db.insertInto('campaign_items').values(item).execute();
}

/** The ids of an org's campaigns, newest first. */
/**
 * An org's campaigns, newest first (then by id, descending), as their creation time and id; with
 * `page`, at most `limit` of them after the key `after` ([created_at, id]).
 */
export const listCampaignKeysOfOrg = (
  db: Executor,
  orgId: string,
  page?: { after?: readonly string[] | undefined; limit: number },
): Promise<{ id: string; created_at: string }[]> => {
  let query = db.selectFrom('rebuild_campaigns').select(['id', 'created_at']).where('org_id', '=', orgId);
  const after = page?.after;
  if (after) {
    query = query.where(({ eb, refTuple, tuple }) =>
      eb(refTuple('created_at', 'id'), '<', tuple(after[0]!, after[1]!)),
    );
  }
  query = query.orderBy('created_at', 'desc').orderBy('id', 'desc');
  return (page ? query.limit(page.limit) : query).execute();
};

export const findCampaign = (db: Executor, id: string): Promise<RebuildCampaignRow | undefined> =>
  db.selectFrom('rebuild_campaigns').selectAll().where('id', '=', id).executeTakeFirst();

/** A campaign (that must exist) with its org's name. */
export const getCampaignWithOrg = (db: Executor, id: string): Promise<RebuildCampaignRow & { org: string }> =>
  db
    .selectFrom('rebuild_campaigns')
    .innerJoin('orgs', 'orgs.id', 'rebuild_campaigns.org_id')
    .selectAll('rebuild_campaigns')
    .select('orgs.name as org')
    .where('rebuild_campaigns.id', '=', id)
    .executeTakeFirstOrThrow();

/** Marks every running campaign interrupted at `now`; answers how many there were. */
export const interruptRunningCampaigns = async (db: Executor, now: string): Promise<number> =>
  Number(
    (
      await db
        .updateTable('rebuild_campaigns')
        .set({ status: 'interrupted', finished_at: now })
        .where('status', '=', 'running')
        .executeTakeFirst()
    ).numUpdatedRows,
  );

export const finishCampaign = (db: Executor, id: string, now: string) =>
  db
    .updateTable('rebuild_campaigns')
    .set({ status: 'finished', finished_at: now })
    .where('id', '=', id)
    .execute();

/** A campaign's items, ordered by workspace (OWNER/NAME). */
export const listCampaignItems = (db: Executor, campaignId: string): Promise<CampaignItemRow[]> =>
  db
    .selectFrom('campaign_items')
    .selectAll()
    .where('campaign_id', '=', campaignId)
    .orderBy('workspace')
    .execute();

export const updateCampaignItem = (
  db: Executor,
  campaignId: string,
  workspaceId: string,
  patch: Partial<CampaignItemRow>,
) =>
  db
    .updateTable('campaign_items')
    .set(patch)
    .where('campaign_id', '=', campaignId)
    .where('workspace_id', '=', workspaceId)
    .execute();
