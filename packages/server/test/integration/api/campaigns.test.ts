import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { addMember, settled, useHearth } from '../../support/hearth.js';
import { waitFor } from '../../support/wait.js';

const run = promisify(execFile);

describe('admin rebuild campaigns', () => {
  const t = useHearth();
  const other = 'hearth-lifecycle-campaign:latest';

  after(async () => {
    await run('docker', ['rmi', other]).catch(() => undefined);
  });

  it('rebuilds 6 workspaces 2 at a time with per-workspace results; one failure does not stop it', async () => {
    // Given five workspaces of bob's and alice's on the demo image, and one whose image left the catalogue
    const bob = await addMember(t.alice, 'bob');
    await run('docker', ['tag', 'hearth-demo:latest', other]);
    const added = await t.alice.post('/orgs/default/images', { ref: other });
    for (const [api, name, image] of [
      [t.alice, 'c1', 'hearth-demo:latest'],
      [t.alice, 'c2', 'hearth-demo:latest'],
      [t.alice, 'c3', 'hearth-demo:latest'],
      [bob, 'c4', 'hearth-demo:latest'],
      [bob, 'c5', 'hearth-demo:latest'],
      [bob, 'c6', other],
    ] as const) {
      const ws = await api.post('/workspaces', { name, image });
      assert.equal(ws.status, 201, JSON.stringify(ws.body));
      t.created.add(ws.body.id);
    }
    for (const name of ['c1', 'c2', 'c3']) await settled(t.alice, 'me', name);
    for (const name of ['c4', 'c5', 'c6']) await settled(bob, 'me', name);
    await t.alice.post('/users/me/workspaces/c3/stop');
    await settled(t.alice, 'me', 'c3');
    // In use by c6, so only with force.
    assert.equal((await t.alice.delete(`/orgs/default/images/${added.body.id}`)).status, 409);
    assert.equal((await t.alice.delete(`/orgs/default/images/${added.body.id}?force=true`)).status, 204);

    // Members may not start one; running-only skips the stopped c3
    assert.equal((await bob.post('/orgs/default/campaigns', {})).status, 403);
    const runningOnly = (await t.alice.post('/orgs/default/campaigns', { concurrency: 2 })).body;
    assert.deepEqual(
      runningOnly.items.map((i: any) => i.workspace),
      ['alice/c1', 'alice/c2', 'bob/c4', 'bob/c5', 'bob/c6'],
    );
    await waitFor('the first campaign', async () => {
      const c = (await t.alice.get(`/campaigns/${runningOnly.id}`)).body;
      return c.status === 'finished' || undefined;
    });

    // When a campaign over all six runs with concurrency 2
    const started = await t.alice.post('/orgs/default/campaigns', { includeStopped: true, concurrency: 2 });
    assert.equal(started.status, 201);
    assert.equal(started.body.items.length, 6);
    const done = await waitFor(
      'the campaign to finish',
      async () => {
        const c = (await t.alice.get(`/campaigns/${started.body.id}`)).body;
        return c.status === 'finished' ? c : undefined;
      },
      120_000,
    );

    // Then every workspace has its result, the broken one failed, the rest were rebuilt by alice
    const byName = Object.fromEntries(done.items.map((i: any) => [i.workspace, i]));
    assert.deepEqual(done.counts, { succeeded: 5, failed: 1 });
    assert.equal(byName['bob/c6'].status, 'failed');
    assert.match(byName['bob/c6'].error, /no longer in the org's catalogue/);
    for (const name of ['alice/c1', 'alice/c2', 'alice/c3', 'bob/c4', 'bob/c5'])
      assert.equal(byName[name].status, 'succeeded', name);
    const c3 = (await t.alice.get('/users/alice/workspaces/c3')).body;
    assert.equal(c3.state, 'running');
    assert.equal(c3.lastBuild.reason, 'admin_rebuild');
    assert.equal(c3.lastBuild.initiator, 'alice');
    assert.equal(c3.lastBuild.number, byName['alice/c3'].buildNumber);

    // And never more than two were in flight at once
    const edges = done.items.flatMap((i: any) => [
      [Date.parse(i.startedAt), 1],
      [Date.parse(i.finishedAt), -1],
    ]);
    edges.sort((a: number[], b: number[]) => a[0]! - b[0]! || a[1]! - b[1]!);
    let inFlight = 0;
    let most = 0;
    for (const [, d] of edges) {
      inFlight += d!;
      most = Math.max(most, inFlight);
    }
    assert.equal(most, 2);

    const listed = (await t.alice.get('/orgs/default/campaigns')).body;
    assert.deepEqual(
      listed.map((c: any) => c.id),
      [started.body.id, runningOnly.id],
    );
    assert.equal((await bob.get(`/campaigns/${started.body.id}`)).body.code, 'campaign_not_found');
  });

  it('keeps automation within the member quota: a campaign cannot start a stopped workspace past it', async () => {
    // Given alice runs c1 and c2 (1 CPU each), c3 is stopped, and the quota is 2 CPUs per member
    await t.alice.post('/users/me/workspaces/c3/stop');
    await settled(t.alice, 'me', 'c3');
    assert.equal((await t.alice.patch('/orgs/default/limits', { memberCpuQuota: 2 })).status, 200);
    try {
      // When a campaign would start c3 too
      const started = await t.alice.post('/orgs/default/campaigns', {
        includeStopped: true,
        image: 'hearth-demo:latest',
        concurrency: 1,
      });
      assert.equal(started.status, 201, JSON.stringify(started.body));
      const done = await waitFor(
        'the quota campaign to finish',
        async () => {
          const c = (await t.alice.get(`/campaigns/${started.body.id}`)).body;
          return c.status === 'finished' ? c : undefined;
        },
        120_000,
      );
      // Then c3 fails on the quota and stays stopped, while rebuilding the running ones is fine
      const byName = Object.fromEntries(done.items.map((i: any) => [i.workspace, i]));
      assert.equal(byName['alice/c3'].status, 'failed');
      assert.match(byName['alice/c3'].error, /quota of 2 per member/);
      assert.equal((await t.alice.get('/users/me/workspaces/c3')).body.state, 'stopped');
      for (const name of ['alice/c1', 'alice/c2']) assert.equal(byName[name].status, 'succeeded', name);
    } finally {
      await t.alice.patch('/orgs/default/limits', { memberCpuQuota: 16 });
    }
  });

  it('selects only outdated workspaces with outdatedOnly, and none when nothing matches', async () => {
    const none = (await t.alice.post('/orgs/default/campaigns', { outdatedOnly: true })).body;
    assert.equal(none.items.length, 0);
    assert.equal(none.status, 'finished');
    const bad = await t.alice.post('/orgs/default/campaigns', { image: 'Not An Image' });
    assert.equal(bad.status, 400);
  });
});
