import assert from 'node:assert/strict';
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { StartupError, startServer } from '../../../src/app/server.js';
import { removeDir, testConfig } from '../../support/hearth.js';

describe('start-up fails fast with one clear message', () => {
  let dir: string;
  const silent = pino({ level: 'silent' });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hearth-startup-'));
  });
  after(async () => {
    await chmod(dir, 0o700);
    await removeDir(dir);
  });

  it('when the engine is unreachable', async () => {
    const config = testConfig(join(dir, 'a'), { dockerHost: `unix://${join(dir, 'no-such.sock')}` });
    await assert.rejects(startServer(config, { logger: silent }), (error: Error) => {
      assert.ok(error instanceof StartupError);
      assert.match(error.message, /no-such\.sock/);
      assert.match(error.message, /is not reachable/);
      assert.match(error.message, /--docker-host/);
      return true;
    });
  });

  it('when the workspace network does not exist on the engine', async () => {
    const config = testConfig(join(dir, 'n'), { workspaceNetwork: 'hearth-test-no-such-net' });
    await assert.rejects(startServer(config, { logger: silent }), (error: Error) => {
      assert.ok(error instanceof StartupError);
      assert.match(
        error.message,
        /^workspace network "hearth-test-no-such-net" does not exist on the engine \(it has: .*\); create it or pass --workspace-network auto$/,
      );
      return true;
    });
  });

  it('when the data directory is not writable', async () => {
    // A file where the directory should be cannot be made into one, even by root.
    const blocker = join(dir, 'blocker');
    await writeFile(blocker, '');
    const config = testConfig(join(blocker, 'data'));
    await assert.rejects(startServer(config, { logger: silent }), (error: Error) => {
      assert.ok(error instanceof StartupError);
      assert.match(error.message, /data directory .*blocker\/data is not writable/);
      assert.match(error.message, /--data-dir/);
      return true;
    });
  });

  it('when PostgreSQL is unreachable, naming it without its password', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const config = testConfig(join(dir, 'd'), {
      postgres: {
        url: `postgres://hearth:hunter2@127.0.0.1:${port}/hearth`,
        poolSize: 2,
        statementTimeoutMs: 0,
      },
    });
    await assert.rejects(startServer(config, { logger: silent }), (error: Error) => {
      assert.ok(error instanceof StartupError);
      assert.match(
        error.message,
        new RegExp(
          `^cannot open the database postgres://hearth:\\*\\*\\*@127\\.0\\.0\\.1:${port}/hearth: .*ECONNREFUSED`,
        ),
      );
      assert.match(error.message, /--database-url \(HEARTH_DATABASE_URL\)/);
      assert.ok(!error.message.includes('hunter2'), 'the password is not shown');
      return true;
    });
  });

  it('when the port is taken', async () => {
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const port = (squatter.address() as { port: number }).port;
    try {
      const config = testConfig(join(dir, 'c'), { port });
      await assert.rejects(startServer(config, { logger: silent }), (error: Error) => {
        assert.ok(error instanceof StartupError);
        assert.equal(
          error.message,
          `127.0.0.1:${port} is already in use: stop what listens there or choose another with --listen`,
        );
        return true;
      });
    } finally {
      squatter.close();
    }
  });
});
