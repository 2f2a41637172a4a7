import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { watchCredential } from '../../../src/access/credential-watch.js';
import type { SshGrant } from '../../../src/access/ssh-grant.js';
import { InProcessPubSub } from '../../../src/coordination/in-process/pubsub.js';
import { Revocations } from '../../../src/identity/revocations.js';

const NOW = new Date('2026-12-01T10:00:00Z');
const clock = { now: () => NOW };
const grant: SshGrant = {
  userId: 'u1',
  credential: { kind: 'token', id: 't1' },
  expiresAt: new Date(NOW.getTime() + 3_600_000),
};
const membership = {
  kind: 'membership',
  userId: 'u1',
  username: 'ops',
  orgId: 'o1',
  org: 'default',
  change: 'demoted',
} as const;
const settle = () => new Promise((resolve) => setImmediate(resolve));

function watch(stillAllowed: boolean, g: SshGrant = grant) {
  const revocations = new Revocations(new InProcessPubSub());
  const ended: string[] = [];
  const stop = watchCredential(
    { revocations, clock },
    g,
    async () => stillAllowed,
    (m) => ended.push(m),
  );
  return { revocations, ended, stop };
}

describe('watchCredential', () => {
  it('given its token revoked, then ends once, saying so; other tokens leave it alone', () => {
    const w = watch(true);
    w.revocations.revoked({ kind: 'token', tokenId: 't2' });
    assert.deepEqual(w.ended, []);
    w.revocations.revoked({ kind: 'token', tokenId: 't1' });
    w.revocations.revoked({ kind: 'user', userId: 'u1', username: 'ops' });
    assert.equal(w.ended.length, 1);
    assert.match(w.ended[0]!, /was revoked/);
  });

  it('given a membership change of its user, then ends only if access is gone', async () => {
    const kept = watch(true);
    kept.revocations.revoked(membership);
    await settle();
    assert.deepEqual(kept.ended, []);
    const lost = watch(false);
    lost.revocations.revoked(membership);
    await settle();
    assert.deepEqual(lost.ended, ['hearth: ops is no longer an admin of org default; the session is closed']);
  });

  it('given an expired token, then ends at once; once stopped, nothing ends it', () => {
    const expired = watch(true, { ...grant, expiresAt: new Date(NOW.getTime() - 1) });
    assert.match(expired.ended[0] ?? '', /expired/);
    const stopped = watch(true);
    stopped.stop();
    stopped.revocations.revoked({ kind: 'token', tokenId: 't1' });
    assert.deepEqual(stopped.ended, []);
  });
});
