/**
 * API, login and workspace tokens, stored by the hash of their secret.
 *
 * Dialect differences: none beyond executor.ts's conventions (expiry is compared as ISO text).
 */

import { reusableQuery } from '../reusable-query.js';
import type { TokenRow, TokenTable } from '../schema.js';
import type { Executor } from './executor.js';

export const insertToken = (db: Executor, token: TokenTable) =>
  db.insertInto('tokens').values(token).execute();

/** A live token by the hash of its secret: not revoked, not expired at `now`. */
export const findLiveToken = async (db: Executor, hash: string, now: string): Promise<TokenRow | undefined> =>
  (await liveToken(db, { hash, now }))[0];

/** Built once (reusable-query.ts): every request that is not remembered reads it. */
const liveToken = reusableQuery((db, v: { hash: string; now: string }) =>
  db
    .selectFrom('tokens')
    .selectAll()
    .where('token_hash', '=', v.hash)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', v.now),
);

export const touchToken = (db: Executor, id: string, now: string) =>
  db.updateTable('tokens').set({ last_used_at: now }).where('id', '=', id).execute();

export const listApiTokens = (db: Executor, userId: string): Promise<TokenRow[]> =>
  db
    .selectFrom('tokens')
    .selectAll()
    .where('user_id', '=', userId)
    .where('kind', '=', 'api')
    .where('revoked_at', 'is', null)
    .orderBy('created_at')
    .execute();

/** Answers whether the user had that token live. */
export const revokeToken = async (db: Executor, id: string, userId: string, now: string): Promise<boolean> =>
  Number(
    (
      await db
        .updateTable('tokens')
        .set({ revoked_at: now })
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst()
    ).numUpdatedRows,
  ) > 0;

/** Revokes the tokens of `rows` (read live by the caller); answers their ids. */
const revokeRows = async (db: Executor, rows: readonly { id: string }[], now: string): Promise<string[]> => {
  if (rows.length === 0) return [];
  const ids = rows.map((t) => t.id);
  await db.updateTable('tokens').set({ revoked_at: now }).where('id', 'in', ids).execute();
  return ids;
};

/** Revokes every live token injected into a workspace; answers their ids. */
export const revokeWorkspaceTokens = async (
  db: Executor,
  workspaceId: string,
  now: string,
): Promise<string[]> => {
  const live = await db
    .selectFrom('tokens')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('kind', '=', 'workspace')
    .where('revoked_at', 'is', null)
    .execute();
  return revokeRows(db, live, now);
};

/** Revokes every live login session of a user except `keepId` (the one in use); answers their ids. */
export const revokeOtherSessions = async (
  db: Executor,
  userId: string,
  keepId: string,
  now: string,
): Promise<string[]> => {
  const live = await db
    .selectFrom('tokens')
    .select('id')
    .where('user_id', '=', userId)
    .where('kind', '=', 'session')
    .where('id', '!=', keepId)
    .where('revoked_at', 'is', null)
    .execute();
  return revokeRows(db, live, now);
};

/** {@link revokeWorkspaceTokens} for many workspaces, 500 a statement; answers the tokens' ids. */
export const revokeWorkspaceTokensOf = async (
  db: Executor,
  workspaceIds: readonly string[],
  now: string,
): Promise<string[]> => {
  const revoked: string[] = [];
  for (let i = 0; i < workspaceIds.length; i += 500) {
    const live = await db
      .selectFrom('tokens')
      .select('id')
      .where('workspace_id', 'in', workspaceIds.slice(i, i + 500))
      .where('kind', '=', 'workspace')
      .where('revoked_at', 'is', null)
      .execute();
    revoked.push(...(await revokeRows(db, live, now)));
  }
  return revoked;
};
