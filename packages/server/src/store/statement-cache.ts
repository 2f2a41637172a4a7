/**
 * Prepared statements, once per SQL text. Kysely's SQLite driver calls `prepare` for every
 * statement it runs, and preparing cost 14–20 % of the server's CPU on a member's list (issue 15):
 * the repositories build the same few hundred statements over and over, so the database's
 * statements are kept in a bounded cache keyed by their text, the least recently used evicted.
 *
 * Reusing one is safe on SQLite: better-sqlite3 runs a statement to its end synchronously (`all`,
 * `run`), so no two uses of one statement overlap, and SQLite re-prepares a statement by itself
 * when the schema has changed since (a migration), reading the columns it has then. Only
 * `iterate` holds a statement open across calls (a stream): it gets a statement of its own.
 *
 * PostgreSQL keeps its unnamed statements: Kysely's driver gives `pg` the text and the values, and
 * each query is parsed anew (the extended protocol's unnamed statement). Named statements would be
 * kept per pooled connection, but once another replica's migration changes a table's columns,
 * PostgreSQL refuses a kept `select *` ("cached plan must not change result type"), and a pooler
 * in transaction mode does not keep them at all.
 */
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** How many statements are kept: the repositories' queries with room to spare (each is a few KB). */
export const STATEMENT_CACHE_SIZE = 500;

/** `database` whose `prepare` hands out a cached statement for a SQL text it has prepared before. */
export function cachingStatements(database: SqliteDatabase, capacity = STATEMENT_CACHE_SIZE): SqliteDatabase {
  if (!Number.isInteger(capacity) || capacity < 1)
    throw new Error(`a statement cache holds at least 1 statement, not ${capacity}`);
  // A Map iterates in insertion order: a hit is moved to the end, so the first key is the oldest.
  const cache = new Map<string, SqliteStatement>();
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
      const shared: SqliteStatement = {
        reader: statement.reader,
        all: (parameters) => statement.all(parameters),
        run: (parameters) => statement.run(parameters),
        iterate: (parameters) => database.prepare(sql).iterate(parameters),
      };
      cache.set(sql, shared);
      if (cache.size > capacity) cache.delete(cache.keys().next().value as string);
      return shared;
    },
  };
}
