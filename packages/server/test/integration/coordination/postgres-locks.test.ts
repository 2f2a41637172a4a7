// The locks contract against PostgreSQL advisory locks, within one server and across two.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lockPool } from '../../../src/coordination/postgres/connections.js';
import { PostgresLocks } from '../../../src/coordination/postgres/locks.js';
import type { Locks } from '../../../src/ports/locks.js';
import { locksContract } from '../../unit/coordination/locks.contract.js';
import { deferred, until } from '../../unit/coordination/timing.js';
import { suiteDatabase } from './postgres-database.js';

const TIMING = { quietMs: 100, timeoutMs: 10_000 };
const db = suiteDatabase();
const newLocks = () => db.track(new PostgresLocks(lockPool(db.settings, () => {})));

locksContract('postgres (one server)', newLocks, TIMING);

/**
 * `withLock` calls alternate between two servers' adapters and every `tryWithLock` goes to the
 * second: every exclusion the suite checks between a holder and a try or a waiter holds across
 * them. (Two tries back to back are one server's: across servers, the first may release before the
 * second's query arrives, and then both acquire, rightly.)
 */
locksContract(
  'postgres (two servers)',
  () => {
    const servers = [newLocks(), newLocks()];
    let turn = 0;
    return {
      withLock: (key, fn) => servers[turn++ % 2]!.withLock(key, fn),
      tryWithLock: (key, fn) => servers[1]!.tryWithLock(key, fn),
    } satisfies Locks;
  },
  TIMING,
);

describe('postgres locks across servers', () => {
  it('given a key held by server A, when B tries and waits, then B is refused, then runs once A released', async () => {
    const a = newLocks();
    const b = newLocks();
    const holder = deferred();
    const order: string[] = [];
    const held = a.withLock('lifecycle:ws-1', async () => {
      order.push('a in');
      await holder.promise;
      order.push('a out');
    });
    await until(TIMING, 'A holds the key', () => order.length === 1);
    assert.deepEqual(await b.tryWithLock('lifecycle:ws-1', async () => 'b ran'), { acquired: false });
    const waiting = b.withLock('lifecycle:ws-1', async () => order.push('b in'));
    assert.deepEqual(await b.tryWithLock('lifecycle:ws-2', async () => 'other key'), {
      acquired: true,
      value: 'other key',
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(order, ['a in']);
    holder.resolve();
    await Promise.all([held, waiting]);
    assert.deepEqual(order, ['a in', 'a out', 'b in']);
  });
});
