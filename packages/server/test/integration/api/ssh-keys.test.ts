/**
 * Users' SSH public keys through the real API: adding, listing and removing; every bad input
 * answered with a message that says what to do, and changing nothing; one user's key is out of
 * another's reach.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import ssh2 from 'ssh2';
import { sshFingerprint } from '../../../src/core/ssh-keys.js';
import type { Api } from '../../support/api.js';
import { addMember, useHearth } from '../../support/hearth.js';
import { sshKeyPair } from '../../support/ssh.js';

/** A new key pair in OpenSSH format: `public` is the .pub line, `private` the key file. */
function keyPair(comment = 'alice@laptop', type: 'ed25519' | 'ecdsa' = 'ed25519') {
  return sshKeyPair(type, comment);
}

const fingerprintOf = (publicLine: string) =>
  sshFingerprint(Buffer.from(publicLine.split(' ')[1]!, 'base64'));

describe('ssh keys API', () => {
  const t = useHearth();
  let bob: Api;
  const list = async (api: Api) => {
    const answer = await api.get('/users/me/ssh-keys');
    assert.equal(answer.status, 200);
    return answer.body as { id: string; name: string; type: string; fingerprint: string }[];
  };

  before(async () => {
    bob = await addMember(t.alice, 'bob');
  });

  it('adds a key named after its comment, lists it with type and fingerprint, and removes it by name', async () => {
    const key = keyPair();
    const added = await t.alice.post('/users/me/ssh-keys', { publicKey: `${key.public}\n` });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    assert.equal(added.body.name, 'alice@laptop');
    assert.equal(added.body.type, 'ssh-ed25519');
    assert.equal(added.body.fingerprint, fingerprintOf(key.public));
    assert.equal(added.body.lastUsedAt, null);
    const ecdsa = keyPair('', 'ecdsa');
    const named = await t.alice.post('/users/me/ssh-keys', { publicKey: ecdsa.public, name: 'work' });
    assert.equal(named.status, 201, JSON.stringify(named.body));
    assert.deepEqual(
      (await list(t.alice)).map((k) => [k.name, k.type]),
      [
        ['alice@laptop', 'ssh-ed25519'],
        ['work', 'ecdsa-sha2-nistp256'],
      ],
    );
    assert.equal((await t.alice.delete('/users/me/ssh-keys/alice@laptop')).status, 204);
    assert.equal((await t.alice.delete(`/users/me/ssh-keys/${named.body.id}`)).status, 204);
    assert.deepEqual(await list(t.alice), []);
  });

  it('removes a key by its fingerprint, slashes and all', async () => {
    let key = keyPair('slashed');
    while (!fingerprintOf(key.public).includes('/')) key = keyPair('slashed');
    const added = await t.alice.post('/users/me/ssh-keys', { publicKey: key.public });
    assert.equal(added.status, 201);
    const removed = await t.alice.delete(`/users/me/ssh-keys/${encodeURIComponent(added.body.fingerprint)}`);
    assert.equal(removed.status, 204, JSON.stringify(removed.body));
    assert.deepEqual(await list(t.alice), []);
  });

  it('refuses bad keys and names with a message that says what to give instead, changing nothing', async () => {
    const kept = keyPair('kept');
    assert.equal((await t.alice.post('/users/me/ssh-keys', { publicKey: kept.public })).status, 201);
    const before = await list(t.alice);
    const shortRsa = ssh2.utils.generateKeyPairSync('rsa', { bits: 1024 }).public;
    const cases: [string, Record<string, unknown>, number, RegExp][] = [
      ['a private key', { publicKey: keyPair().private }, 400, /private key.*\.pub file/],
      ['garbage', { publicKey: 'hello world' }, 400, /not an OpenSSH public key .*ssh-ed25519 AAAA/],
      ['two keys', { publicKey: `${keyPair().public}\n${keyPair().public}` }, 400, /2 keys given/],
      ['nothing', { publicKey: '' }, 400, /no public key given.*ssh-keygen/],
      ['a short RSA key', { publicKey: shortRsa }, 400, /1024 bits; at least 2048/],
      ['a bad name', { publicKey: keyPair().public, name: 'my key' }, 400, /name "my key" is not valid/],
      ['the same key again', { publicKey: kept.public }, 409, /already registered.*hearth sshkeys list/],
      [
        'a taken name',
        { publicKey: keyPair('kept').public },
        409,
        /already have an SSH key named "kept".*--name/,
      ],
      ['no body field', {}, 400, /publicKey/],
    ];
    for (const [what, body, status, message] of cases) {
      const answer = await t.alice.post('/users/me/ssh-keys', body);
      assert.equal(answer.status, status, `${what}: ${JSON.stringify(answer.body)}`);
      assert.match(answer.body.message, message, what);
    }
    const taken = await bob.post('/users/me/ssh-keys', { publicKey: kept.public });
    assert.equal(taken.status, 409);
    assert.equal(taken.body.code, 'ssh_key_exists');
    // The same answer as to its owner: nobody learns that the key is someone else's.
    const mine = await t.alice.post('/users/me/ssh-keys', { publicKey: kept.public });
    assert.equal(taken.body.message, mine.body.message);
    assert.match(taken.body.message, /already registered.*ssh-keygen -t ed25519/);
    assert.deepEqual(await list(t.alice), before);
    assert.deepEqual(await list(bob), []);
  });

  it("keeps another user's key out of reach: removing it answers as if it did not exist", async () => {
    const [key] = await list(t.alice);
    assert.ok(key);
    for (const ref of [key.id, key.name, key.fingerprint]) {
      const answer = await bob.delete(`/users/me/ssh-keys/${encodeURIComponent(ref)}`);
      assert.equal(answer.status, 404);
      assert.equal(answer.body.code, 'ssh_key_not_found');
      assert.equal(
        answer.body.message,
        `you have no SSH key "${ref}" (give its name or SHA256 fingerprint); see "hearth sshkeys list"`,
      );
    }
    assert.deepEqual(
      (await list(t.alice)).map((k) => k.id),
      [key.id],
    );
  });

  it('documents the routes in OpenAPI with summaries', async () => {
    const doc = (await t.hearth.api.get('/openapi.json')).body;
    const keys = doc.paths['/users/me/ssh-keys'];
    assert.match(keys.get.summary, /SSH public keys/);
    assert.match(keys.post.summary, /Add an SSH public key/);
    assert.match(doc.paths['/users/me/ssh-keys/{key}'].delete.summary, /connections it opened are closed/);
  });
});
