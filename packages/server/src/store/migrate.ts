/** Every migration, in code, and the one way the schema is brought up to date on either dialect. */
import type { Kysely, Migration, MigrationProvider } from 'kysely';
import { Migrator, sql } from 'kysely';
import * as initial from './migrations/0001-initial.js';
import * as hooks from './migrations/0002-hooks.js';
import * as lifecycle from './migrations/0003-lifecycle.js';
import * as sshKeys from './migrations/0004-ssh-keys.js';
import * as pidsLimit from './migrations/0005-pids-limit.js';
import * as apps from './migrations/0006-apps.js';
import * as buildClaims from './migrations/0007-build-claims.js';
import * as engines from './migrations/0008-engines.js';
import * as replicas from './migrations/0009-replicas.js';
import * as candidateIndexes from './migrations/0010-candidate-indexes.js';
import * as loginWindows from './migrations/0011-login-windows.js';
import * as runningByEngine from './migrations/0012-running-by-engine.js';
import * as buildLogs from './migrations/0013-build-logs.js';
import * as rowVersions from './migrations/0014-row-versions.js';
import * as buildLogParts from './migrations/0015-build-log-parts.js';
import type { DB } from './schema.js';

export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001-initial': initial,
  '0003-lifecycle': lifecycle,
  '0002-hooks': hooks,
  '0004-ssh-keys': sshKeys,
  '0005-pids-limit': pidsLimit,
  '0006-apps': apps,
  '0007-build-claims': buildClaims,
  '0008-engines': engines,
  '0009-replicas': replicas,
  '0010-candidate-indexes': candidateIndexes,
  '0011-login-windows': loginWindows,
  '0012-running-by-engine': runningByEngine,
  '0013-build-logs': buildLogs,
  '0014-row-versions': rowVersions,
  '0015-build-log-parts': buildLogParts,
};

class InCodeMigrations implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return MIGRATIONS;
  }
}

/**
 * Whether `db` has had exactly this version's migrations, in one query: the migrator's own check
 * creates its tables, takes its lock and reads them again, which a start at head does not need.
 * Anything else (a new database, a migration to run, one this version does not know) is the
 * migrator's to handle and to explain.
 */
async function atHead(db: Kysely<DB>): Promise<boolean> {
  const done = await sql<{ name: string }>`select name from kysely_migration`.execute(db).then(
    (r) => r.rows.map((row) => row.name),
    () => undefined,
  );
  const names = Object.keys(MIGRATIONS);
  return done !== undefined && done.length === names.length && names.every((n) => done.includes(n));
}

/** Runs every migration `db` has not had yet; an error names the migration that failed. */
export async function migrate(db: Kysely<DB>): Promise<void> {
  if (await atHead(db)) return;
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
