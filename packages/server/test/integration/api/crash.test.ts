/**
 * kill -9 of the server during each build stage, then a restart: the workspace must end running
 * or failed with a reason, never stuck building, and the home directory must be intact.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HearthClient } from '@hearth/sdk';
import pino from 'pino';
import { StartupError, startServer } from '../../../src/app/server.js';
import { LABELS } from '../../../src/runtime/runtime.js';
import { Api } from '../../support/api.js';
import { testRuntime } from '../../support/engine.js';
import {
  removeDir,
  removeLeftovers,
  settled,
  setupAlice,
  shell,
  testDatabaseArgs,
  testServerConfig,
} from '../../support/hearth.js';
import { spawnServer } from '../../support/server-process.js';

function kill9(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

describe('kill -9 of the server during a build', () => {
  const runtime = testRuntime();
  let dataDir: string;
  let server: { child: ChildProcess; url: string };
  let token: string;
  let workspaceId: string;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'hearth-crash-'));
    server = await spawnServer(dataDir, ['--reconcile-interval', '0s', ...(await testDatabaseArgs(dataDir))]);
    const alice = await setupAlice(new Api(server.url));
    token = alice.token!;
    const ws = await alice.post('/workspaces', { name: 'crash', image: 'hearth-demo:latest' });
    workspaceId = ws.body.id;
    await settled(alice, 'me', 'crash');
    const [container] = await runtime.listContainers({ [LABELS.workspaceId]: workspaceId });
    await shell(
      runtime,
      container!.id,
      'head -c 1000000 /dev/urandom > ~/keep && sha256sum ~/keep > ~/keep.sum',
    );
  });
  after(async () => {
    server.child.kill('SIGKILL');
    await removeLeftovers(runtime, [workspaceId]);
    await removeDir(dataDir);
  });

  // Each case names the moment to kill at, seen through the watch stream. Log lines are sent
  // one by one; a snapshot reflects the store when it is read, so a short stage can be over by
  // then (on PostgreSQL, a notification's round trip later): the moments are log lines.
  const logOf = (stage: string) => (e: { event: string; data: any }, n: number) =>
    e.event === 'log' && e.data.build === n && e.data.stage === stage;
  const moments: [string, (event: { event: string; data: any }, build: number) => boolean][] = [
    ['pull', logOf('pull')],
    ['volume', logOf('volume')],
    ['container', logOf('container')],
    ['ready', (e, n) => e.event === 'log' && e.data.build === n && /started container/.test(e.data.text)],
  ];
  // The build's end, should its moment never be seen: the kill then lands after it.
  const ended = (e: { event: string; data: any }, n: number) =>
    e.event === 'workspace' &&
    e.data.lastBuild?.number === n &&
    (e.data.lastBuild.status === 'succeeded' || e.data.lastBuild.status === 'failed');

  for (const [stage, isMoment] of moments) {
    it(`recovers when killed during the ${stage} stage`, async (t) => {
      const client = new HearthClient({ url: server.url, token });
      const controller = new AbortController();
      const watch = client.watchWorkspace('me', 'crash', { signal: controller.signal });
      const first = await watch.next();
      assert.equal(first.value?.event, 'workspace');
      const number = (first.value!.data as { lastBuild: { number: number } }).lastBuild.number + 1;
      await client.rebuild('me', 'crash');
      for await (const event of watch) {
        const e = event as { event: string; data: any };
        if (isMoment(e, number) || ended(e, number)) break;
      }
      await kill9(server.child);
      controller.abort();

      server = await spawnServer(dataDir, [
        '--reconcile-interval',
        '0s',
        ...(await testDatabaseArgs(dataDir)),
      ]);
      const alice = new Api(server.url, token);
      const ws = await settled(alice, 'me', 'crash', 120_000);
      assert.equal(ws.state, 'running', `ended ${ws.state}: ${ws.stateReason.message}`);
      const builds = (await alice.get('/users/me/workspaces/crash/builds')).body as {
        number: number;
        status: string;
        reason: string;
        error: string | null;
      }[];
      const interrupted = builds.find((b) => b.number === number)!;
      t.diagnostic(
        `build #${number} ${interrupted.status}${interrupted.error ? `: ${interrupted.error}` : ''}`,
      );
      if (interrupted.status === 'failed') {
        assert.match(interrupted.error!, /server_restart/);
        const resume = builds.find((b) => b.number === number + 1)!;
        assert.equal(resume.reason, 'resume');
        assert.equal(resume.status, 'succeeded');
      } else {
        assert.equal(interrupted.status, 'succeeded', 'the build finished before the kill landed');
      }
      assert.equal(builds.filter((b) => b.status === 'running' || b.status === 'queued').length, 0);
      const containers = await runtime.listContainers({ [LABELS.workspaceId]: workspaceId });
      assert.equal(containers.length, 1, 'exactly one container remains');
      const check = await shell(runtime, containers[0]!.id, 'sha256sum -c ~/keep.sum');
      assert.equal(check.code, 0, `home intact: ${check.stdout}${check.stderr}`);
    });
  }

  it('starts no build when it cannot listen after a crash; the next start recovers', async () => {
    const client = new HearthClient({ url: server.url, token });
    await client.rebuild('me', 'crash');
    await kill9(server.child);
    const before = (await runtime.listContainers({ [LABELS.workspaceId]: workspaceId })).map((c) => c.id);

    // The restart reconciles (and queues a resume build), then finds its port taken.
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const port = (squatter.address() as { port: number }).port;
    try {
      await assert.rejects(
        startServer(await testServerConfig(dataDir, { port }), { logger: pino({ level: 'silent' }) }),
        StartupError,
      );
    } finally {
      squatter.close();
    }
    const after = (await runtime.listContainers({ [LABELS.workspaceId]: workspaceId })).map((c) => c.id);
    assert.deepEqual(after, before, 'the failed start built nothing');

    server = await spawnServer(dataDir, ['--reconcile-interval', '0s', ...(await testDatabaseArgs(dataDir))]);
    const ws = await settled(new Api(server.url, token), 'me', 'crash', 120_000);
    assert.equal(ws.state, 'running', `ended ${ws.state}: ${ws.stateReason.message}`);
  });
});
