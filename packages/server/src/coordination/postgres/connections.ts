/**
 * The PostgreSQL connections the coordination adapters hold beside the store's pool: locks wait
 * on theirs for as long as a holder keeps a key, and pub/sub listens on one for the server's life,
 * so neither may take (or be cut short by the statement timeout of) the store's query connections.
 */
import type Pg from 'pg';
import { lazyPackage } from '../../lazy-package.js';
import type { PostgresConfig } from '../../store/postgres.js';

const pg = lazyPackage<typeof Pg>('pg');

/** A pool for held locks: up to `poolSize` keys held (or being acquired) at once by this server. */
export function lockPool(settings: PostgresConfig, onIdleError: (error: Error) => void): Pg.Pool {
  const pool = new (pg().Pool)({
    connectionString: settings.url,
    max: settings.poolSize,
    application_name: 'hearth-locks',
    connectionTimeoutMillis: 10_000,
    keepAlive: true,
  });
  pool.on('error', onIdleError);
  return pool;
}

/** One unpooled connection (pub/sub's listener); the caller connects and ends it. */
export function listenerClient(settings: PostgresConfig): Pg.Client {
  return new (pg().Client)({
    connectionString: settings.url,
    application_name: 'hearth-pubsub',
    connectionTimeoutMillis: 10_000,
    keepAlive: true,
  });
}
