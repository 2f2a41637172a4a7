/**
 * A user's sealed secrets and git SSH key.
 *
 * Dialect differences: none beyond executor.ts's conventions.
 */
import type { UserGitKeyRow, UserGitKeyTable, UserSecretRow, UserSecretTable } from '../schema.js';
import type { Executor } from './executor.js';

export const listSecrets = (db: Executor, userId: string): Promise<UserSecretRow[]> =>
  db.selectFrom('user_secrets').selectAll().where('user_id', '=', userId).orderBy('name').execute();

export const upsertSecret = (db: Executor, row: UserSecretTable) =>
  db
    .insertInto('user_secrets')
    .values(row)
    .onConflict((oc) =>
      oc
        .columns(['user_id', 'name'])
        .doUpdateSet({ value_sealed: row.value_sealed, as_file: row.as_file, updated_at: row.updated_at }),
    )
    .execute();

/** Answers whether the user had a secret of that name. */
export const deleteSecret = async (db: Executor, userId: string, name: string): Promise<boolean> =>
  Number(
    (
      await db
        .deleteFrom('user_secrets')
        .where('user_id', '=', userId)
        .where('name', '=', name)
        .executeTakeFirst()
    ).numDeletedRows,
  ) > 0;

export const findGitKey = (db: Executor, userId: string): Promise<UserGitKeyRow | undefined> =>
  db.selectFrom('user_git_keys').selectAll().where('user_id', '=', userId).executeTakeFirst();

export const upsertGitKey = (db: Executor, row: UserGitKeyTable) =>
  db
    .insertInto('user_git_keys')
    .values(row)
    .onConflict((oc) =>
      oc.column('user_id').doUpdateSet({
        public_key: row.public_key,
        private_key_sealed: row.private_key_sealed,
        created_at: row.created_at,
      }),
    )
    .execute();
