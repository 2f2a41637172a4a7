/**
 * Placement reserves: concurrent creations on an engine with a declared capacity place exactly as
 * many workspaces as fit, and concurrent rebuilds asking for more are checked against what the
 * engine's other workspaces hold (on SQLite and on PostgreSQL, where each engine's row is locked
 * while a placement is decided).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEMO_IMAGE, settled, useHearth } from '../../support/hearth.js';

const ATTEMPTS = 6;

describe('placement is a reservation', () => {
  const t = useHearth();
  const defaultEngine = async () =>
    ((await t.alice.get('/admin/engines')).body as any[]).find((e) => e.name === 'default');

  it('given room for two, when six workspaces are created at once, then exactly two are placed', async () => {
    const capacity = await t.alice.patch('/admin/engines/default', { cpu: 2, memory: '4GiB' });
    assert.equal(capacity.status, 200, JSON.stringify(capacity.body));

    const answers = await Promise.all(
      Array.from({ length: ATTEMPTS }, (_, i) =>
        t.alice.post('/workspaces', { name: `race-${i}`, image: DEMO_IMAGE, cpu: 1, memory: '512m' }),
      ),
    );
    for (const a of answers) if (a.status === 201) t.created.add(a.body.id);
    const statuses = answers.map((a) => a.status).sort();
    assert.deepEqual(statuses, [201, 201, 409, 409, 409, 409], JSON.stringify(answers.map((a) => a.body)));
    for (const refused of answers.filter((a) => a.status === 409)) {
      assert.equal(refused.body.code, 'no_engine_capacity');
      assert.match(refused.body.message, /default has cpu 0, memory 3 ?GiB, 0 GPU\(s\) free/);
    }
    const engine = await defaultEngine();
    assert.equal(engine.allocated.cpu, 2);
    assert.equal(engine.workspaces, 2);
  });

  it('given two workspaces and room for one more core, when both rebuild with two cores at once, then one is refused', async () => {
    const placed = ((await t.alice.get('/workspaces')).body as any[]).map((w) => w.name as string);
    assert.equal(placed.length, 2);
    for (const name of placed) assert.equal((await settled(t.alice, 'me', name, 120_000)).state, 'running');
    assert.equal((await t.alice.patch('/admin/engines/default', { cpu: 3 })).status, 200);

    const answers = await Promise.all(
      placed.map((name) => t.alice.post(`/users/me/workspaces/${name}/rebuild`, { cpu: 2 })),
    );
    assert.deepEqual(
      answers.map((a) => a.status).sort(),
      [202, 409],
      JSON.stringify(answers.map((a) => a.body)),
    );
    const refused = answers.find((a) => a.status === 409)!;
    assert.equal(refused.body.code, 'no_engine_capacity');
    assert.match(
      refused.body.message,
      /engine default, where this workspace's home volume lives, cannot hold cpu 2/,
    );
    assert.equal((await defaultEngine()).allocated.cpu, 3);

    // Not asking for more is never refused, even on a full engine.
    const refusedName = placed[answers.indexOf(refused)]!;
    const again = await t.alice.post(`/users/me/workspaces/${refusedName}/rebuild`, {});
    assert.equal(again.status, 202, JSON.stringify(again.body));
    for (const name of placed) await settled(t.alice, 'me', name, 120_000);
  });
});
