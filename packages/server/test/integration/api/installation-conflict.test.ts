/**
 * Two installations, one id: a data directory copied beside the original (a restored backup)
 * keeps its installation id. Started on the same engine while the original runs, the copy must
 * refuse before it touches anything, or its reconciler would remove the original's containers as
 * orphans; and a running server's periodic pass removes nothing while another live server has
 * its id.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LABELS } from '../../../src/runtime/runtime.js';
import { DEMO_IMAGE, removeDir, settled, startHearth, useHearth } from '../../support/hearth.js';
import { TEST_DIALECT } from '../../support/postgres.js';

/** On PostgreSQL the store is not in the data directory: a copy of the directory carries no installation id to test. */
const COPY_SKIP = TEST_DIALECT === 'sqlite' ? false : 'a copied data directory holds no PostgreSQL database';

describe('two installations with one id on one engine', () => {
  const t = useHearth();
  let copy: string;
  let containerId: string;
  let instanceId: string;
  const planted = `hearth-test-run-marker-${process.pid}-${Date.now()}`;

  before(async () => {
    copy = await mkdtemp(join(tmpdir(), 'hearth-test-copy-'));
    // As a backup would be restored: everything but the live server's unix socket.
    cpSync(t.hearth.dataDir, copy, { recursive: true, filter: (path) => !path.endsWith('.sock') });
    // Made after the copy: the copy's store has never heard of it, so to the copy it is an orphan.
    const created = await t.alice.post('/workspaces', { name: 'original', image: DEMO_IMAGE });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    t.created.add(created.body.id);
    assert.equal((await settled(t.alice, 'me', 'original')).state, 'running');
    const [container] = await t.hearth.runtime.listContainers({ [LABELS.workspaceId]: created.body.id });
    containerId = container!.id;
    instanceId = container!.labels[LABELS.instance]!;
  });
  after(async () => {
    await t.hearth.runtime.removeVolume(planted);
    await removeDir(copy);
  });

  it('given the original running, the copy refuses to start, naming it, and removes nothing', {
    skip: COPY_SKIP,
  }, async () => {
    await assert.rejects(startHearth({ dataDir: copy }), (error: Error) => {
      assert.match(error.message, /another server of this installation is live on the same engine/);
      assert.match(error.message, new RegExp(`the hearth server with pid ${process.pid} on ${hostname()}`));
      assert.match(error.message, /Stop one of the two servers/);
      return true;
    });
    assert.equal((await t.hearth.runtime.inspectContainer(containerId))?.status, 'running');
    assert.equal((await t.alice.get('/users/me/workspaces/original')).body.state, 'running');
  });

  it('given the refused copy gone, the original reconciles as before', async () => {
    const report = await t.hearth.server.reconciler.check();
    assert.equal(report.errors, 0);
    assert.equal((await t.hearth.runtime.inspectContainer(containerId))?.status, 'running');
  });

  it('given another live run of its id appears, the periodic pass refuses and changes nothing', async () => {
    await t.hearth.runtime.ensureVolume({
      name: planted,
      labels: {
        [LABELS.instance]: instanceId,
        [LABELS.purpose]: 'run-marker',
        [LABELS.run]: 'elsewhere-run',
        [LABELS.runHost]: 'elsewhere',
        [LABELS.runPid]: '4242',
      },
    });
    await assert.rejects(
      t.hearth.server.reconciler.check(),
      /the hearth server with pid 4242 on elsewhere \(run elsewhere-run/,
    );
    assert.ok(await t.hearth.runtime.inspectVolume(planted), 'a live run’s marker is left alone');
    assert.equal((await t.hearth.runtime.inspectContainer(containerId))?.status, 'running');
    await t.hearth.runtime.removeVolume(planted);
    assert.equal((await t.hearth.server.reconciler.check()).errors, 0);
  });

  it('sweeps the markers that killed servers of other installations left on this host, and only those', async () => {
    const exited = spawnSync('true').pid;
    const marker = (name: string, pid: number) =>
      t.hearth.runtime.ensureVolume({
        name,
        labels: {
          [LABELS.instance]: 'another-installation',
          [LABELS.purpose]: 'run-marker',
          [LABELS.run]: name,
          [LABELS.runHost]: hostname(),
          [LABELS.runPid]: String(pid),
        },
      });
    await marker(`${planted}-dead`, exited);
    await marker(`${planted}-live`, process.pid);
    try {
      assert.equal(
        (await t.hearth.server.reconciler.check()).errors,
        0,
        'another installation is no conflict',
      );
      assert.equal(await t.hearth.runtime.inspectVolume(`${planted}-dead`), undefined);
      assert.ok(await t.hearth.runtime.inspectVolume(`${planted}-live`));
    } finally {
      await t.hearth.runtime.removeVolume(`${planted}-dead`);
      await t.hearth.runtime.removeVolume(`${planted}-live`);
    }
  });
});
