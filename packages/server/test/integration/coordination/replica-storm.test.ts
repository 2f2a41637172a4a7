/**
 * The auto-start storm across three replicas on one PostgreSQL database and two engines (the
 * configured one, `default`, and a second dockerd of the test's own with half its declared
 * capacity): HEARTH_STORM_WORKSPACES (default 40) workspaces are spread across the engines by free
 * capacity, stopped, and then all due for auto-start in the same minute. Two replicas run in this process, the third is a `hearth server` process that is killed
 * with SIGKILL while it runs builds it claimed. Its builds are taken over by the others once its
 * heartbeat is stale (15 s), and resumed; in the end every workspace is running, auto-started
 * exactly once and built successfully exactly once since, with nothing left queued or building,
 * and every home directory holds what it held before.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { LABELS } from '../../../src/runtime/runtime.js';
import { TEST_DOCKER_HOST } from '../../support/engine.js';
import { DEMO_IMAGE, removeDir, settled, shell } from '../../support/hearth.js';
import { useReplicas } from '../../support/replicas.js';
import { SecondEngine } from '../../support/second-engine.js';
import { spawnServer } from '../../support/server-process.js';
import { waitFor } from '../../support/wait.js';

const COUNT = Number(process.env.HEARTH_STORM_WORKSPACES ?? 40);
/** The promise: a killed replica's builds are resumed by another within this (15 s staleness, 1 s polls). */
const TAKEOVER_WITHIN_MS = 30_000;
const spawnReplica = (dataDir: string, databaseUrl: string, secretKeyFile: string) =>
  spawnServer(dataDir, [
    '--reconcile-interval',
    '0s',
    '--lifecycle-interval',
    '0s',
    '--build-concurrency',
    '2',
    '--docker-host',
    TEST_DOCKER_HOST,
    '--database-url',
    databaseUrl,
    '--secret-key-file',
    secretKeyFile,
  ]);

const homeScript = (body: string) => `cd "$(getent passwd 1000 | cut -d: -f6)" && ${body}`;

