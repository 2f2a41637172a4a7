/**
 * Opens the database and brings its schema up to date. The store is the only importer of Kysely's
 * dialects; everything else takes a `Kysely<DB>` (or a transaction) from here.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, type Migration, type MigrationProvider, Migrator, SqliteDialect } from 'kysely';
import { finiteNumbersOnly } from './finite-numbers.js';
import * as initial from './migrations/0001-initial.js';
import * as hooks from './migrations/0002-hooks.js';
import * as lifecycle from './migrations/0003-lifecycle.js';
import * as sshKeys from './migrations/0004-ssh-keys.js';
import * as pidsLimit from './migrations/0005-pids-limit.js';
import * as apps from './migrations/0006-apps.js';
import type { DB } from './schema.js';

const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
  '0003-lifecycle': lifecycle,
  '0002-hooks': hooks,
  '0004-ssh-keys': sshKeys,
  '0005-pids-limit': pidsLimit,
  '0006-apps': apps,
};

class InCodeMigrations implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return MIGRATIONS;
  }
}

export type Database = Kysely<DB>;

/** Opens (creating if needed) the SQLite database at `file` and migrates it to the latest version. */
export async function openSqlite(file: string): Promise<Database> {
  if (file !== ':memory:') {
    mkdirSync(dirname(file), { recursive: true });
    ownerOnly(file);
  }
  const sqlite = new SQLite(file);
  // WAL keeps readers off the writer's back; NORMAL sync is durable across process crashes.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: finiteNumbersOnly(sqlite) }) });
  await migrate(db);
  return db;
}

/**
 * The database holds password hashes, token hashes and sealed secrets: only the server's user may
 * read it. SQLite creates `-wal` and `-shm` with the database file's own mode, so creating that
 * file 0600 first covers all three; a database made by an older version is tightened too.
 */
function ownerOnly(file: string): void {
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  for (const path of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(path)) chmodSync(path, 0o600);
}

async function migrate(db: Database): Promise<void> {
  const migrator = new Migrator({ db, provider: new InCodeMigrations() });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`migrate database${failed ? ` (${failed.migrationName})` : ''}: ${message}`, {
      cause: error,
    });
  }
}
