/**
 * The engine pool on two real engines: the shared one (`default`) and a second dockerd of this
 * test's own. Workspaces are placed by free capacity; when the second engine stops (SIGTERM) its
 * workspace says so, nothing is rebuilt elsewhere and no volume is touched; when it is back, the
 * workspace reconciles and starts again there with its home intact.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LABELS } from '../../../src/runtime/runtime.js';
import type { Api } from '../../support/api.js';
import { testRuntime } from '../../support/engine.js';
import {
  DEMO_IMAGE,
  removeDir,
  removeLeftovers,
  settled,
  setupAlice,
  shell,
  startHearth,
  type TestHearth,
} from '../../support/hearth.js';
import { SecondEngine } from '../../support/second-engine.js';
import { waitFor } from '../../support/wait.js';

const HOME_FILE = 'echo "kept across the outage" > ~/keep && sha256sum ~/keep';

describe('a pool of two engines', () => {
  let second: SecondEngine;
  let hearth: TestHearth;
  let alice: Api;
  const ids = new Map<string, string>();

  const create = async (name: string) => {
    const res = await alice.post('/workspaces', { name, image: DEMO_IMAGE, cpu: 1, memory: '512m' });
    if (res.status === 201) ids.set(name, res.body.id);
    return res;
  };
  const show = async (name: string) => (await alice.get(`/users/alice/workspaces/${name}`)).body;
  const engine = async (name: string) =>
    ((await alice.get('/admin/engines')).body as any[]).find((e) => e.name === name);

  before(async () => {
    second = await SecondEngine.start();
    await second.loadImage(DEMO_IMAGE);
    hearth = await startHearth();
    alice = await setupAlice(hearth.api);
  });

  after(async () => {
    // Through the product, while both engines answer: each home volume goes with its workspace.
    for (const name of ids.keys()) await alice?.delete(`/users/alice/workspaces/${name}`);
    for (const name of ids.keys())
      await waitFor(`${name} deleted`, async () =>
        (await alice.get(`/users/alice/workspaces/${name}`)).status === 404 ? true : undefined,
      ).catch(() => undefined);
    await hearth?.close();
    await removeLeftovers(hearth.runtime, ids.values());
    await second?.cleanup();
    if (hearth) await removeDir(hearth.dataDir);
  });

  it('given two engines with declared capacity, when workspaces are created, then each goes where most is free', async () => {
    const capacity = await alice.patch('/admin/engines/default', { cpu: 2, memory: '2GiB' });
    assert.equal(capacity.status, 200, JSON.stringify(capacity.body));
    const added = await alice.post('/admin/engines', {
      name: 'second',
      dockerHost: second.host,
      cpu: 4,
      memory: '4GiB',
    });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    assert.equal(added.body.reachable, true);

    // a: default would keep half, second three quarters. b: both keep half; by name, default.
    assert.equal((await create('a')).status, 201);
    assert.equal((await create('b')).status, 201);
    const [a, b] = [await settled(alice, 'me', 'a', 120_000), await settled(alice, 'me', 'b', 120_000)];
    assert.equal(a.state, 'running', JSON.stringify(a.stateReason));
    assert.equal(b.state, 'running', JSON.stringify(b.stateReason));
    assert.equal(a.engine, 'second');
    assert.equal(b.engine, 'default');
    // Each container and home volume is on its own engine, and only there.
    assert.ok(await second.runtime().inspectVolume(`hearth-home-${a.id}`));
    assert.equal(await testRuntime().inspectVolume(`hearth-home-${a.id}`), undefined);
    assert.ok(await testRuntime().inspectVolume(`hearth-home-${b.id}`));
    const pool = await engine('second');
    assert.deepEqual([pool.workspaces, pool.allocated.cpu, pool.free.cpu], [1, 1, 3]);
    // Reconciling there first marks this run on that engine too (no other live server may act there).
    await hearth.server.reconciler.check();
    const markers = await second.runtime().listVolumes({ [LABELS.purpose]: 'run-marker' });
    assert.equal(markers.length, 1);
  });

  it('given the second engine stops, when reconciled, then its workspace says why and nothing moves or is lost', async () => {
    const a = await show('a');
    const written = await shell(second.runtime(), await containerOf(second, a.id), HOME_FILE);
    assert.equal(written.code, 0, written.stderr);

    await second.stop();
    const report = await hearth.server.reconciler.check();
    assert.equal(report.enginesUnreachable, 1);
    assert.equal(report.runtimeLost, 0);

    const during = await show('a');
    assert.equal(during.state, 'running');
    assert.equal(during.stateReason.code, 'engine_unreachable');
    assert.match(during.stateReason.message, /engine second does not answer \(.+\)/);
    assert.equal((await show('b')).stateReason.code, 'build_succeeded');
    const listed = await engine('second');
    assert.equal(listed.reachable, false);
    assert.match(listed.error, /not reachable/);

    // A new workspace goes where an engine answers; with no room left anywhere, the error says why.
    const c = await create('c');
    assert.equal(c.status, 201, JSON.stringify(c.body));
    assert.equal(c.body.engine, 'default');
    const d = await create('d');
    assert.equal(d.status, 409, JSON.stringify(d.body));
    assert.equal(d.body.code, 'no_engine_capacity');
    assert.match(d.body.message, /default has cpu 0, /);
    assert.match(d.body.message, /second is unreachable/);

    // Nothing was rebuilt elsewhere and no volume of a's appeared on the other engine.
    assert.equal((await alice.get('/users/alice/workspaces/a/builds')).body.length, 1);
    assert.equal(await testRuntime().inspectVolume(`hearth-home-${a.id}`), undefined);
    assert.equal((await settled(alice, 'me', 'c', 120_000)).state, 'running');
  });

  it('given the second engine is back, when reconciled, then the workspace recovers there with its home intact', async () => {
    await second.resume();
    await hearth.server.reconciler.check();
    let a = await show('a');
    assert.notEqual(a.stateReason.code, 'engine_unreachable');
    assert.ok(['running', 'stopped'].includes(a.state), a.state);
    // dockerd stops its containers when it stops: the workspace is then started again, there.
    if (a.state === 'stopped') {
      assert.equal(a.stateReason.code, 'runtime_lost');
      assert.equal((await alice.post('/users/alice/workspaces/a/start', {})).status, 202);
      a = await settled(alice, 'me', 'a', 120_000);
    }
    assert.equal(a.state, 'running', JSON.stringify(a.stateReason));
    assert.equal(a.engine, 'second');
    const read = await shell(second.runtime(), await containerOf(second, a.id), 'cat ~/keep');
    assert.equal(read.stdout.trim(), 'kept across the outage');
    assert.equal((await engine('second')).reachable, true);
  });
});

/** The running container of a workspace on an engine. */
async function containerOf(engine: SecondEngine, workspaceId: string): Promise<string> {
  const [c] = (await engine.runtime().listContainers({ [LABELS.workspaceId]: workspaceId })).filter(
    (x) => x.status === 'running',
  );
  assert.ok(c, `no running container of ${workspaceId} on the second engine`);
  return c.id;
}
