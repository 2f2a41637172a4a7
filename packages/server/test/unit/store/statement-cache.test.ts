/**
 * The SQLite statement cache: one prepare per SQL text, least recently used texts evicted, and
 * the store answering as before through it (a real in-memory better-sqlite3 database).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';
import { openSqlite } from '../../../src/store/database.js';
import { cacheStatements } from '../../../src/store/statement-cache.js';

/** better-sqlite3 in memory, counting prepares per SQL text. */
function countingDatabase() {
  const sqlite = new SQLite(':memory:');
  const prepared: string[] = [];
  const database: SqliteDatabase = {
    close: () => sqlite.close(),
    prepare: (sql) => {
      prepared.push(sql);
      return sqlite.prepare(sql);
    },
  };
  return { database, prepared };
}

describe('the SQLite statement cache', () => {
  it('prepares each SQL text once, however often it runs', () => {
    const { database, prepared } = countingDatabase();
    const cached = cacheStatements(database);
    cached.prepare('create table t (n integer)').run([]);
    for (let n = 0; n < 5; n++) cached.prepare('insert into t (n) values (?)').run([n]);
    const rows = cached.prepare('select sum(n) as s from t').all([]);
    assert.deepEqual(rows, [{ s: 10 }]);
    assert.deepEqual(prepared, [
      'create table t (n integer)',
      'insert into t (n) values (?)',
      'select sum(n) as s from t',
    ]);
  });

  it('keeps only the most recently used texts', () => {
    const { database, prepared } = countingDatabase();
    const cached = cacheStatements(database, 2);
    for (const sql of ['select 1', 'select 2', 'select 1', 'select 3', 'select 1', 'select 2'])
      cached.prepare(sql).all([]);
    // "select 2" was the least recently used when "select 3" came, so it was prepared again.
    assert.deepEqual(prepared, ['select 1', 'select 2', 'select 3', 'select 2']);
  });

  it('serves the store: transactions, rollbacks and migrations run as before', async () => {
    const db = await openSqlite(':memory:');
    try {
      const count = async () =>
        Number(
          (
            await db
              .selectFrom('users')
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      const user = (id: string) => ({
        id,
        username: id,
        email: `${id}@x`,
        password_hash: 'x',
        site_admin: 0,
        suspended_at: null,
        created_at: '2026-12-01T00:00:00.000Z',
      });
      await db.insertInto('users').values(user('a')).execute();
      await assert.rejects(
        db.transaction().execute(async (tx) => {
          await tx.insertInto('users').values(user('b')).execute();
          throw new Error('undo');
        }),
        /undo/,
      );
      await db.transaction().execute((tx) => tx.insertInto('users').values(user('c')).execute());
      assert.equal(await count(), 2);
      await assert.rejects(db.insertInto('users').values(user('a')).execute(), { code: 'user_exists' });
    } finally {
      await db.destroy();
    }
  });
});
