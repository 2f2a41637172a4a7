/**
 * The PostgreSQL {@link Locks}: session advisory locks, each held on a pooled connection of its
 * own for as long as `fn` runs, so every server on the database excludes every other. The key is
 * hashed to the lock's 64-bit number (two keys sharing one would only wait for each other).
 *
 * PostgreSQL's advisory locks are re-entrant per session and a waiting `pg_advisory_lock` holds a
 * connection; so calls of this server first queue per key in memory (an {@link InProcessLocks}),
 * which makes the locks non-re-entrant as the port requires and keeps at most one connection per
 * key busy. A connection lost while holding loses the lock with it (PostgreSQL releases it); the
 * store stays the truth, as everywhere in coordination.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { LockAttempt, Locks } from '../../ports/locks.js';
import { InProcessLocks } from '../in-process/locks.js';

/** The advisory lock number of `key`: the first 64 bits of its SHA-256, as a signed bigint string. */
export function lockNumber(key: string): string {
  return createHash('sha256').update(`hearth:${key}`).digest().readBigInt64BE(0).toString();
}

export class PostgresLocks implements Locks {
  readonly #pool: pg.Pool;
  readonly #local = new InProcessLocks();

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    return this.#local.withLock(key, async () => {
      const client = await this.#pool.connect();
      const id = lockNumber(key);
      try {
        await client.query('select pg_advisory_lock($1)', [id]);
      } catch (error) {
        client.release(error as Error);
        throw error;
      }
      try {
        return await fn();
      } finally {
        await unlock(client, id);
      }
    });
  }

  async tryWithLock<T>(key: string, fn: () => Promise<T>): Promise<LockAttempt<T>> {
    const attempt = await this.#local.tryWithLock(key, async (): Promise<LockAttempt<T>> => {
      const client = await this.#pool.connect();
      const id = lockNumber(key);
      let held: boolean;
      try {
        const { rows } = await client.query<{ held: boolean }>('select pg_try_advisory_lock($1) as held', [
          id,
        ]);
        held = rows[0]?.held === true;
      } catch (error) {
        client.release(error as Error);
        throw error;
      }
      if (!held) {
        client.release();
        return { acquired: false };
      }
      try {
        return { acquired: true, value: await fn() };
      } finally {
        await unlock(client, id);
      }
    });
    return attempt.acquired ? attempt.value : attempt;
  }

  /** Closes the pool once nothing holds a lock (shutdown). */
  close(): Promise<void> {
    return this.#pool.end();
  }
}

/** Releases lock `id` and returns the connection; a connection that fails to unlock is dropped (which unlocks). */
async function unlock(client: pg.PoolClient, id: string): Promise<void> {
  try {
    await client.query('select pg_advisory_unlock($1)', [id]);
    client.release();
  } catch (error) {
    client.release(error as Error);
  }
}
