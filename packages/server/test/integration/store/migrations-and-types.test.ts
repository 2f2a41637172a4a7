/** The schema from empty on each dialect, and the values both drivers return for the same queries. */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, sql } from 'kysely';
import { openSqlite } from '../../../src/store/database.js';
import { MIGRATIONS } from '../../../src/store/migrate.js';
import { openPostgres } from '../../../src/store/postgres.js';
import { findBuildById, findBuildLog } from '../../../src/store/repositories/builds.repository.js';
import type { DB } from '../../../src/store/schema.js';
import { databaseNameFor, dropTestDatabase, testPostgresConfig } from '../../support/postgres.js';
import { openTestStore } from '../../support/test-store.js';
import { type Dialect, fixtures, forEachDialect, insertWorkspaceW1 } from './dialects.js';

const schemas = new Map<Dialect, Record<string, string[]>>();

forEachDialect('the schema', (store) => {
  it('given an empty database, when migrated, then every table and column exists', async () => {
    const tables = await store.db.introspection.getTables();
    const schema = Object.fromEntries(
      tables
        .filter((t) => !t.name.startsWith('kysely_'))
        .map((t) => [t.name, t.columns.map((c) => c.name).sort()])
        .sort(([a], [b]) => String(a).localeCompare(String(b))),
    );
    assert.equal(Object.keys(schema).length, 23);
    assert.deepEqual(schema.build_logs, ['build_id', 'log'], 'migration 0013');
    assert.deepEqual(schema.build_log_parts, ['build_id', 'seq', 'text'], 'migration 0015');
    for (const table of ['workspaces', 'builds', 'orgs'])
      assert.ok(schema[table]?.includes('row_version'), `${table}.row_version: migration 0014`);
    assert.ok(!schema.builds?.includes('log'), "a build's row holds no log (migration 0013)");
    assert.ok(schema.replicas && schema.job_runs && schema.session_leases, 'migration 0009');
    assert.deepEqual(schema.login_windows, ['expires_at', 'failures', 'key', 'started_at'], 'migration 0011');
    assert.ok(schema.workspaces?.includes('auto_off_override_ms'));
    assert.ok(schema.workspaces?.includes('engine_id'));
    assert.ok(schema.engines?.includes('drained'));
    schemas.set(store.dialect, schema);
  });

  it('given numbers beyond 32 bits, counts and sums, when read back, then they are numbers as on SQLite', async () => {
    await store.db.insertInto('orgs').values(fixtures.org('o1', 'default')).execute();
    const row = await store.db
      .selectFrom('orgs')
      .select((eb) => [
        'max_disk_bytes',
        eb.fn.countAll().as('count'),
        eb.fn.sum('max_memory_bytes').as('memory'),
        eb.fn.sum('max_cpu_millis').as('cpu'),
        eb.fn.max('max_disk_bytes').as('max'),
      ])
      .groupBy('max_disk_bytes')
      .executeTakeFirstOrThrow();
    assert.deepStrictEqual(row, {
      max_disk_bytes: 4 * 2 ** 40,
      count: 1,
      memory: 256 * 2 ** 30,
      cpu: 64_000,
      max: 4 * 2 ** 40,
    });
  });

  it('given a comparison or a timestamp computed by the database, when read, then 0/1 and an ISO string', async () => {
    const { rows } = await sql<{
      yes: unknown;
      no: unknown;
      at: unknown;
    }>`select ${sql.lit(1)} = ${sql.lit(1)} as yes, ${sql.lit(1)} = ${sql.lit(2)} as no, ${
      store.dialect === 'postgres'
        ? sql`timestamptz '2026-12-01 09:00:00.5+00'`
        : sql`strftime('%Y-%m-%dT%H:%M:%fZ', '2026-12-01 09:00:00.500')`
    } as at`.execute(store.db);
    assert.deepStrictEqual(rows[0], { yes: 1, no: 0, at: '2026-12-01T09:00:00.500Z' });
  });

  it('given text with a NUL character, when stored and looked up by it, then it is kept (as U+FFFD on PostgreSQL) and found', async () => {
    await store.db
      .insertInto('users')
      .values({ ...fixtures.user('nul', 'a\u0000b'), email: 'line\u0000break' })
      .execute();
    const found = await store.db
      .selectFrom('users')
      .selectAll()
      .where('username', '=', 'a\u0000b')
      .executeTakeFirst();
    const kept = store.dialect === 'postgres' ? 'a\uFFFDb' : 'a\u0000b';
    assert.equal(found?.username, kept);
    assert.equal(found?.email, store.dialect === 'postgres' ? 'line\uFFFDbreak' : 'line\u0000break');
  });

  it('given Infinity, -Infinity or NaN in a statement, when run, then it is refused and nothing is written', async () => {
    for (const bad of [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN])
      await assert.rejects(
        store.db.updateTable('orgs').set({ max_gpus: bad }).where('id', '=', 'o1').execute(),
        /non-finite/,
      );
    assert.equal(
      (await store.db.selectFrom('orgs').select('max_gpus').executeTakeFirstOrThrow()).max_gpus,
      4,
    );
  });
});

