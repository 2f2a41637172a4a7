/**
 * The reconciler's container list is older than the workspace rows it reads after it: a build
 * that finishes in between (on this replica or another) has a container the list does not hold.
 * Such a workspace must not be taken for one that lost its container.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DockerRuntime } from '../../../src/runtime/docker/docker-runtime.js';
import { type ContainerInfo, LABELS } from '../../../src/runtime/runtime.js';
import { DEMO_IMAGE, settled, useHearth } from '../../support/hearth.js';

/** The real runtime, whose container list can be made to answer as it did before a build finished. */
class StaleListRuntime extends DockerRuntime {
  hide = new Set<string>();
  override async listContainers(labels: Readonly<Record<string, string>>): Promise<ContainerInfo[]> {
    return (await super.listContainers(labels)).filter((c) => !this.hide.has(c.id));
  }
}

describe('reconcile with a container list older than the workspaces', () => {
  let runtime!: StaleListRuntime;
  const t = useHearth({ runtime: (options) => (runtime = new StaleListRuntime(options)) });

  it('given a running workspace whose new container the list does not hold yet, when the reconciler checks, then it stays running', async () => {
    const created = await t.alice.post('/workspaces', { name: 'fresh', image: DEMO_IMAGE });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    t.created.add(created.body.id);
    const ws = await settled(t.alice, 'me', 'fresh');
    assert.equal(ws.state, 'running');
    const [container] = await t.hearth.runtime.listContainers({ [LABELS.workspaceId]: created.body.id });
    runtime.hide.add(container!.id);
    const report = await t.hearth.server.reconciler.check();
    assert.equal(report.runtimeLost, 0);
    assert.equal((await t.alice.get('/users/me/workspaces/fresh')).body.state, 'running');
    assert.equal((await t.hearth.runtime.inspectContainer(container!.id))?.status, 'running');
  });
});
