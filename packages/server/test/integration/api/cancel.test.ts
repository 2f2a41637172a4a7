/**
 * Stopping a workspace while its build is queued or running cancels the build: at once, without
 * waiting for a long stage, keeping the home volume, and leaving no container behind.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { LABELS } from '../../../src/runtime/runtime.js';
import { settled, shell, useHearth } from '../../support/hearth.js';
import { waitFor } from '../../support/wait.js';

/** hearth-test-hooks' /hearth/configure hangs once when ~/.configure-hang-once exists. */
const IMAGE = 'hearth-test-hooks:latest';

describe('stop cancels a build', () => {
  // One build at a time, so a second workspace's build waits in the queue.
  const t = useHearth({ config: { buildConcurrency: 1 } });

  before(async () => {
    const added = await t.alice.post('/orgs/default/images', {
      ref: IMAGE,
      hooks: { configureTimeout: '10m' },
    });
    assert.equal(added.status, 201, JSON.stringify(added.body));
  });

  const create = async (name: string) => {
    const answer = await t.alice.post('/workspaces', { name, image: IMAGE });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    t.created.add(answer.body.id);
    return answer.body;
  };
  const containersOf = (id: string) => t.hearth.runtime.listContainers({ [LABELS.workspaceId]: id });
  const show = async (name: string) => (await t.alice.get(`/users/me/workspaces/${name}`)).body;
  /** Waits until the workspace's build hangs in configure, which removes its marker first. */
  const hanging = (name: string) =>
    waitFor(`${name}'s configure to hang`, async () => {
      const ws = await show(name);
      // Only then is the container the new one: an exec into the old one while the rebuild stops
      // it can leave the engine's exec start hanging for minutes.
      const configuring = ws.lastBuild?.stages.some(
        (s: { name: string; status: string }) => s.name === 'configure' && s.status === 'running',
      );
      const [container] = await containersOf(ws.id);
      if (ws.state !== 'building' || !configuring || !container) return undefined;
      const probe = await shell(t.hearth.runtime, container.id, 'test ! -e ~/.configure-hang-once');
      return probe.code === 0 ? ws : undefined;
    });

  it('cancels a running build in a long configure at once, keeping home, and starts cleanly later', async () => {
    const ws = await create('busy');
    assert.equal((await settled(t.alice, 'me', 'busy')).state, 'running');
    const [container] = await containersOf(ws.id);
    const prepared = await shell(
      t.hearth.runtime,
      container!.id,
      'head -c 1000000 /dev/urandom > ~/keep.bin && sha256sum ~/keep.bin && touch ~/.configure-hang-once',
    );
    const digest = prepared.stdout.split(' ')[0];
    assert.equal((await t.alice.post('/users/me/workspaces/busy/rebuild')).status, 202);
    const building = await hanging('busy');
    // The stored log (hearth logs without --follow) has the hook's last line although it went quiet.
    await waitFor(
      'the hanging line in the stored log',
      async () => {
        const log = await t.alice.get(`/users/me/workspaces/busy/builds/${building.lastBuild.number}/logs`);
        return String(log.body).includes('hanging once') ? true : undefined;
      },
      5000,
    );

    const started = Date.now();
    const stopping = await t.alice.post('/users/me/workspaces/busy/stop');
    assert.equal(stopping.body.state, 'stopping', JSON.stringify(stopping.body));
    const stopped = await settled(t.alice, 'me', 'busy');
    assert.ok(Date.now() - started < 30_000, 'the stop did not wait for the ten-minute configure');
    assert.equal(stopped.state, 'stopped');
    assert.equal(stopped.stateReason.code, 'user_stop');
    assert.equal(stopped.lastBuild.status, 'canceled');
    assert.equal(stopped.lastBuild.error, 'canceled: the workspace is being stopped');
    const configure = stopped.lastBuild.stages.find((s: { name: string }) => s.name === 'configure');
    // The stage the stop cut short says so: not the kill's exit status, nor a guess at memory.
    assert.deepEqual([configure.status, configure.error], ['canceled', 'the workspace is being stopped']);
    for (const s of stopped.lastBuild.stages) assert.notEqual(s.status, 'failed', JSON.stringify(s));
    assert.deepEqual(await containersOf(ws.id), []);
    assert.ok(await t.hearth.runtime.inspectVolume(`hearth-home-${ws.id}`), 'the home volume is kept');

    assert.equal((await t.alice.post('/users/me/workspaces/busy/start')).status, 202);
    assert.equal((await settled(t.alice, 'me', 'busy')).state, 'running');
    const [again] = await containersOf(ws.id);
    const check = await shell(t.hearth.runtime, again!.id, 'sha256sum ~/keep.bin');
    assert.equal(check.stdout.split(' ')[0], digest);
  });

  it('cancels a queued build before it starts: no container is ever made for it', async () => {
    // busy's build holds the only build slot, hanging in configure.
    const [container] = await containersOf((await show('busy')).id);
    await shell(t.hearth.runtime, container!.id, 'touch ~/.configure-hang-once');
    assert.equal((await t.alice.post('/users/me/workspaces/busy/rebuild')).status, 202);
    await hanging('busy');
    const second = await create('second');
    const queued = await show('second');
    assert.equal(queued.state, 'pending');
    assert.equal(queued.lastBuild.status, 'queued');
    const stopping = await t.alice.post('/users/me/workspaces/second/stop');
    assert.equal(stopping.status, 202, JSON.stringify(stopping.body));
    const stopped = await settled(t.alice, 'me', 'second');
    assert.equal(stopped.state, 'stopped');
    assert.equal(stopped.lastBuild.status, 'canceled');
    assert.equal(stopped.lastBuild.error, 'the workspace was stopped');
    assert.deepEqual(await containersOf(second.id), []);
    assert.equal((await show('busy')).state, 'building', 'the running build went on');
    await t.alice.post('/users/me/workspaces/busy/stop');
    assert.equal((await settled(t.alice, 'me', 'busy')).state, 'stopped');
  });

  it('cancels a build stopped in its last stage without claiming it was ready', async () => {
    const ws = await create('late');
    assert.equal((await settled(t.alice, 'me', 'late')).state, 'running');
    const [container] = await containersOf(ws.id);
    await shell(
      t.hearth.runtime,
      container!.id,
      'printf "#!/bin/sh\\nsleep 600\\n" > ~/personalize && chmod +x ~/personalize',
    );
    assert.equal((await t.alice.post('/users/me/workspaces/late/rebuild')).status, 202);
    await waitFor('late to personalize', async () => {
      const b = (await show('late')).lastBuild;
      return b.number === 2 &&
        b.stages.some(
          (s: { name: string; status: string }) => s.name === 'personalize' && s.status === 'running',
        )
        ? b
        : undefined;
    });
    assert.equal((await t.alice.post('/users/me/workspaces/late/stop')).status, 202);
    const stopped = await settled(t.alice, 'me', 'late');
    assert.equal(stopped.state, 'stopped');
    assert.equal(stopped.lastBuild.status, 'canceled');
    const ready = stopped.lastBuild.stages.find((s: { name: string }) => s.name === 'ready');
    assert.notEqual(ready.status, 'succeeded');
    const personalize = stopped.lastBuild.stages.find((s: { name: string }) => s.name === 'personalize');
    assert.equal(personalize.status, 'canceled', JSON.stringify(personalize));
    const log = (await t.alice.get('/users/me/workspaces/late/builds/2/logs')).body as string;
    assert.doesNotMatch(log, /\[ready\] workspace late is running/);
    assert.match(log, /canceled: the workspace is being stopped/);
  });

  it('answers a stop of a stopped workspace with 409 naming the state', async () => {
    const answer = await t.alice.post('/users/me/workspaces/second/stop');
    assert.equal(answer.status, 409);
    assert.match(answer.body.message, /workspace second is already stopped/);
  });
});