describe('the schema on both dialects', () => {
  it('given both migrated from empty, when compared, then they have the same tables and columns', () => {
    assert.equal(schemas.size, 2, 'both dialects were migrated');
    assert.deepEqual(schemas.get('postgres'), schemas.get('sqlite'));
  });
});

describe('migrations run once', () => {
  it('given a migrated SQLite file, when opened again, then it opens with its data', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hearth-store-'));
    const file = join(dir, 'hearth.db');
    const first = await openSqlite(file);
    await first.insertInto('settings').values({ key: 'k', value: 'v' }).execute();
    await first.destroy();
    const again = await openSqlite(file);
    assert.equal((await again.selectFrom('settings').selectAll().executeTakeFirst())?.value, 'v');
    await again.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  it('given a store of before migration 0013 with build logs, when opened, then each log is in build_logs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hearth-store-'));
    const file = join(dir, 'hearth.db');
    const old = new Kysely<DB>({ dialect: new SqliteDialect({ database: new SQLite(file) }) });
    const before = Object.entries(MIGRATIONS).filter(([name]) => name < '0013');
    const migrated = await new Migrator({
      db: old,
      provider: { getMigrations: async () => Object.fromEntries(before) },
    }).migrateToLatest();
    assert.equal(migrated.error, undefined);
    await insertWorkspaceW1(old);
    const logged = { ...fixtures.build('b1', 'w1', 1, 'succeeded'), log: '{"text":"one"}\n' };
    const quiet = { ...fixtures.build('b2', 'w1', 2, 'queued'), log: '' };
    await old
      .insertInto('builds')
      .values([logged, quiet] as never)
      .execute();
    await old.destroy();
    const store = await openSqlite(file);
    assert.equal(await findBuildLog(store, 'b1'), '{"text":"one"}\n');
    assert.equal(await findBuildLog(store, 'b2'), '');
    assert.equal((await store.selectFrom('build_logs').selectAll().execute()).length, 1, 'no row for no log');
    assert.equal((await findBuildById(store, 'b1'))?.status, 'succeeded');
    // Deleting a workspace takes its builds' logs with them.
    await store.deleteFrom('workspaces').where('id', '=', 'w1').execute();
    assert.deepEqual(await store.selectFrom('build_logs').selectAll().execute(), []);
    await store.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  it('given a migrated PostgreSQL database, when opened again, then it opens with its data', async () => {
    const name = databaseNameFor(`store-reopen-${process.pid}`);
    const config = await testPostgresConfig(name);
    const first = await openPostgres(config);
    await first.insertInto('settings').values({ key: 'k', value: 'v' }).execute();
    await first.destroy();
    const again = await openPostgres(config);
    assert.equal((await again.selectFrom('settings').selectAll().executeTakeFirst())?.value, 'v');
    await again.destroy();
    await dropTestDatabase(name);
  });

  it('given a PostgreSQL value beyond what a JavaScript number holds, when read, then it is an error, not a rounded number', async () => {
    const { db, close } = await openTestStore('postgres');
    await assert.rejects(
      sql`select 9007199254740993::bigint as n`.execute(db),
      /9007199254740993, which a JavaScript number cannot hold exactly/,
    );
    await close();
  });
});
