import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { revocationMessage, revokes, type SshGrant } from '../../../src/access/ssh-grant.js';
import type { Revocation } from '../../../src/identity/revocations.js';

const byToken: SshGrant = { userId: 'u1', credential: { kind: 'token', id: 't1' } };
const byKey: SshGrant = { userId: 'u1', credential: { kind: 'ssh_key', id: 'k1' } };
const suspended: Revocation = { kind: 'user', userId: 'u1', username: 'alice' };
const token: Revocation = { kind: 'token', tokenId: 't1' };
const key: Revocation = { kind: 'ssh_key', keyId: 'k1', name: 'laptop', fingerprint: 'SHA256:abc' };

describe('revokes', () => {
  it('given a suspended user, then every connection of theirs ends, whatever let it in', () => {
    assert.equal(revokes(suspended, byToken), true);
    assert.equal(revokes(suspended, byKey), true);
    assert.equal(revokes({ ...suspended, userId: 'u2' }, byToken), false);
  });

  it('given a revoked token or removed key, then only connections that credential opened end', () => {
    assert.equal(revokes(token, byToken), true);
    assert.equal(revokes(token, byKey), false);
    assert.equal(revokes({ kind: 'token', tokenId: 't2' }, byToken), false);
    assert.equal(revokes(key, byKey), true);
    assert.equal(revokes(key, byToken), false);
    // Ids of different kinds never match each other, even when equal.
    assert.equal(revokes({ kind: 'token', tokenId: 'k1' }, byKey), false);
  });
});

describe('revocationMessage', () => {
  it('given each revocation, then the message says what happened and how to get back in', () => {
    assert.match(revocationMessage(suspended), /^hearth: user alice is suspended; .*site admin can activate/);
    assert.match(revocationMessage(token), /^hearth: the token or login session .* revoked; .*hearth login/);
    assert.match(
      revocationMessage(key),
      /^hearth: the SSH key "laptop" \(SHA256:abc\) .* removed; .*hearth sshkeys add/,
    );
  });
});
