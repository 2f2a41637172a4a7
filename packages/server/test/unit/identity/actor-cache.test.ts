// Tests src/identity/actor-cache.ts: what a remembered actor survives (nothing that revokes it)
// and what it does not (expiry, its time to live, a revocation, a revocation that raced its read).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Actor } from '../../../src/identity/actor.js';
import { ActorCache } from '../../../src/identity/actor-cache.js';

const actor = (id: string, tokenId: string): Actor => ({
  id,
  username: `name-${id}`,
  siteAdmin: false,
  tokenId,
  tokenKind: 'api',
  tokenExpiresAt: new Date(1e12).toISOString(),
  workspace: null,
});
const entry = (a: Actor, expiresAtMs = 1e12) => ({ actor: a, expiresAtMs, lastUsedMs: 0 });

describe('ActorCache', () => {
  it('answers a remembered actor until its time to live is over', () => {
    const cache = new ActorCache(5_000);
    cache.remember('h1', entry(actor('u1', 't1')), cache.generation, 1_000);
    assert.equal(cache.get('h1', 5_999)?.actor.tokenId, 't1');
    assert.equal(cache.get('h1', 6_000), undefined);
    assert.equal(cache.get('h1', 1_000), undefined, 'gone once expired');
  });

  it('never answers a token after it expires, whatever the time to live', () => {
    const cache = new ActorCache(60_000);
    cache.remember('h1', entry(actor('u1', 't1'), 2_000), cache.generation, 1_000);
    assert.ok(cache.get('h1', 1_999));
    assert.equal(cache.get('h1', 2_000), undefined);
  });

  it('does not answer for a clock that went back before the entry was made', () => {
    const cache = new ActorCache(5_000);
    cache.remember('h1', entry(actor('u1', 't1')), cache.generation, 10_000);
    assert.equal(cache.get('h1', 9_000), undefined);
  });

  it("forgets a revoked token at once, and only that token's entry", () => {
    const cache = new ActorCache(5_000);
    cache.remember('h1', entry(actor('u1', 't1')), cache.generation, 0);
    cache.remember('h2', entry(actor('u1', 't2')), cache.generation, 0);
    cache.revoked({ kind: 'token', tokenId: 't1' });
    assert.equal(cache.get('h1', 1), undefined);
    assert.equal(cache.get('h2', 1)?.actor.tokenId, 't2');
  });

  it("forgets every token of a suspended user, and no one else's", () => {
    const cache = new ActorCache(5_000);
    cache.remember('h1', entry(actor('u1', 't1')), cache.generation, 0);
    cache.remember('h2', entry(actor('u1', 't2')), cache.generation, 0);
    cache.remember('h3', entry(actor('u2', 't3')), cache.generation, 0);
    cache.revoked({ kind: 'user', userId: 'u1', username: 'name-u1' });
    assert.equal(cache.get('h1', 1), undefined);
    assert.equal(cache.get('h2', 1), undefined);
    assert.equal(cache.get('h3', 1)?.actor.id, 'u2');
  });

  it('does not remember an actor read before a revocation announced while it was read', () => {
    const cache = new ActorCache(5_000);
    const before = cache.generation;
    cache.revoked({ kind: 'token', tokenId: 't1' });
    cache.remember('h1', entry(actor('u1', 't1')), before, 0);
    assert.equal(cache.get('h1', 1), undefined);
    cache.remember('h1', entry(actor('u1', 't1')), cache.generation, 0);
    assert.ok(cache.get('h1', 1), 'a read after the revocation is remembered');
  });
});
