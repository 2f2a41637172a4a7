/**
 * A build whose container vanishes during personalize (the engine lost it, someone removed it) did
 * not succeed: it fails, rather than recording success with a warning for a workspace with no container.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LABELS } from '../../../src/runtime/runtime.js';
import { settled, shell, useHearth } from '../../support/hearth.js';
import { waitFor } from '../../support/wait.js';

describe('a container lost during personalize', () => {
  const t = useHearth();

  it('fails the build instead of recording it succeeded with a warning', async () => {
    const created = await t.alice.post('/workspaces', { name: 'lost', image: 'hearth-demo:latest' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    t.created.add(created.body.id);
    assert.equal((await settled(t.alice, 'me', 'lost')).state, 'running');
    const [first] = await t.hearth.runtime.listContainers({ [LABELS.workspaceId]: created.body.id });
    await shell(
      t.hearth.runtime,
      first!.id,
      'printf "#!/bin/sh\\necho personalizing\\nsleep 60\\n" > ~/personalize && chmod +x ~/personalize',
    );

    assert.equal((await t.alice.post('/users/me/workspaces/lost/rebuild')).status, 202);
    await waitFor('personalize to run', async () => {
      const log = (await t.alice.get('/users/me/workspaces/lost/builds/2/logs')).body as string;
      return /\[personalize\] personalizing/.test(log) || undefined;
    });
    const [second] = await t.hearth.runtime.listContainers({ [LABELS.workspaceId]: created.body.id });
    await t.hearth.runtime.removeContainer(second!.id);

    const ws = await settled(t.alice, 'me', 'lost');
    assert.equal(ws.state, 'failed', ws.stateReason.message);
    assert.equal(ws.stateReason.code, 'build_failed');
    assert.equal(ws.lastBuild.status, 'failed');
    // The engine may still be removing it when the stage looks.
    assert.match(
      ws.lastBuild.error,
      /^stage personalize: the container (vanished|stopped \([^)]*\)) during personalize: /,
    );
    assert.deepEqual(ws.lastBuild.warnings, []);
    const personalize = ws.lastBuild.stages.find((s: { name: string }) => s.name === 'personalize');
    assert.equal(personalize.status, 'failed');
  });
});
