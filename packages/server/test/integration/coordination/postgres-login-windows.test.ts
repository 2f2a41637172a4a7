// The login windows contract against the replicas' shared adapter on PostgreSQL, budgets that hold
// across two replicas, and windows whose time has passed pruned.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PRUNE_EVERY_MS, SharedLoginWindows } from '../../../src/coordination/postgres/login-windows.js';
import type { Budget } from '../../../src/core/rate-limit.js';
import type { LoginWindows } from '../../../src/ports/login-windows.js';
import type { Database } from '../../../src/store/database.js';
import { openPostgres } from '../../../src/store/postgres.js';
import { loginWindowsContract } from '../../unit/coordination/login-windows.contract.js';
import { suiteDatabase } from './postgres-database.js';

const T = Date.parse('2026-12-01T10:00:00Z');
const MINUTE = 60_000;
let db: Database;
const suite = suiteDatabase(async (settings) => {
  db = await openPostgres(settings);
});
suite.track({ close: () => db.destroy() });

/** Each case starts from an empty table (the cases share keys). */
const fresh = async () => {
  await db.deleteFrom('login_windows').execute();
  return new SharedLoginWindows(db);
};
/** When the stored windows end (keys are stored hashed). */
const ends = async () =>
  (await db.selectFrom('login_windows').select('expires_at').orderBy('expires_at').execute()).map((r) =>
    Date.parse(r.expires_at),
  );

/**
 * Failures alternate between two replicas' adapters; every question goes to the second (one run
 * only: one replica's case is within it). The adapter prunes by time, not by count, so the spray case
 * needs 500 names, not the 10,001 that take most of a minute on PostgreSQL.
 */
loginWindowsContract(
  'postgres (shared by two replicas)',
  async () => {
    const replicas = [await fresh(), new SharedLoginWindows(db)];
    let turn = 0;
    return {
      recordFailure: (budgets, now) => replicas[turn++ % 2]!.recordFailure(budgets, now),
      retryAfterMs: (budgets, now) => replicas[1]!.retryAfterMs(budgets, now),
      clear: (key) => replicas[0]!.clear(key),
    } satisfies LoginWindows;
  },
  { sprayNames: 500 },
);

describe('shared login windows across replicas', () => {
  const budget = (key: string, maxFailures: number, windowMs = MINUTE): Budget => ({
    key,
    policy: { maxFailures, windowMs },
  });

  it('given failures spread over two replicas at once, when either is asked, then all of them count', async () => {
    const a = await fresh();
    const b = new SharedLoginWindows(db);
    const budgets = [
      budget('account:bob|source:x', 5),
      budget('source:x', 20),
      budget('account:bob', 100, 15 * MINUTE),
    ];
    await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).recordFailure(budgets, T)));
    assert.equal(await a.retryAfterMs(budgets.slice(0, 1), T + 1), MINUTE - 1, 'five of them hit one budget');
    assert.equal(await b.retryAfterMs(budgets.slice(1), T + 1), 0, 'ten of twenty and of a hundred');
    await a.clear('account:bob|source:x');
    assert.equal(await b.retryAfterMs(budgets, T + 1), 0);
  });

  it('given windows whose time has passed, when a failure comes a minute later, then they are deleted', async () => {
    const windows = await fresh();
    await windows.recordFailure([budget('short', 5), budget('long', 5, 15 * MINUTE)], T);
    assert.deepEqual(await ends(), [T + MINUTE, T + 15 * MINUTE]);
    await windows.recordFailure([budget('later', 5)], T + PRUNE_EVERY_MS);
    assert.deepEqual(await ends(), [T + PRUNE_EVERY_MS + MINUTE, T + 15 * MINUTE], 'short is gone');
  });
});
