/**
 * Users.
 *
 * Dialect differences: none beyond executor.ts's conventions (`count(*)` goes through `Number()`).
 */

import { reusableQuery } from '../reusable-query.js';
import type { UserRow, UserTable } from '../schema.js';
import type { Executor } from './executor.js';

export const countUsers = async (db: Executor): Promise<number> =>
  Number(
    (
      await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

export const insertUser = (db: Executor, user: UserTable) => db.insertInto('users').values(user).execute();

// Built once (reusable-query.ts): authentication and every workspace path read a user.
const byName = reusableQuery((db, v: { username: string }) =>
  db.selectFrom('users').selectAll().where('username', '=', v.username),
);
const byId = reusableQuery((db, v: { id: string }) =>
  db.selectFrom('users').selectAll().where('id', '=', v.id),
);

export const findUserByName = async (db: Executor, username: string): Promise<UserRow | undefined> =>
  (await byName(db, { username }))[0];

export const findUserById = async (db: Executor, id: string): Promise<UserRow | undefined> =>
  (await byId(db, { id }))[0];

/** Users by username; with `page`, at most `limit` after the username `after`. */
export const listUsers = (
  db: Executor,
  page?: { after?: string | undefined; limit: number },
): Promise<UserRow[]> => {
  let query = db.selectFrom('users').selectAll();
  if (page?.after !== undefined) query = query.where('username', '>', page.after);
  query = query.orderBy('username');
  return (page ? query.limit(page.limit) : query).execute();
};

export const setSuspended = (db: Executor, id: string, at: string | null) =>
  db.updateTable('users').set({ suspended_at: at }).where('id', '=', id).execute();

export const setPasswordHash = (db: Executor, id: string, hash: string) =>
  db.updateTable('users').set({ password_hash: hash }).where('id', '=', id).execute();
