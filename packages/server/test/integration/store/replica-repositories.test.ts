// The replicas table and periodic jobs' turns (migration 0009) on both dialects.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { takeTurns } from '../../../src/app/job-turns.js';
import * as replicas from '../../../src/store/repositories/replicas.repository.js';
import { forEachDialect, T0, T1 } from './dialects.js';

forEachDialect('replicas and job turns', (store) => {
  it('given replicas beating, then a beat updates the heartbeat and keeps the start and a known address', async () => {
    await replicas.beatReplica(store.db, { id: 'r1', host: 'h1', pid: 11, address: null, heartbeat_at: T0 });
    await replicas.beatReplica(store.db, {
      id: 'r1',
      host: 'h1',
      pid: 11,
      address: 'http://127.0.0.1:1',
      heartbeat_at: T0,
    });
    await replicas.beatReplica(store.db, { id: 'r1', host: 'h1', pid: 11, address: null, heartbeat_at: T1 });
    await replicas.beatReplica(store.db, { id: 'r2', host: 'h2', pid: 22, address: null, heartbeat_at: T0 });
    assert.deepEqual(await replicas.findReplica(store.db, 'r1'), {
      id: 'r1',
      host: 'h1',
      pid: 11,
      address: 'http://127.0.0.1:1',
      started_at: T0,
      heartbeat_at: T1,
    });
    assert.deepEqual(
      (await replicas.listLiveReplicas(store.db, T1)).map((r) => r.id),
      ['r1'],
      'r2 is silent since T0',
    );
    await replicas.removeReplicas(store.db, 'r1', T0);
    assert.deepEqual(
      (await replicas.listLiveReplicas(store.db, T0)).map((r) => r.id),
      ['r2'],
    );
  });

  it('given one job due on three replicas at once, then exactly one runs it, and it is due again one interval later', async () => {
    let now = Date.parse(T0);
    const clock = { now: () => new Date(now) };
    const turns = ['a', 'b', 'c'].map((id) => takeTurns(store.db, id, clock));
    const first = await Promise.all(turns.map((turn) => turn('reconcile', 60_000)));
    assert.equal(first.filter(Boolean).length, 1, `one of ${JSON.stringify(first)}`);
    now += 30_000;
    assert.deepEqual(await Promise.all(turns.map((turn) => turn('reconcile', 60_000))), [
      false,
      false,
      false,
    ]);
    assert.equal(await turns[0]!('image check', 60_000), true, 'another job has turns of its own');
    now += 29_500;
    const again = await Promise.all(turns.map((turn) => turn('reconcile', 60_000)));
    assert.equal(again.filter(Boolean).length, 1, 'a timer firing a moment early still gets its turn');
  });
});
