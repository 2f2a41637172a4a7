/**
 * One database transaction for a use case, so services never touch Kysely's own API.
 *
 * Dialect differences: on SQLite the store has one connection, so a transaction also holds off
 * every other query of the process until it ends, and a check-then-write inside it is atomic. On
 * PostgreSQL (a pool, READ COMMITTED) other transactions run meanwhile: two can both pass the
 * same check, and the unique constraints, not the check, decide which write wins.
 */
import type { Database } from './database.js';
import type { Executor } from './repositories/executor.js';

/** Runs `fn` in a transaction: committed when it resolves, rolled back when it throws (the error is rethrown). */
export function inTransaction<T>(db: Database, fn: (tx: Executor) => Promise<T>): Promise<T> {
  return db.transaction().execute(fn);
}
