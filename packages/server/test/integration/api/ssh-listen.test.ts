/**
 * The plain SSH listener (`--ssh-listen`) with an ssh2 client, and revocations ending open
 * connections on both entry points: public-key logins (real signatures, forged ones, passwords),
 * the SSH user naming the workspace, refusals that reveal nothing about others' workspaces, and
 * suspension, logout and key removal closing what they had let in.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { before, describe, it } from 'node:test';
import { HearthClient } from '@hearth/sdk';
import ssh2, { type ParsedKey } from 'ssh2';
import type { Api } from '../../support/api.js';
import {
  addMember,
  PASSWORD,
  removeDir,
  removeLeftovers,
  settled,
  setupAlice,
  startHearth,
  useHearth,
} from '../../support/hearth.js';
import { connectSsh, execSsh, loginSsh, openSession, sshKeyPair } from '../../support/ssh.js';

type KeyPair = { private: string; public: string };
const keyPair = (comment: string): KeyPair => sshKeyPair('ed25519', comment);
const parsed = (text: string) => ssh2.utils.parseKey(text) as ParsedKey;

/** An agent that offers one key but signs with another: a login must not pass on the offer alone. */
class ForgingAgent extends ssh2.BaseAgent<ParsedKey> {
  constructor(
    readonly offered: ParsedKey,
    readonly signer: ParsedKey,
  ) {
    super();
  }
  getIdentities(cb: (err: Error | undefined, keys?: ParsedKey[]) => void): void {
    cb(undefined, [this.offered]);
  }
  sign(_key: ParsedKey, data: Buffer, options: unknown, cb?: (err: Error | undefined, sig?: Buffer) => void) {
    const done = (typeof options === 'function' ? options : cb) as (e: Error | undefined, s?: Buffer) => void;
    done(undefined, this.signer.sign(data) as Buffer);
  }
}

