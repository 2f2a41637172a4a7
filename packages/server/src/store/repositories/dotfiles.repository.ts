/**
 * A user's dotfiles repository.
 *
 * Dialect differences: none beyond executor.ts's conventions.
 */
import type { UserDotfilesRow, UserDotfilesTable } from '../schema.js';
import type { Executor } from './executor.js';

export const findDotfiles = (db: Executor, userId: string): Promise<UserDotfilesRow | undefined> =>
  db.selectFrom('user_dotfiles').selectAll().where('user_id', '=', userId).executeTakeFirst();

export const upsertDotfiles = (db: Executor, row: UserDotfilesTable) =>
  db
    .insertInto('user_dotfiles')
    .values(row)
    .onConflict((oc) =>
      oc.column('user_id').doUpdateSet({ url: row.url, branch: row.branch, updated_at: row.updated_at }),
    )
    .execute();

export const deleteDotfiles = (db: Executor, userId: string) =>
  db.deleteFrom('user_dotfiles').where('user_id', '=', userId).execute();
