/**
 * Opens the database and brings its schema up to date. The store is the only importer of Kysely's
 * dialects; everything else takes a `Kysely<DB>` (or a transaction) from here.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { guardSqlite } from './guarded-drivers.js';
import { migrate } from './migrate.js';
import type { PostgresConfig } from './postgres.js';
import { openPostgres, redactedUrl } from './postgres.js';
import type { DB } from './schema.js';
import { cachingStatements, type StatementSource } from './statement-cache.js';
import { checkpointOffLoop } from './wal-checkpoints.js';

export type Database = Kysely<DB>;

/** Where the data lives: PostgreSQL when configured, else the SQLite file. */
export interface DatabaseSettings {
  readonly databaseFile: string;
  readonly postgres?: PostgresConfig;
}

/** Opens the configured database and migrates it; `onIdleError` hears of lost idle connections. */
export function openDatabase(
  settings: DatabaseSettings,
  onIdleError?: (error: Error) => void,
): Promise<Database> {
  return settings.postgres ? openPostgres(settings.postgres, onIdleError) : openSqlite(settings.databaseFile);
}

/** The database as messages name it (a PostgreSQL URL without its password). */
export function describeDatabase(settings: DatabaseSettings): string {
  return settings.postgres ? redactedUrl(settings.postgres.url) : settings.databaseFile;
}

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
  // The log's checkpoints (and their fsync) run on a thread of their own, not in a commit here.
  const checkpoints = file === ':memory:' ? undefined : checkpointOffLoop(sqlite, file);
  const source: StatementSource = {
    prepare: sqlite.prepare.bind(sqlite) as StatementSource['prepare'],
    close: () => {
      checkpoints?.stop();
      return sqlite.close();
    },
  };
  const db = new Kysely<DB>({
    dialect: new SqliteDialect({ database: guardSqlite(cachingStatements(source)) }),
  });
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
