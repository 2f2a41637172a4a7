import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LABELS } from '../../../src/runtime/runtime.js';
import type { Api } from '../../support/api.js';
import {
  removeDir,
  removeLeftovers,
  settled,
  setupAlice,
  shell,
  startHearth,
  type TestHearth,
} from '../../support/hearth.js';

describe('reconciling the store with the engine', () => {
  let hearth: TestHearth;
  let alice: Api;
  const created = new Set<string>();
  const strays: string[] = [];

  before(async () => {
    hearth = await startHearth();
    alice = await setupAlice(hearth.api);
  });
  after(async () => {
    await hearth.close();
    for (const id of strays) await hearth.runtime.removeContainer(id);
    await removeLeftovers(hearth.runtime, created);
    await removeDir(hearth.dataDir);
  });

  it('marks a running workspace whose container vanished as stopped (runtime_lost), keeping its home', async () => {
    const ws = (await alice.post('/workspaces', { name: 'lost', image: 'hearth-demo:latest' })).body;
    created.add(ws.id);
    await settled(alice, 'me', 'lost');
    const [container] = await hearth.runtime.listContainers({ [LABELS.workspaceId]: ws.id });
    await shell(hearth.runtime, container!.id, 'echo keep > ~/keep');

    // Given the container is removed behind Hearth's back
    await hearth.runtime.removeContainer(container!.id);
    // When the reconciler runs
    const report = await hearth.server.reconciler.check();
    // Then the workspace explains what happened, and a start brings the home back
    assert.equal(report.runtimeLost, 1);
    const stopped = (await alice.get('/users/me/workspaces/lost')).body;
    assert.equal(stopped.state, 'stopped');
    assert.equal(stopped.stateReason.code, 'runtime_lost');
    assert.match(stopped.stateReason.message, /container is gone.*hearth start lost/);
    assert.ok(await hearth.runtime.inspectVolume(`hearth-home-${ws.id}`));
    await alice.post('/users/me/workspaces/lost/start');
    const running = await settled(alice, 'me', 'lost');
    assert.equal(running.state, 'running');
    const [again] = await hearth.runtime.listContainers({ [LABELS.workspaceId]: ws.id });
    assert.equal((await shell(hearth.runtime, again!.id, 'cat ~/keep')).stdout, 'keep\n');
  });

  it('treats a container that exited on its own as lost too', async () => {
    const ws = (await alice.get('/users/me/workspaces/lost')).body;
    const [container] = await hearth.runtime.listContainers({ [LABELS.workspaceId]: ws.id });
    await hearth.runtime.stopContainer(container!.id, 1);
    const report = await hearth.server.reconciler.check();
    assert.equal(report.runtimeLost, 1);
    const stopped = (await alice.get('/users/me/workspaces/lost')).body;
    assert.equal(stopped.stateReason.code, 'runtime_lost');
    assert.match(stopped.stateReason.message, /its container exited/);
    assert.equal((await hearth.runtime.listContainers({ [LABELS.workspaceId]: ws.id })).length, 0);
  });

  it('removes its own orphaned containers but never volumes, and leaves other installations alone', async () => {
    const ws = (await alice.get('/users/me/workspaces/lost')).body;
    await alice.post('/users/me/workspaces/lost/start');
    await settled(alice, 'me', 'lost');
    const [real] = await hearth.runtime.listContainers({ [LABELS.workspaceId]: ws.id });
    const ours = real!.labels;
    const makeStray = async (name: string, labels: Record<string, string>) => {
      const id = await hearth.runtime.createContainer({
        name: `hearth-test-${name}-${Date.now()}`,
        image: real!.image,
        hostname: name,
        user: '1000:1000',
        env: [],
        labels,
        cpuMillis: 0,
        memoryBytes: 0,
        gpus: 0,
        mounts: [],
        workingDir: '/',
        network: 'none',
      });
      strays.push(id);
      return id;
    };
    const orphan = await makeStray('orphan', { ...ours, [LABELS.workspaceId]: 'no-such-workspace' });
    const foreign = await makeStray('foreign', {
      ...ours,
      [LABELS.workspaceId]: 'theirs',
      [LABELS.instance]: 'another-installation',
    });

    const report = await hearth.server.reconciler.check();

    assert.equal(report.orphansRemoved, 1);
    assert.equal(await hearth.runtime.inspectContainer(orphan), undefined);
    assert.ok(
      await hearth.runtime.inspectContainer(foreign),
      "another installation's container is untouched",
    );
    assert.ok(await hearth.runtime.inspectContainer(real!.id), 'the live workspace keeps its container');
    assert.ok(await hearth.runtime.inspectVolume(`hearth-home-${ws.id}`));
  });
});
