import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { LABELS } from '../../../src/runtime/runtime.js';
import { settled, shell, useHearth } from '../../support/hearth.js';

describe('reconciling the store with the engine', () => {
  const t = useHearth();
  const strays: string[] = [];

  after(async () => {
    for (const id of strays) await t.hearth.runtime.removeContainer(id);
  });

  it('marks a running workspace whose container vanished as stopped (runtime_lost), keeping its home', async () => {
    const ws = (await t.alice.post('/workspaces', { name: 'lost', image: 'hearth-demo:latest' })).body;
    t.created.add(ws.id);
    await settled(t.alice, 'me', 'lost');
    const [container] = await t.hearth.runtime.listContainers({ [LABELS.workspaceId]: ws.id });
    await shell(t.hearth.runtime, container!.id, 'echo keep > ~/keep');

    // Given the container is removed behind Hearth's back
    await t.hearth.runtime.removeContainer(container!.id);
    // When the reconciler runs
    const report = await t.hearth.server.reconciler.check();
    // Then the workspace explains what happened, and a start brings the home back
    assert.equal(report.runtimeLost, 1);
    const stopped = (await t.alice.get('/users/me/workspaces/lost')).body;
    assert.equal(stopped.state, 'stopped');
    assert.equal(stopped.stateReason.code, 'runtime_lost');
    assert.match(stopped.stateReason.message, /container is gone.*hearth start lost/);
    assert.ok(await t.hearth.runtime.inspectVolume(`hearth-home-${ws.id}`));
    await t.alice.post('/users/me/workspaces/lost/start');
    const running = await settled(t.alice, 'me', 'lost');
    assert.equal(running.state, 'running');
    const [again] = await t.hearth.runtime.listContainers({ [LABELS.workspaceId]: ws.id });
    assert.equal((await shell(t.hearth.runtime, again!.id, 'cat ~/keep')).stdout, 'keep\n');
  });

  it('treats a container that exited on its own as lost too', async () => {
    const ws = (await t.alice.get('/users/me/workspaces/lost')).body;
    const [container] = await t.hearth.runtime.listContainers({ [LABELS.workspaceId]: ws.id });
    await t.hearth.runtime.stopContainer(container!.id, 1);
    const report = await t.hearth.server.reconciler.check();
    assert.equal(report.runtimeLost, 1);
    const stopped = (await t.alice.get('/users/me/workspaces/lost')).body;
    assert.equal(stopped.stateReason.code, 'runtime_lost');
    assert.match(stopped.stateReason.message, /its container exited/);
    assert.equal((await t.hearth.runtime.listContainers({ [LABELS.workspaceId]: ws.id })).length, 0);
  });

  it('removes its own orphaned containers but never volumes, and leaves other installations alone', async () => {
    const ws = (await t.alice.get('/users/me/workspaces/lost')).body;
    await t.alice.post('/users/me/workspaces/lost/start');
    await settled(t.alice, 'me', 'lost');
    const [real] = await t.hearth.runtime.listContainers({ [LABELS.workspaceId]: ws.id });
    const ours = real!.labels;
    const makeStray = async (name: string, labels: Record<string, string>) => {
      const id = await t.hearth.runtime.createContainer({
        name: `hearth-test-${name}-${Date.now()}`,
        image: real!.image,
        hostname: name,
        user: '1000:1000',
        env: [],
        labels,
        cpuMillis: 0,
        memoryBytes: 0,
        gpus: 0,
        volumes: [],
        workingDir: '/',
        network: { kind: 'none' },
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

    const report = await t.hearth.server.reconciler.check();

    assert.equal(report.orphansRemoved, 1);
    assert.equal(await t.hearth.runtime.inspectContainer(orphan), undefined);
    assert.ok(
      await t.hearth.runtime.inspectContainer(foreign),
      "another installation's container is untouched",
    );
    assert.ok(await t.hearth.runtime.inspectContainer(real!.id), 'the live workspace keeps its container');
    assert.ok(await t.hearth.runtime.inspectVolume(`hearth-home-${ws.id}`));
  });
});
