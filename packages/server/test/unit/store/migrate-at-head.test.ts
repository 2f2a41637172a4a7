import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { migrate } from '../../../src/store/migrate.js';
import type { DB } from '../../../src/store/schema.js';

describe('migrating a database', () => {
  it('that has every migration already costs one query (a restart at head)', async () => {
    const statements: string[] = [];
    const db = new Kysely<DB>({
      dialect: new SqliteDialect({ database: new SQLite(':memory:') }),
      log: (event) => {
        statements.push(event.query.sql);
      },
    });
    try {
      await migrate(db);
      assert.ok(statements.length > 10, 'a new database is migrated');
      statements.length = 0;
      await migrate(db);
      assert.deepEqual(statements, ['select name from kysely_migration']);
    } finally {
      await db.destroy();
    }
  });
});
