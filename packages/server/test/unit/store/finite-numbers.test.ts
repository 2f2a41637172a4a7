import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openSqlite } from '../../../src/store/database.js';

describe('the store refuses non-finite numbers', () => {
  it('given Infinity, -Infinity or NaN in an insert or an update, when run, then it throws and nothing is written', async () => {
    const db = await openSqlite(':memory:');
    const org = {
      id: 'o1',
      name: 'team',
      created_at: '2026-12-01T00:00:00.000Z',
      max_cpu_millis: 8000,
      max_memory_bytes: 2 ** 30,
      max_disk_bytes: 2 ** 30,
      max_gpus: 0,
      member_cpu_quota_millis: 8000,
      member_memory_quota_bytes: 2 ** 30,
    };
    for (const bad of [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN])
      await assert.rejects(
        db
          .insertInto('orgs')
          .values({ ...org, max_gpus: bad })
          .execute(),
        /non-finite/,
      );
    assert.equal((await db.selectFrom('orgs').selectAll().execute()).length, 0);
    await db.insertInto('orgs').values(org).execute();
    await assert.rejects(
      db.updateTable('orgs').set({ max_gpus: Number.POSITIVE_INFINITY }).where('id', '=', 'o1').execute(),
      /non-finite/,
    );
    await assert.rejects(
      db.selectFrom('orgs').selectAll().where('max_gpus', '<', Number.POSITIVE_INFINITY).execute(),
      /non-finite/,
    );
    assert.equal((await db.selectFrom('orgs').select('max_gpus').executeTakeFirstOrThrow()).max_gpus, 0);
    await db.destroy();
  });
});
