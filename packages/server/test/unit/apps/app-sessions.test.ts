import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppSessions, TICKET_TTL_MS } from '../../../src/apps/app-sessions.js';
import type { Actor } from '../../../src/identity/actor.js';

const actor: Actor = {
  id: 'u1',
  username: 'bob',
  siteAdmin: false,
  tokenId: 't1',
  tokenKind: 'session',
  tokenExpiresAt: '2030-01-01T00:00:00.000Z',
  workspace: null,
};

describe('AppSessions', () => {
  const at = (iso: string) => ({ now: () => new Date(iso) });

  it('given a ticket, when redeemed on its host, then it works once and the session is that host’s only', () => {
    const sessions = new AppSessions(at('2029-01-01T00:00:00Z'));
    const ticket = sessions.issue(actor, 'web--api--bob.localhost:1');
    assert.equal(sessions.redeem(ticket, 'other--api--bob.localhost:1'), undefined);
    const again = sessions.issue(actor, 'web--api--bob.localhost:1');
    const id = sessions.redeem(again, 'web--api--bob.localhost:1')!;
    assert.equal(sessions.redeem(again, 'web--api--bob.localhost:1'), undefined);
    assert.equal(sessions.viewer(id, 'web--api--bob.localhost:1')?.id, 'u1');
    assert.equal(sessions.viewer(id, 'other--api--bob.localhost:1'), undefined);
    assert.equal(sessions.viewer(ticket, 'web--api--bob.localhost:1'), undefined);
  });

  it('given an old ticket, when redeemed, then it is refused', () => {
    let now = Date.parse('2029-01-01T00:00:00Z');
    const sessions = new AppSessions({ now: () => new Date(now) });
    const ticket = sessions.issue(actor, 'h');
    now += TICKET_TTL_MS;
    assert.equal(sessions.redeem(ticket, 'h'), undefined);
  });

  it('given a session, when its token expires or is revoked, then it ends and listeners hear of it', () => {
    let now = Date.parse('2029-01-01T00:00:00Z');
    const sessions = new AppSessions({ now: () => new Date(now) });
    const ended: string[] = [];
    sessions.onEnded((id) => ended.push(id));
    const a = sessions.redeem(sessions.issue(actor, 'h'), 'h')!;
    const b = sessions.redeem(sessions.issue({ ...actor, tokenId: 't2' }, 'h'), 'h')!;
    sessions.revoked({ kind: 'token', tokenId: 't1' });
    assert.deepEqual(ended, [a]);
    assert.equal(sessions.viewer(a, 'h'), undefined);
    assert.ok(sessions.viewer(b, 'h'));
    now = Date.parse('2030-01-01T00:00:00Z');
    assert.equal(sessions.viewer(b, 'h'), undefined);
    assert.deepEqual(ended, [a, b]);
  });
});
