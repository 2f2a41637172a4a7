// Tests src/store/reusable-query.ts on a real SQLite database (in memory, through Kysely): a query
// built once answers each run for that run's values, a new shape builds anew, and a builder that
// computes with a value is refused instead of answering for the first run's values.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Executor } from '../../../src/store/repositories/executor.js';
import { reusableQuery } from '../../../src/store/reusable-query.js';
import type { DB } from '../../../src/store/schema.js';

function database(): Executor {
  const sqlite = new SQLite(':memory:');
  sqlite.exec('create table users (id text primary key, username text, site_admin integer)');
  for (let i = 0; i < 10; i++)
    sqlite.prepare('insert into users values (?, ?, ?)').run(`u${i}`, `name${i}`, i % 2);
  return new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }) });
}

describe('reusable queries', () => {
  it('given one query run with different values, then it is built once and each run answers for its own values', async () => {
    const db = database();
    let built = 0;
    const byName = reusableQuery((d, v: { username: string }) => {
      built++;
      return d
        .selectFrom('users')
        .select('id')
        .where('username', '=', v.username)
        .where('site_admin', '=', 1);
    });
    for (const i of [1, 3, 5, 2])
      assert.deepEqual(await byName(db, { username: `name${i}` }), i % 2 ? [{ id: `u${i}` }] : []);
    assert.equal(built, 1, 'the constant (site_admin = 1) stays, the name is replaced');
    await db.transaction().execute(async (tx) => {
      assert.deepEqual(await byName(tx, { username: 'name7' }), [{ id: 'u7' }], 'in a transaction too');
    });
    assert.equal(built, 1);
  });

  it('given lists of other lengths and absent values, then each shape is built once and answers for its values', async () => {
    const db = database();
    let built = 0;
    const list = reusableQuery(
      (d, v: { ids: readonly string[]; after: string | undefined; limit: number }) => {
        built++;
        let q = d.selectFrom('users').select('id').where('id', 'in', v.ids);
        if (v.after !== undefined) q = q.where('id', '>', v.after);
        return q.orderBy('id').limit(v.limit);
      },
    );
    const ids = (rows: { id: string }[]) => rows.map((r) => r.id);
    assert.deepEqual(ids(await list(db, { ids: ['u1', 'u2'], after: undefined, limit: 5 })), ['u1', 'u2']);
    assert.deepEqual(ids(await list(db, { ids: ['u3', 'u4'], after: undefined, limit: 1 })), ['u3']);
    assert.deepEqual(ids(await list(db, { ids: ['u1', 'u2', 'u3'], after: 'u1', limit: 5 })), ['u2', 'u3']);
    assert.deepEqual(ids(await list(db, { ids: ['u5', 'u6', 'u7'], after: 'u5', limit: 1 })), ['u6']);
    assert.deepEqual(ids(await list(db, { ids: ['u5', 'u6', 'u7'], after: '', limit: 9 })), [
      'u5',
      'u6',
      'u7',
    ]);
    assert.equal(built, 3, 'two ids without after; three with after; three with an empty after');
  });

  it('given a builder that computes with a value, then its first run is refused, not answered for that value', async () => {
    const db = database();
    const computed = reusableQuery((d, v: { limit: number }) =>
      d
        .selectFrom('users')
        .select('id')
        .limit(`${v.limit}1` as unknown as number),
    );
    await assert.rejects(computed(db, { limit: 2 }), /computed with its value/);
    const unused = reusableQuery((d, _v: { id: string }) => d.selectFrom('users').select('id'));
    await assert.rejects(unused(db, { id: 'u1' }), /did not use id:-1 as values/);
  });
});
