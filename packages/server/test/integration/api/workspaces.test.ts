import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { LABELS } from '../../../src/runtime/runtime.js';
import type { Api } from '../../support/api.js';
import { addMember, settled, shell, useHearth } from '../../support/hearth.js';

describe('workspaces on the real engine', () => {
  const t = useHearth();
  let bob: Api;

  const create = async (api: Api, body: Record<string, unknown>) => {
    const answer = await api.post('/workspaces', { image: 'hearth-demo:latest', ...body });
    if (answer.status === 201) t.created.add(answer.body.id);
    return answer;
  };

  before(async () => {
    bob = await addMember(t.alice, 'bob');
  });

  it('builds a workspace, and a rebuild keeps only the home directory', async () => {
    const answer = await create(t.alice, { name: 'api', cpu: 1, memory: '1GiB' });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    assert.equal(answer.body.state, 'pending');
    assert.equal(answer.body.lastBuild.reason, 'create');
    const running = await settled(t.alice, 'me', 'api');
    assert.equal(running.state, 'running', JSON.stringify(running.stateReason));
    assert.deepEqual(
      running.lastBuild.stages.map((s: { name: string; status: string }) => [s.name, s.status]),
      [
        ['pull', 'succeeded'],
        ['volume', 'succeeded'],
        ['container', 'succeeded'],
        ['secrets', 'succeeded'],
        ['configure', 'succeeded'],
        ['personalize', 'succeeded'],
        ['apps', 'succeeded'],
        ['ready', 'succeeded'],
      ],
    );
    for (const stage of running.lastBuild.stages) assert.equal(typeof stage.durationMs, 'number');
    assert.match(running.imageDigest, /^sha256:/);
    assert.equal(running.home, '/home/dev');

    const first = (await t.hearth.runtime.listContainers({ [LABELS.workspaceId]: running.id }))[0]!;
    const home = await shell(
      t.hearth.runtime,
      first.id,
      'stat -c %U:%G ~ && echo keep > ~/keep && echo gone > /tmp/gone && sudo touch /etc/gone && hostname',
    );
    assert.equal(home.code, 0, home.stderr);
    assert.deepEqual(home.stdout.trim().split('\n'), ['dev:dev', 'api']);

    const rebuild = await t.alice.post('/users/me/workspaces/api/rebuild', { cpu: 2, memory: '3GiB' });
    assert.equal(rebuild.status, 202, JSON.stringify(rebuild.body));
    const rebuilt = await settled(t.alice, 'me', 'api');
    assert.equal(rebuilt.state, 'running');
    assert.equal(rebuilt.lastBuild.number, 2);
    assert.deepEqual(rebuilt.resources, { cpu: 2, memory: 3 * 2 ** 30, disk: 10 * 2 ** 30, gpus: 0 });

    const containers = await t.hearth.runtime.listContainers({ [LABELS.workspaceId]: running.id });
    assert.equal(containers.length, 1, 'the old container is gone');
    assert.notEqual(containers[0]!.id, first.id);
    const after = await shell(
      t.hearth.runtime,
      containers[0]!.id,
      'cat ~/keep; ls /tmp/gone /etc/gone 2>&1; cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/memory/memory.limit_in_bytes',
    );
    const lines = after.stdout.trim().split('\n');
    assert.equal(lines[0], 'keep');
    assert.match(lines[1]!, /No such file/);
    assert.match(lines[2]!, /No such file/);
    assert.equal(lines[3], '200000', 'two CPUs of quota per 100 ms period');
    assert.equal(lines[4], String(3 * 2 ** 30));

    const log = await t.alice.get('/users/me/workspaces/api/builds/2/logs');
    assert.match(log.body, /\[container\] stopping previous container/);
    assert.match(log.body, /\[ready\] workspace api is running/);
  });

  it('stops by removing the container and keeping the volume, and starts again with the home intact', async () => {
    const stop = await t.alice.post('/users/me/workspaces/api/stop');
    assert.equal(stop.status, 202);
    assert.equal(stop.body.state, 'stopping');
    const stopped = await settled(t.alice, 'me', 'api');
    assert.equal(stopped.state, 'stopped');
    assert.equal(stopped.stateReason.code, 'user_stop');
    assert.equal(stopped.stateReason.message, 'stopped by alice');
    assert.equal((await t.hearth.runtime.listContainers({ [LABELS.workspaceId]: stopped.id })).length, 0);
    assert.ok(
      await t.hearth.runtime.inspectVolume(`hearth-home-${stopped.id}`),
      'the home volume survives a stop',
    );

    const again = await t.alice.post('/users/me/workspaces/api/stop');
    assert.equal(again.status, 409);
    assert.match(again.body.message, /already stopped/);
    assert.equal(again.body.detail.state, 'stopped');

    const start = await t.alice.post('/users/me/workspaces/api/start');
    assert.equal(start.status, 202);
    const running = await settled(t.alice, 'me', 'api');
    assert.equal(running.state, 'running');
    assert.equal(running.lastBuild.reason, 'start');
    const [container] = await t.hearth.runtime.listContainers({ [LABELS.workspaceId]: running.id });
    assert.equal((await shell(t.hearth.runtime, container!.id, 'cat ~/keep')).stdout, 'keep\n');

    const startRunning = await t.alice.post('/users/me/workspaces/api/start');
    assert.equal(startRunning.status, 409);
    assert.match(startRunning.body.message, /already running.*rebuild/);
  });

  it('understands 4Gi, 4GiB and 4096MiB as the same size', async () => {
    for (const [name, memory] of [
      ['m1', '4Gi'],
      ['m2', '4GiB'],
      ['m3', '4096MiB'],
    ] as const) {
      const answer = await create(t.alice, { name, memory, cpu: '500m' });
      assert.equal(answer.status, 201, JSON.stringify(answer.body));
      assert.equal(answer.body.resources.memory, 4 * 2 ** 30);
      assert.equal(answer.body.resources.cpu, 0.5);
    }
    for (const name of ['m1', 'm2', 'm3']) {
      await settled(t.alice, 'me', name);
      assert.equal((await t.alice.delete(`/users/me/workspaces/${name}`)).status, 202);
    }
    for (const name of ['m1', 'm2', 'm3']) assert.equal((await settled(t.alice, 'me', name)).state, 'gone');
  });

  it('rejects bad input with a clear error and changes nothing', async () => {
    const before = (await t.alice.get('/workspaces')).body;
    const cases: [Record<string, unknown>, number, string, RegExp][] = [
      [{ name: 'x', image: 'nope:latest' }, 422, 'image_not_in_catalogue', /not in org default's catalogue/],
      [{ name: 'Bad_Name' }, 400, 'invalid_input', /not a DNS label/],
      [{ name: '-api' }, 400, 'invalid_input', /not a DNS label/],
      [{ name: 'a'.repeat(64) }, 400, 'invalid_input', /name must NOT have more than 63 characters/],
      [{ name: 'x', cpu: 0 }, 400, 'invalid_input', /cpu "0" must be more than zero/],
      [{ name: 'x', cpu: -1 }, 400, 'invalid_input', /cpu/],
      [{ name: 'x', cpu: 9 }, 422, 'limit_exceeded', /over the org's limit of 8 per workspace/],
      [{ name: 'x', memory: 'junk' }, 400, 'invalid_input', /memory "junk" is not a size/],
      [{ name: 'x', memory: '64GiB' }, 422, 'limit_exceeded', /memory 64GiB is over/],
      [{ name: 'x', gpus: 1 }, 422, 'limit_exceeded', /1 GPU is over/],
      [{ name: 'api' }, 409, 'workspace_exists', /already have a workspace named api/],
      [{ name: 'x', org: 'nowhere' }, 404, 'org_not_found', /no org named nowhere/],
    ];
    for (const [body, status, code, message] of cases) {
      const answer = await create(t.alice, body);
      assert.equal(answer.status, status, `${JSON.stringify(body)} → ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.code, code);
      assert.match(answer.body.message, message);
    }
    const malformed = await t.alice.request('POST', '/workspaces', undefined, '{"name": "x",');
    assert.equal(malformed.status, 400);
    const rebuild = await t.alice.post('/users/me/workspaces/api/rebuild', { memory: 'junk' });
    assert.equal(rebuild.status, 400);
    assert.deepEqual(
      (await t.alice.get('/workspaces')).body.map((w: { name: string; state: string }) => [w.name, w.state]),
      before.map((w: { name: string; state: string }) => [w.name, w.state]),
    );
    assert.equal(
      (await t.alice.get('/users/me/workspaces/api')).body.lastBuild.number,
      3,
      'no build was queued',
    );
  });

  it('refuses images whose user is root, missing or unknown', async () => {
    for (const [ref, message] of [
      ['hearth-test-root:latest', /runs as root/],
      ['hearth-test-nouser:latest', /has no USER/],
      ['hearth-test-ghost:latest', /no such user/],
      ['hearth-never-built:latest', /not on the container engine/],
    ] as const) {
      const answer = await t.alice.post('/orgs/default/images', { ref });
      assert.equal(answer.status, 422, `${ref}: ${JSON.stringify(answer.body)}`);
      assert.match(answer.body.message, message);
    }
    const uid = await t.alice.post('/orgs/default/images', { ref: 'hearth-test-uid' });
    assert.equal(uid.status, 201, JSON.stringify(uid.body));
    assert.deepEqual(
      [uid.body.ref, uid.body.username, uid.body.uid],
      ['hearth-test-uid:latest', 'coder', 1001],
    );
    assert.equal((await t.alice.post('/orgs/default/images', { ref: 'hearth-test-uid:latest' })).status, 409);
    assert.equal((await bob.post('/orgs/default/images', { ref: 'hearth-demo:latest' })).status, 403);
    const images = (await t.alice.get('/orgs/default/images')).body.map((i: { ref: string }) => i.ref);
    assert.deepEqual(images, ['hearth-demo:latest', 'hearth-test-uid:latest']);
  });

  it('hides a member’s workspace from other members and lets an org admin manage but not enter it', async () => {
    const answer = await create(bob, { name: 'web' });
    assert.equal(answer.status, 201);
    await settled(bob, 'me', 'web');
    const carol = await addMember(t.alice, 'carol');
    for (const [method, path] of [
      ['GET', '/users/bob/workspaces/web'],
      ['POST', '/users/bob/workspaces/web/stop'],
      ['POST', '/users/bob/workspaces/web/rebuild'],
      ['DELETE', '/users/bob/workspaces/web'],
      ['GET', '/users/bob/workspaces/web/builds/1/logs'],
    ] as const) {
      const denied = await carol.request(method, path);
      assert.equal(denied.status, 404, `${method} ${path}`);
      assert.equal(denied.body.code, 'workspace_not_found');
    }
    assert.deepEqual((await carol.get('/workspaces')).body, []);
    assert.deepEqual((await carol.get('/workspaces?org=default')).body, []);

    const all = (await t.alice.get('/workspaces?org=default')).body.map(
      (w: { owner: string; name: string }) => `${w.owner}/${w.name}`,
    );
    assert.ok(all.includes('bob/web') && all.includes('alice/api'), all.join());
    const stop = await t.alice.post('/users/bob/workspaces/web/stop');
    assert.equal(stop.status, 202);
    const stopped = await settled(bob, 'me', 'web');
    assert.equal(stopped.stateReason.code, 'admin_stop');
    assert.equal(stopped.stateReason.message, 'stopped by admin alice');
  });

  it('enforces the per-member quota over running workspaces', async () => {
    assert.equal((await t.alice.patch('/orgs/default/limits', { memberCpuQuota: 2 })).status, 200);
    const over = await create(bob, { name: 'big', cpu: 3 });
    assert.equal(over.status, 422);
    assert.equal(over.body.code, 'limit_exceeded');
    assert.equal(over.body.detail.limit, 'memberCpuQuota');
    const within = await create(bob, { name: 'small', cpu: 2 });
    assert.equal(within.status, 201);
    const second = await bob.post('/users/me/workspaces/web/start');
    assert.equal(second.status, 422, 'a second running workspace would exceed the quota');
    assert.match(second.body.message, /quota of 2 per member/);
    await settled(bob, 'me', 'small');
    assert.equal((await t.alice.patch('/orgs/default/limits', { memberCpuQuota: 16 })).status, 200);
  });

  it('refuses more CPUs than the engine’s machine has before a build removes anything, and says how many it has', async () => {
    const { cpus } = await t.hearth.runtime.machine();
    const over = cpus + 1;
    // The org allows it: only the machine does not.
    const limits = { maxCpu: over * 2, memberCpuQuota: over * 4 };
    assert.equal((await t.alice.patch('/orgs/default/limits', limits)).status, 200);
    const machine = new RegExp(
      `cpu ${over} is more than .*machine has ${cpus} CPUs.*Ask for at most ${cpus}`,
    );

    const created = await create(t.alice, { name: 'wide', cpu: over });
    assert.equal(created.status, 409, JSON.stringify(created.body));
    assert.equal(created.body.code, 'no_engine_capacity');
    assert.match(created.body.message, machine);
    assert.equal((await t.alice.get('/users/me/workspaces/wide')).status, 404, 'nothing was created');

    assert.equal((await create(t.alice, { name: 'wide', cpu: 1 })).status, 201);
    const running = await settled(t.alice, 'me', 'wide');
    const [container] = await t.hearth.runtime.listContainers({ [LABELS.workspaceId]: running.id });
    const rebuild = await t.alice.post('/users/me/workspaces/wide/rebuild', { cpu: over });
    assert.equal(rebuild.status, 409, JSON.stringify(rebuild.body));
    assert.match(rebuild.body.message, /engine default, where this workspace's home volume lives/);
    assert.match(rebuild.body.message, machine);
    const after = (await t.alice.get('/users/me/workspaces/wide')).body;
    assert.equal(after.state, 'running');
    assert.equal(after.lastBuild.number, 1, 'no build was queued');
    assert.equal(after.resources.cpu, 1);
    assert.equal((await t.hearth.runtime.inspectContainer(container!.id))?.status, 'running');

    assert.equal(
      (await t.alice.patch('/orgs/default/limits', { maxCpu: 8, memberCpuQuota: 16 })).status,
      200,
    );
  });

  it('deletes a workspace and only then its home volume', async () => {
    const ws = (await t.alice.get('/users/me/workspaces/api')).body;
    assert.ok(t.hearth.server.activity.lastSeen(ws.id), 'its builds counted as activity');
    assert.equal((await t.alice.delete('/users/me/workspaces/api')).status, 202);
    assert.equal((await settled(t.alice, 'me', 'api')).state, 'gone');
    assert.equal(await t.hearth.runtime.inspectVolume(`hearth-home-${ws.id}`), undefined);
    assert.equal(t.hearth.server.activity.lastSeen(ws.id), undefined, 'nothing is remembered about it');
    assert.equal((await t.hearth.runtime.listContainers({ [LABELS.workspaceId]: ws.id })).length, 0);
    const gone = await t.alice.get('/users/me/workspaces/api');
    assert.equal(gone.status, 404);
  });
});
