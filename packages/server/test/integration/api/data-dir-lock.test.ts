/**
 * One server owns a data directory. A second `hearth server` on it (by mistake, on the same port or
 * another) exits at once naming the holder, and reads and writes nothing: the live server's
 * running build goes on untouched.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LABELS } from '../../../src/runtime/runtime.js';
import { removeDir, settled, shell, testDatabaseArgs, useHearth } from '../../support/hearth.js';
import { waitFor } from '../../support/wait.js';

const BIN = fileURLToPath(new URL('../../../src/bin.js', import.meta.url));
const IMAGE = 'hearth-test-hooks:latest';

/** Runs `hearth server ARGS…` to its end (at most 20 s) and answers its exit code and stderr. */
async function runServer(
  dataDir: string,
  args: string[],
): Promise<{ code: number | null; stderr: string; ms: number }> {
  const database = await testDatabaseArgs(dataDir);
  const started = Date.now();
  const child = spawn(
    process.execPath,
    [BIN, '--data-dir', dataDir, ...database, ...args, '--log-level', 'warn'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise((resolve) => {
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, ms: Date.now() - started });
    });
  });
}

describe('one server per data directory', () => {
  const t = useHearth();
  let building: any;

  before(async () => {
    assert.equal((await t.alice.post('/orgs/default/images', { ref: IMAGE })).status, 201);
    const created = await t.alice.post('/workspaces', { name: 'live', image: IMAGE });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    t.created.add(created.body.id);
    assert.equal((await settled(t.alice, 'me', 'live')).state, 'running');
    const [container] = await t.hearth.runtime.listContainers({ [LABELS.workspaceId]: created.body.id });
    await shell(t.hearth.runtime, container!.id, 'touch ~/.configure-hang-once');
    assert.equal((await t.alice.post('/users/me/workspaces/live/rebuild')).status, 202);
    // The rebuild now hangs in configure: a build the live server is running.
    building = await waitFor('the rebuild to reach configure', async () => {
      const ws = (await t.alice.get('/users/me/workspaces/live')).body;
      const configure = ws.lastBuild?.stages.find((s: { name: string }) => s.name === 'configure');
      return ws.lastBuild?.number === 2 && configure?.status === 'running' ? ws : undefined;
    });
  });

  const port = () => new URL(t.hearth.server.url).port;
  for (const [which, listen] of [
    ['the same port', () => `127.0.0.1:${port()}`],
    ['another port', () => '127.0.0.1:0'],
  ] as const) {
    it(`refuses a second server on the same data directory on ${which}, naming the holder`, async () => {
      const second = await runServer(t.hearth.dataDir, ['--listen', listen()]);
      assert.equal(second.code, 1, second.stderr);
      assert.ok(second.ms < 10_000, `it stopped at once (${second.ms} ms)`);
      assert.match(
        second.stderr,
        new RegExp(
          `the data directory ${t.hearth.dataDir} is in use by the hearth server with pid ${process.pid} \\(serving on ${t.hearth.server.url.replaceAll('.', '\\.')},`,
        ),
      );
      assert.match(second.stderr, /--data-dir/);

      const ws = (await t.alice.get('/users/me/workspaces/live')).body;
      assert.equal(ws.state, 'building', 'the live build was not touched');
      assert.equal(ws.lastBuild.number, building.lastBuild.number);
      assert.equal(ws.lastBuild.status, 'running');
      const builds = (await t.alice.get('/users/me/workspaces/live/builds')).body as { status: string }[];
      assert.equal(builds.length, 2, 'no resume build was queued');
    });
  }

  it('leaves the live server in charge: it still stops its own build', async () => {
    assert.equal((await t.alice.post('/users/me/workspaces/live/stop')).status, 202);
    const ws = await settled(t.alice, 'me', 'live');
    assert.equal(ws.state, 'stopped');
    assert.equal(ws.lastBuild.status, 'canceled');
  });

  it('lets a new server take a data directory whose holder was killed with kill -9', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hearth-lock-'));
    try {
      for (let round = 0; round < 2; round++) {
        const database = await testDatabaseArgs(dir);
        const child = spawn(
          process.execPath,
          [BIN, '--data-dir', dir, ...database, '--listen', '127.0.0.1:0'],
          {
            stdio: ['ignore', 'ignore', 'pipe'],
          },
        );
        let err = '';
        child.stderr.on('data', (c: Buffer) => {
          err += c.toString();
        });
        const exited = new Promise((resolve) => child.once('exit', resolve));
        try {
          await waitFor(
            'the server to serve',
            async () => (/serving on/.test(err) ? true : undefined),
            20_000,
          );
        } finally {
          // Also when it never served: a server left running would keep this test file from ending.
          child.kill('SIGKILL');
          await exited;
        }
      }
    } finally {
      await removeDir(dir);
    }
  });
});
