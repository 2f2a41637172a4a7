/**
 * A database of its own on the tests' PostgreSQL cluster for one coordination suite, and the
 * adapters made on it, closed and dropped after the suite. The coordination suites run in the
 * integration tier's SQLite pass only (they make their PostgreSQL themselves, as the store's do).
 */
import { randomUUID } from 'node:crypto';
import { after, before } from 'node:test';
import type { PostgresConfig } from '../../../src/store/postgres.js';
import { databaseNameFor, dropTestDatabase, testPostgresConfig } from '../../support/postgres.js';

export interface SuiteDatabase {
  /** The database's settings (ready in the suite's tests, not at definition time). */
  readonly settings: PostgresConfig;
  /** Closes `closable` when the suite ends; returns it. */
  track<T extends { close(): Promise<void> }>(closable: T): T;
}

/**
 * Registers before/after hooks for one database; call at a file's top level. `setUp` runs once,
 * when the database exists, before any test.
 */
export function suiteDatabase(setUp?: (settings: PostgresConfig) => Promise<void>): SuiteDatabase {
  const name = databaseNameFor(`coordination-${randomUUID()}`);
  const open: { close(): Promise<void> }[] = [];
  let settings: PostgresConfig | undefined;
  before(async () => {
    settings = await testPostgresConfig(name);
    await setUp?.(settings);
  });
  after(async () => {
    await Promise.allSettled(open.map((c) => c.close()));
    await dropTestDatabase(name);
  });
  return {
    get settings() {
      if (!settings) throw new Error('the suite database is ready in tests only');
      return settings;
    },
    track(closable) {
      open.push(closable);
      return closable;
    },
  };
}
