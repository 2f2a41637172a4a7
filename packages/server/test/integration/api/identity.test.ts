import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Api } from '../../support/api.js';
import { ManualClock } from '../../support/clock.js';
import {
  addMember,
  PASSWORD,
  removeDir,
  setupAlice,
  startHearth,
  type TestHearth,
} from '../../support/hearth.js';

describe('identity over the HTTP API', () => {
  const clock = new ManualClock();
  let hearth: TestHearth;
  let alice: Api;

  before(async () => {
    hearth = await startHearth({ clock });
  });
  after(async () => {
    await hearth.close();
    await removeDir(hearth.dataDir);
  });

  it('given an empty server, setup is required, works once, and then refuses', async () => {
    assert.deepEqual((await hearth.api.get('/setup')).body, { setupRequired: true });
    alice = await setupAlice(hearth.api);
    const me = await alice.get('/users/me');
    assert.equal(me.status, 200);
    assert.equal(me.body.username, 'alice');
    assert.equal(me.body.siteAdmin, true);
    assert.deepEqual(me.body.orgs, [{ name: 'default', role: 'admin' }]);
    const again = await hearth.api.post('/setup', {
      username: 'mallory',
      email: 'm@example.com',
      password: PASSWORD,
    });
    assert.equal(again.status, 409);
    assert.equal(again.body.code, 'setup_done');
    assert.deepEqual((await hearth.api.get('/setup')).body, { setupRequired: false });
  });

  it('rejects bad setup and user input with a clear message', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ username: 'Bad_Name', email: 'b@example.com', password: PASSWORD }, /not a DNS label/],
      [{ username: 'bob', email: 'not-an-email', password: PASSWORD }, /not an email address/],
      [{ username: 'bob', email: 'b@example.com', password: 'short' }, /at least 8 characters/],
      [{ username: 'bob', email: 'b@example.com' }, /password/],
    ];
    for (const [body, message] of cases) {
      const answer = await alice.post('/users', body);
      assert.equal(answer.status, 400, JSON.stringify(answer.body));
      assert.equal(answer.body.code, 'invalid_input');
      assert.match(answer.body.message, message);
    }
    assert.equal((await alice.get('/users')).body.length, 1, 'nothing was created');
  });

  it('answers a malformed JSON body with 400 and says it is not JSON', async () => {
    const answer = await alice.request('POST', '/users', undefined, '{"username": ');
    assert.equal(answer.status, 400);
    assert.equal(answer.body.code, 'invalid_input');
    assert.match(answer.body.message, /not valid JSON/);
  });

  it('refuses a wrong password, and rate-limits repeated failures', async () => {
    await addMember(alice, 'bob');
    const wrong = await hearth.api.post('/auth/login', { username: 'bob', password: 'wrong password' });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.code, 'invalid_credentials');
    const unknown = await hearth.api.post('/auth/login', { username: 'nobody', password: 'wrong password' });
    assert.equal(unknown.status, 401, 'unknown users get the same answer');
    for (let i = 0; i < 4; i++)
      await hearth.api.post('/auth/login', { username: 'bob', password: 'wrong password' });
    const limited = await hearth.api.post('/auth/login', { username: 'bob', password: PASSWORD });
    assert.equal(limited.status, 429);
    assert.equal(limited.body.code, 'rate_limited');
    assert.match(limited.body.message, /try again in \d+s/);
    clock.advance(61_000);
    const ok = await hearth.api.post('/auth/login', { username: 'bob', password: PASSWORD });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
  });

  it('issues named API tokens that work until revoked', async () => {
    const created = await alice.post('/tokens', { name: 'ci', lifetime: '30d' });
    assert.equal(created.status, 201);
    assert.match(created.body.token, /^hth_/);
    const ci = alice.as(created.body.token);
    assert.equal((await ci.get('/users/me')).body.username, 'alice');
    const listed = await alice.get('/tokens');
    assert.deepEqual(
      listed.body.map((t: { name: string }) => t.name),
      ['ci'],
    );
    assert.equal(JSON.stringify(listed.body).includes(created.body.token), false, 'secrets are never listed');
    assert.equal((await alice.delete(`/tokens/${created.body.id}`)).status, 204);
    const revoked = await ci.get('/users/me');
    assert.equal(revoked.status, 401);
    assert.equal(revoked.body.code, 'unauthenticated');
    assert.equal((await alice.delete(`/tokens/${created.body.id}`)).status, 404);
  });

  it('stops accepting a token once it has expired', async () => {
    const created = await alice.post('/tokens', { name: 'short', lifetime: '1h' });
    const short = alice.as(created.body.token);
    assert.equal((await short.get('/users/me')).status, 200);
    clock.advance(61 * 60_000);
    const expired = await short.get('/users/me');
    assert.equal(expired.status, 401);
    assert.match(expired.body.message, /expired or revoked/);
  });

  it('rejects bad token lifetimes and missing or garbage tokens', async () => {
    for (const lifetime of ['banana', '-5m', '400d', '0s']) {
      const answer = await alice.post('/tokens', { name: 'x', lifetime });
      assert.equal(answer.status, 400, lifetime);
    }
    // One rule, said the same way whatever the number: from 1s to 365d.
    for (const [lifetime, message] of [
      ['366d', /^lifetime "366d" is too long: at most 365d$/],
      ['3650d', /^lifetime "3650d" is too long: at most 365d$/],
      ['99999d', /^lifetime "99999d" is too long: at most 365d$/],
      ['1ms', /^lifetime "1ms" is too short: a token lives from 1s to 365d$/],
      ['0s', /too short/],
    ] as const) {
      const answer = await alice.post('/tokens', { name: 'x', lifetime });
      assert.equal(answer.status, 400, lifetime);
      assert.match(answer.body.message, message);
    }
    assert.equal((await alice.post('/tokens', { name: 'x', lifetime: '1s' })).status, 201);
    assert.equal((await hearth.api.get('/users/me')).status, 401);
    assert.equal((await alice.as('hth_garbage').get('/users/me')).status, 401);
  });

  it('lets a site admin suspend a user, whose tokens then stop working', async () => {
    const carol = await addMember(alice, 'carol');
    assert.equal((await carol.get('/users/me')).status, 200);
    assert.equal((await alice.post('/users/carol/suspend')).body.suspended, true);
    assert.equal((await carol.get('/users/me')).status, 403);
    const login = await hearth.api.post('/auth/login', { username: 'carol', password: PASSWORD });
    assert.equal(login.body.code, 'user_suspended');
    assert.equal((await alice.post('/users/carol/activate')).body.suspended, false);
    assert.equal((await carol.get('/users/me')).status, 200);
    assert.equal((await carol.post('/users/alice/suspend')).status, 403, 'members cannot suspend');
  });

  it('manages orgs and members, with admin-only changes', async () => {
    const created = await alice.post('/orgs', { name: 'platform' });
    assert.equal(created.status, 201);
    assert.equal((await alice.post('/orgs', { name: 'platform' })).status, 409);
    const put = await alice.put('/orgs/platform/members/bob', { role: 'member' });
    assert.equal(put.status, 200);
    assert.deepEqual([put.body.username, put.body.role], ['bob', 'member']);
    const members = await alice.get('/orgs/platform/members');
    assert.deepEqual(
      members.body.map((m: { username: string; role: string }) => [m.username, m.role]),
      [
        ['alice', 'admin'],
        ['bob', 'member'],
      ],
    );
    const bob = await hearth.api
      .post('/auth/login', { username: 'bob', password: PASSWORD })
      .then((a) => alice.as(a.body.token));
    assert.deepEqual(
      (await bob.get('/orgs')).body.map((o: { name: string }) => o.name),
      ['default', 'platform'],
    );
    assert.equal((await bob.put('/orgs/platform/members/carol', {})).status, 403);
    assert.equal((await bob.patch('/orgs/platform/limits', { maxCpu: 4 })).status, 403);
    const limits = await alice.patch('/orgs/platform/limits', { maxCpu: '4', maxMemory: '8GiB' });
    assert.equal(limits.body.limits.maxCpu, 4);
    assert.equal(limits.body.limits.maxMemory, 8 * 2 ** 30);
    assert.equal((await alice.delete('/orgs/platform/members/bob')).status, 204);
    assert.equal((await alice.delete('/orgs/platform/members/bob')).status, 404);
    assert.equal((await bob.get('/orgs/platform/members')).status, 404, 'non-members do not see the org');
  });

  it('serves its OpenAPI document, generated from the route schemas', async () => {
    const doc = await hearth.api.get('/openapi.json');
    assert.equal(doc.status, 200);
    assert.equal(doc.body.openapi, '3.0.3');
    assert.deepEqual(doc.body.servers, [{ url: '/api/v1' }]);
    assert.ok(doc.body.paths['/workspaces'].post.requestBody, 'create workspace documents its body');
    assert.ok(doc.body.paths['/users/{user}/workspaces/{name}/rebuild'], 'rebuild is documented');
  });
});
