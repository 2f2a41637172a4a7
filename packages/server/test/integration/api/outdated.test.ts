import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { settled, useHearth } from '../../support/hearth.js';

const run = promisify(execFile);
const REGISTRY_SCRIPT = fileURLToPath(new URL('../../../../../../scripts/registry.sh', import.meta.url));

/** `docker …` on the test engine. */
const docker = (...args: string[]) => run('docker', args, { maxBuffer: 16 * 1024 * 1024 });

describe('outdated images, end to end with a local registry', () => {
  const t = useHearth();
  const port = 20_000 + Math.floor(Math.random() * 10_000);
  const ref = `localhost:${port}/hearth-lifecycle-demo:v1`;
  let registryPid: number;
  let newId = '';

  before(async () => {
    const started = await run('bash', [REGISTRY_SCRIPT, String(port)]);
    registryPid = Number(started.stdout.trim());
    await docker('tag', 'hearth-demo:latest', ref);
    await docker('push', ref);
  });

  after(async () => {
    process.kill(registryPid);
    // The workspace's container is gone by now (useHearth's cleanup runs first).
    for (const image of [ref, newId]) if (image) await docker('rmi', image).catch(() => undefined);
    // Pushing and pulling left digest references (repo@sha256:…) on the demo image; drop them too.
    const repo = ref.slice(0, ref.lastIndexOf(':'));
    const digests = await docker('images', '--digests', '--format', '{{.Repository}}@{{.Digest}}', repo);
    for (const line of digests.stdout.split('\n').filter((l) => l.includes('@sha256:')))
      await docker('rmi', line).catch(() => undefined);
  });

  it('marks a workspace outdated once the tag points at a new image, and a rebuild clears it', async () => {
    // Given a workspace built from v1 as pushed
    assert.equal((await t.alice.post('/orgs/default/images', { ref })).status, 201);
    const ws = (await t.alice.post('/workspaces', { name: 'reg', image: ref })).body;
    t.created.add(ws.id);
    const first = await settled(t.alice, 'me', 'reg');
    assert.equal(first.state, 'running');
    assert.equal(first.outdated, false);
    const unchanged = (await t.alice.post('/orgs/default/images/check')).body.find((r: any) => r.ref === ref);
    assert.deepEqual([unchanged.changed, unchanged.outdatedWorkspaces, unchanged.error], [false, 0, null]);

    // When a new image is pushed under the same tag (and this engine still has the old one under it)
    await run('sh', [
      '-c',
      `printf 'FROM hearth-demo:latest\\nLABEL dev.hearth.test=v2-${port}\\n' | docker build -q -t ${ref} -`,
    ]);
    newId = (await docker('image', 'inspect', '-f', '{{.Id}}', ref)).stdout.trim();
    await docker('push', ref);
    await docker('tag', 'hearth-demo:latest', ref);

    // Then the check finds it, and the workspace shows outdated
    const checked = (await t.alice.post('/orgs/default/images/check')).body.find((r: any) => r.ref === ref);
    assert.equal(checked.changed, true);
    assert.equal(checked.digest, newId);
    assert.equal(checked.outdatedWorkspaces, 1);
    const outdated = (await t.alice.get('/users/me/workspaces/reg')).body;
    assert.equal(outdated.outdated, true);
    assert.equal((await t.alice.get('/workspaces')).body.find((w: any) => w.name === 'reg').outdated, true);

    // And a rebuild picks up the new image and clears the mark
    await t.alice.post('/users/me/workspaces/reg/rebuild');
    const rebuilt = await settled(t.alice, 'me', 'reg');
    assert.equal(rebuilt.state, 'running');
    assert.equal(rebuilt.imageDigest, newId);
    assert.equal(rebuilt.outdated, false);
  });

  it('is for org admins only', async () => {
    const bob = await t.alice.post('/users', {
      username: 'bob',
      email: 'b@example.com',
      password: 'correct horse battery',
    });
    assert.equal(bob.status, 201);
    const login = await t.alice
      .as('')
      .post('/auth/login', { username: 'bob', password: 'correct horse battery' });
    const answer = await t.alice.as(login.body.token).post('/orgs/default/images/check');
    assert.equal(answer.status, 403);
  });
});
