/**
 * Prepared statements kept for reuse on SQLite. Kysely's SQLite driver prepares every statement
 * anew, which cost more than running most of them (at 10,000 workspaces, 14–20 % of a request's
 * CPU, and half of a lifecycle tick's). The same SQL text gets the same prepared statement back.
 *
 * Only the most recently used `size` texts are kept: lists with `IN (?, ?, …)` make a text per
 * length, and an unbounded map would keep every one. Reuse is safe because the driver runs one
 * statement at a time on its one connection (a stream holds the connection until it ends), and
 * SQLite re-prepares a kept statement by itself after a schema change (migrations).
 */
import type { SqliteDatabase, SqliteStatement } from 'kysely';

export const STATEMENTS_KEPT = 500;

export function cacheStatements(database: SqliteDatabase, size = STATEMENTS_KEPT): SqliteDatabase {
  const kept = new Map<string, SqliteStatement>();
  return {
    close: () => {
      kept.clear();
      return database.close();
    },
    prepare(sql: string): SqliteStatement {
      let statement = kept.get(sql);
      if (statement) kept.delete(sql);
      else {
        statement = database.prepare(sql);
        if (kept.size >= size) kept.delete(kept.keys().next().value!);
      }
      // Re-inserted on every use: the map's order is then least recently used first.
      kept.set(sql, statement);
      return statement;
    },
  };
}
