/**
 * Users' SSH login keys.
 *
 * Dialect differences: none beyond executor.ts's conventions.
 */
import type { SshKeyRow, SshKeyTable, UserRow } from '../schema.js';
import type { Executor } from './executor.js';

export const insertSshKey = (db: Executor, row: SshKeyTable) =>
  db.insertInto('user_ssh_keys').values(row).execute();

export const listSshKeys = (db: Executor, userId: string): Promise<SshKeyRow[]> =>
  db.selectFrom('user_ssh_keys').selectAll().where('user_id', '=', userId).orderBy('created_at').execute();

/** Any user's key with this fingerprint. */
export const findSshKeyByFingerprint = (db: Executor, fingerprint: string): Promise<SshKeyRow | undefined> =>
  db.selectFrom('user_ssh_keys').selectAll().where('fingerprint', '=', fingerprint).executeTakeFirst();

/** The user's key whose id, name or fingerprint is `ref`. */
export const findUserSshKey = (db: Executor, userId: string, ref: string): Promise<SshKeyRow | undefined> =>
  db
    .selectFrom('user_ssh_keys')
    .selectAll()
    .where('user_id', '=', userId)
    .where((eb) => eb.or([eb('id', '=', ref), eb('name', '=', ref), eb('fingerprint', '=', ref)]))
    .executeTakeFirst();

/** The key with this fingerprint and the user it belongs to, for logging in. */
export const findSshKeyLogin = (
  db: Executor,
  fingerprint: string,
): Promise<(SshKeyRow & Pick<UserRow, 'username' | 'site_admin' | 'suspended_at'>) | undefined> =>
  db
    .selectFrom('user_ssh_keys')
    .innerJoin('users', 'users.id', 'user_ssh_keys.user_id')
    .selectAll('user_ssh_keys')
    .select(['users.username', 'users.site_admin', 'users.suspended_at'])
    .where('user_ssh_keys.fingerprint', '=', fingerprint)
    .executeTakeFirst();

export const deleteSshKey = (db: Executor, userId: string, id: string) =>
  db.deleteFrom('user_ssh_keys').where('user_id', '=', userId).where('id', '=', id).execute();

export const touchSshKey = (db: Executor, id: string, now: string) =>
  db.updateTable('user_ssh_keys').set({ last_used_at: now }).where('id', '=', id).execute();
