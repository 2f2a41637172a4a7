import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import Docker from 'dockerode';
import { resolveEndpoint } from '../../../src/runtime/docker/endpoint.js';
import { LABELS } from '../../../src/runtime/runtime.js';
import type { Api } from '../../support/api.js';
import { addMember, DEMO_IMAGE, settled, shell, testConfig, useHearth } from '../../support/hearth.js';
import { TEST_DIALECT } from '../../support/postgres.js';

/** Bit numbers of the capabilities a workspace keeps (linux/capability.h). */
const KEPT = {
  CHOWN: 0,
  DAC_OVERRIDE: 1,
  FOWNER: 3,
  FSETID: 4,
  KILL: 5,
  SETGID: 6,
  SETUID: 7,
  NET_BIND_SERVICE: 10,
  AUDIT_WRITE: 29,
};

describe('workspace containers: unambiguous names, a PID limit, few capabilities; database files 0600', () => {
  const t = useHearth();
  let dev: Api;
  let devTeam: Api;
  const running: Record<string, { id: string; container: string; name: string }> = {};

  before(async () => {
    dev = await addMember(t.alice, 'dev');
    devTeam = await addMember(t.alice, 'dev-team');
    const limit = await t.alice.patch('/orgs/default/limits', { pidsLimit: 300 });
    assert.equal(limit.status, 200, JSON.stringify(limit.body));
    assert.equal(limit.body.limits.pidsLimit, 300);
    for (const [api, name] of [
      [dev, 'team-api'],
      [devTeam, 'api'],
    ] as const) {
      const created = await api.post('/workspaces', { name, image: DEMO_IMAGE, cpu: 1, memory: '512m' });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      t.created.add(created.body.id);
    }
    for (const [api, owner, name] of [
      [dev, 'dev', 'team-api'],
      [devTeam, 'dev-team', 'api'],
    ] as const) {
      const ws = await settled(api, 'me', name);
      assert.equal(
        ws.state,
        'running',
        `${owner}/${name}: ${JSON.stringify(ws.stateReason)} ${ws.lastBuild?.error}`,
      );
      const [container] = await t.hearth.runtime.listContainers({ [LABELS.workspaceId]: ws.id });
      running[owner] = { id: ws.id, container: container!.id, name: container!.name };
    }
  });

  it("given dev's team-api and dev-team's api, when both are built, then both run in containers of different names", () => {
    assert.notEqual(running.dev!.name, running['dev-team']!.name);
    assert.match(running.dev!.name, /^\/?hearth-dev\.team-api-1-/);
    assert.match(running['dev-team']!.name, /^\/?hearth-dev-team\.api-1-/);
  });

  it('given a container named the way older versions did, when reconciled and rebuilt, then it is still found by its labels', async () => {
    const engine = new Docker(resolveEndpoint({ host: testConfig(t.hearth.dataDir).dockerHost }).modem);
    const ws = running['dev-team']!;
    const legacy = `hearth-dev-team-api-1-${ws.id.slice(0, 8)}`;
    await engine.getContainer(ws.container).rename({ name: legacy });
    const report = await t.hearth.server.reconciler.check();
    assert.equal(report.runtimeLost, 0);
    assert.equal((await devTeam.get('/users/me/workspaces/api')).body.state, 'running');
    assert.equal((await devTeam.post('/users/me/workspaces/api/rebuild', {})).status, 202);
    const rebuilt = await settled(devTeam, 'me', 'api');
    assert.equal(rebuilt.state, 'running', JSON.stringify(rebuilt.stateReason));
    const containers = await t.hearth.runtime.listContainers({ [LABELS.workspaceId]: ws.id });
    assert.equal(containers.length, 1, 'the legacy-named container was replaced');
    assert.match(containers[0]!.name, /^\/?hearth-dev-team\.api-2-/);
    running['dev-team'] = { ...ws, container: containers[0]!.id, name: containers[0]!.name };
  });

  it("given the org's PID limit, when a workspace runs, then its container may run no more processes", async () => {
    // cgroup v2 puts the file at the root, v1 under the pids controller.
    const pids = await shell(
      t.hearth.runtime,
      running.dev!.container,
      'cat /sys/fs/cgroup/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids/pids.max',
    );
    assert.equal(pids.code, 0, pids.stderr);
    assert.equal(pids.stdout.trim(), '300');
  });

  it('given the kept capabilities, when a workspace runs, then nothing else is in its bounding set', async () => {
    const status = await shell(t.hearth.runtime, running.dev!.container, 'grep CapBnd /proc/self/status');
    assert.equal(status.code, 0, status.stderr);
    const expected = Object.values(KEPT).reduce((mask, bit) => mask | (1n << BigInt(bit)), 0n);
    assert.equal(BigInt(`0x${status.stdout.split(':')[1]!.trim()}`), expected, status.stdout);
  });

  it("given the dropped capabilities, when the image's user runs sudo for its own business, then it still works", async () => {
    const script = [
      'set -e',
      'sudo -n touch /etc/hearth-owned',
      'sudo -n chown dev:dev /etc/hearth-owned',
      'sudo -n chmod 4755 /etc/hearth-owned',
      'sudo -n sh -c "echo ok > /root/x && cat /root/x"',
      'sudo -n -u nobody id -un',
      'stat -c %U:%a /etc/hearth-owned',
    ].join('\n');
    const run = await shell(t.hearth.runtime, running['dev-team']!.container, script);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.stdout.trim().split('\n'), ['ok', 'nobody', 'dev:4755']);
    const mknod = await shell(
      t.hearth.runtime,
      running['dev-team']!.container,
      'sudo -n mknod /tmp/dev c 1 3',
    );
    assert.notEqual(mknod.code, 0, 'MKNOD is dropped');
  });

  it('given a server that has run, when its data directory is listed, then the database and key files are 0600', () => {
    const sqlite = TEST_DIALECT === 'sqlite' ? ['hearth.db', 'hearth.db-wal', 'hearth.db-shm'] : [];
    for (const file of [...sqlite, 'secret.key', 'ssh_host_ed25519_key']) {
      const mode = statSync(join(t.hearth.dataDir, file)).mode & 0o777;
      assert.equal(mode.toString(8), '600', file);
    }
  });
});
