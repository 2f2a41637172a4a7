/**
 * PostgreSQL for tests. The cluster is the one HEARTH_TEST_POSTGRES_URL names (scripts/run-tests.sh
 * starts one for its PostgreSQL pass), else one this process starts with scripts/test-postgres.sh on
 * first use and removes when it exits. Each test database is created here and dropped after.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { PostgresConfig } from '../../src/store/postgres.js';

/** `postgres` when HEARTH_TEST_DATABASE says so: then test servers keep their data there. */
export const TEST_DIALECT: 'sqlite' | 'postgres' =
  process.env.HEARTH_TEST_DATABASE === 'postgres' ? 'postgres' : 'sqlite';

// dist/test/support → the repository root.
const SCRIPT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../../scripts/test-postgres.sh');

let cluster: Promise<string> | undefined;

/** The admin URL of the tests' cluster, starting one for this process when none is given. */
function adminUrl(): Promise<string> {
  cluster ??= (async () => {
    const given = process.env.HEARTH_TEST_POSTGRES_URL;
    if (given) return given;
    // Not made here: the script creates it for the postgres user, who must reach it (mkdtemp's is 0700).
    const dir = join(tmpdir(), `hearth-pg-${process.pid}-${randomUUID().slice(0, 8)}`);
    const started = spawnSync('bash', [SCRIPT, 'start', dir], { encoding: 'utf8' });
    if (started.status !== 0) throw new Error(`start a PostgreSQL cluster: ${started.stderr.trim()}`);
    process.on('exit', () => spawnSync('bash', [SCRIPT, 'stop', dir]));
    return started.stdout.trim();
  })();
  return cluster;
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: await adminUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A database name of `key` (e.g. a data directory), the same for the same key. */
export function databaseNameFor(key: string): string {
  return `hearth_${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
}

/** The URL of database `name`, created empty if it does not exist yet. */
export async function testDatabaseUrl(name: string): Promise<string> {
  const url = new URL(await adminUrl());
  await admin(async (client) => {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`create database "${name}"`);
  });
  url.pathname = `/${name}`;
  return url.toString();
}

/** Settings for a server on database `name` (created if needed). */
export async function testPostgresConfig(name: string): Promise<PostgresConfig> {
  return { url: await testDatabaseUrl(name), poolSize: 5, statementTimeoutMs: 30_000 };
}

/** Drops database `name` (and ends its connections) if it exists; no cluster is started for it. */
export async function dropTestDatabase(name: string): Promise<void> {
  if (!cluster) return;
  await admin((client) => client.query(`drop database if exists "${name}" with (force)`));
}
