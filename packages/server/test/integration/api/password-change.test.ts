/**
 * A password change ends the user's other login sessions (CLI logins and dashboard cookies), and the
 * streams they opened within a second; the session that made the change, API tokens and other
 * users' sessions stay.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addMember, PASSWORD, useHearth } from '../../support/hearth.js';
import { listWatchStream, timeEnd } from '../../support/streams.js';

const WITHIN_MS = 1_000;
const NEW_PASSWORD = 'battery staple horse';

describe('a password change ends the other sessions of its user', () => {
  const t = useHearth();
  const url = () => t.hearth.server.url;
  const login = async (username: string) => {
    const answer = await t.hearth.api.post('/auth/login', { username, password: PASSWORD });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body.token as string;
  };
  /** Signs in as the dashboard does; answers the session cookie it sets. */
  const dashboardCookie = async (username: string) => {
    const response = await fetch(`${url()}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hearth-client': 'web' },
      body: JSON.stringify({ username, password: PASSWORD }),
    });
    assert.equal(response.status, 200);
    return response.headers.get('set-cookie')!.split(';')[0]!;
  };
  const meWithCookie = async (cookie: string) =>
    (await fetch(`${url()}/api/v1/users/me`, { headers: { cookie } })).status;

  it('revokes the other sessions and cookies, ends their streams, keeps the changing one and API tokens', async () => {
    const bob = await addMember(t.alice, 'bob');
    const changer = t.alice.as(await login('bob'));
    const other = t.alice.as(await login('bob'));
    const cookie = await dashboardCookie('bob');
    const apiToken = await bob.post('/tokens', { name: 'ci', lifetime: '1d' });
    assert.equal(apiToken.status, 201);
    const aliceSession = t.alice.as(await login('alice'));
    const stream = await listWatchStream(url(), other.token!);
    assert.equal(await meWithCookie(cookie), 200);

    const ended = timeEnd(stream, async () => {
      const changed = await changer.put('/users/me/password', {
        currentPassword: PASSWORD,
        newPassword: NEW_PASSWORD,
      });
      assert.equal(changed.status, 204, JSON.stringify(changed.body));
    });
    const { ms, message } = await Promise.race([
      ended,
      new Promise<{ ms: number; message: string }>((resolve) =>
        setTimeout(() => resolve({ ms: Infinity, message: 'still open' }), 5 * WITHIN_MS).unref(),
      ),
    ]);
    stream.close();
    assert.match(message, /^access_revoked: .*revoked/);
    assert.ok(ms < WITHIN_MS, `the other session's stream ended after ${ms} ms`);

    assert.equal((await other.get('/users/me')).status, 401);
    assert.equal((await bob.get('/users/me')).status, 401, 'the session addMember logged in with');
    assert.equal(await meWithCookie(cookie), 401);
    assert.equal((await changer.get('/users/me')).status, 200);
    assert.equal((await t.alice.as(apiToken.body.token).get('/users/me')).status, 200);
    assert.equal((await aliceSession.get('/users/me')).status, 200);
    assert.equal((await t.alice.get('/users/me')).status, 200);
    const again = await t.hearth.api.post('/auth/login', { username: 'bob', password: NEW_PASSWORD });
    assert.equal(again.status, 200);
  });

  it('changes nothing when the current password is wrong', async () => {
    const carol = await addMember(t.alice, 'carol');
    const other = t.alice.as(await login('carol'));
    const wrong = await carol.put('/users/me/password', {
      currentPassword: 'not the password',
      newPassword: NEW_PASSWORD,
    });
    assert.equal(wrong.status, 401);
    assert.equal((await other.get('/users/me')).status, 200);
  });
});
