/**
 * Reads a test server's store from outside the server, on either dialect: every table's rows (to
 * see that a refused request changed nothing) and everything stored, as bytes (to see that no
 * secret is kept in plaintext).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { type Database, openDatabase } from '../../src/store/database.js';
import { databaseNameFor, TEST_DIALECT, testDatabaseUrl, testPostgresConfig } from './postgres.js';

export type Tables = [name: string, rows: unknown[]][];

export interface StoreReader {
  /** Every table (by name) with its rows, in a stable order. */
  tables(): Promise<Tables>;
  close(): Promise<void>;
}

/** PostgreSQL has no stable row order of its own (SQLite's rowid is one). */
const stable = (rows: unknown[]) =>
  rows
    .map((r) => JSON.stringify(r))
    .sort()
    .map((r) => JSON.parse(r) as unknown);

/** The store of the server whose data dir is `dataDir`, through the server's own store code (to change what a test needs). */
export async function openServerStore(dataDir: string): Promise<Database> {
  const databaseFile = join(dataDir, 'hearth.db');
  if (TEST_DIALECT === 'sqlite') return openDatabase({ databaseFile });
  return openDatabase({ databaseFile, postgres: await testPostgresConfig(databaseNameFor(dataDir)) });
}

/** A reader of the store of the server whose data dir is `dataDir`. */
export async function openStoreReader(dataDir: string): Promise<StoreReader> {
  if (TEST_DIALECT === 'sqlite') {
    const db = new SQLite(join(dataDir, 'hearth.db'), { readonly: true });
    return {
      async tables() {
        const names = db
          .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
          .all() as {
          name: string;
        }[];
        return names.map(({ name }) => [name, db.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).all()]);
      },
      async close() {
        db.close();
      },
    };
  }
  const client = new pg.Client({ connectionString: await testDatabaseUrl(databaseNameFor(dataDir)) });
  await client.connect();
  // Dropping the test database ends this connection; that is no error of the test's.
  client.on('error', () => {});
  return {
    async tables() {
      const names = await client.query<{ name: string }>(
        'SELECT tablename AS name FROM pg_tables WHERE schemaname = \'public\' ORDER BY tablename COLLATE "C"',
      );
      const tables: Tables = [];
      for (const { name } of names.rows)
        tables.push([name, stable((await client.query(`SELECT * FROM "${name}"`)).rows)]);
      return tables;
    },
    close: () => client.end(),
  };
}

/**
 * Everything the store keeps, as bytes: on SQLite the database file and its write-ahead log as they
 * are on disk (deleted rows included); on PostgreSQL every row of every table as text.
 */
export async function storedBytes(dataDir: string): Promise<Buffer> {
  if (TEST_DIALECT === 'sqlite')
    return Buffer.concat(
      await Promise.all(
        ['hearth.db', 'hearth.db-wal'].map((f) => readFile(join(dataDir, f)).catch(() => Buffer.alloc(0))),
      ),
    );
  const reader = await openStoreReader(dataDir);
  try {
    return Buffer.from(JSON.stringify(await reader.tables()));
  } finally {
    await reader.close();
  }
}
