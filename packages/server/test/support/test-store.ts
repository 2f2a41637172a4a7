/**
 * An empty, migrated store for a test, of the dialect the tests run on (or the one asked for):
 * SQLite in memory, or a PostgreSQL database of its own on the tests' cluster. `close` removes it.
 */
import { randomUUID } from 'node:crypto';
import { type Database, openSqlite } from '../../src/store/database.js';
import { openPostgres } from '../../src/store/postgres.js';
import { databaseNameFor, dropTestDatabase, TEST_DIALECT, testPostgresConfig } from './postgres.js';

export type Dialect = 'sqlite' | 'postgres';

export async function openTestStore(
  dialect: Dialect = TEST_DIALECT,
): Promise<{ db: Database; close(): Promise<void> }> {
  if (dialect === 'sqlite') {
    const db = await openSqlite(':memory:');
    return { db, close: () => db.destroy() };
  }
  const name = databaseNameFor(`store-${randomUUID()}`);
  const db = await openPostgres(await testPostgresConfig(name));
  return {
    db,
    async close() {
      await db.destroy();
      await dropTestDatabase(name);
    },
  };
}
