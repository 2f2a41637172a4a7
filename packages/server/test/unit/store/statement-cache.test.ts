import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import v8 from 'node:v8';
import SQLite from 'better-sqlite3';
import { cachingStatements, type StatementSource } from '../../../src/store/statement-cache.js';

// V8's own answer to "is this object in fast mode?": needs natives syntax, set before compiling it.
v8.setFlagsFromString('--allow-natives-syntax');
const hasFastProperties = new Function('o', 'return %HasFastProperties(o)') as (o: object) => boolean;

/** A real in-memory SQLite database that counts what it was asked to prepare. */
function countingDatabase(): { database: StatementSource; prepared: string[]; sqlite: SQLite.Database } {
  const sqlite = new SQLite(':memory:');
  const prepared: string[] = [];
  const database = {
    close: () => sqlite.close(),
    prepare(sql: string) {
      prepared.push(sql);
      return sqlite.prepare(sql);
    },
  } as StatementSource;
  return { database, prepared, sqlite };
}

describe('the statement cache', () => {
  it('given one SQL text run many times with different parameters, when run, then it is prepared once and each run answers for its own parameters', () => {
    const { database, prepared, sqlite } = countingDatabase();
    sqlite.exec('create table t (id integer primary key, name text)');
    const cached = cachingStatements(database);
    for (let i = 0; i < 50; i++) cached.prepare('insert into t (id, name) values (?, ?)').run([i, `n${i}`]);
    for (let i = 0; i < 50; i++)
      assert.deepEqual(cached.prepare('select name from t where id = ?').all([i]), [{ name: `n${i}` }]);
    assert.deepEqual(prepared, ['insert into t (id, name) values (?, ?)', 'select name from t where id = ?']);
    assert.equal(cached.prepare('select name from t where id = ?').reader, true);
    assert.equal(cached.prepare('insert into t (id, name) values (?, ?)').reader, false);
    cached.close();
  });

  it('given more SQL texts than it holds, when prepared, then the least recently used is evicted and prepared anew when asked again', () => {
    const { database, prepared } = countingDatabase();
    const cached = cachingStatements(database, 2);
    cached.prepare('select 1');
    cached.prepare('select 2');
    cached.prepare('select 1'); // a hit: now "select 2" is the oldest
    cached.prepare('select 3'); // evicts "select 2"
    cached.prepare('select 1');
    cached.prepare('select 3');
    assert.deepEqual(prepared, ['select 1', 'select 2', 'select 3']);
    assert.deepEqual(cached.prepare('select 2').all([]), [{ 2: 2 }]);
    assert.deepEqual(prepared, ['select 1', 'select 2', 'select 3', 'select 2']);
    cached.prepare('select 3'); // still held: "select 1" was the one evicted by "select 2"
    cached.prepare('select 1');
    assert.deepEqual(prepared.slice(4), ['select 1']);
    cached.close();
  });

  it('given a cached statement and then a schema change (a migration), when run again, then it sees the schema as it is now', () => {
    const { database, sqlite } = countingDatabase();
    sqlite.exec('create table t (id integer primary key); insert into t values (1)');
    const cached = cachingStatements(database);
    assert.deepEqual(cached.prepare('select * from t').all([]), [{ id: 1 }]);
    sqlite.exec("alter table t add column note text not null default 'added'");
    assert.deepEqual(cached.prepare('select * from t').all([]), [{ id: 1, note: 'added' }]);
    sqlite.exec('drop table t');
    assert.throws(() => cached.prepare('select * from t').all([]), /no such table/);
    cached.close();
  });

  it('given a cached statement and a migration through the cache that renames a column, when run again, then its rows use the new name', () => {
    const { database } = countingDatabase();
    const cached = cachingStatements(database);
    cached.prepare('create table t (id integer primary key, note text)').run([]);
    cached.prepare("insert into t values (1, 'a')").run([]);
    assert.deepEqual(cached.prepare('select * from t').all([]), [{ id: 1, note: 'a' }]);
    cached.prepare('alter table t rename column note to remark').run([]);
    assert.deepEqual(cached.prepare('select * from t').all([]), [{ id: 1, remark: 'a' }]);
    cached.close();
  });

  it('given rows with every kind of value and a repeated column name, when read, then they are the objects better-sqlite3 makes', () => {
    const { database, sqlite } = countingDatabase();
    const cached = cachingStatements(database);
    const sql =
      "select 1 as n, 2.5 as x, 'text' as s, null as z, x'00ff' as b, 'first' as dup, 'last' as dup union all select 2, 0, '', null, x'', 'f', 'l'";
    assert.deepEqual(cached.prepare(sql).all([]), sqlite.prepare(sql).all());
    assert.deepEqual(cached.prepare('select 1 where 0').all([]), []);
    cached.close();
  });

  it('given rows of a wide table (a workspace has 36 columns), when read, then each is an object in fast mode, not a dictionary', () => {
    const { database, sqlite } = countingDatabase();
    const columns = Array.from({ length: 40 }, (_, i) => `c${i}`);
    sqlite.exec(`create table t (${columns.map((c) => `${c} integer`).join(', ')})`);
    sqlite.exec(`insert into t values (${columns.map((_, i) => i).join(', ')})`);
    sqlite.exec(`insert into t values (${columns.map((_, i) => -i).join(', ')})`);
    const cached = cachingStatements(database);
    const rows = cached.prepare('select * from t').all([]) as object[];
    assert.deepEqual(rows, sqlite.prepare('select * from t').all());
    for (const row of rows) assert.ok(hasFastProperties(row), 'a row in fast mode');
    cached.close();
  });

  it('given a name that reads like code, when read, then it is only a name', () => {
    const { database } = countingDatabase();
    const cached = cachingStatements(database);
    const sql = `select 1 as "a"": 0, b: (globalThis.hacked = 1), c"""`;
    const [row] = cached.prepare(sql).all([]) as object[];
    assert.deepEqual(row, { 'a": 0, b: (globalThis.hacked = 1), c"': 1 });
    assert.equal((globalThis as { hacked?: number }).hacked, undefined);
    cached.close();
  });

  it('given column names that are not identifiers (quotes, a backslash, a newline), when read, then they are the objects better-sqlite3 makes', () => {
    const { database, sqlite } = countingDatabase();
    const cached = cachingStatements(database);
    const sql = `select 2 as "a""b", 3 as 'c\\d', 4 as "e\n}", 5 as "constructor", 6 as "\u2028"`;
    assert.deepEqual(cached.prepare(sql).all([]), sqlite.prepare(sql).all());
    cached.close();
  });

  it('given a column named __proto__, when read, then it is a property of the row, which keeps its prototype', () => {
    const { database } = countingDatabase();
    const cached = cachingStatements(database);
    const [row] = cached.prepare(`select null as "__proto__", x'00' as b`).all([]) as object[];
    assert.equal(Object.getPrototypeOf(row), Object.prototype);
    assert.deepEqual(Object.entries(row!), [
      ['__proto__', null],
      ['b', Buffer.from([0])],
    ]);
    cached.close();
  });

  it('given a stream over a statement, when the same SQL runs while the stream is open, then both answer', () => {
    const { database, sqlite } = countingDatabase();
    sqlite.exec('create table t (id integer primary key); insert into t values (1), (2), (3)');
    const cached = cachingStatements(database);
    const sql = 'select id from t order by id';
    const seen: unknown[] = [];
    for (const row of cached.prepare(sql).iterate([])) {
      seen.push(row);
      assert.equal(cached.prepare(sql).all([]).length, 3);
    }
    assert.deepEqual(seen, [{ id: 1 }, { id: 2 }, { id: 3 }]);
    cached.close();
  });

  it('given a SQL text that does not prepare, when asked, then it throws and nothing is cached', () => {
    const { database, prepared } = countingDatabase();
    const cached = cachingStatements(database);
    assert.throws(() => cached.prepare('select * from missing'), /no such table/);
    assert.throws(() => cached.prepare('select * from missing'), /no such table/);
    assert.equal(prepared.length, 2);
    cached.close();
  });

  it('given a capacity below one, when made, then it says what it needs', () => {
    const { database } = countingDatabase();
    assert.throws(() => cachingStatements(database, 0), /at least 1 statement, not 0/);
    database.close();
  });
});