describe('plain SSH listener', () => {
  const t = useHearth({ config: { sshListen: { host: '127.0.0.1', port: 0 } } });
  let address: string;
  let hostKey: string;
  let bob: Api;
  const aliceKey = keyPair('alice@laptop');
  const bobKey = keyPair('bob@desk');
  const login = (user: string, key: KeyPair) => loginSsh(address, hostKey, user, { privateKey: key.private });
  const refusedLogin = /All configured authentication methods failed/;

  before(async () => {
    address = t.hearth.server.sshAddress!;
    assert.match(address, /^127\.0\.0\.1:\d+$/);
    hostKey = (await t.alice.get('/ssh/host-key')).body.hostKey;
    bob = await addMember(t.alice, 'bob');
    for (const [api, name, key] of [
      [t.alice, 'box', aliceKey],
      [bob, 'den', bobKey],
    ] as const) {
      const ws = await api.post('/workspaces', { name, image: 'hearth-demo:latest' });
      assert.equal(ws.status, 201, JSON.stringify(ws.body));
      t.created.add(ws.body.id);
      assert.equal((await api.post('/users/me/ssh-keys', { publicKey: key.public })).status, 201);
    }
    await settled(t.alice, 'me', 'box');
    await settled(bob, 'me', 'den');
  });

  it('logs in with a registered key as NAME or OWNER.NAME, as the workspace user, and records the key’s use', async () => {
    for (const user of ['box', 'alice.box']) {
      const conn = await login(user, aliceKey);
      assert.deepEqual(await execSsh(conn, 'id -un; pwd; exit 3'), {
        code: 3,
        stdout: 'dev\n/home/dev\n',
        stderr: '',
      });
      conn.end();
    }
    const [key] = (await t.alice.get('/users/me/ssh-keys')).body;
    assert.ok(key.lastUsedAt, 'lastUsedAt is set');
  });

  it('refuses an unregistered key, a registered key with a forged signature, and passwords', async () => {
    await assert.rejects(login('box', keyPair('stranger')), refusedLogin);
    const agent = new ForgingAgent(parsed(aliceKey.public), parsed(keyPair('forger').private));
    await assert.rejects(loginSsh(address, hostKey, 'box', { agent }), refusedLogin);
    await assert.rejects(loginSsh(address, hostKey, 'box', { password: PASSWORD }), refusedLogin);
  });

  it("answers another user's workspace exactly like a missing one", async () => {
    const answer = async (user: string) => {
      const conn = await login(user, bobKey);
      return execSsh(conn, 'true');
    };
    const others = await answer('alice.box');
    const missing = await answer('alice.nothing');
    assert.equal(others.code, 255);
    assert.match(others.stderr, /^hearth: no workspace named alice\.box; see "hearth list"/);
    assert.equal(others.stderr.replace('alice.box', 'X'), missing.stderr.replace('alice.nothing', 'X'));
    assert.match((await answer('Not_A_Name')).stderr, /ssh NAME@HOST for yours, or OWNER\.NAME@HOST/);
  });

  it('ends a session opened with a key when the key is removed, and the key logs in no more', async () => {
    const extra = keyPair('spare');
    const added = await t.alice.post('/users/me/ssh-keys', { publicKey: extra.public });
    const session = openSession(await login('box', extra), 'echo ready; sleep 600');
    await session.output;
    const other = openSession(await login('box', aliceKey), 'echo ready; sleep 2; echo still here');
    await other.output;
    assert.equal((await t.alice.delete(`/users/me/ssh-keys/${added.body.id}`)).status, 204);
    const ended = await session.ended;
    assert.equal(ended.code, 255);
    assert.match(ended.stderr, /the SSH key "spare" \(SHA256:\S+\) that opened this connection was removed/);
    await assert.rejects(login('box', extra), refusedLogin);
    assert.deepEqual(await other.ended, { code: 0, stdout: 'ready\nstill here\n', stderr: '' });
  });

  it('ends a tunnel session when the login session that opened it logs out', async () => {
    const session = (await t.alice.post('/auth/login', { username: 'alice', password: PASSWORD })).body;
    const client = new HearthClient({ url: t.hearth.server.url, token: session.token });
    const open = openSession(await connectSsh(client, 'me', 'box'), 'echo ready; sleep 600');
    await open.output;
    assert.equal((await t.alice.as(session.token).post('/auth/logout')).status, 204);
    const ended = await open.ended;
    assert.equal(ended.code, 255);
    assert.match(ended.stderr, /the token or login session that opened this connection was revoked/);
  });

  it('ends a tunnel session when the token that opened it expires', async () => {
    const token = (await t.alice.post('/tokens', { name: 'brief', lifetime: '4s' })).body;
    const client = new HearthClient({ url: t.hearth.server.url, token: token.token });
    const open = openSession(await connectSsh(client, 'me', 'box'), 'echo ready; sleep 600');
    await open.output;
    const ended = await open.ended;
    assert.equal(ended.code, 255);
    assert.match(ended.stderr, /the token or login session that opened this connection has expired/);
    assert.ok(Date.now() >= Date.parse(token.expiresAt), 'the session ended before the token expired');
  });

  it('ends every connection of a suspended user, tunnel and listener alike; their keys log in no more', async () => {
    const bobClient = new HearthClient({ url: t.hearth.server.url, token: bob.token! });
    const overTunnel = openSession(await connectSsh(bobClient, 'me', 'den'), 'echo ready; sleep 600');
    const overListener = openSession(await login('den', bobKey), 'echo ready; sleep 600');
    await Promise.all([overTunnel.output, overListener.output]);
    assert.equal((await t.alice.post('/users/bob/suspend')).status, 200);
    for (const ended of await Promise.all([overTunnel.ended, overListener.ended])) {
      assert.equal(ended.code, 255);
      assert.match(ended.stderr, /^hearth: user bob is suspended; the session is closed/);
    }
    await assert.rejects(login('den', bobKey), refusedLogin);
    assert.equal((await t.alice.post('/users/bob/activate')).status, 200);
    const back = await login('den', bobKey);
    assert.equal((await execSsh(back, 'true')).code, 0);
    back.end();
  });

  it('tells the owner of a stopped workspace how to start it', async () => {
    assert.equal((await t.alice.post('/users/me/workspaces/box/stop')).status, 202);
    await settled(t.alice, 'me', 'box');
    const result = await execSsh(await login('box', aliceKey), 'true');
    assert.equal(result.code, 255);
    assert.match(
      result.stderr,
      /^hearth: workspace box is stopped: start it with "hearth start box --wait" \(or connect once with "hearth ssh box --start"\)/,
    );
  });
});

describe('plain SSH listener at shutdown', () => {
  it('ends open sessions over the listener and the tunnel with a message, and stops listening', async () => {
    const hearth = await startHearth({ config: { sshListen: { host: '127.0.0.1', port: 0 } } });
    const ids: string[] = [];
    try {
      const alice = await setupAlice(hearth.api);
      const ws = await alice.post('/workspaces', { name: 'box', image: 'hearth-demo:latest' });
      ids.push(ws.body.id);
      const key = keyPair('alice@laptop');
      await alice.post('/users/me/ssh-keys', { publicKey: key.public });
      await settled(alice, 'me', 'box');
      const address = hearth.server.sshAddress!;
      const hostKey = (await alice.get('/ssh/host-key')).body.hostKey;
      const client = new HearthClient({ url: hearth.server.url, token: alice.token! });
      const sessions = [
        openSession(
          await loginSsh(address, hostKey, 'box', { privateKey: key.private }),
          'echo ready; sleep 600',
        ),
        openSession(await connectSsh(client, 'me', 'box'), 'echo ready; sleep 600'),
      ];
      await Promise.all(sessions.map((s) => s.output));
      await hearth.close();
      for (const ended of await Promise.all(sessions.map((s) => s.ended))) {
        assert.equal(ended.code, 255);
        assert.match(ended.stderr, /^hearth: the Hearth server is shutting down; the session is closed/);
      }
      const at = address.lastIndexOf(':');
      await assert.rejects(
        new Promise((resolve, reject) =>
          connect(Number(address.slice(at + 1)), address.slice(0, at))
            .once('connect', resolve)
            .once('error', reject),
        ),
        /ECONNREFUSED/,
      );
    } finally {
      await removeLeftovers(hearth.runtime, ids);
      await removeDir(hearth.dataDir);
    }
  });
});
