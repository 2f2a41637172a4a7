/**
 * Orgs and their members.
 *
 * Dialect differences: none beyond executor.ts's conventions (orgs and members are ordered by name).
 */

import { reusableQuery } from '../reusable-query.js';
import type { NewOrg, OrgMemberTable, OrgPatch, OrgRow } from '../schema.js';
import type { Executor } from './executor.js';

export const insertOrg = (db: Executor, org: NewOrg) => db.insertInto('orgs').values(org).execute();

/**
 * Holds the org's row until `tx` ends (a no-op update takes its row lock on PostgreSQL; SQLite's
 * one writer is held anyway), so quota checks of one org run one after another across replicas.
 */
export async function lockOrgRow(tx: Executor, orgId: string): Promise<void> {
  await tx
    .updateTable('orgs')
    .set((eb) => ({ name: eb.ref('orgs.name') }))
    .where('id', '=', orgId)
    .execute();
}

export const findOrgByName = async (db: Executor, name: string): Promise<OrgRow | undefined> =>
  (await orgByName(db, { name }))[0];

/** Built once (reusable-query.ts), as is a membership: every org list reads both. */
const orgByName = reusableQuery((db, v: { name: string }) =>
  db.selectFrom('orgs').selectAll().where('name', '=', v.name),
);

export const findOrgById = (db: Executor, id: string): Promise<OrgRow | undefined> =>
  db.selectFrom('orgs').selectAll().where('id', '=', id).executeTakeFirst();

/** The org of a row that references it (its foreign key guarantees the org exists). */
export const getOrgById = (db: Executor, id: string): Promise<OrgRow> =>
  db.selectFrom('orgs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

export const listOrgs = (db: Executor): Promise<OrgRow[]> =>
  db.selectFrom('orgs').selectAll().orderBy('name').execute();

/** Deletes an org; its members, catalogue, policy and campaigns go with it (foreign keys cascade). */
export const deleteOrg = (db: Executor, id: string) => db.deleteFrom('orgs').where('id', '=', id).execute();

/** The org's workspaces as OWNER/NAME, in any state: an org is deleted only without them. */
export const listOrgWorkspaces = async (db: Executor, orgId: string): Promise<string[]> =>
  (
    await db
      .selectFrom('workspaces')
      .innerJoin('users', 'users.id', 'workspaces.owner_id')
      .select(['users.username', 'workspaces.name'])
      .where('workspaces.org_id', '=', orgId)
      .orderBy('users.username')
      .orderBy('workspaces.name')
      .execute()
  ).map((w) => `${w.username}/${w.name}`);

export const updateOrg = (db: Executor, id: string, patch: OrgPatch) =>
  db.updateTable('orgs').set(patch).where('id', '=', id).execute();

/** Orgs a user belongs to, with their role in each. */
export const listMemberships = (db: Executor, userId: string) =>
  db
    .selectFrom('org_members')
    .innerJoin('orgs', 'orgs.id', 'org_members.org_id')
    .select(['orgs.id', 'orgs.name', 'org_members.role'])
    .where('org_members.user_id', '=', userId)
    .orderBy('orgs.name')
    .execute();

export const findMembership = async (db: Executor, orgId: string, userId: string) =>
  (await membership(db, { orgId, userId }))[0];

const membership = reusableQuery((db, v: { orgId: string; userId: string }) =>
  db.selectFrom('org_members').selectAll().where('org_id', '=', v.orgId).where('user_id', '=', v.userId),
);

export const upsertMember = (db: Executor, member: OrgMemberTable) =>
  db
    .insertInto('org_members')
    .values(member)
    .onConflict((oc) => oc.columns(['org_id', 'user_id']).doUpdateSet({ role: member.role }))
    .execute();

/** Answers whether the user was a member. */
export const deleteMember = async (db: Executor, orgId: string, userId: string): Promise<boolean> =>
  Number(
    (
      await db
        .deleteFrom('org_members')
        .where('org_id', '=', orgId)
        .where('user_id', '=', userId)
        .executeTakeFirst()
    ).numDeletedRows,
  ) > 0;

/** An org's members by username; with `page`, at most `limit` after the username `after`. */
export const listMembers = (
  db: Executor,
  orgId: string,
  page?: { after?: string | undefined; limit: number },
) => {
  let query = db
    .selectFrom('org_members')
    .innerJoin('users', 'users.id', 'org_members.user_id')
    .select(['users.username', 'users.email', 'org_members.role', 'org_members.added_at'])
    .where('org_members.org_id', '=', orgId);
  if (page?.after !== undefined) query = query.where('users.username', '>', page.after);
  query = query.orderBy('users.username');
  return (page ? query.limit(page.limit) : query).execute();
};
