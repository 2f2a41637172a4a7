/**
 * Prepared statements, once per SQL text, and rows built in JavaScript. Kysely's SQLite driver
 * calls `prepare` for every statement it runs, and preparing cost 14–20 % of the server's CPU on a
 * member's list (issue 15): the repositories build the same few hundred statements over and over,
 * so the database's statements are kept in a bounded cache keyed by their text, the least
 * recently used evicted.
 *
 * Reusing one is safe on SQLite: better-sqlite3 runs a statement to its end synchronously (`all`,
 * `run`), so no two uses of one statement overlap, and SQLite re-prepares a statement by itself
 * when the schema has changed since (a migration). Only `iterate` holds a statement open across
 * calls (a stream): it gets a statement of its own.
 *
 * Rows: better-sqlite3 builds each row object through V8's C++ API, one property at a time, which
 * took about half of a page of 100 workspaces' SQL time (28 columns a row). A reader runs in raw
 * mode (arrays) and its rows are built here, by a function compiled from the column names (see
 * rowMaker), which are read once per statement and again after a schema change made through this
 * database (a migration's `create`, `alter` or `drop`) or when a row's width differs from them.
 * Duplicate names keep the last column, as better-sqlite3 does.
 *
 * PostgreSQL keeps its unnamed statements: Kysely's driver gives `pg` the text and the values, and
 * each query is parsed anew (the extended protocol's unnamed statement). Named statements would be
 * kept per pooled connection, but once another replica's migration changes a table's columns,
 * PostgreSQL refuses a kept `select *` ("cached plan must not change result type"), and a pooler
 * in transaction mode does not keep them at all.
 */
import type SQLite from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** How many statements are kept: the repositories' queries with room to spare (each is a few KB). */
const STATEMENT_CACHE_SIZE = 500;

/** What is used of better-sqlite3's database. */
export type StatementSource = Pick<SQLite.Database, 'prepare' | 'close'>;

const SCHEMA_CHANGE = /^\s*(create|alter|drop)\s/i;

/** `database` as Kysely takes it, with its statements cached and its rows built in JavaScript. */
export function cachingStatements(
  database: StatementSource,
  capacity = STATEMENT_CACHE_SIZE,
): SqliteDatabase {
  if (!Number.isInteger(capacity) || capacity < 1)
    throw new Error(`a statement cache holds at least 1 statement, not ${capacity}`);
  // A Map iterates in insertion order: a hit is moved to the end, so the first key is the oldest.
  const cache = new Map<string, SqliteStatement>();
  const schema = { generation: 0 };
  return {
    close: () => {
      cache.clear();
      database.close();
    },
    prepare(sql: string): SqliteStatement {
      const hit = cache.get(sql);
      if (hit) {
        cache.delete(sql);
        cache.set(sql, hit);
        return hit;
      }
      const statement = database.prepare(sql);
      const changesSchema = SCHEMA_CHANGE.test(sql);
      const shared: SqliteStatement = {
        reader: statement.reader,
        all: statement.reader
          ? rowsOf(statement.raw(true), schema)
          : (parameters) => statement.all(parameters),
        run: (parameters) => {
          const result = statement.run(parameters);
          if (changesSchema) schema.generation++;
          return result;
        },
        iterate: (parameters) => database.prepare(sql).iterate(parameters),
      };
      cache.set(sql, shared);
      if (cache.size > capacity) cache.delete(cache.keys().next().value as string);
      return shared;
    },
  };
}

/** A raw reader's `all`, answering row objects (see the header). */
function rowsOf(
  statement: SQLite.Statement,
  schema: { readonly generation: number },
): (parameters: ReadonlyArray<unknown>) => unknown[] {
  let width = -1;
  let seen = -1;
  let rowOf: RowMaker = () => ({});
  return (parameters) => {
    const rows = statement.all(parameters) as unknown[][];
    // After the run: a statement SQLite re-prepared for a new schema names its new columns only then.
    if (seen !== schema.generation || (rows.length > 0 && rows[0]!.length !== width)) {
      const names = statement.columns().map((column) => column.name);
      rowOf = rowMaker(names);
      width = names.length;
      seen = schema.generation;
    }
    const out = new Array<unknown>(rows.length);
    for (let r = 0; r < rows.length; r++) out[r] = rowOf(rows[r]!);
    return out;
  };
}

type RowMaker = (values: readonly unknown[]) => Record<string, unknown>;

/**
 * A function answering the row object of a raw row, for these column names: one object literal,
 * compiled once per statement. Setting each property by its name in a loop took 0.28 ms of CPU for
 * a page of 100 workspaces (48 columns), the literal 0.01 ms (issue 15): V8 makes the literal's
 * object whole, from one shape, where a loop's keyed stores look the shape up at every step.
 * Past 18 such stores (a workspace row has 36 columns, a build row 22) V8 also turned the row into
 * a dictionary-mode object: about 2.5 times the memory, and a hash lookup at every later read.
 * A repeated name keeps the last column's value, as better-sqlite3 does; `__proto__` is written as a
 * computed key, which makes it a property (a plain one would set the object's prototype).
 */
function rowMaker(names: readonly string[]): RowMaker {
  const fields = names.map((name, i) => {
    const key = JSON.stringify(name);
    return `${name === '__proto__' ? `[${key}]` : key}: values[${i}]`;
  });
  return new Function('values', `return { ${fields.join(', ')} };`) as RowMaker;
}
