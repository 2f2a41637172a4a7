/**
 * Failed-login windows by budget key (migration 0011), which replicas share.
 *
 * Dialect differences: none beyond executor.ts's conventions (`RETURNING`, which both have).
 */
import type { Selectable } from 'kysely';
import type { LoginWindowTable } from '../schema.js';
import type { Executor } from './executor.js';

export type LoginWindowRow = Selectable<LoginWindowTable>;

const EPOCH = new Date(0).toISOString();

/** The windows of `keys` that exist (`keys` is never empty). */
export const findLoginWindows = (db: Executor, keys: readonly string[]): Promise<LoginWindowRow[]> =>
  db.selectFrom('login_windows').selectAll().where('key', 'in', keys).execute();

/**
 * Takes the key's row until `tx` ends, made first if there is none (no failures, ended long ago),
 * and answers it: failures of one key on any replica are counted one after another.
 */
export const lockLoginWindow = (tx: Executor, key: string): Promise<LoginWindowRow> =>
  tx
    .insertInto('login_windows')
    .values({ key, started_at: EPOCH, failures: 0, expires_at: EPOCH })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet((eb) => ({ failures: eb.ref('login_windows.failures') })),
    )
    .returningAll()
    .executeTakeFirstOrThrow();

export const setLoginWindow = (
  tx: Executor,
  key: string,
  window: { started_at: string; failures: number; expires_at: string },
) => tx.updateTable('login_windows').set(window).where('key', '=', key).execute();

export const deleteLoginWindow = (db: Executor, key: string) =>
  db.deleteFrom('login_windows').where('key', '=', key).execute();

/** Drops the windows whose time had passed at `now`: they hold nothing back any more. */
export const pruneLoginWindows = (db: Executor, now: string) =>
  db.deleteFrom('login_windows').where('expires_at', '<=', now).execute();
