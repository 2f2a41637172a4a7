/**
 * Installation-wide settings, created once on first use.
 *
 * Dialect differences: none beyond executor.ts's conventions; `ON CONFLICT DO NOTHING` makes the
 * first write race-free on both.
 */
import type { Executor } from './executor.js';

/** The stored value of `key`, creating it from `make()` on first use. */
export async function ensureSetting(db: Executor, key: string, make: () => string): Promise<string> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  if (row) return row.value;
  await db
    .insertInto('settings')
    .values({ key, value: make() })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  return (await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirstOrThrow())
    .value;
}
