/**
 * What a build asks of the engine inside the new container: one exec writes the secrets and runs
 * configure (bench/rebuild.js counts it in the floor), and the secrets are there when it runs.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { DockerRuntime } from '../../../src/runtime/docker/docker-runtime.js';
import { LABELS } from '../../../src/runtime/runtime.js';
import { DEMO_IMAGE, settled, shell, useHearth } from '../../support/hearth.js';

const HOOKS_IMAGE = 'hearth-test-hooks:latest';

/** The real runtime, counting the execs it is asked for. */
class CountingRuntime extends DockerRuntime {
  execs: string[][] = [];
  override exec(...args: Parameters<DockerRuntime['exec']>) {
    this.execs.push([...args[1].cmd]);
    return super.exec(...args);
  }
}

describe('exec calls of a build', () => {
  let runtime!: CountingRuntime;
  const t = useHearth({ runtime: (options) => (runtime = new CountingRuntime(options)) });

  before(async () => {
    const added = await t.alice.post('/orgs/default/images', { ref: HOOKS_IMAGE });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    const secret = await t.alice.put('/users/me/secrets/DEPLOY_KEY', { value: 'sekrit-value' });
    assert.ok(secret.status < 300, JSON.stringify(secret.body));
  });

  /** Creates the workspace, then counts the execs of a warm rebuild (the first build also chowns the new home). */
  const build = async (name: string, image: string) => {
    const answer = await t.alice.post('/workspaces', { name, image });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    t.created.add(answer.body.id);
    assert.equal((await settled(t.alice, 'me', name)).state, 'running');
    runtime.execs = [];
    assert.equal((await t.alice.post(`/users/me/workspaces/${name}/rebuild`)).status, 202);
    const ws = await settled(t.alice, 'me', name);
    assert.equal(ws.state, 'running', ws.stateReason.message);
    assert.equal(ws.lastBuild.number, 2);
    return ws;
  };

  it('writes the secrets and runs configure in one exec; configure already sees them', async () => {
    const ws = await build('cfg', HOOKS_IMAGE);
    assert.equal(runtime.execs.length, 1, JSON.stringify(runtime.execs));
    const log = (await t.alice.get('/users/me/workspaces/cfg/builds/2/logs')).body as string;
    assert.match(log, /\[configure\] configure as dev in \/home\/dev/);
    const [container] = await t.hearth.runtime.listContainers({ [LABELS.workspaceId]: ws.id });
    const files = await shell(
      t.hearth.runtime,
      container!.id,
      'stat -c "%a %n" /run/hearth/user /run/hearth/user/cli/session.json; . /run/hearth/user/env; echo "$DEPLOY_KEY"',
    );
    assert.equal(files.stdout, '700 /run/hearth/user\n600 /run/hearth/user/cli/session.json\nsekrit-value\n');
    assert.ok(
      runtime.execs.flat().every((arg) => !arg.includes('sekrit-value')),
      'the secret is not in argv',
    );
  });

  it('writes the secrets with one exec when the image has no configure script', async () => {
    const ws = await build('plain', DEMO_IMAGE);
    assert.equal(runtime.execs.length, 1, JSON.stringify(runtime.execs));
    const [container] = await t.hearth.runtime.listContainers({ [LABELS.workspaceId]: ws.id });
    const whoami = await shell(
      t.hearth.runtime,
      container!.id,
      'test -s /run/hearth/user/cli/session.json && echo ok',
    );
    assert.equal(whoami.stdout, 'ok\n');
  });
});