describe(`auto-start storm: ${COUNT} workspaces, three replicas, one killed`, () => {
  const r = useReplicas([{ buildConcurrency: 2 }, { buildConcurrency: 2 }]);
  let third: { child: ChildProcess; url: string } | undefined;
  let thirdDir: string | undefined;
  let second: SecondEngine | undefined;
  after(async () => {
    if (third && third.child.exitCode === null) third.child.kill('SIGKILL');
    if (thirdDir) await removeDir(thirdDir);
    // Its containers and home volumes live in its own data root, which goes with it.
    await second?.cleanup();
  });

  it('given every workspace due at once, when one replica is killed mid-storm, then each is auto-started once, built once, and keeps its home', async () => {
    second = await SecondEngine.start();
    await second.loadImage(DEMO_IMAGE);
    const alice = r.alice;
    // default declares twice the second's capacity: two thirds of the workspaces should go there.
    const declared = await alice.patch('/admin/engines/default', { cpu: 16, memory: '16GiB' });
    assert.equal(declared.status, 200, JSON.stringify(declared.body));
    const added = await alice.post('/admin/engines', {
      name: 'storm-2',
      dockerHost: second.host,
      cpu: 8,
      memory: '8GiB',
    });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    thirdDir = await mkdtemp(join(tmpdir(), 'hearth-storm-'));
    third = await spawnReplica(thirdDir, r.databaseUrl(), r.secretKeyFile());
    const names = Array.from({ length: COUNT }, (_, i) => `s${i}`);
    const ids = new Map<string, string>();
    const engineOf = new Map<string, string>();
    const runtimes = { default: r.servers[0]!.runtime, 'storm-2': second.runtime() };
    const runtimeOf = (name: string) => runtimes[engineOf.get(name) as keyof typeof runtimes];
    const runningContainer = async (name: string) =>
      (await runtimeOf(name).listContainers({ [LABELS.workspaceId]: ids.get(name)! })).find(
        (c) => c.status === 'running',
      );
    for (const name of names) {
      const created = await r.on(names.indexOf(name) % 2).post('/workspaces', {
        name,
        image: DEMO_IMAGE,
        cpu: '250m',
        memory: '256MiB',
        autostart: true,
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      ids.set(name, created.body.id);
      engineOf.set(name, created.body.engine);
      if (created.body.engine === 'default') r.created.add(created.body.id);
    }
    const onSecond = names.filter((name) => engineOf.get(name) === 'storm-2').length;
    assert.ok(
      Math.abs(onSecond - COUNT / 3) <= 1,
      `by capacity, a third of ${COUNT} on storm-2 (half of default's capacity): ${onSecond}`,
    );
    const sums = new Map<string, string>();
    for (const name of names) {
      const ws = await settled(alice, 'me', name, 300_000);
      assert.equal(
        ws.state,
        'running',
        `${name}: ${JSON.stringify(ws.stateReason)} ${JSON.stringify(ws.lastBuild)}`,
      );
      const container = await runningContainer(name);
      const made = await shell(
        runtimeOf(name),
        container!.id,
        homeScript('head -c 65536 /dev/urandom > storm && sha256sum storm'),
      );
      sums.set(name, made.stdout.trim());
    }
    for (const name of names)
      assert.equal((await alice.post(`/users/me/workspaces/${name}/stop`)).status, 202);
    for (const name of names) assert.equal((await settled(alice, 'me', name, 120_000)).state, 'stopped');

    const fireAt = new Date(Date.now() + 2 * 60_000);
    const hhmm = `${String(fireAt.getUTCHours()).padStart(2, '0')}:${String(fireAt.getUTCMinutes()).padStart(2, '0')}`;
    const schedule = (await alice.put('/users/me/autostart', { time: hhmm, timezone: 'UTC' })).body;
    const tick = await r.servers[0]!.server.executor.tick(new Date(Date.parse(schedule.nextFireAt) + 1_000));
    assert.equal(
      tick.actions.filter((a) => a.kind === 'autostart').length,
      COUNT,
      JSON.stringify(tick.errors),
    );

    // Kill the spawned replica once it runs builds it claimed.
    const thirdId = await waitFor(
      'the third replica to run claimed builds',
      async () => {
        const view = (await alice.get('/admin/replicas')).body;
        const entry = view.replicas.find((x: { address: string }) => x.address === third!.url);
        return entry && entry.runningBuilds > 0 ? (entry.id as string) : undefined;
      },
      120_000,
    );
    await new Promise<void>((resolve) => {
      third!.child.once('exit', () => resolve());
      third!.child.kill('SIGKILL');
    });
    const killedAt = Date.now();
    const claimedByThird = async () => {
      const out: { name: string; number: number; status: string; replica: string | null }[] = [];
      for (const name of names) {
        const builds = (await alice.get(`/users/me/workspaces/${name}/builds`)).body;
        for (const b of builds) out.push({ name, number: b.number, status: b.status, replica: b.replica });
      }
      return out;
    };
    const takenOverMs = await waitFor(
      'the killed replica’s builds to be taken over',
      async () => {
        const all = await claimedByThird();
        const stuck = all.filter((b) => b.replica === thirdId && ['queued', 'running'].includes(b.status));
        return stuck.length === 0 ? Date.now() - killedAt : undefined;
      },
      TAKEOVER_WITHIN_MS + 30_000,
    );
    assert.ok(takenOverMs <= TAKEOVER_WITHIN_MS, `taken over after ${takenOverMs} ms`);

    for (const name of names) {
      const ws = await settled(alice, 'me', name, 300_000);
      assert.equal(
        ws.state,
        'running',
        `${name} after: ${JSON.stringify(ws.stateReason)} ${JSON.stringify(ws.lastBuild)}`,
      );
      assert.equal(ws.engine, engineOf.get(name), `${name} stays on its engine`);
    }
    const builds = await claimedByThird();
    for (const name of names) {
      const mine = builds.filter((b) => b.name === name);
      assert.equal(
        mine.filter((b) => b.number > 1 && b.status === 'succeeded').length,
        1,
        `${name}: ${JSON.stringify(mine)}`,
      );
      assert.equal(mine.filter((b) => ['queued', 'running'].includes(b.status)).length, 0, name);
    }
    const autostarts = await Promise.all(
      names.map(async (name) => {
        const list = (await alice.get(`/users/me/workspaces/${name}/builds`)).body as { reason: string }[];
        return list.filter((b) => b.reason === 'autostart').length;
      }),
    );
    assert.deepEqual(
      autostarts,
      names.map(() => 1),
      'each workspace auto-started exactly once',
    );
    for (const name of names) {
      const container = await runningContainer(name);
      const now = await shell(runtimeOf(name), container!.id, homeScript('sha256sum storm'));
      assert.equal(now.stdout.trim(), sums.get(name), `${name}'s home`);
    }
    process.stderr.write(
      `storm: ${COUNT} workspaces (${onSecond} on storm-2); the killed replica's builds were taken over ${takenOverMs} ms after SIGKILL; ` +
        `${builds.filter((b) => b.replica === thirdId).length} build(s) had been claimed by it\n`,
    );
  });
});
