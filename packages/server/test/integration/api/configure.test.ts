import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { LABELS } from '../../../src/runtime/runtime.js';
import { settled, shell, useHearth } from '../../support/hearth.js';

/** hearth-test-hooks' /hearth/configure fails when ~/.configure-fail exists and hangs on ~/.configure-hang. */
const IMAGE = 'hearth-test-hooks:latest';

describe('the configure stage', () => {
  const t = useHearth();

  before(async () => {
    const added = await t.alice.post('/orgs/default/images', {
      ref: IMAGE,
      hooks: { configureTimeout: '5s' },
    });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    assert.deepEqual(added.body.hooks, { configureTimeoutSeconds: 5, personalizeTimeoutSeconds: 600 });
  });

  const create = async (name: string) => {
    const answer = await t.alice.post('/workspaces', { name, image: IMAGE });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    t.created.add(answer.body.id);
    return settled(t.alice, 'me', name);
  };
  const rebuild = async (name: string) => {
    assert.equal((await t.alice.post(`/users/me/workspaces/${name}/rebuild`)).status, 202);
    return settled(t.alice, 'me', name);
  };
  const sh = async (ws: { id: string }, script: string) => {
    const [container] = await t.hearth.runtime.listContainers({ [LABELS.workspaceId]: ws.id });
    const result = await shell(t.hearth.runtime, container!.id, script);
    assert.equal(result.code, 0, result.stderr);
    return result.stdout;
  };
  const stage = (ws: any, name: string) => ws.lastBuild.stages.find((s: { name: string }) => s.name === name);

  it('runs /hearth/configure as the image user in home with sudo; home changes persist, sudo changes do not', async () => {
    const ws = await create('cfg');
    assert.equal(ws.state, 'running', ws.stateReason.message);
    assert.equal(stage(ws, 'configure').status, 'succeeded');
    assert.equal(typeof stage(ws, 'configure').durationMs, 'number');
    const log = (await t.alice.get('/users/me/workspaces/cfg/builds/1/logs')).body as string;
    assert.match(log, /\[configure\] running \/hearth\/configure as dev \(time limit 5s\)/);
    assert.match(log, /\[configure\] configure as dev in \/home\/dev/);
    assert.match(log, /\[configure\] configure done/);
    assert.equal(await sh(ws, 'wc -l <~/configure-runs; wc -l </etc/hearth-configured'), '1\n1\n');

    const again = await rebuild('cfg');
    assert.equal(again.state, 'running', again.stateReason.message);
    assert.equal(
      await sh(again, 'wc -l <~/configure-runs; wc -l </etc/hearth-configured'),
      '2\n1\n',
      'home kept both runs; /etc was fresh and written once',
    );
  });

  it('fails the build when configure exits non-zero, quoting the tail of its output', async () => {
    const ws = await create('cfgfail');
    await sh(ws, 'touch ~/.configure-fail');
    const failed = await rebuild('cfgfail');
    assert.equal(failed.state, 'failed');
    assert.equal(failed.stateReason.code, 'build_failed');
    assert.equal(stage(failed, 'configure').status, 'failed');
    assert.equal(stage(failed, 'personalize').status, 'skipped');
    assert.match(failed.lastBuild.error, /\/hearth\/configure exited with code 1; last output:/);
    assert.match(failed.lastBuild.error, /step 1 ok\nboom: cannot configure on purpose/);
    assert.match(failed.stateReason.message, /boom: cannot configure on purpose/);
  });

  it('kills a configure that outlives the image’s time limit and fails the build', async () => {
    const ws = await create('cfghang');
    await sh(ws, 'touch ~/.configure-hang');
    const started = Date.now();
    const failed = await rebuild('cfghang');
    assert.ok(Date.now() - started < 30_000, 'the 5s limit cut it short');
    assert.equal(failed.state, 'failed');
    assert.match(
      failed.lastBuild.error,
      /\/hearth\/configure timed out after 5s and was killed; last output:/,
    );
    assert.match(failed.lastBuild.error, /hanging/);
    assert.ok(stage(failed, 'configure').durationMs >= 5000);
    // The container of the failed build is still there: nothing of the hook may be left running in it.
    const [container] = await t.hearth.runtime.listContainers({ [LABELS.workspaceId]: ws.id });
    const left = await shell(t.hearth.runtime, container!.id, "ps -eo args= | grep -cx 'sleep 600' || true");
    assert.equal(left.stdout.trim(), '0');
  });

  it('runs /coder/configure when the image has no /hearth/configure', async () => {
    assert.equal(
      (await t.alice.post('/orgs/default/images', { ref: 'hearth-test-coder-configure:latest' })).status,
      201,
    );
    const answer = await t.alice.post('/workspaces', {
      name: 'coder',
      image: 'hearth-test-coder-configure:latest',
    });
    t.created.add(answer.body.id);
    const ws = await settled(t.alice, 'me', 'coder');
    assert.equal(ws.state, 'running', ws.stateReason.message);
    const log = (await t.alice.get('/users/me/workspaces/coder/builds/1/logs')).body as string;
    assert.match(log, /\[configure\] running \/coder\/configure as dev \(time limit 15m\)/);
    assert.match(log, /\[configure\] coder configure as dev/);
    assert.equal(await sh(ws, 'ls ~/coder-configured'), '/home/dev/coder-configured\n');
  });
});
