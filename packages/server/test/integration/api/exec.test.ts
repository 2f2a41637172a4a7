import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { before, describe, it } from 'node:test';
import { type HearthApiError, HearthClient } from '@hearth/sdk';
import { addMember, settled, useHearth } from '../../support/hearth.js';

/** Runs a command through the exec WebSocket, collecting output. */
async function run(client: HearthClient, owner: string, name: string, cmd: string[], input?: Buffer) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const code = await client.exec(
    owner,
    name,
    { cmd, stdin: input !== undefined },
    { stdin: input === undefined ? undefined : Readable.from([input]), stdout, stderr },
  );
  return { code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString() };
}

describe('exec through the API', () => {
  const t = useHearth();
  let aliceClient: HearthClient;

  before(async () => {
    aliceClient = new HearthClient({ url: t.hearth.server.url, token: t.alice.token! });
    const ws = await t.alice.post('/workspaces', { name: 'sh', image: 'hearth-demo:latest' });
    t.created.add(ws.body.id);
    await settled(t.alice, 'me', 'sh');
  });

  it('passes stdout, stderr and the exit code through, as the workspace user in the home directory', async () => {
    const result = await run(aliceClient, 'me', 'sh', [
      'sh',
      '-c',
      'echo out; echo err >&2; id -un; pwd; echo $HOME; exit 3',
    ]);
    assert.equal(result.code, 3);
    assert.equal(result.stdout.toString(), 'out\ndev\n/home/dev\n/home/dev\n');
    assert.equal(result.stderr, 'err\n');
  });

  it('carries stdin byte-exact, with EOF at its end', async () => {
    const input = randomBytes(3 * 1024 * 1024);
    const result = await run(aliceClient, 'me', 'sh', ['sha256sum'], input);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.toString().split(' ')[0], createHash('sha256').update(input).digest('hex'));
    const echoed = await run(aliceClient, 'me', 'sh', ['cat'], input);
    assert.ok(echoed.stdout.equals(input), 'cat returns the same bytes');
  });

  it('lets only the owner in: another member is told it does not exist, an org admin is refused', async () => {
    const bob = await addMember(t.alice, 'bob');
    const bobClient = new HearthClient({ url: t.hearth.server.url, token: bob.token! });
    await assert.rejects(
      run(bobClient, 'alice', 'sh', ['true']),
      (error: HearthApiError) => error.status === 404 && error.code === 'workspace_not_found',
    );
    const bobWs = (await bob.post('/workspaces', { name: 'mine', image: 'hearth-demo:latest' })).body;
    t.created.add(bobWs.id);
    await settled(bob, 'me', 'mine');
    await assert.rejects(
      run(aliceClient, 'bob', 'mine', ['true']),
      (error: HearthApiError) => error.status === 403 && /only bob can open a session/.test(error.message),
    );
  });

  it('ends a session whose workspace is stopped with an error that says so, not a bare exit status', async () => {
    // Given a session running a long command, which has written its first line
    const stdout = new PassThrough();
    const started = new Promise((resolve) => stdout.once('data', resolve));
    const session = aliceClient.exec(
      'me',
      'sh',
      { cmd: ['sh', '-c', 'echo started; sleep 60'], stdin: false },
      { stdin: undefined, stdout, stderr: new PassThrough() },
    );
    await started;
    // When the workspace is stopped (the session may end before the stop's answer arrives: watch it first)
    // Then the session ends with a message naming the workspace and its state
    const ended = assert.rejects(
      session,
      (error: HearthApiError) =>
        error.code === 'workspace_not_running' &&
        /^workspace sh is (stopping|stopped); the session is closed$/.test(error.message),
    );
    assert.equal((await t.alice.post('/users/me/workspaces/sh/stop')).status, 202);
    await ended;
    await settled(t.alice, 'me', 'sh');
  });

  it('refuses a stopped workspace with an error that says how to start it', async () => {
    await t.alice.post('/users/me/workspaces/sh/stop');
    await settled(t.alice, 'me', 'sh');
    await assert.rejects(
      run(aliceClient, 'me', 'sh', ['true']),
      (error: HearthApiError) => error.code === 'workspace_stopped' && /hearth start sh/.test(error.message),
    );
  });

  it('refuses a revoked token before upgrading', async () => {
    const token = (await t.alice.post('/tokens', { name: 'gone' })).body;
    await t.alice.delete(`/tokens/${token.id}`);
    const revoked = new HearthClient({ url: t.hearth.server.url, token: token.token });
    await assert.rejects(run(revoked, 'me', 'sh', ['true']), (error: HearthApiError) => error.status === 401);
  });
});
