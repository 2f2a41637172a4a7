/**
 * Credentials that stop being valid end what they opened, within a second and with a message:
 * watch SSE, exec and terminal WebSockets and SSH, on revocation, logout, expiry-by-revocation of
 * workspace tokens (rebuild, stop), suspension, demotion and removal from the org. And the scope
 * of the token injected into every workspace, the meaning of removal, and who joins whom to an org.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { type HearthApiError, HearthClient } from '@hearth/sdk';
import { LABELS } from '../../../src/runtime/runtime.js';
import type { Api } from '../../support/api.js';
import { addMember, PASSWORD, settled, shell, useHearth } from '../../support/hearth.js';
import {
  execStream,
  listWatchStream,
  sshStream,
  terminalStream,
  timeEnd,
  watchStream,
} from '../../support/streams.js';

const WITHIN_MS = 1_000;

describe('revocation ends streams; workspace tokens are scoped; membership means something', () => {
  const t = useHearth();
  let ops: Api;
  let dev: Api;
  const url = () => t.hearth.server.url;

  const workspaceToken = async (id: string) => {
    const [container] = await t.hearth.runtime.listContainers({ [LABELS.workspaceId]: id });
    const result = await shell(t.hearth.runtime, container!.id, 'cat /run/hearth/user/cli/session.json');
    return JSON.parse(result.stdout).token as string;
  };
  const apiToken = async (api: Api, name: string) => {
    const created = await api.post('/tokens', { name, lifetime: '1d' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return created.body as { id: string; token: string };
  };
  const login = async (username: string) =>
    (await t.hearth.api.post('/auth/login', { username, password: PASSWORD })).body.token as string;

  let boxId: string;
  let devBoxId: string;
  before(async () => {
    ops = await addMember(t.alice, 'ops');
    assert.equal((await t.alice.put('/orgs/default/members/ops', { role: 'admin' })).status, 200);
    dev = await addMember(t.alice, 'dev');
    await addMember(t.alice, 'stranger');
    assert.equal((await t.alice.post('/orgs', { name: 'other' })).status, 201);
    assert.equal((await t.alice.delete('/orgs/default/members/stranger')).status, 204);
    const box = await t.alice.post('/workspaces', {
      name: 'box',
      image: 'hearth-demo:latest',
      org: 'default',
    });
    assert.equal(box.status, 201, JSON.stringify(box.body));
    const devBox = await dev.post('/workspaces', { name: 'devbox', image: 'hearth-demo:latest' });
    assert.equal(devBox.status, 201, JSON.stringify(devBox.body));
    t.created.add(box.body.id);
    t.created.add(devBox.body.id);
    boxId = box.body.id;
    devBoxId = devBox.body.id;
    assert.equal((await settled(t.alice, 'me', 'box')).state, 'running');
    assert.equal((await settled(dev, 'me', 'devbox')).state, 'running');
  });

  it('gives the workspace token only its own workspace, never its site-admin owner’s rights', async () => {
    const inside = t.alice.as(await workspaceToken(boxId));
    const me = await inside.get('/users/me');
    assert.equal(me.status, 200);
    assert.equal(me.body.username, 'alice');
    assert.equal((await inside.get('/users/me/workspaces/box')).status, 200);
    assert.equal((await inside.get('/users/alice/workspaces/box/builds')).status, 200);
    assert.equal((await inside.post('/users/me/workspaces/box/keepalive')).status, 200);
    for (const [method, path, body] of [
      ['POST', '/tokens', { name: 'persist', lifetime: '365d' }],
      ['PUT', '/users/me/secrets/X', { value: 'x' }],
      ['PUT', '/users/me/dotfiles', { url: 'https://attacker.invalid/dots.git' }],
      ['POST', '/users/me/ssh-keys', { publicKey: 'ssh-ed25519 AAAA' }],
      ['POST', '/users', { username: 'evil', email: 'e@example.com', password: PASSWORD, siteAdmin: true }],
      ['GET', '/users/dev/workspaces/devbox', undefined],
      ['GET', '/workspaces', undefined],
      ['DELETE', '/users/me/workspaces/box', undefined],
    ] as const) {
      const answer = await inside.request(method, path, body);
      assert.equal(answer.status, 403, `${method} ${path}: ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.code, 'token_scope');
      assert.match(answer.body.message, /needs your own login.*hearth login/);
    }
    assert.equal((await t.alice.get('/users')).body.length, 4, 'no user was created');
    assert.deepEqual((await t.alice.get('/tokens')).body, [], 'no token was minted');
  });

  it('refuses a workspace token with a 403 before the request body is even looked at', async () => {
    const inside = t.alice.as(await workspaceToken(boxId));
    assert.equal((await inside.request('POST', '/tokens', undefined, '{not json')).body.code, 'token_scope');
  });

  it('ends a watch, an exec, a terminal and an SSH session within a second of revoking their token', async () => {
    for (const open of [watchStream, execStream, terminalStream, sshStream]) {
      const { id, token } = await apiToken(t.alice, `rev-${open.name.toLowerCase()}`);
      const stream = await open(url(), token, 'alice', 'box');
      const { ms, message } = await timeEnd(stream, () => t.alice.delete(`/tokens/${id}`));
      assert.match(message, /revoked/, open.name);
      assert.ok(ms < WITHIN_MS, `${open.name} ended after ${ms} ms`);
    }
  });

  it('ends the live workspace list within a second of revoking its token, and at logout', async () => {
    const { id, token } = await apiToken(t.alice, 'rev-list');
    const list = await listWatchStream(url(), token);
    const { ms, message } = await timeEnd(list, () => t.alice.delete(`/tokens/${id}`));
    assert.match(message, /^access_revoked: .*revoked/);
    assert.ok(ms < WITHIN_MS, `the list watch ended after ${ms} ms`);
    const session = await login('alice');
    const again = await listWatchStream(url(), session);
    assert.equal((await t.alice.as(session).post('/auth/logout')).status, 204);
    assert.match(await again.ended, /^access_revoked: .*revoked/);
  });

  it('ends streams of a session that logs out', async () => {
    const session = await login('alice');
    const watch = await watchStream(url(), session, 'me', 'box');
    const terminal = await terminalStream(url(), session, 'me', 'box');
    assert.equal((await t.alice.as(session).post('/auth/logout')).status, 204);
    assert.match(await watch.ended, /^access_revoked: .*revoked/);
    assert.match(await terminal.ended, /^access_revoked: .*revoked/);
  });

  it('ends a watch opened with a workspace token when a rebuild revokes that token', async () => {
    const inside = await workspaceToken(boxId);
    const watch = await watchStream(url(), inside, 'me', 'box');
    const { ms, message } = await timeEnd(watch, () => t.alice.post('/users/me/workspaces/box/rebuild'));
    assert.match(message, /^access_revoked: .*revoked/);
    assert.ok(ms < 15_000, `ended after ${ms} ms`);
    assert.equal((await settled(t.alice, 'me', 'box')).state, 'running');
  });

  it('ends an org admin’s watch of a member’s workspace when they are demoted, and a suspended user’s', async () => {
    const watch = await watchStream(url(), ops.token!, 'dev', 'devbox');
    const demoted = await timeEnd(watch, () => t.alice.put('/orgs/default/members/ops', { role: 'member' }));
    assert.match(demoted.message, /^access_revoked: hearth: ops is no longer an admin of org default/);
    assert.ok(demoted.ms < WITHIN_MS, `ended after ${demoted.ms} ms`);
    assert.equal((await ops.get('/users/dev/workspaces/devbox')).status, 404);

    assert.equal((await t.alice.put('/orgs/default/members/ops', { role: 'admin' })).status, 200);
    const again = await watchStream(url(), ops.token!, 'dev', 'devbox');
    const suspended = await timeEnd(again, () => t.alice.post('/users/ops/suspend'));
    assert.match(suspended.message, /^access_revoked: hearth: user ops is suspended/);
    assert.ok(suspended.ms < WITHIN_MS, `ended after ${suspended.ms} ms`);
    assert.equal((await t.alice.post('/users/ops/activate')).status, 200);
  });

  it('lets an org admin change roles of members only, answering alike for unknown and other users', async () => {
    const opsNow = t.alice.as(await login('ops'));
    const stranger = await opsNow.put('/orgs/default/members/stranger', { role: 'member' });
    const nobody = await opsNow.put('/orgs/default/members/nobody', { role: 'member' });
    assert.equal(stranger.status, 404);
    assert.deepEqual(
      { ...stranger.body, requestId: undefined, message: stranger.body.message.replace('stranger', 'X') },
      { ...nobody.body, requestId: undefined, message: nobody.body.message.replace('nobody', 'X') },
    );
    assert.ok(
      !(await opsNow.get('/orgs/default/members')).body.some(
        (m: { username: string }) => m.username === 'stranger',
      ),
    );
    const gone = await opsNow.delete('/orgs/default/members/stranger');
    const unknown = await opsNow.delete('/orgs/default/members/nobody');
    assert.equal(gone.body.code, unknown.body.code);
    assert.equal((await t.alice.put('/orgs/other/members/stranger', { role: 'member' })).status, 200);
  });

  it('keeps one workspace’s failed logins from locking a user out elsewhere, or other workspaces out', async () => {
    const socket = `unix://${join(t.hearth.dataDir, 'run', 'hearth.sock')}`;
    const fromBox = new HearthClient({ url: socket, token: await workspaceToken(boxId) });
    const fromDevBox = new HearthClient({ url: socket, token: await workspaceToken(devBoxId) });
    const codes = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const error = await fromBox
        .login({ username: 'stranger', password: 'guess' })
        .catch((e: HearthApiError) => e);
      codes.add((error as HearthApiError).code);
    }
    assert.deepEqual(
      [...codes],
      ['invalid_credentials', 'rate_limited'],
      'the guessing workspace is slowed down',
    );
    assert.equal(
      (await t.hearth.api.post('/auth/login', { username: 'stranger', password: PASSWORD })).status,
      200,
    );
    assert.equal(
      (await fromDevBox.login({ username: 'stranger', password: PASSWORD })).user.username,
      'stranger',
    );
  });

  it('ends the sessions of a removed member, who keeps the workspace but can only look at it', async () => {
    const exec = await execStream(url(), dev.token!, 'me', 'devbox');
    const ssh = await sshStream(url(), dev.token!, 'me', 'devbox');
    const removed = await timeEnd(exec, () => t.alice.delete('/orgs/default/members/dev'));
    assert.match(removed.message, /^access_revoked: hearth: dev is no longer a member of org default/);
    assert.ok(removed.ms < WITHIN_MS, `ended after ${removed.ms} ms`);
    assert.match(await ssh.ended, /dev is no longer a member of org default/);

    assert.equal((await dev.get('/users/me/workspaces/devbox')).body.state, 'running');
    for (const [method, path, body] of [
      ['POST', '/users/me/workspaces/devbox/rebuild', { cpu: 2 }],
      ['POST', '/users/me/workspaces/devbox/stop', undefined],
      ['DELETE', '/users/me/workspaces/devbox', undefined],
    ] as const) {
      const answer = await dev.request(method, path, body);
      assert.equal(answer.status, 403, `${method} ${path}`);
      assert.match(answer.body.message, /no longer a member of org default/);
    }
    await assert.rejects(execStream(url(), dev.token!, 'me', 'devbox'));
    // The org's admins still see and manage it.
    assert.equal((await ops.get('/users/dev/workspaces/devbox')).status, 200);
    assert.ok((await ops.get('/workspaces?org=default')).body.some((w: { id: string }) => w.id === devBoxId));
  });
});
