/**
 * The PostgreSQL store: Kysely's PostgreSQL dialect on a `pg` pool, with the driver's values mapped
 * to SQLite's (see dialect.ts) and the same migrations.
 */
import { Kysely, PostgresDialect } from 'kysely';
import type Pg from 'pg';
import { lazyPackage } from '../lazy-package.js';
import { postgresTypes } from './dialect.js';
import { guardPostgres } from './guarded-drivers.js';
import { migrate } from './migrate.js';
import type { DB } from './schema.js';

const pg = lazyPackage<typeof Pg>('pg');

/** Connects to the database at `settings.url` and migrates it to the latest version. */
/** Where the PostgreSQL store is and how the server uses it (`--database-url` and friends). */
export interface PostgresConfig {
  /** `postgres://user:password@host:port/database` (libpq URL parameters such as `sslmode` work too). */
  readonly url: string;
  /** Most connections the server holds open. */
  readonly poolSize: number;
  /** A statement running longer than this is canceled; 0 = no limit. */
  readonly statementTimeoutMs: number;
}

export async function openPostgres(
  settings: PostgresConfig,
  onIdleError: (error: Error) => void = () => {},
): Promise<Kysely<DB>> {
  const pool = new (pg().Pool)({
    connectionString: settings.url,
    max: settings.poolSize,
    ...(settings.statementTimeoutMs > 0 ? { statement_timeout: settings.statementTimeoutMs } : {}),
    types: postgresTypes,
    application_name: 'hearth',
    // A database that does not answer fails the request within seconds instead of holding it.
    connectionTimeoutMillis: 10_000,
    keepAlive: true,
  });
  // A connection lost while idle (the database restarted) is dropped by the pool; without a
  // listener its error would end the process. The next query opens a fresh connection.
  pool.on('error', onIdleError);
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: guardPostgres(pool) }) });
  try {
    await migrate(db);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return db;
}

/** The URL without its password, for messages and logs. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the PostgreSQL URL';
  }
}
