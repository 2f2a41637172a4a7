// The activity contract against the replicas' shared adapter on PostgreSQL, and sessions across replicas.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import { SharedActivity } from '../../../src/coordination/postgres/activity.js';
import { systemClock } from '../../../src/ports/clock.js';
import type { Database } from '../../../src/store/database.js';
import { openPostgres } from '../../../src/store/postgres.js';
import { activityContract } from '../../unit/coordination/activity.contract.js';
import { until } from '../../unit/coordination/timing.js';
import { suiteDatabase } from './postgres-database.js';

const TIMING = { quietMs: 100, timeoutMs: 10_000 };
let db: Database;
const suite = suiteDatabase(async (settings) => {
  db = await openPostgres(settings);
});
suite.track({ close: () => db.destroy() });
let replicas = 0;

/** Each case gets a replica of its own; the one before it leaves (its sessions with it: the cases share workspace ids). */
let previous: SharedActivity | undefined;
activityContract(
  'postgres (shared by replicas)',
  async (deps) => {
    await previous?.close();
    previous = suite.track(new SharedActivity({ ...deps, db, replicaId: `contract-${++replicas}` }));
    return previous;
  },
  TIMING,
);

describe('shared activity across replicas', () => {
  const pair = (beatMs = 100) => {
    const writes: { replica: string; workspaceId: string; at: number | undefined }[] = [];
    const make = (replica: string) =>
      suite.track(
        new SharedActivity({
          db,
          replicaId: replica,
          clock: systemClock,
          logger: pino({ level: 'silent' }),
          record: async (workspaceId, at) => void writes.push({ replica, workspaceId, at: at?.getTime() }),
          beatMs,
        }),
      );
    const n = ++replicas;
    return { a: make(`a-${n}`), b: make(`b-${n}`), bId: `b-${n}`, writes };
  };

  it('given a session open on replica A, then replica B counts it until A closes it', async () => {
    const { a, b } = pair();
    const close = a.sessionOpened('ws-x', 'ssh');
    await a.settle();
    assert.equal((await b.usage('ws-x')).openSessions, 1);
    assert.equal((await b.usage('ws-y')).openSessions, 0, 'never for another workspace');
    assert.equal((await a.usage('ws-x')).openSessions, 1, 'A counts its own once');
    const both = await b.usages(['ws-x', 'ws-y']);
    assert.deepEqual(
      [both.get('ws-x')?.openSessions, both.get('ws-y')?.openSessions],
      [1, 0],
      'asked for many at once, the same counts',
    );
    close();
    await a.settle();
    assert.equal((await b.usage('ws-x')).openSessions, 0);
  });

  it('given a session open on replica A, when B persists, then now counts as use on B', async () => {
    const { a, b, bId, writes } = pair();
    a.sessionOpened('ws-p', 'terminal');
    await a.settle();
    const before = Date.now();
    await b.persist('ws-p');
    const last = writes.filter((w) => w.replica === bId && w.workspaceId === 'ws-p').at(-1);
    assert.ok((last?.at ?? 0) >= before, `B wrote now as use: ${JSON.stringify(last)}`);
  });

  it('given a use coalesced in memory on replica A, then it reaches the store within the flush', async () => {
    const { a, writes } = pair();
    a.touch('ws-f', 'keepalive');
    await until(TIMING, 'the first use written', () => writes.some((w) => w.workspaceId === 'ws-f'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = Date.now();
    a.touch('ws-f', 'keepalive');
    await until(TIMING, 'the coalesced use flushed', () =>
      writes.some((w) => w.workspaceId === 'ws-f' && (w.at ?? 0) >= second),
    );
  });

  it('given a replica gone without closing (no heartbeat), then its sessions stop counting', async () => {
    // Neither beats during the test: A stands for a replica killed with its session open.
    const { a, b } = pair(3_600_000);
    a.sessionOpened('ws-g', 'ssh');
    await a.settle();
    assert.equal((await b.usage('ws-g')).openSessions, 1);
    await db
      .updateTable('session_leases')
      .set({ heartbeat_at: new Date(Date.now() - 60_000).toISOString() })
      .where('workspace_id', '=', 'ws-g')
      .execute();
    assert.equal((await b.usage('ws-g')).openSessions, 0);
  });
});
